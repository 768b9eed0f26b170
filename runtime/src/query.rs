//! Caller text placed inside a vendor's search query language.
//!
//! A value formatted into a search query (`email:'…'` for Stripe,
//! `email:…` for Zendesk) is code in that language: a quote, a space or an
//! operator in it would change the query (`x' OR email:'victim@example.com`).
//! Each [`Language`] either escapes what its vendor documents an escape
//! for, or refuses the value (`invalid_input` naming the argument) when the
//! vendor documents none. The bindings say which language a placeholder
//! lands in (`{email|stripe_search}`); generated connectors call
//! [`stripe_search`], [`zendesk_search`], [`shopify_search`], [`soql`],
//! [`soql_like`] or [`zoho_criteria`] while they build the request,
//! and [`crate::arg::Rule`] runs the same check before any request.

/// A search query language a caller's value can be placed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Stripe's Search Query Language (`GET /v1/customers/search`,
    /// `/v1/invoices/search`, …): the value sits inside a quoted string
    /// (`email:'{email}'`). Stripe documents one escape, a backslash before
    /// a quote, so `'` and `"` are escaped; it documents no way to write a
    /// backslash itself, so a value holding one is refused, as is a control
    /// character or an empty value.
    StripeSearch,
    /// Zendesk Support's search syntax (`GET /api/v2/search`,
    /// `/api/v2/users/search`): the value is a bare term (`email:{email}`).
    /// Zendesk documents no escape at all (double quotes make a phrase,
    /// `-` negates, `*` is a wildcard, `:`, `<`, `>` compare, a space
    /// starts another term), so the value must be one plain term: letters,
    /// digits and `@ . _ + -`, not starting with `-`, and not the word `OR`,
    /// `AND` or `NOT`. Anything else is refused.
    ZendeskSearch,
    /// Shopify's API search syntax (the `query` argument of the Admin
    /// GraphQL API's connections, `orders(query: $q)`): the value is a bare
    /// term (`name:{order_number}`). Shopify documents a backslash escape
    /// for `:`, `\`, `(` and `)` only, while spaces, quotes, `-` (NOT),
    /// `*` and the comparators `<`, `>`, `=` are syntax too, so the value
    /// must be one plain term: letters, digits and `@ . _ + - #`, not
    /// starting with `-`, and not `OR`, `AND` or `NOT`.
    ShopifySearch,
    /// Salesforce's SOQL (`GET /services/data/vXX.X/query?q=…`): the value
    /// is a string literal between single quotes (`WHERE Email =
    /// '{email}'`). SOQL's reserved characters in a quoted string are the
    /// single quote and the backslash, each escaped by a backslash; a
    /// double quote may be escaped the same way ("Quoted String Escape
    /// Sequences" in the SOQL and SOSL reference). So `\`, `'` and `"` get a
    /// backslash; a control character or an empty value is refused. The
    /// value is compared with `=`, never `LIKE`, so `%` and `_` are plain.
    Soql,
    /// A SOQL `LIKE` pattern (`WHERE Name LIKE '%{query}%'`): a SOQL string
    /// literal whose `%` and `_` are wildcards. Besides [`Language::Soql`]'s
    /// escapes, `%` and `_` get a backslash (`\%`, `\_`, SOQL's escapes
    /// for a literal percent sign and underscore in a `LIKE` pattern), so
    /// the caller's text matches as it is and cannot widen the pattern.
    SoqlLike,
    /// Zoho CRM's search criteria (`GET /crm/v8/{module}/search?criteria=`,
    /// `(Account_Name:equals:{company_name})`): the value ends a condition
    /// that closes with `)`, and conditions are joined by `and`/`or` between
    /// parentheses. Zoho documents one escape, a backslash before a
    /// parenthesis or a comma in the value, so `(`, `)` and `,` are escaped
    /// and the value cannot close its condition; it documents no way to
    /// write a backslash itself, and a `:` would read as the separator of
    /// field, comparator and value, so a value holding either is refused,
    /// as is a control character or an empty value.
    ZohoCriteria,
}

impl Language {
    /// Every language, in the order error messages list them.
    pub const ALL: [Language; 6] = [
        Language::StripeSearch,
        Language::ZendeskSearch,
        Language::ShopifySearch,
        Language::Soql,
        Language::SoqlLike,
        Language::ZohoCriteria,
    ];

