//! Where a value in a request comes from, and text built from such values:
//! a binding string's `{argument}`, `{setting.name}` and
//! `{step.name:/pointer}` placeholders, parsed once.

use crate::catalog::ValueType;

/// A value a request uses: the caller's (a tool argument) or the
/// connector's own (an account setting, a value of an earlier step's
/// answer).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A tool argument.
    Arg(ArgRef),
    /// An account setting, by name (`{setting.subdomain}`): read and
    /// checked when the connector is configured, so always present.
    Setting(String),
    /// The time of the call (`{now}`, `{now|unix_millis}`), read from the
    /// client's clock when the request is built: text, the connector's own.
    Now {
        /// Unix milliseconds (digits) rather than UTC with `Z`.
        millis: bool,
    },
    /// A `number` setting that is a whole JSON body value, sent as a JSON
    /// number (`client.setting_number`); elsewhere it is text, as any
    /// setting.
    SettingNumber(String),
    /// The value at `pointer` below the record of the earlier step `step`
    /// (`{step.user:/id}`): present, or the action ended `not_found`.
    Step {
        /// The step's name.
        step: String,
        /// A JSON pointer below the step's record.
        pointer: String,
    },
}

impl Source {
    /// The JSON type of the value. A setting is text; a step value keeps
    /// the type it has in the answer, and is text where text is needed.
    pub fn ty(&self) -> ValueType {
        match self {
            Source::Arg(a) if a.form != ArgForm::AsGiven => ValueType::String,
            Source::Arg(a) => a.ty,
            Source::SettingNumber(_) => ValueType::Integer,
            Source::Setting(_) | Source::Step { .. } | Source::Now { .. } => ValueType::String,
        }
    }

    /// Whether the value may be absent where it is used.
    pub fn is_optional(&self) -> bool {
        match self {
            Source::Arg(a) => a.presence == Presence::Optional,
            Source::Setting(_)
            | Source::SettingNumber(_)
            | Source::Step { .. }
            | Source::Now { .. } => false,
        }
    }

    /// Whether the value is the caller's (a tool argument), not one the
    /// connector supplies itself.
    pub fn is_callers(&self) -> bool {
        matches!(self, Source::Arg(_))
    }
}

/// A tool argument as one request variant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgRef {
    /// The parameter's name (`email`).
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// How sure the variant is to have it.
    pub presence: Presence,
    /// The query language the value is placed into, which escapes it or
    /// refuses it (`{email|stripe_search}`); `None` for plain text.
    pub escape: Option<QueryLanguage>,
    /// How it is written into the request.
    pub form: ArgForm,
}

/// How an argument is written into a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArgForm {
    /// As the caller gave it.
    #[default]
    AsGiven,
    /// A time converted to UTC with `Z` (`{start|utc}`,
    /// `midcall_runtime::time::to_utc`); a time without an offset is read
    /// in the business's offset: the named `utc_offset` setting, else UTC.
    Utc {
        /// The CRM's `utc_offset` setting, when it declares one.
        business: Option<String>,
    },
    /// A time as Unix milliseconds, digits (`{start|unix_millis}`,
    /// `midcall_runtime::time::to_unix_millis`); a time without an offset
    /// is read in the business's offset, as for [`ArgForm::Utc`].
    UnixMillis {
        /// The CRM's `utc_offset` setting, when it declares one.
        business: Option<String>,
    },
    /// A time plus a required integer argument's minutes or a fixed number
    /// of minutes, in UTC with `Z` (`{start|utc+duration_minutes}`,
    /// `{earliest|utc+1440}`, `time::to_utc_plus_minutes`): an end from a
    /// start and a length.
    UtcPlus {
        /// The CRM's `utc_offset` setting, when it declares one.
        business: Option<String>,
        /// The integer argument holding the minutes, or the minutes
        /// themselves (digits).
        minutes: String,
    },
}

/// A vendor's search query language a placeholder can sit in; the runtime's
/// `midcall_runtime::query::Language` of the same name escapes the value or
/// refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    /// Stripe's Search Query Language: the value sits between quotes
    /// (`email:'{email|stripe_search}'`); quotes are escaped, a backslash
    /// is refused.
    StripeSearch,
    /// Zendesk Support's search syntax: the value is one bare term
    /// (`email:{email|zendesk_search}`); anything but letters, digits and
    /// `@ . _ + -` is refused (Zendesk documents no escape).
    ZendeskSearch,
    /// Shopify's API search syntax (`orders(query: "name:{order_number|shopify_search}")`):
    /// one bare term; anything but letters, digits and `@ . _ + - #` is
    /// refused.
    ShopifySearch,
    /// Salesforce's SOQL: the value is a string literal between single
    /// quotes (`WHERE Email = '{email|soql}'`); `\`, `'` and `"` are
    /// escaped with a backslash.
    Soql,
    /// A SOQL `LIKE` pattern (`WHERE Name LIKE '%{query|soql_like}%'`):
    /// SOQL's escapes plus a backslash before the wildcards `%` and `_`, so
    /// the caller's text matches as it is. Fits where SOQL is expected.
    SoqlLike,
    /// Zoho CRM's search criteria (`(Account_Name:equals:{company_name|zoho_criteria})`):
    /// the value ends a condition; `(`, `)` and `,` are escaped with a
    /// backslash (Zoho's documented escape), a backslash or `:` is refused.
    ZohoCriteria,
}

