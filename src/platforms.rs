//! The platform registry: everything midcall knows about each target a
//! voice or LLM platform takes, in one entry per target. Rendering (the
//! `platform` value a target template sees: its timeout), `gen validate`
//! (rules, timeouts, published schema) and the catalogue checks (tool-name
//! rules, reserved names) all read it.
//!
//! Adding a platform is one entry here plus one target template,
//! `templates/targets/<target>.json.tera`; a test checks that the two
//! match. Words: a *template* is a use case (`templates/<id>/`), a
//! *target* an output format (`vapi.json`), a *platform* the vendor that
//! takes it (Vapi), and a *target template* the tera file that renders a
//! target.

use serde_json::Value;

use crate::validate::rules::{Checker, Finding};

/// What a platform accepts as a tool name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRule {
    /// Longest name accepted.
    pub max_len: usize,
    /// Characters accepted anywhere, as space-separated ranges and
    /// characters (`a-z A-Z 0-9 _ -`).
    pub chars: &'static str,
    /// Whether the first character must be a letter or `_`.
    pub letter_first: bool,
}

/// Where a platform's published document defines its tool object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaLocation {
    /// Folder under `--platforms` (`vapi`).
    pub folder: &'static str,
    /// File name prefix; the newest matching `.json`/`.yaml` (by name) is used.
    pub prefix: &'static str,
    /// JSON pointer of the tool object's schema.
    pub pointer: &'static str,
}

/// The unit of a platform's timeout field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Whole seconds.
    Seconds,
    /// Milliseconds.
    Milliseconds,
}

/// How long a platform waits for the tool server, and what it accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeoutRule {
    /// JSON pointer of the field in the target file.
    pub pointer: &'static str,
    /// Its unit.
    pub unit: TimeUnit,
    /// Smallest value accepted, in `unit`.
    pub min: u64,
    /// Largest value accepted, in `unit`.
    pub max: u64,
}

impl TimeoutRule {
    /// The value to write for a connector whose deadline is `deadline_ms`:
    /// the deadline plus one second (so the connector's own timeout error,
    /// spoken as the failure line, arrives first), within the platform's
    /// range, in its unit.
    pub fn value(&self, deadline_ms: u64) -> u64 {
        let secs = deadline_ms.div_ceil(1000) + 1;
        let value = match self.unit {
            TimeUnit::Seconds => secs,
            TimeUnit::Milliseconds => secs * 1000,
        };
        value.clamp(self.min, self.max)
    }
}

/// One target of one platform.
#[derive(Debug, Clone, Copy)]
pub struct Platform {
    /// The target's name (`vapi`, `openai-chat`), as in `--target`.
    pub target: &'static str,
    /// The file it writes (`vapi.json`), from the target template
    /// `templates/targets/<file>.tera`.
    pub file: &'static str,
    /// The platform (vendor) id (`openai` for its three targets).
    pub platform: &'static str,
    /// Tool-name rule.
    pub names: NameRule,
    /// Names the platform gives its own built-in tools, in snake_case; a
    /// custom tool with one is refused or shadows the built-in one.
    pub reserved: &'static [&'static str],
    /// Where the published schema of the tool object is.
    pub schema: Option<SchemaLocation>,
    /// The timeout field, when the platform calls a server itself.
    pub timeout: Option<TimeoutRule>,
    /// The rules the published schema does not state.
    pub(crate) rules: fn(&mut Checker, &Value),
}

impl Platform {
    /// Every rule of this target broken by `doc`: its own rules and the
    /// timeout range.
    pub fn check(&self, doc: &Value) -> Vec<Finding> {
        let mut c = Checker::default();
        (self.rules)(&mut c, doc);
        if let Some(t) = &self.timeout {
            c.number_in(doc, t.pointer, t.min as f64, t.max as f64);
        }
        c.findings
    }
}

const WORD: &str = "a-z A-Z 0-9 _ -";

