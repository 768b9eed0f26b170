//! Words out of identifiers and prose, and the synonyms that make a
//! vendor's names comparable to a template's: `firstName`, `first_name`
//! and `given_name` are one field; `persons`, `person` and `people` one
//! entity.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Splits an identifier or a sentence into lower-case words: camelCase,
/// snake_case, kebab-case, paths and punctuation all break words; each word
/// is reduced to its singular ([`singular`]). Digits stay attached to the
/// letters before them (`v3`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(text, |w| out.push(w.to_string()));
    out
}

/// [`words`] one at a time, without a string per word: `f` sees each word
/// (already singular) in a buffer reused for the next.
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    // Read as bytes: only ASCII letters and digits make words, and every
    // byte of a non-ASCII character is neither (a separator, as the
    // character is).
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut prev: Option<u8> = None;
    for (at, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            flush(&mut word, &mut f);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let lower_to_upper = p.is_ascii_lowercase() && c.is_ascii_uppercase();
            // `HTTPServer`: the last capital of a run starts the next word.
            let acronym_end = p.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && bytes.get(at + 1).is_some_and(|n| n.is_ascii_lowercase());
            let digit_to_letter = p.is_ascii_digit() && c.is_ascii_alphabetic();
            if lower_to_upper || acronym_end || digit_to_letter {
                flush(&mut word, &mut f);
            }
        }
        word.push(char::from(c.to_ascii_lowercase()));
        prev = Some(c);
    }
    flush(&mut word, &mut f);
}

/// Ends the word being built: its singular goes to `f`, and the buffer is
/// emptied for the next.
fn flush(word: &mut String, f: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        singularize(word);
        f(word);
        word.clear();
    }
}

/// A field or parameter name reduced to one comparable key: words joined
/// without separators, so `first_name`, `firstName` and `firstname` agree.
pub fn key(name: &str) -> String {
    let mut out = String::new();
    key_into(name, &mut out);
    out
}

/// [`key`] written into `out` (emptied first), reusing its buffer.
pub fn key_into(name: &str, out: &mut String) {
    out.clear();
    each_word(name, |w| out.push_str(w));
}

/// The singular of an English plural, as far as API names need it:
/// `companies` → `company`, `addresses` → `address`, `people` → `person`,
/// `contacts` → `contact`; words that only look plural stay (`status`,
/// `business`, `analysis`).
pub fn singular(word: &str) -> String {
    let mut w = word.to_string();
    singularize(&mut w);
    w
}

