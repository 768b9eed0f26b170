//! Walking the model: following schema references, finding the schema at a
//! data pointer, and listing the data pointers of a schema's leaves.
//!
//! Schemas may be recursive (a `Node` whose `children` are `Node`s), so no
//! walk here trusts the shape to end: references are followed with a visited
//! set or a hop bound, and every search has a budget.

use std::collections::{HashSet, VecDeque};

use super::model::Api;
use super::pointer;
use super::schema::{Schema, SchemaKind};

/// [`Api::leaf_pointers`] returns at most this many pointers.
pub const LEAF_POINTER_LIMIT: usize = 5_000;

/// [`Api::leaf_pointers`] visits at most this many schema nodes. Wide,
/// deeply interlinked specs (Stripe's expandable objects) would otherwise
/// take exponential time at larger depths; shallow pointers come first, so
/// what is cut is the deepest part.
pub const LEAF_WALK_BUDGET: usize = 200_000;

/// How many schemas one step of a pointer walk keeps as candidates.
const MAX_CANDIDATES: usize = 64;

/// How many schema nodes one step of [`Api::schema_at`] may look at.
const STEP_BUDGET: usize = 10_000;

/// When a pointer step may go into `additionalProperties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    /// Whenever no declared property matches.
    Always,
    /// Only in objects that declare no properties.
    OnlyUndeclared,
}

impl Api {
    /// Follows `Ref`s (chains too) to the named component; `None` if it
    /// dangles or loops.
    pub fn resolve<'a>(&'a self, schema: &'a Schema) -> Option<&'a Schema> {
        let mut current = schema;
        // A chain longer than the number of components must loop.
        for _ in 0..=self.schemas.len() {
            match &current.kind {
                SchemaKind::Ref(name) => current = self.schemas.get(name)?,
                _ => return Some(current),
            }
        }
        None
    }

    /// Walks a data pointer like "/results/0/properties/email" through the
    /// schema and returns the schema of that value, with references
    /// resolved.
    ///
    /// An array index, or `*`, steps into an array's items; a key steps into
    /// an object's property of that name, or else into its
    /// `additionalProperties`. `allOf` members and `oneOf`/`anyOf`
    /// alternatives are searched in order and the first that has the step
    /// wins. `None` if the path does not exist in the schema (or the schema
    /// there is free-form). A leading `#` is accepted. Ends on recursive
    /// schemas: each step looks at each component at most once.
    pub fn schema_at<'a>(&'a self, schema: &'a Schema, pointer: &str) -> Option<&'a Schema> {
        self.walk_pointer(schema, pointer, Extra::Always)
    }

    /// Like [`schema_at`](Self::schema_at), but a key steps into
    /// `additionalProperties` only where the object declares no properties
    /// of its own. An object that lists its known properties and stays open
    /// to others (HubSpot's property maps) thus accepts only the listed
    /// ones, so a binding's typo is caught instead of matching "anything".
    pub fn declared_at<'a>(&'a self, schema: &'a Schema, pointer: &str) -> Option<&'a Schema> {
        self.walk_pointer(schema, pointer, Extra::OnlyUndeclared)
    }

