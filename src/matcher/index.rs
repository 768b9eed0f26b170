//! The index of a spec: every operation reduced once to the words and
//! names the scoring compares (path segments, operationId, summary, tags,
//! parameter and body field names), so matching thirty templates against
//! Salesforce's 3,665 operations reads each operation once. Words and keys
//! are kept as numbers of the index's [`Vocab`].

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::tokens::{canonical_of_key, each_word, key_into};
use super::vocab::{Sym, Vocab};
use crate::openapi::{Api, Operation, ParamLocation, Schema, SchemaKind};

/// What an operation does, read from its method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A search: a POST or GET to a `…/search` (`query`, `find`) path.
    Search,
    /// A GET of a collection.
    List,
    /// A GET of one record (the path ends in a parameter).
    Get,
    /// A POST to a collection.
    Create,
    /// A PUT or PATCH, or a POST to `…/reschedule`, `…/update`.
    Update,
    /// A DELETE, or a POST to `…/cancel`.
    Delete,
    /// Anything else (HEAD, OPTIONS…).
    Other,
}

impl OpKind {
    /// Every kind, in the order of [`OpKind::position`].
    pub const ALL: [OpKind; 7] = [
        OpKind::Search,
        OpKind::List,
        OpKind::Get,
        OpKind::Create,
        OpKind::Update,
        OpKind::Delete,
        OpKind::Other,
    ];

    /// A word for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Search => "search",
            OpKind::List => "list",
            OpKind::Get => "get",
            OpKind::Create => "create",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
            OpKind::Other => "other",
        }
    }

    /// Its position in [`OpKind::ALL`].
    pub fn position(self) -> usize {
        self as usize
    }
}

/// A name the operation accepts as input, and where.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name as the spec writes it.
    pub name: String,
    /// Where it goes: `path`, `query`, `header` or `body`.
    pub location: &'static str,
    /// For a body field, its JSON pointer in the body (`/properties/email`);
    /// for parameters, the name.
    pub pointer: String,
    /// [`key`](super::tokens::key) of the name; [`Sym::NONE`] for a header
    /// (never matched by name) or a name without a key.
    pub key: Sym,
    /// [`canonical`](super::tokens::canonical) of the name ([`Sym::NONE`]
    /// as for `key`).
    pub canonical: Sym,
    /// Whether the spec requires it.
    pub required: bool,
}

/// One operation, indexed.
#[derive(Debug, Clone)]
pub struct OpEntry {
    /// Index of the spec in [`Index::apis`].
    pub spec: usize,
    /// Index of the operation in that spec's `operations`.
    pub op: usize,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// What it does.
    pub kind: OpKind,
    /// Words of the resource: the last static segment that is a noun.
    pub resource: Vec<Sym>,
    /// The words of all static segments, in order (the path as one run of
    /// words).
    pub path_words: Vec<Sym>,
    /// Words of the segment that names the action (`search`, `cancel`), if any.
    pub action_words: Vec<Sym>,
    /// Whether the path ends in a parameter (`/invoices/{invoice}`).
    pub ends_with_param: bool,
    /// Path parameter names, in order.
    pub path_params: Vec<String>,
    /// [`key`](super::tokens::key) and
    /// [`canonical`](super::tokens::canonical) of each path parameter name,
    /// in order.
    pub path_param_keys: Vec<(Sym, Sym)>,
    /// Words of the static segment right before each path parameter.
    pub param_owner: Vec<Vec<Sym>>,
    /// Words of the operationId.
    pub op_id_words: Vec<Sym>,
    /// Whether the operationId's first word is `search`.
    pub op_id_starts_search: bool,
    /// Words of the summary (or, without one, the description's first line).
    pub summary_words: Vec<Sym>,
    /// Whether the summary says `deprecated` or `legacy`.
    pub summary_deprecated: bool,
    /// Words of the tags.
    pub tag_words: Vec<Sym>,
    /// Query and path parameters and body fields (three levels deep).
    pub inputs: Vec<Input>,
    /// The [`Sym::bit`]s of the keys and canonical keys of `inputs`: a
    /// name whose bits are not here is taken by no input.
    pub input_bits: u128,
    /// Key and canonical key of each required query parameter.
    pub required_query: Vec<(Sym, Sym)>,
    /// The first query or body input named `name` or `fullname` (where a
    /// first or last name may go), as a position in `inputs`.
    pub name_input: Option<usize>,
    /// The first query or body input that is a generic search or filter
    /// (`query`, `filter`, `where`…), as a position in `inputs`.
    pub generic_input: Option<usize>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Whether it works on many records at once (batch, bulk, import, export).
    pub bulk: bool,
}