/// OpenAI and Anthropic: `^[a-zA-Z0-9_-]{1,64}$`.
const OPENAI_NAMES: NameRule = NameRule {
    max_len: 64,
    chars: WORD,
    letter_first: false,
};

const fn openai_schema(pointer: &'static str) -> Option<SchemaLocation> {
    Some(SchemaLocation {
        folder: "openai",
        prefix: "openapi",
        pointer,
    })
}

/// Every target a platform takes, sorted by target name.
pub const PLATFORMS: &[Platform] = &[
    Platform {
        target: "anthropic",
        file: "anthropic.json",
        platform: "anthropic",
        names: OPENAI_NAMES,
        reserved: &[],
        schema: None,
        timeout: None,
        rules: anthropic,
    },
    Platform {
        target: "elevenlabs",
        file: "elevenlabs.json",
        platform: "elevenlabs",
        names: NameRule {
            max_len: 64,
            chars: WORD,
            letter_first: false,
        },
        // ElevenLabs' system tools.
        reserved: &[
            "end_call",
            "language_detection",
            "play_keypad_touch_tone",
            "skip_turn",
            "transfer_to_agent",
            "transfer_to_number",
            "voicemail_detection",
        ],
        schema: Some(SchemaLocation {
            folder: "elevenlabs",
            prefix: "openapi",
            pointer: "/components/schemas/WebhookToolConfig-Input",
        }),
        timeout: Some(TimeoutRule {
            pointer: "/response_timeout_secs",
            unit: TimeUnit::Seconds,
            min: 5,
            max: 120,
        }),
        rules: elevenlabs,
    },
    Platform {
        target: "gemini",
        file: "gemini.json",
        platform: "gemini",
        names: NameRule {
            max_len: 64,
            chars: "a-z A-Z 0-9 _ - . :",
            letter_first: true,
        },
        reserved: &[],
        schema: None,
        timeout: None,
        rules: gemini,
    },
    Platform {
        target: "mcp",
        file: "mcp.json",
        platform: "mcp",
        names: NameRule {
            max_len: 128,
            chars: "a-z A-Z 0-9 _ - .",
            letter_first: false,
        },
        reserved: &[],
        schema: Some(SchemaLocation {
            folder: "mcp",
            prefix: "schema-",
            pointer: "/$defs/Tool",
        }),
        timeout: None,
        rules: mcp,
    },
    Platform {
        target: "openai-chat",
        file: "openai-chat.json",
        platform: "openai",
        names: OPENAI_NAMES,
        reserved: &[],
        schema: openai_schema("/components/schemas/ChatCompletionTool"),
        timeout: None,
        rules: openai_chat,
    },
    Platform {
        target: "openai-realtime",
        file: "openai-realtime.json",
        platform: "openai",
        names: OPENAI_NAMES,
        reserved: &[],
        schema: openai_schema("/components/schemas/RealtimeFunctionTool"),
        timeout: None,
        rules: openai_realtime,
    },
    Platform {
        target: "openai-responses",
        file: "openai-responses.json",
        platform: "openai",
        names: OPENAI_NAMES,
        reserved: &[],
        schema: openai_schema("/components/schemas/FunctionTool"),
        timeout: None,
        rules: openai_responses,
    },
    Platform {
        target: "retell",
        file: "retell.json",
        platform: "retell",
        names: NameRule {
            max_len: 64,
            chars: WORD,
            letter_first: false,
        },
        // Retell's tool types.
        reserved: &[
            "agent_swap",
            "book_appointment_cal",
            "check_availability_cal",
            "end_call",
            "extract_dynamic_variable",
            "press_digit",
            "send_sms",
            "transfer_call",
        ],
        schema: Some(SchemaLocation {
            folder: "retell",
            prefix: "openapi",
            pointer: "/components/schemas/CustomTool",
        }),
        timeout: Some(TimeoutRule {
            pointer: "/timeout_ms",
            unit: TimeUnit::Milliseconds,
            min: 1,
            max: 600_000,
        }),
        rules: retell,
    },
    Platform {
        target: "vapi",
        file: "vapi.json",
        platform: "vapi",
        // 40 for some tool types: the tightest of all.
        names: NameRule {
            max_len: 40,
            chars: WORD,
            letter_first: false,
        },
        // Vapi's built-in tool types, in snake_case.
        reserved: &["dtmf", "end_call", "transfer_call", "voicemail"],
        schema: Some(SchemaLocation {
            folder: "vapi",
            prefix: "openapi",
            pointer: "/components/schemas/CreateFunctionToolDTO",
        }),
        timeout: Some(TimeoutRule {
            pointer: "/server/timeoutSeconds",
            unit: TimeUnit::Seconds,
            min: 1,
            max: 300,
        }),
        rules: vapi,
    },
];

