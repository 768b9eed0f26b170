//! Scoring one indexed operation against one template's intent: points for
//! the action (method and path shape), the entity words (path, operationId,
//! summary, tags), the key inputs it accepts, and deductions for what
//! speaks against it (deprecated, unbindable path parameters). Every
//! addition or deduction is a [`Reason`].

use serde::Serialize;

use super::index::{OpEntry, OpKind};
use super::tokens::{canonical, entity_aliases, key, words};
use super::vocab::{Sym, Vocab};
use crate::catalog::Template;

/// Points added or removed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Positive or negative.
    pub points: i32,
    /// What earned or cost them.
    pub text: String,
}

/// How an operation takes one of the template's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepts {
    /// A parameter or body field of that name (or a synonym).
    Named {
        /// `path`, `query`, `header` or `body`.
        location: &'static str,
        /// The spec's name or body pointer.
        name: String,
    },
    /// The record's own id in the path (`invoice_number` → `{invoice}`).
    PathId {
        /// The path parameter.
        name: String,
    },
    /// A generic search or filter parameter (`query`, `term`, `filter`).
    Generic {
        /// `query` or `body`.
        location: &'static str,
        /// The spec's name or body pointer.
        name: String,
    },
}

/// One entity word of a template with the share of points it earns.
struct Entity {
    words: Vec<Sym>,
    text: String,
    percent: i32,
}

/// The template's entities and their aliases, best first; those with a
/// word the index does not hold (they can be found nowhere) are left out.
fn entities(vocab: &Vocab, template: &Template) -> Vec<Entity> {
    let mut out: Vec<(Vec<String>, String, i32)> = Vec::new();
    for (i, e) in template.intent.entities.iter().enumerate() {
        let base = (100 - 12 * i as i32).max(55);
        let mut push = |text: &str, percent: i32| {
            let w = words(text);
            if w.is_empty() {
                return;
            }
            match out.iter_mut().find(|x| x.0 == w) {
                Some(x) => x.2 = x.2.max(percent),
                None => out.push((w, text.to_string(), percent)),
            }
        };
        push(e, base);
        for (alias, share) in entity_aliases(e) {
            push(alias, base * i32::from(*share) / 100);
        }
    }
    out.into_iter()
        .filter_map(|(w, text, percent)| {
            let words: Vec<Sym> = w.iter().map(|w| vocab.get(w)).collect();
            (!words.contains(&Sym::UNKNOWN)).then_some(Entity {
                words,
                text,
                percent,
            })
        })
        .collect()
}

/// Whether `needle` occurs as consecutive words of `hay`.
fn contains_seq(hay: &[Sym], needle: &[Sym]) -> bool {
    match needle {
        [] => false,
        [one] => hay.contains(one),
        _ => hay.windows(needle.len()).any(|w| w == needle),
    }
}

/// The best entity found in `hay`, as (percent, entity text).
fn best_entity<'e>(ents: &'e [Entity], hay: &[Sym]) -> Option<(i32, &'e str)> {
    if hay.is_empty() {
        return None;
    }
    ents.iter()
        .filter(|e| contains_seq(hay, &e.words))
        .map(|e| (e.percent, e.text.as_str()))
        .max_by_key(|(p, _)| *p)
}

/// Verbs in a template id that single out operations by name
/// (`appointment-cancel` → `cancel`).
const ID_VERBS: &[&str] = &[
    "cancel",
    "reschedule",
    "send",
    "book",
    "verify",
    "qualify",
    "track",
    "search",
    "log",
    "check",
];

/// How an operation takes the template input `input`, if it does
/// (`vocab`: the index's that holds `entry`).
pub fn accepts(
    vocab: &Vocab,
    entry: &OpEntry,
    template: &Template,
    input: &str,
) -> Option<Accepts> {
    find(entry, &PreparedInput::new(vocab, template, input)).map(Found::owned)
}

/// A template input's name reduced once per ranking: its keys, words and
/// the entity words its owner may appear as (`contact` of `contact_id`),
/// as numbers of the index's vocabulary.
struct PreparedInput<'t> {
    name: &'t str,
    key: Sym,
    canonical: Sym,
    /// [`Sym::bit`] of `key` and of `canonical`.
    bits: u128,
    /// Whether it is a first or last name.
    first_or_last: bool,
    /// For `<owner>_id`-like inputs: the owner's entity words.
    owner_entities: Option<Vec<Vec<Sym>>>,
}