/// Every operation of one or more specs, indexed once.
#[derive(Debug)]
pub struct Index<'a> {
    /// The specs, in the order given.
    pub apis: Vec<&'a Api>,
    /// The operations of all of them.
    pub entries: Vec<OpEntry>,
    /// The words and keys of the entries.
    pub vocab: Vocab,
}

/// The words the index knows before reading a spec, so the ones it tests
/// are constants: first the segments that name what is done, not the
/// record (`/contacts/search`; [`ACTION_SEGMENTS`] of them), then the
/// other words the index looks for.
const SEED: &[&str] = &[
    "search",
    "query",
    "find",
    "lookup",
    "list",
    "all",
    "cancel",
    "reschedule",
    "confirm",
    "decline",
    "count",
    "autocomplete",
    "batch",
    "bulk",
    "export",
    "import",
    "requested",
    "assigned",
    "ccd",
    "me",
    "update",
    "create",
    "delete",
    "get",
    "read",
    "merge",
    "send",
    "detail",
    "filter",
    "mark",
    "absent",
    "show",
    "many",
    "incremental",
    "recent",
    "archive",
    "archived",
    "v1",
    "v2",
    "v3",
    "v4",
    "api",
    // Not actions:
    "page",
    "info",
    "data",
    "summary",
    "record",
    "deprecated",
    "legacy",
    "name",
    "fullname",
    "where",
    "filtergroup",
    "searchfield",
];

/// How many of [`SEED`]'s first words are action segments.
const ACTION_SEGMENTS: usize = 42;

/// The seed word `w` as a constant (compile error when it is not seeded).
const fn seeded(w: &str) -> Sym {
    let mut i = 0;
    while i < SEED.len() {
        let s = SEED[i].as_bytes();
        let b = w.as_bytes();
        if s.len() == b.len() {
            let mut j = 0;
            while j < s.len() && s[j] == b[j] {
                j += 1;
            }
            if j == s.len() {
                return Sym::seed(i);
            }
        }
        i += 1;
    }
    panic!("not a seed word")
}

const SEARCH: Sym = seeded("search");
const QUERY: Sym = seeded("query");
const FIND: Sym = seeded("find");
const AUTOCOMPLETE: Sym = seeded("autocomplete");
const CANCEL: Sym = seeded("cancel");
const DELETE: Sym = seeded("delete");
const DECLINE: Sym = seeded("decline");
const ARCHIVE: Sym = seeded("archive");
const RESCHEDULE: Sym = seeded("reschedule");
const UPDATE: Sym = seeded("update");
const MERGE: Sym = seeded("merge");
const BATCH: Sym = seeded("batch");
const BULK: Sym = seeded("bulk");
const IMPORT: Sym = seeded("import");
const EXPORT: Sym = seeded("export");
const MANY: Sym = seeded("many");
const DEPRECATED: Sym = seeded("deprecated");
const LEGACY: Sym = seeded("legacy");
const NAME: Sym = seeded("name");
const FULLNAME: Sym = seeded("fullname");
const FILTER: Sym = seeded("filter");
const WHERE: Sym = seeded("where");
const FILTERGROUP: Sym = seeded("filtergroup");
const SEARCHFIELD: Sym = seeded("searchfield");

/// Words after the noun that do not change what the resource is.
const GENERIC_SUFFIXES: [Sym; 7] = [
    seeded("page"),
    seeded("info"),
    seeded("detail"),
    seeded("data"),
    seeded("list"),
    seeded("summary"),
    seeded("record"),
];

/// How many schema nodes the body walk of one operation may visit.
const BODY_BUDGET: usize = 400;

impl<'a> Index<'a> {
    /// Indexes every operation of `apis`.
    pub fn new(apis: &[&'a Api]) -> Index<'a> {
        let mut b = Builder {
            vocab: Vocab::seeded(SEED),
            keys: FxHashMap::default(),
            buf: String::new(),
        };
        let mut entries = Vec::new();
        for (spec, api) in apis.iter().enumerate() {
            for (i, op) in api.operations.iter().enumerate() {
                entries.push(b.entry(api, spec, i, op));
            }
        }
        Index {
            apis: apis.to_vec(),
            entries,
            vocab: b.vocab,
        }
    }

    /// The operation an entry stands for.
    pub fn operation(&self, entry: &OpEntry) -> &'a Operation {
        &self.apis[entry.spec].operations[entry.op]
    }
}

/// What indexing keeps from one operation to the next.
struct Builder<'a> {
    vocab: Vocab,
    /// Each name met so far to its key and canonical key.
    keys: FxHashMap<&'a str, (Sym, Sym)>,
    /// A buffer for keys.
    buf: String,
}

/// Whether every word of a segment names an action.
fn is_action(seg: &[Sym]) -> bool {
    seg.iter().all(|w| w.is_seed_below(ACTION_SEGMENTS))
}

