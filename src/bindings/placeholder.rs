//! Placeholders in binding strings: `{argument}` (a tool argument),
//! `{argument|language}` (a tool argument placed inside a vendor's search
//! query language, escaped for it), `{argument|utc}` (a time argument
//! converted to UTC), `{argument|unix_millis}` (a time argument as Unix
//! milliseconds), `{now}` (the time of the call, in UTC; `{now|unix_millis}`
//! as Unix milliseconds), `{setting.name}` (an account setting)
//! and `{step.name:/pointer}` (a value of an earlier step's record).

/// One piece of a binding string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (braces already unescaped).
    Text(String),
    /// The value of the named tool argument: `{email}`.
    Arg(String),
    /// The value of the named tool argument placed inside a query
    /// language, which escapes it or refuses it: `{email|stripe_search}`.
    Escaped {
        /// The argument's name.
        arg: String,
        /// The language's name, as written (checked by the caller).
        escape: String,
    },
    /// The named tool argument, a time, converted to UTC (`…Z`):
    /// `{start|utc}` (Cal.com's `start`).
    ArgUtc(String),
    /// The named tool argument, a time, as Unix milliseconds (digits):
    /// `{earliest|unix_millis}` (HighLevel's free-slots `startDate`).
    ArgUnixMillis(String),
    /// The named time argument plus the named argument's minutes, in UTC:
    /// `{start|utc+duration_minutes}` (an appointment's end).
    ArgUtcPlus {
        /// The time argument.
        arg: String,
        /// The integer argument holding minutes.
        minutes: String,
    },
    /// The time of the call, read from the client's clock when the request
    /// is built: `{now}` or `{now|utc}` (UTC with `Z`), `{now|unix_millis}`
    /// (Unix milliseconds, digits). HubSpot's note `hs_timestamp`.
    Now {
        /// Unix milliseconds rather than UTC text.
        millis: bool,
    },
    /// The value of the named account setting: `{setting.subdomain}`.
    Setting(String),
    /// The value at `pointer` below the record of an earlier step:
    /// `{step.user:/id}`.
    Step {
        /// The step's name.
        step: String,
        /// A JSON pointer below that step's record (`""` is the record).
        pointer: String,
    },
}

/// The prefix of a setting placeholder.
pub const SETTING: &str = "setting.";

/// The prefix of a step placeholder.
pub const STEP: &str = "step.";

/// The time of the call: `{now}`.
pub const NOW: &str = "now";

/// The suffix of an argument given in UTC: `{start|utc}`.
pub const UTC: &str = "|utc";

/// The suffix of an argument given as Unix milliseconds: `{start|unix_millis}`.
pub const UNIX_MILLIS: &str = "|unix_millis";

/// Splits `s` into text and placeholders. `{{` and `}}` are literal braces;
/// an unclosed or empty placeholder is an error (the message says which).
pub fn parse(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if !closed {
                    return Err(format!(
                        "`{s}` has an unclosed `{{` (write `{{{{` for a literal brace)"
                    ));
                }
                let name = name.trim().to_string();
                if name.is_empty() {
                    return Err(format!("`{s}` has an empty placeholder `{{}}`"));
                }
                let piece = piece(s, &name)?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(piece);
            }
            '}' => {
                return Err(format!(
                    "`{s}` has a lone `}}` (write `}}}}` for a literal brace)"
                ))
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// The separator between an argument and its filter: a query language
/// (`{email|stripe_search}`) or `utc` (`{start|utc}`).
pub const ESCAPE: char = '|';

/// What one placeholder's inner text names.
fn piece(s: &str, name: &str) -> Result<Piece, String> {
    if let Some((arg, escape)) = name.split_once(ESCAPE) {
        let (arg, escape) = (arg.trim(), escape.trim());
        if arg == NOW {
            return match escape {
                e if e == &UTC[1..] => Ok(Piece::Now { millis: false }),
                e if e == &UNIX_MILLIS[1..] => Ok(Piece::Now { millis: true }),
                _ => Err(format!(
                    "`{s}`: the time of the call is `{{now}}` or `{{now|utc}}` (UTC, `2026-07-28T12:00:00Z`) or `{{now|unix_millis}}` (Unix milliseconds), not `{{now|{escape}}}`"
                )),
            };
        }
        if arg.starts_with(SETTING) || arg.starts_with(STEP) {
            return Err(format!(
                "`{s}`: only a tool argument takes a query language (`{{email|stripe_search}}`) or `utc` (`{{start|utc}}`), not `{{{arg}}}`"
            ));
        }
        if arg.is_empty() || escape.is_empty() || escape.contains(ESCAPE) {
            return Err(format!(
                "`{s}`: an argument in a query language is `{{<argument>|<language>}}` (`{{email|stripe_search}}`), a time in UTC `{{<argument>|utc}}` (`{{start|utc}}`)"
            ));
        }
        if escape == &UTC[1..] {
            return Ok(Piece::ArgUtc(arg.to_string()));
        }
        if escape == &UNIX_MILLIS[1..] {
            return Ok(Piece::ArgUnixMillis(arg.to_string()));
        }
        if let Some(minutes) = escape
            .strip_prefix(&UTC[1..])
            .and_then(|r| r.strip_prefix('+'))
        {
            let minutes = minutes.trim();
            if minutes.is_empty() || minutes.starts_with(SETTING) || minutes.starts_with(STEP) {
                return Err(format!(
                    "`{s}`: a time plus a length in UTC is `{{<time argument>|utc+<minutes argument>}}` (`{{start|utc+duration_minutes}}`)"
                ));
            }
            return Ok(Piece::ArgUtcPlus {
                arg: arg.to_string(),
                minutes: minutes.to_string(),
            });
        }
        return Ok(Piece::Escaped {
            arg: arg.to_string(),
            escape: escape.to_string(),
        });
    }
    if name == NOW {
        return Ok(Piece::Now { millis: false });
    }
    if let Some(setting) = name.strip_prefix(SETTING) {
        if setting.is_empty() {
            return Err(format!("`{s}`: `{{setting.}}` names no setting"));
        }
        return Ok(Piece::Setting(setting.to_string()));
    }
    if let Some(rest) = name.strip_prefix(STEP) {
        let Some((step, pointer)) = rest.split_once(':') else {
            return Err(format!(
                "`{s}`: a step value is `{{step.<name>:<pointer>}}` (`{{step.user:/id}}`)"
            ));
        };
        if step.is_empty() || !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(format!(
                "`{s}`: a step value is `{{step.<name>:<pointer>}}` with a JSON pointer below the step's record (`{{step.user:/id}}`)"
            ));
        }
        return Ok(Piece::Step {
            step: step.to_string(),
            pointer: pointer.to_string(),
        });
    }
    Ok(Piece::Arg(name.to_string()))
}