    /// The name the bindings use: `{email|stripe_search}`.
    pub fn name(self) -> &'static str {
        match self {
            Language::StripeSearch => "stripe_search",
            Language::ZendeskSearch => "zendesk_search",
            Language::ShopifySearch => "shopify_search",
            Language::Soql => "soql",
            Language::SoqlLike => "soql_like",
            Language::ZohoCriteria => "zoho_criteria",
        }
    }

    /// The language named `name` in the bindings.
    pub fn from_name(name: &str) -> Option<Language> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Why `value` cannot be placed in this language (what it holds, never
    /// the value itself), or `None` when it can.
    pub fn refusal(self, value: &str) -> Option<&'static str> {
        if value.trim().is_empty() {
            return Some("is empty");
        }
        if value.chars().any(char::is_control) {
            return Some("holds a control character");
        }
        match self {
            Language::StripeSearch => value
                .contains('\\')
                .then_some("holds a backslash, which Stripe's search language has no escape for"),
            Language::ZendeskSearch => plain_term(value, &[]),
            Language::ShopifySearch => plain_term(value, &['#']),
            Language::Soql | Language::SoqlLike => None,
            Language::ZohoCriteria => {
                if value.contains('\\') {
                    Some("holds a backslash, which Zoho's search criteria have no escape for")
                } else if value.contains(':') {
                    Some("holds a `:`, which separates field, comparator and value in Zoho's search criteria")
                } else {
                    None
                }
            }
        }
    }

    /// `value` as it goes into the query, or `invalid_input` naming `arg`
    /// when the language cannot hold it.
    pub fn escape(self, arg: &str, value: &str) -> Result<String, crate::ActionError> {
        if let Some(why) = self.refusal(value) {
            return Err(refused(arg, why));
        }
        Ok(match self {
            Language::StripeSearch => backslash_before(value, &['\'', '"']),
            Language::Soql => backslash_before(value, &['\\', '\'', '"']),
            Language::SoqlLike => backslash_before(value, &['\\', '\'', '"', '%', '_']),
            Language::ZohoCriteria => backslash_before(value, &['(', ')', ',']),
            Language::ZendeskSearch | Language::ShopifySearch => value.to_string(),
        })
    }
}

/// `value` with a backslash before each of `special`: the one escape
/// Stripe's search, SOQL and Zoho's criteria document.
fn backslash_before(value: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What keeps `value` from being one plain search term: letters, digits,
/// `@ . _ + -` and the characters in `also`, not starting with `-` (negation) and not an
/// operator word.
fn plain_term(value: &str, also: &[char]) -> Option<&'static str> {
    if value.starts_with('-') {
        return Some("starts with `-`, the search's negation");
    }
    if ["or", "and", "not"]
        .iter()
        .any(|w| value.eq_ignore_ascii_case(w))
    {
        return Some("is a search operator word");
    }
    let plain = |c: char| {
        c.is_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-') || also.contains(&c)
    };
    (!value.chars().all(plain))
        .then_some("holds a space, quote or operator character, which the search cannot hold")
}

/// The `invalid_input` error for an argument a query language cannot hold.
fn refused(arg: &str, why: &str) -> crate::ActionError {
    crate::ActionError::invalid_input(
        format!(
            "The {} I was given doesn't look right. Could you say it again?",
            arg.replace('_', " ")
        ),
        format!("argument `{arg}` {why}"),
    )
}

/// `value` escaped for Stripe's search language, to sit between quotes
/// (`email:'{value}'`): `'` and `"` get a backslash; a backslash, a control
/// character or an empty value is `invalid_input` naming `arg`.
pub fn stripe_search(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::StripeSearch.escape(arg, value)
}

/// `value` as one plain Zendesk search term, or `invalid_input` naming
/// `arg` (see [`Language::ZendeskSearch`]).
pub fn zendesk_search(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::ZendeskSearch.escape(arg, value)
}

/// `value` as one plain Shopify search term, or `invalid_input` naming
/// `arg` (see [`Language::ShopifySearch`]).
pub fn shopify_search(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::ShopifySearch.escape(arg, value)
}

/// `value` escaped for a SOQL string literal, to sit between single quotes
/// (`WHERE Email = '{value}'`): `\`, `'` and `"` get a backslash; a control
/// character or an empty value is `invalid_input` naming `arg` (see
/// [`Language::Soql`]).
pub fn soql(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::Soql.escape(arg, value)
}