impl<'t> PreparedInput<'t> {
    fn new(vocab: &Vocab, template: &Template, input: &'t str) -> Self {
        let w = words(input);
        let owner_entities = w.split_last().and_then(|(last, owner)| {
            (matches!(
                last.as_str(),
                "id" | "number" | "uid" | "code" | "no" | "key"
            ) && !owner.is_empty())
            .then(|| {
                owner_entities(template, owner)
                    .iter()
                    .map(|e| e.iter().map(|w| vocab.get(w)).collect())
                    .collect()
            })
        });
        let canonical_text = canonical(input);
        let key = vocab.get(&key(input));
        let canonical = vocab.get(&canonical_text);
        PreparedInput {
            name: input,
            key,
            canonical,
            bits: key.bit() | canonical.bit(),
            first_or_last: matches!(canonical_text.as_str(), "firstname" | "lastname"),
            owner_entities,
        }
    }
}

/// [`Accepts`] with the names borrowed from the entry (scoring writes no
/// string unless a reason's text is asked for).
#[derive(Clone, Copy)]
enum Found<'e> {
    Named {
        location: &'static str,
        name: &'e str,
    },
    PathId {
        name: &'e str,
    },
    Generic {
        location: &'static str,
        name: &'e str,
    },
}

impl Found<'_> {
    fn owned(self) -> Accepts {
        match self {
            Found::Named { location, name } => Accepts::Named {
                location,
                name: name.to_string(),
            },
            Found::PathId { name } => Accepts::PathId {
                name: name.to_string(),
            },
            Found::Generic { location, name } => Accepts::Generic {
                location,
                name: name.to_string(),
            },
        }
    }
}

/// How `entry` takes a prepared input, names borrowed.
fn find<'e>(entry: &'e OpEntry, input: &PreparedInput<'_>) -> Option<Found<'e>> {
    // Headers and names without a key are `Sym::NONE`, and a template's
    // name the index does not hold is `Sym::UNKNOWN`: neither matches (nor
    // has a bit); without a bit in common, no input has the name.
    let named = input.bits & entry.input_bits != 0;
    if let Some(found) = entry
        .inputs
        .iter()
        .find(|i| named && (i.key == input.key || i.canonical == input.canonical))
    {
        return Some(if found.location == "path" {
            Found::PathId { name: &found.name }
        } else {
            Found::Named {
                location: found.location,
                name: &found.pointer,
            }
        });
    }
    // `invoice_number`, `contact_id`: the id of an entity, taken in the path
    // right after that entity's segment (`/persons/{id}`).
    if let Some(owner_entities) = &input.owner_entities {
        for (param, seg) in entry.path_params.iter().zip(&entry.param_owner) {
            if owner_entities.iter().any(|e| contains_seq(seg, e)) {
                return Some(Found::PathId { name: param });
            }
        }
    }
    // A first or last name goes into a full `name` field.
    if input.first_or_last {
        if let Some(i) = entry.name_input.map(|n| &entry.inputs[n]) {
            return Some(Found::Generic {
                location: i.location,
                name: &i.pointer,
            });
        }
    }
    entry
        .generic_input
        .map(|n| &entry.inputs[n])
        .map(|i| Found::Generic {
            location: i.location,
            name: &i.pointer,
        })
}

/// The words an input's owner (`contact` of `contact_id`) may appear as in
/// a path: itself, and its aliases when it is one of the template's
/// entities or a common record (contact, customer).
fn owner_entities(template: &Template, owner: &[String]) -> Vec<Vec<String>> {
    let text = owner.join("_");
    let mut out = vec![owner.to_vec()];
    let is_entity = template
        .intent
        .entities
        .iter()
        .any(|e| key(e) == key(&text));
    if is_entity
        || matches!(
            text.as_str(),
            "contact" | "customer" | "ticket" | "order" | "invoice"
        )
    {
        for (alias, share) in entity_aliases(&text) {
            if *share >= 50 {
                out.push(words(alias));
            }
        }
        if text == "contact" {
            out.push(vec!["customer".to_string()]);
        }
    }
    out
}