impl<'a> Builder<'a> {
    /// The words of `text`, as numbers.
    fn words(&mut self, text: &str) -> Vec<Sym> {
        let mut out = Vec::new();
        let vocab = &mut self.vocab;
        each_word(text, |w| out.push(vocab.intern(w)));
        out
    }

    /// The words of `text` appended to `out`.
    fn words_into(&mut self, text: &str, out: &mut Vec<Sym>) {
        let vocab = &mut self.vocab;
        each_word(text, |w| out.push(vocab.intern(w)));
    }

    /// The key and canonical key of a name, as numbers ([`Sym::NONE`] for
    /// a name without a key).
    fn key(&mut self, name: &'a str) -> (Sym, Sym) {
        if let Some(k) = self.keys.get(name) {
            return *k;
        }
        key_into(name, &mut self.buf);
        let k = if self.buf.is_empty() {
            (Sym::NONE, Sym::NONE)
        } else {
            let key = self.vocab.intern(&self.buf);
            let canonical = canonical_of_key(std::mem::take(&mut self.buf));
            (key, self.vocab.intern(&canonical))
        };
        self.keys.insert(name, k);
        k
    }

    fn entry(&mut self, api: &'a Api, spec: usize, i: usize, op: &'a Operation) -> OpEntry {
        let op_id_words = op
            .operation_id
            .as_deref()
            .map(|id| self.words(id))
            .unwrap_or_default();
        let mut segments: Vec<Vec<Sym>> = Vec::new();
        let mut path_params = Vec::new();
        let mut param_owner = Vec::new();
        let mut ends_with_param = false;
        for raw in op.path.split('/').filter(|s| !s.is_empty()) {
            if raw.starts_with('{') && raw.ends_with('}') && raw.len() > 2 {
                path_params.push(&raw[1..raw.len() - 1]);
                param_owner.push(segments.last().cloned().unwrap_or_default());
                ends_with_param = true;
            } else {
                // `/contacts:search` (Google style) and `/foo.json` split too.
                let w = self.words(raw);
                if !w.is_empty() {
                    segments.push(w);
                }
                ends_with_param = false;
            }
        }
        // The resource: the last static segment that is not an action word.
        let mut resource = segments
            .iter()
            .rev()
            .find(|s| !is_action(s))
            .cloned()
            .unwrap_or_default();
        // `availability-page`, `invoice_details`: the noun before a generic word.
        while resource.len() > 1
            && resource
                .last()
                .is_some_and(|w| GENERIC_SUFFIXES.contains(w))
        {
            resource.pop();
        }
        let bulk = segments
            .iter()
            .flatten()
            .chain(&op_id_words)
            .any(|w| [BATCH, BULK, IMPORT, EXPORT, MANY].contains(w));
        let action_words = segments
            .last()
            .filter(|s| is_action(s))
            .cloned()
            .unwrap_or_default();
        let summary = op.summary.as_deref().or_else(|| {
            op.description
                .as_deref()
                .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
        });
        let summary_words: Vec<Sym> = summary
            .map(|s| {
                // The first 300 characters.
                let short = s.char_indices().nth(300).map_or(s, |(at, _)| &s[..at]);
                self.words(short)
            })
            .unwrap_or_default();
        let mut tag_words = Vec::new();
        for t in &op.tags {
            self.words_into(t, &mut tag_words);
        }
        let has = |w: Sym| action_words.contains(&w);
        let id_has = |w: Sym| op_id_words.first() == Some(&w);
        let kind = match op.method.as_str() {
            "GET" if has(SEARCH) || has(QUERY) || has(FIND) || has(AUTOCOMPLETE) => OpKind::Search,
            "GET" if ends_with_param => OpKind::Get,
            "GET" => OpKind::List,
            "POST"
                if has(SEARCH)
                    || has(QUERY)
                    || has(FIND)
                    || id_has(SEARCH)
                    || op_id_words
                        .last()
                        .is_some_and(|w| *w == QUERY || *w == SEARCH) =>
            {
                OpKind::Search
            }
            "POST" if has(CANCEL) || has(DELETE) || has(DECLINE) || has(ARCHIVE) => OpKind::Delete,
            "POST" if has(RESCHEDULE) || has(UPDATE) || has(MERGE) || ends_with_param => {
                OpKind::Update
            }
            "POST" => OpKind::Create,
            "PUT" | "PATCH" => OpKind::Update,
            "DELETE" => OpKind::Delete,
            _ => OpKind::Other,
        };
        let mut inputs = Vec::new();
        for p in &op.parameters {
            let location = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => continue,
            };
            // A header is never matched by name.
            let (key, canonical) = if location == "header" {
                (Sym::NONE, Sym::NONE)
            } else {
                self.key(&p.name)
            };
            inputs.push(Input {
                canonical,
                key,
                name: p.name.clone(),
                location,
                pointer: p.name.clone(),
                required: p.required,
            });
        }
        if let Some(body) = &op.request_body {
            let mut walk = BodyWalk {
                api,
                budget: BODY_BUDGET,
                seen: FxHashSet::default(),
                pointers: FxHashSet::default(),
            };
            walk.fields(self, &body.schema, "", 0, true, &mut inputs);
        }
        let path_words = segments.iter().flatten().copied().collect();
        let path_param_keys = path_params.iter().map(|p| self.key(p)).collect();
        let query_or_body = |i: &Input| matches!(i.location, "query" | "body");
        let name_input = inputs
            .iter()
            .position(|i| query_or_body(i) && (i.key == NAME || i.key == FULLNAME));
        let generic_input = inputs.iter().position(|i| {
            query_or_body(i)
                && (i.canonical == QUERY
                    || i.key == FILTER
                    || i.key == WHERE
                    || i.key == FILTERGROUP
                    || i.key == SEARCHFIELD)
        });
        let input_bits = inputs
            .iter()
            .fold(0, |bits, i| bits | i.key.bit() | i.canonical.bit());
        let required_query = inputs
            .iter()
            .filter(|i| i.required && i.location == "query")
            .map(|i| (i.key, i.canonical))
            .collect();
        OpEntry {
            spec,
            op: i,
            method: op.method.clone(),
            path: op.path.clone(),
            operation_id: op.operation_id.clone(),
            kind,
            path_words,
            resource,
            action_words,
            ends_with_param,
            path_params: path_params.into_iter().map(str::to_owned).collect(),
            path_param_keys,
            param_owner,
            op_id_starts_search: op_id_words.first() == Some(&SEARCH),
            op_id_words,
            summary_deprecated: summary_words
                .iter()
                .any(|w| *w == DEPRECATED || *w == LEGACY),
            summary_words,
            tag_words,
            inputs,
            input_bits,
            required_query,
            name_input,
            generic_input,
            deprecated: op.deprecated,
            bulk,
        }
    }
}