/// `value` escaped for a SOQL `LIKE` pattern between single quotes
/// (`WHERE Name LIKE '%{value}%'`): `\`, `'`, `"`, `%` and `_` get a
/// backslash, so the caller's text is matched as it is; a control character
/// or an empty value is `invalid_input` naming `arg` (see
/// [`Language::SoqlLike`]).
pub fn soql_like(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::SoqlLike.escape(arg, value)
}

/// `value` escaped for a Zoho CRM search criteria value
/// (`(Account_Name:equals:{value})`): `(`, `)` and `,` get a backslash; a
/// backslash, a `:`, a control character or an empty value is
/// `invalid_input` naming `arg` (see [`Language::ZohoCriteria`]).
pub fn zoho_criteria(arg: &str, value: &str) -> Result<String, crate::ActionError> {
    Language::ZohoCriteria.escape(arg, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn soql_like_escapes_wildcards_as_well_as_quotes() {
        assert_eq!(soql_like("query", "hiking boots").unwrap(), "hiking boots");
        // `%` and `_` match themselves, not any text or any character.
        assert_eq!(soql_like("query", "100%").unwrap(), "100\\%");
        assert_eq!(soql_like("query", "x_200").unwrap(), "x\\_200");
        // A quote cannot end the literal and add a clause.
        assert_eq!(
            soql_like("query", "x%' OR Name LIKE '%").unwrap(),
            "x\\%\\' OR Name LIKE \\'\\%"
        );
        assert_eq!(soql_like("query", "a\\b\"c").unwrap(), "a\\\\b\\\"c");
        // Plain SOQL leaves the wildcards alone (it compares with `=`).
        assert_eq!(soql("query", "100%_").unwrap(), "100%_");
        for bad in ["", "  ", "boots\n"] {
            let e = soql_like("query", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(e.detail.contains("argument `query`"), "{}", e.detail);
        }
        assert_eq!(Language::from_name("soql_like"), Some(Language::SoqlLike));
    }

    #[test]
    fn stripe_escapes_quotes_and_refuses_backslashes() {
        assert_eq!(
            stripe_search("email", "jane.doe@example.com").unwrap(),
            "jane.doe@example.com"
        );
        assert_eq!(
            stripe_search("email", "x' OR email:'victim@example.com").unwrap(),
            r"x\' OR email:\'victim@example.com"
        );
        assert_eq!(
            stripe_search("invoice_number", r#"A"1"#).unwrap(),
            r#"A\"1"#
        );
        assert_eq!(
            stripe_search("n", "o'brien@x.io").unwrap(),
            r"o\'brien@x.io"
        );
        for bad in [r"x\' OR 1", "\\", "a\nb", "", "  "] {
            let e = stripe_search("invoice_number", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.message.contains("invoice number"), "{}", e.message);
            assert!(e.detail.contains("`invoice_number`"), "{}", e.detail);
        }
    }

    #[test]
    fn an_escaped_value_never_closes_its_quotes() {
        // Whatever the value, the text between the binding's quotes has no
        // quote without a backslash before it, and no lone backslash.
        for value in [
            "'",
            "''",
            "a'b\"c",
            "'\"'",
            "x' OR created>0 OR status:'active",
        ] {
            let out = stripe_search("q", value).unwrap();
            let chars: Vec<char> = out.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if *c == '\'' || *c == '"' {
                    assert!(i > 0 && chars[i - 1] == '\\', "{out}");
                }
                if *c == '\\' {
                    assert!(matches!(chars.get(i + 1), Some('\'' | '"')), "{out}");
                }
            }
        }
    }

    #[test]
    fn zendesk_takes_one_plain_term_only() {
        for ok in [
            "jane.doe@example.com",
            "jane+test@example.com",
            "+14155550123",
            "4711",
            "josé@example.com",
            "AB-12_3",
        ] {
            assert_eq!(zendesk_search("email", ok).unwrap(), ok);
        }
        for bad in [
            "jane doe",
            "x OR email:victim@example.com",
            "\"jane\"",
            "-4711",
            "OR",
            "or",
            "a*",
            "type:user",
            "a<b",
            "x\ty",
            "o'brien@example.com",
            "",
            "(1)",
            "a\\b",
        ] {
            let e = zendesk_search("contact_id", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.message.contains("contact id"), "{}", e.message);
            assert!(e.detail.contains("`contact_id`"), "{}", e.detail);
        }
    }

    #[test]
    fn shopify_takes_one_plain_term_only() {
        for ok in ["#1001", "1001", "jane@example.com", "SKU-12.5"] {
            assert_eq!(shopify_search("order_number", ok).unwrap(), ok);
        }
        for bad in [
            "1001 OR name:1002",
            "name:1002",
            "(1001)",
            "<5",
            "=5",
            "10*",
            "-1001",
            "NOT",
            "'1001'",
            "\\1001",
            "",
        ] {
            let e = shopify_search("order_number", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.detail.contains("`order_number`"), "{}", e.detail);
        }
        // Zendesk has no `#`.
        assert!(zendesk_search("ticket_number", "#1001").is_err());
    }

    #[test]
    fn soql_escapes_quotes_and_backslashes() {
        assert_eq!(
            soql("email", "jane.doe@example.com").unwrap(),
            "jane.doe@example.com"
        );
        assert_eq!(
            soql("email", "x' OR Email != '").unwrap(),
            r"x\' OR Email != \'"
        );
        assert_eq!(soql("n", "o'brien@x.io").unwrap(), r"o\'brien@x.io");
        assert_eq!(soql("n", r"a\b").unwrap(), r"a\\b");
        assert_eq!(soql("n", r#"say "hi""#).unwrap(), r#"say \"hi\""#);
        // `=` compares, so LIKE's wildcards are plain text.
        assert_eq!(soql("n", "100%_x").unwrap(), "100%_x");
        for bad in ["", "  ", "a\nb", "a\u{0}b"] {
            let e = soql("ticket_number", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.message.contains("ticket number"), "{}", e.message);
            assert!(e.detail.contains("`ticket_number`"), "{}", e.detail);
        }
    }

    #[test]
    fn a_soql_literal_never_closes_its_quotes() {
        // Read the escaped text as SOQL's lexer does: a backslash takes the
        // next character with it, so no unescaped `'` ends the literal.
        for value in [
            "'",
            "\\",
            "\\'",
            "'\\",
            "x\\' OR Id != '",
            "a'b\"c\\d",
            "\\\\''",
        ] {
            let out = soql("q", value).unwrap();
            let mut chars = out.chars();
            let mut read = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => read.push(chars.next().expect("a backslash escapes something")),
                    '\'' => panic!("{value:?} gives {out:?}: an unescaped quote"),
                    c => read.push(c),
                }
            }
            assert_eq!(read, value, "{out}");
        }
    }

    #[test]
    fn names_round_trip() {
        for l in Language::ALL {
            assert_eq!(Language::from_name(l.name()), Some(l));
        }
        assert_eq!(Language::from_name("stripe"), None);
    }

    #[test]
    fn zoho_escapes_parentheses_and_commas_and_refuses_backslashes_and_colons() {
        assert_eq!(zoho_criteria("company_name", "Acme").unwrap(), "Acme");
        assert_eq!(
            zoho_criteria("company_name", "Acme & Sons, Inc.").unwrap(),
            r"Acme & Sons\, Inc."
        );
        // Zoho's own example: Burns,B → Burns\,B; Patricia(Boyle) → Patricia\(Boyle\).
        assert_eq!(zoho_criteria("n", "Burns,B").unwrap(), r"Burns\,B");
        assert_eq!(
            zoho_criteria("n", "Patricia(Boyle)").unwrap(),
            r"Patricia\(Boyle\)"
        );
        // A second condition cannot be opened: its parentheses are escaped.
        assert_eq!(
            zoho_criteria("company_name", "x)or(Account_Name:starts_with:A")
                .unwrap_err()
                .kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            zoho_criteria("company_name", "x)or(Owner.id").unwrap(),
            r"x\)or\(Owner.id"
        );
        for bad in [r"Acme\", "a:b", "a\nb", "", "  "] {
            let e = zoho_criteria("company_name", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.message.contains("company name"), "{}", e.message);
            assert!(e.detail.contains("`company_name`"), "{}", e.detail);
        }
    }

    #[test]
    fn a_zoho_criteria_value_never_closes_its_condition() {
        // Every parenthesis and comma in the escaped value has a backslash
        // before it, and no other backslash is there.
        for value in ["(", ")", ",", "a)(b", "))and((", "x),(y", "Acme (UK), Ltd"] {
            let out = zoho_criteria("q", value).unwrap();
            let chars: Vec<char> = out.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if matches!(c, '(' | ')' | ',') {
                    assert!(i > 0 && chars[i - 1] == '\\', "{out}");
                }
                if *c == '\\' {
                    assert!(matches!(chars.get(i + 1), Some('(' | ')' | ',')), "{out}");
                }
            }
        }
    }
}