/// [`singular`] in place.
fn singularize(word: &mut String) {
    const SAME: &[&str] = &[
        "status", "business", "address", "analysis", "news", "series", "species", "access",
        "process", "success", "class", "alias", "bonus", "campus", "canvas", "census", "corpus",
        "focus", "virus", "radius", "sms", "os", "has", "is", "was", "this", "its", "us", "yes",
        "less", "always", "details", "settings", "minus", "plus", "basis", "axis",
    ];
    // Only words ending in `s` change, apart from `people`, `children`.
    if word.len() <= 3 || !(word.ends_with('s') || word == "people" || word == "children") {
        return;
    }
    if SAME.contains(&word.as_str()) {
        return;
    }
    let fixed = match word.as_str() {
        "people" => "person",
        "children" => "child",
        "statuses" => "status",
        "addresses" => "address",
        "businesses" => "business",
        "analyses" => "analysis",
        _ => "",
    };
    if !fixed.is_empty() {
        word.clear();
        word.push_str(fixed);
        return;
    }
    if word.ends_with("ies") {
        word.truncate(word.len() - 3);
        word.push('y');
        return;
    }
    for ending in ["sses", "shes", "ches", "xes", "zes"] {
        if word.ends_with(ending) {
            word.truncate(word.len() - 2);
            return;
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return;
    }
    word.pop();
}

/// Groups of names that mean the same field, each written as a [`key`]
/// (words joined, singular). The first of a group is the canonical one.
const FIELD_SYNONYMS: &[&[&str]] = &[
    &["email", "emailaddress", "mail", "primaryemail", "emailid"],
    &[
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "telephone",
        "tel",
        "cellphone",
        "primaryphone",
    ],
    &[
        "firstname",
        "givenname",
        "fname",
        "forename",
        "first",
        "namefirst",
    ],
    &[
        "lastname",
        "familyname",
        "surname",
        "lname",
        "last",
        "namelast",
    ],
    &[
        "company",
        "companyname",
        "organization",
        "organizationname",
        "orgname",
        "organisation",
        "accountname",
        "businessname",
    ],
    &["domain", "website", "companydomain", "url"],
    &[
        "query",
        "q",
        "term",
        "search",
        "keyword",
        "searchterm",
        "text",
        "searchquery",
    ],
    &[
        "start",
        "starttime",
        "startat",
        "startdate",
        "startdatetime",
        "begin",
        "beginat",
        "from",
        "startsat",
        "datetime",
        "scheduledat",
        "when",
        "earliest",
        "timemin",
        "after",
        "afterstart",
        "startfrom",
    ],
    &[
        "end",
        "endtime",
        "endat",
        "enddate",
        "enddatetime",
        "finish",
        "to",
        "endsat",
        "until",
        "latest",
        "timemax",
        "before",
        "beforeend",
    ],
    &[
        "durationminute",
        "duration",
        "lengthinminute",
        "length",
        "durationinminute",
        "minute",
    ],
    &["status", "state", "stage"],
    &["subject", "title", "summary", "headline", "topic"],
    &[
        "description",
        "body",
        "comment",
        "content",
        "detail",
        "message",
        "note",
    ],
    &["priority", "urgency", "severity"],
    &[
        "issuedate",
        "created",
        "createdat",
        "createdate",
        "dateissued",
        "issuedat",
        "date",
        "createdtime",
        "invoicedate",
    ],
    &["duedate", "dueat", "due", "duetime", "paymentduedate"],
    &[
        "amount",
        "total",
        "amounttotal",
        "totalamount",
        "grandtotal",
        "value",
        "price",
    ],
    &[
        "amountdue",
        "amountremaining",
        "balance",
        "amountopen",
        "balancedue",
        "outstanding",
        "amountoutstanding",
        "remaining",
    ],
    &["amountpaid", "paid", "paidamount", "totalpaid"],
    &[
        "updatedat",
        "updated",
        "lastmodified",
        "modifiedat",
        "updatedtime",
        "lastupdated",
        "lastmodifieddate",
        "updatetime",
    ],
    &["location", "place", "address", "meetinglocation", "venue"],
    &[
        "hostname",
        "host",
        "organizer",
        "owner",
        "assignee",
        "ownername",
        "user",
    ],
    &["trackingnumber", "trackingcode", "tracking", "trackingid"],
    &["carrier", "shippingcarrier", "provider", "courier"],
    &["ordernumber", "orderid", "ordername", "order"],
    &["invoicenumber", "invoiceid", "invoiceno", "invoice"],
    &["ticketnumber", "ticketid", "ticketno", "ticket"],
    &[
        "contactid",
        "customerid",
        "customer",
        "personid",
        "person",
        "contact",
        "requesterid",
        "userid",
        "clientid",
    ],
    &["serialnumber", "serial", "serialno", "sn"],
    &["postalcode", "zip", "zipcode", "postcode"],
    &["country", "countrycode"],
    &["productid", "product", "itemid", "sku", "variantid"],
    &["quantity", "qty", "count"],
    &[
        "appointmentid",
        "bookingid",
        "bookinguid",
        "meetingid",
        "eventid",
        "uid",
        "appointment",
        "booking",
    ],
    &["reason", "cancellationreason", "cancelreason"],
];

/// The canonical key of a field name (its synonym group's first member),
/// or the name's own key when it is in no group.
pub fn canonical(name: &str) -> String {
    canonical_of_key(key(name))
}

/// [`canonical`] of a name whose [`key`] is already made.
pub fn canonical_of_key(k: String) -> String {
    match synonyms().get(k.as_str()) {
        Some(first) => (*first).to_string(),
        None => k,
    }
}

/// Each key of [`FIELD_SYNONYMS`] to the first member of the first group
/// that holds it, built once.
fn synonyms() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for group in FIELD_SYNONYMS {
            for k in *group {
                map.entry(*k).or_insert(group[0]);
            }
        }
        map
    })
}