/// Escapes one JSON pointer token.
pub fn escape(token: &str) -> String {
    escape_token(token).into_owned()
}

/// [`escape`], borrowing the token when it needs no escape.
fn escape_token(token: &str) -> Cow<'_, str> {
    if !token.contains(['~', '/']) {
        return Cow::Borrowed(token);
    }
    Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
}

/// The walk over one operation's request body.
struct BodyWalk<'a> {
    api: &'a Api,
    /// How many more schema nodes it may visit.
    budget: usize,
    /// The component schemas on the way down (a cycle stops there).
    seen: FxHashSet<&'a str>,
    /// The body pointers already in the inputs.
    pointers: FxHashSet<String>,
}

impl<'a> BodyWalk<'a> {
    /// Collects the property names of a body schema, three objects deep
    /// (`/properties/email`, `/data/attributes/email`), within the budget.
    fn fields(
        &mut self,
        b: &mut Builder<'a>,
        schema: &'a Schema,
        pointer: &str,
        depth: usize,
        required: bool,
        out: &mut Vec<Input>,
    ) {
        if self.budget == 0 || depth > 3 {
            return;
        }
        self.budget -= 1;
        match &schema.kind {
            SchemaKind::Ref(name) if self.seen.insert(name) => {
                if let Some(target) = self.api.schemas.get(name) {
                    self.fields(b, target, pointer, depth, required, out);
                }
                self.seen.remove(name.as_str());
            }
            SchemaKind::AllOf(members)
            | SchemaKind::OneOf(members)
            | SchemaKind::AnyOf(members) => {
                for m in members {
                    self.fields(b, m, pointer, depth, required, out);
                }
            }
            SchemaKind::Object {
                properties,
                required: needed,
                ..
            } => {
                for (name, child) in properties {
                    if child.read_only {
                        continue;
                    }
                    let here = format!("{pointer}/{}", escape_token(name));
                    let req = required && needed.iter().any(|n| n == name);
                    if !self.pointers.contains(&here) {
                        self.pointers.insert(here.clone());
                        let (key, canonical) = b.key(name);
                        out.push(Input {
                            canonical,
                            key,
                            name: name.clone(),
                            location: "body",
                            pointer: here.clone(),
                            required: req,
                        });
                    }
                    self.fields(b, child, &here, depth + 1, req, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_starts_with_the_action_segments() {
        assert_eq!(SEED[ACTION_SEGMENTS - 1], "api");
        assert_eq!(SEED[ACTION_SEGMENTS], "page");
        let v = Vocab::seeded(SEED);
        assert_eq!(v.get("searchfield"), SEARCHFIELD);
        assert!(is_action(&[v.get("search"), v.get("v2")]));
        assert!(!is_action(&[v.get("search"), v.get("page")]));
    }
}