    fn walk_pointer<'a>(
        &'a self,
        schema: &'a Schema,
        pointer: &str,
        extra: Extra,
    ) -> Option<&'a Schema> {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        // Every schema the value must satisfy here: `allOf` members each
        // contribute, so a property declared by any of them counts.
        let mut current: Vec<&'a Schema> = vec![self.resolve(schema)?];
        for token in pointer::split(pointer)? {
            let mut next = self.step(&current, &token, false);
            let open = match extra {
                Extra::Always => true,
                Extra::OnlyUndeclared => !self.declares_properties(&current),
            };
            if next.is_empty() && open {
                next = self.step(&current, &token, true);
            }
            current.clear();
            for schema in next.into_iter().filter_map(|s| self.resolve(s)) {
                if current.len() < MAX_CANDIDATES
                    && !current.iter().any(|c| std::ptr::eq(*c, schema))
                {
                    current.push(schema);
                }
            }
            if current.is_empty() {
                return None;
            }
        }
        current.first().copied()
    }

    /// One step of [`schema_at`](Self::schema_at) from every candidate:
    /// declared properties and array items (`additional == false`), or
    /// `additionalProperties` values (`additional == true`), in document
    /// order of `allOf` members and `oneOf`/`anyOf` alternatives.
    fn step<'a>(&'a self, from: &[&'a Schema], token: &str, additional: bool) -> Vec<&'a Schema> {
        let mut found = Vec::new();
        self.visit(from, |current| match &current.kind {
            SchemaKind::Object {
                properties,
                additional: extra,
                ..
            } => {
                let hit = if additional {
                    extra.as_deref()
                } else {
                    properties.get(token)
                };
                found.extend(hit);
            }
            SchemaKind::Array(items)
                if !additional && (token == "*" || pointer::parse_index(token).is_some()) =>
            {
                found.push(items);
            }
            _ => {}
        });
        found
    }

    /// Whether any object among the candidates lists properties of its own.
    fn declares_properties(&self, from: &[&Schema]) -> bool {
        let mut declares = false;
        self.visit(from, |current| {
            if let SchemaKind::Object { properties, .. } = &current.kind {
                declares |= !properties.is_empty();
            }
        });
        declares
    }

    /// Calls `f` on each schema reachable from `from` through references and
    /// `allOf`/`oneOf`/`anyOf`, each component once, within a budget.
    fn visit<'a>(&'a self, from: &[&'a Schema], mut f: impl FnMut(&'a Schema)) {
        let mut stack: Vec<&'a Schema> = from.iter().rev().copied().collect();
        let mut seen: HashSet<&'a str> = HashSet::new();
        let mut budget = STEP_BUDGET;
        while let Some(current) = stack.pop() {
            budget = match budget.checked_sub(1) {
                Some(b) => b,
                None => return,
            };
            match &current.kind {
                SchemaKind::Ref(name) => {
                    if seen.insert(name) {
                        stack.extend(self.schemas.get(name));
                    }
                }
                SchemaKind::AllOf(members)
                | SchemaKind::OneOf(members)
                | SchemaKind::AnyOf(members) => stack.extend(members.iter().rev()),
                _ => f(current),
            }
        }
    }

    /// The data pointers of a schema's leaves, like "/results/*/id", at most
    /// `max_depth` steps deep.
    ///
    /// A leaf is a scalar, a schema that allows anything, or an object with
    /// neither properties nor `additionalProperties`. Array items and
    /// `additionalProperties` values appear as `*`. `allOf` members and
    /// `oneOf`/`anyOf` alternatives all contribute. A component already on
    /// the current path is not entered again, which is where a recursive
    /// schema is cut. Objects deeper than `max_depth` are left out.
    ///
    /// Shallow pointers come first (breadth-first), each once; the list stops
    /// at [`LEAF_POINTER_LIMIT`] pointers or after [`LEAF_WALK_BUDGET`]
    /// schema nodes.
    pub fn leaf_pointers(&self, schema: &Schema, max_depth: usize) -> Vec<String> {
        self.leaves(schema, max_depth)
    }

    fn leaves<'a>(&'a self, schema: &'a Schema, max_depth: usize) -> Vec<String> {
        struct Item<'a> {
            schema: &'a Schema,
            pointer: String,
            depth: usize,
            /// Components entered on the way here.
            path: Vec<&'a str>,
        }

        let mut out = Vec::new();
        let mut emitted: HashSet<String> = HashSet::new();
        let mut queue: VecDeque<Item<'a>> = VecDeque::new();
        queue.push_back(Item {
            schema,
            pointer: String::new(),
            depth: 0,
            path: Vec::new(),
        });
        let mut budget = LEAF_WALK_BUDGET;

        // Same-depth expansions (refs, compositions) go to the front and
        // deeper ones to the back, so the queue stays ordered by depth.
        while let Some(item) = queue.pop_front() {
            if budget == 0 || out.len() >= LEAF_POINTER_LIMIT {
                break;
            }
            budget -= 1;
            let mut emit = |pointer: String| {
                if emitted.insert(pointer.clone()) {
                    out.push(pointer);
                }
            };
            let descend = |queue: &mut VecDeque<Item<'a>>, child: &'a Schema, key: &str| {
                if item.depth < max_depth {
                    queue.push_back(Item {
                        schema: child,
                        pointer: pointer::join(&item.pointer, key),
                        depth: item.depth + 1,
                        path: item.path.clone(),
                    });
                }
            };
            match &item.schema.kind {
                SchemaKind::Ref(name) => {
                    let target = self
                        .schemas
                        .get(name)
                        .filter(|_| !item.path.contains(&name.as_str()));
                    if let Some(target) = target {
                        let mut path = item.path.clone();
                        path.push(name);
                        queue.push_front(Item {
                            schema: target,
                            pointer: item.pointer.clone(),
                            depth: item.depth,
                            path,
                        });
                    }
                }
                SchemaKind::Object {
                    properties,
                    additional,
                    ..
                } => {
                    if !properties.is_empty() {
                        for (name, child) in properties {
                            descend(&mut queue, child, name);
                        }
                    } else if let Some(extra) = additional {
                        descend(&mut queue, extra, "*");
                    } else {
                        emit(item.pointer.clone());
                    }
                }
                SchemaKind::Array(items) => descend(&mut queue, items, "*"),
                SchemaKind::AllOf(members)
                | SchemaKind::OneOf(members)
                | SchemaKind::AnyOf(members) => {
                    for member in members.iter().rev() {
                        queue.push_front(Item {
                            schema: member,
                            pointer: item.pointer.clone(),
                            depth: item.depth,
                            path: item.path.clone(),
                        });
                    }
                }
                SchemaKind::String
                | SchemaKind::Integer
                | SchemaKind::Number
                | SchemaKind::Boolean
                | SchemaKind::Any => emit(item.pointer.clone()),
            }
        }
        out
    }
}