/// Whether two field names mean the same field: the same [`key`], or in one
/// synonym group.
pub fn same_field(a: &str, b: &str) -> bool {
    let (ka, kb) = (key(a), key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    ka == kb || canonical(a) == canonical(b)
}

/// Extra names of an entity that templates do not list but vendors use
/// (`person` for a contact, `event` for a meeting), with the share of the
/// points they earn (in percent).
pub fn entity_aliases(entity: &str) -> &'static [(&'static str, u8)] {
    match entity {
        "contact" => &[
            ("person", 90),
            ("people", 90),
            ("user", 60),
            ("lead", 40),
            ("member", 40),
            ("client", 80),
            ("requester", 40),
        ],
        "customer" => &[("client", 80), ("user", 50), ("account", 30)],
        "company" => &[
            ("organization", 100),
            ("org", 90),
            ("business", 80),
            ("account", 90),
        ],
        "appointment" => &[
            ("booking", 100),
            ("meeting", 100),
            ("event", 70),
            ("visit", 60),
            ("reservation", 80),
        ],
        "meeting" => &[("booking", 90), ("event", 70), ("appointment", 100)],
        "availability" => &[
            ("slot", 100),
            ("free_busy", 100),
            ("available_time", 100),
            ("busy_time", 80),
            ("schedule", 50),
            ("available", 90),
        ],
        "calendar" => &[("schedule", 60)],
        "invoice" => &[("bill", 80)],
        "ticket" => &[
            ("case", 90),
            ("request", 40),
            ("issue", 60),
            ("conversation", 40),
        ],
        "note" => &[("comment", 60), ("activity", 40)],
        "order" => &[("purchase", 70), ("sale", 60), ("checkout", 50)],
        "payment" => &[("charge", 80), ("transaction", 70), ("payment_intent", 90)],
        "product" => &[
            ("item", 70),
            ("sku", 80),
            ("catalog", 50),
            ("pricebook", 40),
            ("material", 40),
        ],
        "article" => &[
            ("knowledge", 80),
            ("help_center", 60),
            ("faq", 70),
            ("content", 30),
        ],
        "shipment" => &[
            ("fulfillment", 90),
            ("tracking", 70),
            ("parcel", 100),
            ("delivery", 70),
        ],
        "repair" => &[
            ("job", 60),
            ("work_order", 100),
            ("service_order", 100),
            ("appointment", 20),
        ],
        "asset" => &[
            ("equipment", 90),
            ("installed_equipment", 100),
            ("device", 90),
        ],
        "device" => &[
            ("equipment", 80),
            ("asset", 80),
            ("installed_equipment", 90),
        ],
        "lead" => &[("prospect", 90), ("opportunity", 40)],
        "deal" => &[("opportunity", 90)],
        "refund" => &[("return", 80), ("credit_note", 60)],
        "payment_link" => &[("checkout_session", 80), ("payment_page", 80), ("link", 40)],
        "payment_plan" => &[
            ("installment", 80),
            ("subscription_schedule", 60),
            ("payment_schedule", 80),
        ],
        "reminder" => &[("send", 40), ("dunning", 80)],
        "inventory" => &[
            ("stock", 100),
            ("inventory_level", 100),
            ("availability", 40),
        ],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_convention() {
        assert_eq!(
            words("getContactByEmail"),
            ["get", "contact", "by", "email"]
        );
        assert_eq!(
            words("/crm/v3/objects/contacts/search"),
            ["crm", "v3", "object", "contact", "search"]
        );
        assert_eq!(
            words("HTTPServer_list-items"),
            ["http", "server", "list", "item"]
        );
        assert_eq!(words("Companies and People"), ["company", "and", "person"]);
        assert_eq!(words("statuses"), ["status"]);
        assert_eq!(words("status"), ["status"]);
        assert_eq!(words(""), Vec::<String>::new());
        // Non-ASCII characters separate words, as any punctuation.
        assert_eq!(words("CaféBookings—ÉtéX"), ["caf", "booking", "t", "x"]);
    }

    #[test]
    fn names_compare_across_conventions_and_synonyms() {
        assert!(same_field("first_name", "firstName"));
        assert!(same_field("first_name", "firstname"));
        assert!(same_field("first_name", "given_name"));
        assert!(same_field("phone", "phone_number"));
        assert!(same_field("email", "emailAddress"));
        assert!(!same_field("email", "phone"));
        assert!(!same_field("", ""));
        assert_eq!(canonical("GivenName"), "firstname");
    }
}
