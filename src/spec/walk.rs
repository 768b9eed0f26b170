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

/// How many schema nodes one step of [`Api::schema_at`] may look at.
const STEP_BUDGET: usize = 10_000;

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
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        let mut current = self.resolve(schema)?;
        for token in pointer::split(pointer)? {
            let next = self
                .step(current, &token, false)
                .or_else(|| self.step(current, &token, true))?;
            current = self.resolve(next)?;
        }
        Some(current)
    }

    /// One step of [`schema_at`](Self::schema_at): declared properties and
    /// array items first (`additional == false`), then `additionalProperties`.
    fn step<'a>(&'a self, schema: &'a Schema, token: &str, additional: bool) -> Option<&'a Schema> {
        let mut stack: Vec<&'a Schema> = vec![schema];
        let mut seen: HashSet<&'a str> = HashSet::new();
        let mut budget = STEP_BUDGET;
        while let Some(current) = stack.pop() {
            budget = budget.checked_sub(1)?;
            match &current.kind {
                SchemaKind::Ref(name) => {
                    if seen.insert(name) {
                        stack.extend(self.schemas.get(name));
                    }
                }
                SchemaKind::Object {
                    properties,
                    additional: extra,
                    ..
                } => {
                    let found = if additional {
                        extra.as_deref()
                    } else {
                        properties.get(token)
                    };
                    if found.is_some() {
                        return found;
                    }
                }
                SchemaKind::Array(items) => {
                    if token == "*" || pointer::parse_index(token).is_some() {
                        return Some(items);
                    }
                }
                SchemaKind::AllOf(members)
                | SchemaKind::OneOf(members)
                | SchemaKind::AnyOf(members) => stack.extend(members.iter().rev()),
                _ => {}
            }
        }
        None
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
                    if !item.path.contains(&name.as_str()) {
                        if let Some(target) = self.schemas.get(name) {
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