/// A template reduced once per ranking against one index: its entity
/// words and aliases, its inputs' and tool arguments' keys (as numbers of
/// the index's vocabulary), the points of its action for each kind of
/// operation. Scoring many operations against one template reads these
/// instead of splitting the same names again for each operation.
pub struct Prepared<'t, 'v> {
    template: &'t Template,
    vocab: &'v Vocab,
    entities: Vec<Entity>,
    inputs: Vec<PreparedInput<'t>>,
    /// The tool's arguments, as inputs (for path parameters they fill).
    params: Vec<PreparedInput<'t>>,
    /// The template id's verbs that single out operations by name.
    verbs: Vec<(Sym, &'t str)>,
    /// The points of the template's action for each [`OpKind`] (by
    /// [`OpKind::position`]).
    action_points: [i32; 7],
}

/// The points for an operation of kind `kind` when the template wants
/// action `want`.
fn action_points(want: &str, kind: OpKind) -> i32 {
    match (want, kind) {
        ("search", OpKind::Search) | ("get", OpKind::Get) | ("list", OpKind::List) => 30,
        ("create", OpKind::Create) | ("update", OpKind::Update) | ("delete", OpKind::Delete) => 30,
        ("get", OpKind::Search) | ("list", OpKind::Search) => 20,
        ("search", OpKind::List) | ("get", OpKind::List) => 16,
        ("search", OpKind::Get) => 10,
        ("list", OpKind::Get) => 4,
        ("delete", OpKind::Update) => 4,
        ("create" | "update" | "delete", OpKind::Search | OpKind::List | OpKind::Get) => -35,
        ("search" | "get" | "list", _) => -35,
        ("create", OpKind::Delete) | ("update", OpKind::Delete) => -30,
        _ => -10,
    }
}

impl<'t, 'v> Prepared<'t, 'v> {
    /// Prepares `template` for scoring the entries of the index whose
    /// vocabulary is `vocab`.
    pub fn new(vocab: &'v Vocab, template: &'t Template) -> Self {
        let want = template.intent.action.as_str();
        Prepared {
            template,
            vocab,
            entities: entities(vocab, template),
            inputs: template
                .intent
                .inputs
                .iter()
                .map(|i| PreparedInput::new(vocab, template, i))
                .collect(),
            params: template
                .tool
                .parameters
                .iter()
                .map(|p| PreparedInput::new(vocab, template, &p.name))
                .collect(),
            verbs: template
                .id
                .split('-')
                .filter(|w| ID_VERBS.contains(w))
                .map(|w| (vocab.get(w), w))
                .collect(),
            action_points: OpKind::ALL.map(|k| action_points(want, k)),
        }
    }

    /// The template.
    pub fn template(&self) -> &'t Template {
        self.template
    }
}

/// Whether a tool argument and a spec name mean the same field (as
/// [`same_field`](super::tokens::same_field), with both sides' keys already
/// made; the sentinels of either side match nothing).
fn same_keys(arg: &PreparedInput<'_>, key: Sym, canonical: Sym) -> bool {
    arg.key == key || arg.canonical == canonical
}

/// Scores `entry` (of the index whose vocabulary is `vocab`) for
/// `template`; the reasons add up to the score.
pub fn score(vocab: &Vocab, entry: &OpEntry, template: &Template) -> (i32, Vec<Reason>) {
    score_prepared(entry, &Prepared::new(vocab, template))
}

/// [`score`] against a prepared template.
pub fn score_prepared(entry: &OpEntry, prepared: &Prepared<'_, '_>) -> (i32, Vec<Reason>) {
    let mut reasons = Vec::new();
    let total = tally(entry, prepared, &mut |points, text| {
        reasons.push(Reason {
            points,
            text: text(),
        })
    });
    (total, reasons)
}

/// Only the score of `entry` for a prepared template: no reason's text is
/// written.
pub fn points(entry: &OpEntry, prepared: &Prepared<'_, '_>) -> i32 {
    tally(entry, prepared, &mut |_, _| {})
}