/// The entry of `target`, if a platform takes it.
pub fn get(target: &str) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.target == target)
}

/// Every name some platform reserves for its own tools, sorted, each once.
pub fn reserved_tool_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PLATFORMS.iter().flat_map(|p| p.reserved).copied().collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The longest tool name every platform accepts.
pub fn max_tool_name() -> usize {
    PLATFORMS
        .iter()
        .map(|p| p.names.max_len)
        .min()
        .unwrap_or(usize::MAX)
}

fn char_allowed(c: char, chars: &str) -> bool {
    chars.split(' ').any(|class| match class.as_bytes() {
        [a, b'-', b] => (*a as char..=*b as char).contains(&c),
        _ => class.chars().eq(std::iter::once(c)),
    })
}

/// Each platform whose name rule rejects `name`, with why, once per
/// platform (`vapi: 41 characters (1 to 40 allowed)`).
pub fn name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for p in PLATFORMS {
        if seen.contains(&p.platform) {
            continue;
        }
        seen.push(p.platform);
        let rule = &p.names;
        let len = name.chars().count();
        if len == 0 || len > rule.max_len {
            problems.push(format!(
                "{}: {len} characters (1 to {} allowed)",
                p.platform, rule.max_len
            ));
        } else if let Some(c) = name.chars().find(|c| !char_allowed(*c, rule.chars)) {
            problems.push(format!(
                "{}: `{}` is not one of {}",
                p.platform,
                c.escape_default(),
                rule.chars
            ));
        } else if rule.letter_first
            && !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            problems.push(format!("{}: must start with a letter or _", p.platform));
        }
    }
    problems
}

fn openai_chat(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "function");
    c.tool_name(doc, "/function/name");
    c.equals_bool(doc, "/function/strict", true);
    c.strict(doc, "/function/parameters");
}

fn openai_responses(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "function");
    c.tool_name(doc, "/name");
    c.equals_bool(doc, "/strict", true);
    c.strict(doc, "/parameters");
}

fn openai_realtime(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "function");
    c.tool_name(doc, "/name");
    c.object_schema(doc, "/parameters");
}

fn anthropic(c: &mut Checker, doc: &Value) {
    c.tool_name(doc, "/name");
    c.object_schema(doc, "/input_schema");
    for k in ["oneOf", "anyOf", "allOf"] {
        if doc.pointer(&format!("/input_schema/{k}")).is_some() {
            c.add(
                &format!("/input_schema/{k}"),
                "Anthropic rejects oneOf/anyOf/allOf at the top of input_schema",
            );
        }
    }
}

fn gemini(c: &mut Checker, doc: &Value) {
    c.tool_name(doc, "/name");
    if doc.get("parametersJsonSchema").is_some() {
        c.object_schema(doc, "/parametersJsonSchema");
    } else if doc.get("parameters").is_some() {
        c.object_schema(doc, "/parameters");
    }
}

fn mcp(c: &mut Checker, doc: &Value) {
    c.tool_name(doc, "/name");
    c.object_schema(doc, "/inputSchema");
    if doc.get("outputSchema").is_some() {
        c.object_schema(doc, "/outputSchema");
    }
}