impl QueryLanguage {
    /// Every language, in the order messages list them.
    pub const ALL: [QueryLanguage; 6] = [
        QueryLanguage::StripeSearch,
        QueryLanguage::ZendeskSearch,
        QueryLanguage::ShopifySearch,
        QueryLanguage::Soql,
        QueryLanguage::SoqlLike,
        QueryLanguage::ZohoCriteria,
    ];

    /// The name in the bindings (`stripe_search`), which is also the
    /// runtime's function (`query::stripe_search`).
    pub fn name(self) -> &'static str {
        match self {
            QueryLanguage::StripeSearch => "stripe_search",
            QueryLanguage::ZendeskSearch => "zendesk_search",
            QueryLanguage::ShopifySearch => "shopify_search",
            QueryLanguage::Soql => "soql",
            QueryLanguage::SoqlLike => "soql_like",
            QueryLanguage::ZohoCriteria => "zoho_criteria",
        }
    }

    /// What the language is, in words.
    pub fn title(self) -> &'static str {
        match self {
            QueryLanguage::StripeSearch => "Stripe's search query language",
            QueryLanguage::ZendeskSearch => "Zendesk's search syntax",
            QueryLanguage::ShopifySearch => "Shopify's API search syntax",
            QueryLanguage::Soql => "Salesforce's SOQL",
            QueryLanguage::SoqlLike => "Salesforce's SOQL (a `LIKE` pattern)",
            QueryLanguage::ZohoCriteria => "Zoho CRM's search criteria",
        }
    }

    /// The runtime's variant name (`StripeSearch`).
    pub fn variant(self) -> &'static str {
        match self {
            QueryLanguage::StripeSearch => "StripeSearch",
            QueryLanguage::ZendeskSearch => "ZendeskSearch",
            QueryLanguage::ShopifySearch => "ShopifySearch",
            QueryLanguage::Soql => "Soql",
            QueryLanguage::SoqlLike => "SoqlLike",
            QueryLanguage::ZohoCriteria => "ZohoCriteria",
        }
    }

    /// Whether a value escaped for this language may stand where a spec
    /// says `expected` is read: the same language, or a `LIKE` pattern
    /// inside SOQL.
    pub fn fits(self, expected: QueryLanguage) -> bool {
        self == expected || (self == QueryLanguage::SoqlLike && expected == QueryLanguage::Soql)
    }

    /// The language named `name` in the bindings.
    pub fn from_name(name: &str) -> Option<QueryLanguage> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The language a spec's parameter description says its value is
    /// written in, by the vendor's documentation it links or names:
    /// `Some(Some(l))` for a known one, `Some(None)` for a query language
    /// the description names without saying whose ("query syntax",
    /// "search syntax", "query language"), `None` for plain text.
    pub fn described_by(description: &str) -> Option<Option<QueryLanguage>> {
        let d = description.to_lowercase();
        if d.contains("stripe.com/docs/search") {
            return Some(Some(QueryLanguage::StripeSearch));
        }
        if d.contains("zendesk search syntax") || d.contains("zendesk support search reference") {
            return Some(Some(QueryLanguage::ZendeskSearch));
        }
        if d.contains("shopify.dev/docs/api/usage/search-syntax") {
            return Some(Some(QueryLanguage::ShopifySearch));
        }
        if d.contains("soql") {
            return Some(Some(QueryLanguage::Soql));
        }
        if d.contains("zoho crm search criteria") {
            return Some(Some(QueryLanguage::ZohoCriteria));
        }
        ["query language", "query syntax", "search syntax"]
            .iter()
            .any(|m| d.contains(m))
            .then_some(None)
    }
}

/// How sure a request variant is to have an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Listed in the variant's `when`: the variant only applies when it is
    /// given, and the value is bound by the variant's condition.
    Given,
    /// A required parameter: always given.
    Required,
    /// An optional parameter outside `when`: may be absent.
    Optional,
}

/// One piece of a binding string.
#[derive(Debug, Clone, PartialEq)]
pub enum TextPiece {
    /// Literal text (`{{` and `}}` already unescaped).
    Literal(String),
    /// A value formatted in.
    Value(Source),
}

/// A binding string: literal text and values, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextTemplate {
    /// The pieces; adjacent literals are merged, empty ones dropped.
    pub pieces: Vec<TextPiece>,
}

impl TextTemplate {
    /// Plain text with no value in it.
    pub fn literal(text: &str) -> Self {
        TextTemplate {
            pieces: if text.is_empty() {
                Vec::new()
            } else {
                vec![TextPiece::Literal(text.to_string())]
            },
        }
    }

    /// The value, when the whole string is one placeholder (`"{email}"`):
    /// such a string keeps the value's own type in a JSON body.
    pub fn as_single_value(&self) -> Option<&Source> {
        match self.pieces.as_slice() {
            [TextPiece::Value(v)] => Some(v),
            _ => None,
        }
    }

    /// The values used, in order.
    pub fn values(&self) -> impl Iterator<Item = &Source> {
        self.pieces.iter().filter_map(|p| match p {
            TextPiece::Value(v) => Some(v),
            TextPiece::Literal(_) => None,
        })
    }

    /// Whether any value used is the caller's (a tool argument).
    pub fn has_callers(&self) -> bool {
        self.values().any(Source::is_callers)
    }
}