/// Adds up the points; each non-zero addition is also given to `note`
/// with a way to write its text.
fn tally(
    entry: &OpEntry,
    prepared: &Prepared<'_, '_>,
    note: &mut dyn FnMut(i32, &dyn Fn() -> String),
) -> i32 {
    let template = prepared.template;
    let mut total = 0;
    let mut add = |points: i32, text: &dyn Fn() -> String| {
        if points != 0 {
            total += points;
            note(points, text);
        }
    };
    let ents = &prepared.entities;

    // Entity words.
    let mut named = false;
    // The resource is the entity (`invoices`), ends with it (`support_tickets`:
    // a kind of ticket), or only mentions it (`ticket_forms`: a form).
    let exact = ents
        .iter()
        .filter(|e| e.words == entry.resource)
        .map(|e| (e.percent, e.text.as_str()))
        .max_by_key(|(p, _)| *p);
    let head = ents
        .iter()
        .filter(|e| entry.resource.ends_with(&e.words))
        .map(|e| (e.percent, e.text.as_str()))
        .max_by_key(|(p, _)| *p);
    let res = || prepared.vocab.join(&entry.resource, "_");
    if let Some((pct, e)) = exact {
        named = true;
        add(40 * pct / 100, &|| {
            format!("path resource `{}` is `{e}`", res())
        });
    } else if let Some((pct, e)) = head {
        named = true;
        add(28 * pct / 100, &|| {
            format!("path resource `{}` is a kind of `{e}`", res())
        });
    } else if let Some((pct, e)) = best_entity(ents, &entry.path_words) {
        // An entity's words may run across segments, as in the joined path.
        named = true;
        add(15 * pct / 100, &|| {
            format!("`{e}` in the path, not as its resource")
        });
    }
    if let Some((pct, e)) = best_entity(ents, &entry.op_id_words) {
        named = true;
        add(12 * pct / 100, &|| format!("`{e}` in the operationId"));
    }
    if let Some((pct, e)) = best_entity(ents, &entry.summary_words) {
        add(8 * pct / 100, &|| format!("`{e}` in the summary"));
    }
    if let Some((pct, e)) = best_entity(ents, &entry.tag_words) {
        add(6 * pct / 100, &|| format!("`{e}` in the tags"));
    }
    if !named {
        add(-25, &|| {
            "no entity of the template in the path or operationId".to_string()
        });
    }

    // The action.
    let want = template.intent.action.as_str();
    let kind = entry.kind;
    let points = prepared.action_points[kind.position()];
    add(points, &|| {
        format!(
            "{} {} reads as `{}`; the template wants `{want}`",
            entry.method,
            entry.path,
            kind.as_str()
        )
    });
    // Verbs of the template's id in the path or operationId.
    for &(sym, verb) in &prepared.verbs {
        if entry.action_words.contains(&sym) || entry.op_id_words.contains(&sym) {
            add(10, &|| format!("`{verb}` in the path or operationId"));
        }
    }
    if entry.op_id_starts_search && want == "search" && kind != OpKind::Search {
        add(6, &|| "operationId starts with `search`".to_string());
    }

    // Key inputs.
    let mut direct = 0;
    let mut any = 0;
    for input in &prepared.inputs {
        let name = input.name;
        match find(entry, input) {
            Some(Found::Named { location, name: at }) => {
                direct += 1;
                any += 1;
                add(12, &|| format!("takes `{name}` as {location} `{at}`"));
            }
            Some(Found::PathId { name: at }) => {
                direct += 1;
                any += 1;
                add(10, &|| format!("takes `{name}` as path parameter `{at}`"));
            }
            Some(Found::Generic { location, name: at }) => {
                any += 1;
                add(5, &|| {
                    format!("may take `{name}` through {location} `{at}`")
                });
            }
            None => {}
        }
    }
    if !template.intent.inputs.is_empty() && any == 0 {
        add(-10, &|| {
            format!(
                "takes none of the key inputs ({})",
                template.intent.inputs.join(", ")
            )
        });
    }
    if kind == OpKind::List && direct > 0 && matches!(want, "search" | "get") {
        add(6, &|| "a list filtered by a key input".to_string());
    }

    // Path parameters no tool argument can fill.
    // Which path parameter each tool argument is taken as (the same for
    // every path parameter, so found at most once per argument).
    // On the stack for up to 16 arguments.
    let mut on_stack = [None; 16];
    let mut on_heap = Vec::new();
    let path_id_of: &mut [Option<Option<&str>>] = match prepared.params.len() {
        n if n <= on_stack.len() => &mut on_stack[..n],
        n => {
            on_heap.resize(n, None);
            &mut on_heap
        }
    };
    for ((param, owner), (param_key, param_canonical)) in entry
        .path_params
        .iter()
        .zip(&entry.param_owner)
        .zip(&entry.path_param_keys)
    {
        let fillable = owner.is_empty() || {
            prepared.params.iter().enumerate().any(|(n, p)| {
                same_keys(p, *param_key, *param_canonical)
                    || path_id_of[n]
                        .get_or_insert_with(|| match find(entry, p) {
                            Some(Found::PathId { name }) => Some(name),
                            _ => None,
                        })
                        .is_some_and(|name| name == param.as_str())
            })
        };
        if !fillable {
            add(-15, &|| {
                format!("path parameter `{param}` matches no tool argument")
            });
        }
    }
    let required_unfilled = entry
        .required_query
        .iter()
        .filter(|(key, canonical)| {
            !prepared
                .params
                .iter()
                .any(|p| same_keys(p, *key, *canonical))
        })
        .count();
    if required_unfilled > 0 {
        add(-3 * required_unfilled as i32, &|| {
            format!("{required_unfilled} required query parameter(s) match no tool argument")
        });
    }
    if entry.bulk {
        add(-15, &|| {
            "works on many records at once (batch, bulk, import, export)".to_string()
        });
    }
    if entry.deprecated {
        add(-25, &|| "deprecated".to_string());
    }
    if entry.summary_deprecated {
        add(-10, &|| "summary says deprecated or legacy".to_string());
    }
    total
}

/// The path parameter that takes tool argument `arg`, if one does.
pub fn accepts_path(
    vocab: &Vocab,
    entry: &OpEntry,
    template: &Template,
    arg: &str,
) -> Option<String> {
    match accepts(vocab, entry, template, arg) {
        Some(Accepts::PathId { name }) => Some(name),
        _ => None,
    }
}

/// Whether a field name is the canonical `query` (a free-text search).
pub fn is_search_text(name: &str) -> bool {
    canonical(name) == "query"
}