fn vapi(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "function");
    c.tool_name(doc, "/function/name");
    c.object_schema(doc, "/function/parameters");
    c.formats(doc, "/function/parameters");
    c.string(doc, "/server/url");
    if let Some(Value::Array(messages)) = doc.get("messages") {
        for (i, m) in messages.iter().enumerate() {
            if m.get("content")
                .and_then(Value::as_str)
                .is_some_and(|s| s.chars().count() > 1000)
            {
                c.add(
                    &format!("/messages/{i}/content"),
                    "is over Vapi's 1000 characters",
                );
            }
        }
    }
}

fn retell(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "custom");
    c.tool_name(doc, "/name");
    c.string(doc, "/url");
    c.object_schema(doc, "/parameters");
}

fn elevenlabs(c: &mut Checker, doc: &Value) {
    c.equals(doc, "/type", "webhook");
    c.tool_name(doc, "/name");
    c.string(doc, "/description");
    c.string(doc, "/api_schema/url");
    for (place, leaves) in [
        ("/api_schema/path_params_schema", false),
        ("/api_schema/query_params_schema/properties", false),
        ("/api_schema/request_body_schema", true),
    ] {
        if let Some(v) = doc.pointer(place).filter(|v| !v.is_null()) {
            if leaves {
                c.leaf_descriptions(v, place);
            } else if let Some(map) = v.as_object() {
                for (k, leaf) in map {
                    c.leaf_descriptions(
                        leaf,
                        &format!("{place}/{}", crate::validate::rules::escape(k)),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputKind;

    /// One entry per target template that writes a tool definition, and
    /// one target template per entry, with the same file name.
    #[test]
    fn every_entry_has_its_target_template_and_back() {
        let renderer = crate::render::Renderer::new(&crate::source::Sources::bundled()).unwrap();
        for p in PLATFORMS {
            let t = renderer.targets().iter().find(|t| t.name == p.target);
            let t = t.unwrap_or_else(|| panic!("no target template for {}", p.target));
            assert_eq!(t.file_name, p.file);
        }
        for t in renderer.targets() {
            if t.kind == OutputKind::Json {
                assert!(get(&t.name).is_some(), "{} has no registry entry", t.name);
            }
        }
        let mut names: Vec<&str> = PLATFORMS.iter().map(|p| p.target).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            PLATFORMS.iter().map(|p| p.target).collect::<Vec<_>>()
        );
    }

    #[test]
    fn timeouts_are_the_deadline_plus_a_second_within_range() {
        let vapi = get("vapi").unwrap().timeout.unwrap();
        let retell = get("retell").unwrap().timeout.unwrap();
        let elevenlabs = get("elevenlabs").unwrap().timeout.unwrap();
        assert_eq!(vapi.value(3000), 4);
        assert_eq!(retell.value(3000), 4000);
        assert_eq!(elevenlabs.value(3000), 5);
        assert_eq!(elevenlabs.value(9000), 10);
        assert_eq!(vapi.value(900_000), 300);
    }

    #[test]
    fn names_come_from_the_entries() {
        assert_eq!(max_tool_name(), 40);
        let reserved = reserved_tool_names();
        for n in [
            "end_call",
            "transfer_call",
            "press_digit",
            "dtmf",
            "skip_turn",
        ] {
            assert!(reserved.contains(&n), "{n}");
        }
        assert_eq!(reserved.len(), 16, "{reserved:?}");
    }

    #[test]
    fn platform_rules_reject_what_platforms_reject() {
        assert!(name_problems("lookup_contact").is_empty());
        let p = name_problems(&"a".repeat(41));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("vapi"), "{p:?}");
        // One line per platform, not per target.
        assert_eq!(name_problems("look up").len(), 7);
        assert!(name_problems("1abc")
            .iter()
            .any(|p| p.starts_with("gemini")));
        assert!(name_problems("a.b").iter().any(|p| p.starts_with("openai")));
    }
}