/// The argument names a string refers to.
pub fn args(pieces: &[Piece]) -> impl Iterator<Item = &str> {
    pieces.iter().flat_map(|p| match p {
        Piece::Arg(a)
        | Piece::Escaped { arg: a, .. }
        | Piece::ArgUtc(a)
        | Piece::ArgUnixMillis(a) => vec![a.as_str()],
        Piece::ArgUtcPlus { arg, minutes } => vec![arg.as_str(), minutes.as_str()],
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_placeholders_and_escapes() {
        assert_eq!(parse("{email}").unwrap(), vec![Piece::Arg("email".into())]);
        assert_eq!(
            parse("Call from {phone} {{x}}").unwrap(),
            vec![
                Piece::Text("Call from ".into()),
                Piece::Arg("phone".into()),
                Piece::Text(" {x}".into())
            ]
        );
        assert!(parse("{oops").is_err());
        assert!(parse("a}b").is_err());
        assert!(parse("{}").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(
            parse("https://{setting.subdomain}.zendesk.com").unwrap(),
            vec![
                Piece::Text("https://".into()),
                Piece::Setting("subdomain".into()),
                Piece::Text(".zendesk.com".into())
            ]
        );
        assert_eq!(
            parse("{step.user:/users/0/id}").unwrap(),
            vec![Piece::Step {
                step: "user".into(),
                pointer: "/users/0/id".into()
            }]
        );
        assert!(parse("{step.user}").is_err());
        assert!(parse("{step.user:id}").is_err());
        assert!(parse("{setting.}").is_err());
        assert_eq!(
            parse("email:'{ email | stripe_search }'").unwrap(),
            vec![
                Piece::Text("email:'".into()),
                Piece::Escaped {
                    arg: "email".into(),
                    escape: "stripe_search".into()
                },
                Piece::Text("'".into())
            ]
        );
        assert!(parse("{email|}").is_err());
        assert!(parse("{|stripe_search}").is_err());
        assert!(parse("{email|a|b}").is_err());
        assert!(parse("{setting.x|stripe_search}").is_err());
        assert!(parse("{step.user:/id|zendesk_search}").is_err());
        assert_eq!(
            parse("{ start | utc }").unwrap(),
            vec![Piece::ArgUtc("start".into())]
        );
        assert_eq!(
            parse("{earliest|unix_millis}").unwrap(),
            vec![Piece::ArgUnixMillis("earliest".into())]
        );
        assert!(parse("{setting.x|unix_millis}").is_err());
        assert_eq!(
            parse("{start|utc+duration_minutes}").unwrap(),
            vec![Piece::ArgUtcPlus {
                arg: "start".into(),
                minutes: "duration_minutes".into()
            }]
        );
        assert!(parse("{start|utc+}").is_err());
        assert!(parse("{start|utc+setting.length}").is_err());
        assert_eq!(
            parse("{start|utc}").unwrap(),
            vec![Piece::ArgUtc("start".into())]
        );
        // Any other filter is a query language's name, which the checker
        // validates (`{start|local}` is refused there, naming the languages).
        assert_eq!(
            parse("{start|local}").unwrap(),
            vec![Piece::Escaped {
                arg: "start".into(),
                escape: "local".into()
            }]
        );
        assert!(parse("{|utc}").is_err());
        assert!(parse("{start|utc|utc}").is_err());
        assert!(parse("{setting.x|utc}").is_err());
    }

    #[test]
    fn now_is_the_time_of_the_call_in_two_forms() {
        let utc = Piece::Now { millis: false };
        assert_eq!(parse("{now}").unwrap(), vec![utc.clone()]);
        assert_eq!(parse("{ now | utc }").unwrap(), vec![utc.clone()]);
        assert_eq!(
            parse("{now|unix_millis}").unwrap(),
            vec![Piece::Now { millis: true }]
        );
        assert_eq!(
            parse("logged at {now}").unwrap(),
            vec![Piece::Text("logged at ".into()), utc]
        );
        // No other form, and no query language: the value is the
        // connector's own, never the caller's.
        let err = parse("{now|soql}").unwrap_err();
        assert!(err.contains("`{now|unix_millis}`"), "{err}");
        assert!(parse("{now|utc+30}").is_err());
        // `{nowhere}` is an argument, not the clock.
        assert_eq!(
            parse("{nowhere}").unwrap(),
            vec![Piece::Arg("nowhere".into())]
        );
        // Not an argument either way.
        assert_eq!(
            args(&parse("{now} {email}").unwrap()).collect::<Vec<_>>(),
            vec!["email"]
        );
    }
}
