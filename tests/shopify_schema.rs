//! Every GraphQL document of Shopify's bindings against Shopify's own
//! introspection schema (`../shared/vendor-docs/shopify/admin_2026-10.json`,
//! the version the bindings' path names): each document parses
//! (`graphql-parser`), every selected field exists on its type and is not
//! deprecated, every argument exists with a value of its type (a literal,
//! or a variable whose declared type fits the argument's), required
//! arguments are given, leaves have no selection and objects have one,
//! and every variable's value (in the bindings, and in each example case's
//! request) fits its declared type. `gen` checks the rest (variables
//! declared and used, response pointers); this is the vendor's side.
//!
//! The vendor-docs folder is not part of this repository: without it the
//! tests print a notice and check nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use graphql_parser::query::{
    parse_query, Definition, Document, OperationDefinition, Selection, SelectionSet, Type,
    Value as GqlValue,
};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn introspection_path() -> PathBuf {
    root().join("../shared/vendor-docs/shopify/admin_2026-10.json")
}

/// A type reference as written in GraphQL: `String`, `[ID!]!`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TypeRef {
    Named(String),
    List(Box<TypeRef>),
    NonNull(Box<TypeRef>),
}

impl TypeRef {
    fn from_introspection(v: &Value) -> Option<TypeRef> {
        match v.get("kind")?.as_str()? {
            "NON_NULL" => Some(TypeRef::NonNull(Box::new(Self::from_introspection(
                v.get("ofType")?,
            )?))),
            "LIST" => Some(TypeRef::List(Box::new(Self::from_introspection(
                v.get("ofType")?,
            )?))),
            _ => Some(TypeRef::Named(v.get("name")?.as_str()?.to_string())),
        }
    }

    fn from_query(t: &Type<'_, String>) -> TypeRef {
        match t {
            Type::NamedType(n) => TypeRef::Named(n.clone()),
            Type::ListType(inner) => TypeRef::List(Box::new(Self::from_query(inner))),
            Type::NonNullType(inner) => TypeRef::NonNull(Box::new(Self::from_query(inner))),
        }
    }

    fn named(&self) -> &str {
        match self {
            TypeRef::Named(n) => n,
            TypeRef::List(t) | TypeRef::NonNull(t) => t.named(),
        }
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Named(n) => write!(f, "{n}"),
            TypeRef::List(t) => write!(f, "[{t}]"),
            TypeRef::NonNull(t) => write!(f, "{t}!"),
        }
    }
}

/// GraphQL's rule for a variable in an argument's place: a non-null
/// variable fits a nullable place, not the other way round.
fn fits(var: &TypeRef, place: &TypeRef) -> bool {
    match (var, place) {
        (TypeRef::NonNull(v), TypeRef::NonNull(p)) => fits(v, p),
        (_, TypeRef::NonNull(_)) => false,
        (TypeRef::NonNull(v), p) => fits(v, p),
        (TypeRef::List(v), TypeRef::List(p)) => fits(v, p),
        (TypeRef::Named(v), TypeRef::Named(p)) => v == p,
        _ => false,
    }
}

struct Field {
    ty: TypeRef,
    args: BTreeMap<String, (TypeRef, bool)>, // type, has a default
    deprecated: bool,
}

struct SchemaType {
    kind: String,
    fields: BTreeMap<String, Field>,
    input_fields: BTreeMap<String, TypeRef>,
    enum_values: Vec<String>,
    possible: Vec<String>,
}

struct Schema {
    query: String,
    mutation: String,
    types: BTreeMap<String, SchemaType>,
}

fn load_schema(path: &Path) -> Schema {
    let text = std::fs::read_to_string(path).expect("the introspection file reads");
    let json: Value = serde_json::from_str(&text).expect("the introspection file is JSON");
    let s = json
        .pointer("/data/__schema")
        .expect("an introspection result");
    let name = |p: &str| {
        s.pointer(p)
            .and_then(Value::as_str)
            .expect("root type names")
            .to_string()
    };
    let mut types = BTreeMap::new();
    for t in s["types"].as_array().expect("types") {
        let list = |key: &str| {
            t.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let mut fields = BTreeMap::new();
        for f in list("fields") {
            let args = f["args"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|a| {
                            (
                                a["name"].as_str().unwrap().to_string(),
                                (
                                    TypeRef::from_introspection(&a["type"]).unwrap(),
                                    !a["defaultValue"].is_null(),
                                ),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            fields.insert(
                f["name"].as_str().unwrap().to_string(),
                Field {
                    ty: TypeRef::from_introspection(&f["type"]).unwrap(),
                    args,
                    deprecated: f["isDeprecated"].as_bool().unwrap_or(false),
                },
            );
        }
        types.insert(
            t["name"].as_str().unwrap().to_string(),
            SchemaType {
                kind: t["kind"].as_str().unwrap().to_string(),
                fields,
                input_fields: list("inputFields")
                    .iter()
                    .map(|f| {
                        (
                            f["name"].as_str().unwrap().to_string(),
                            TypeRef::from_introspection(&f["type"]).unwrap(),
                        )
                    })
                    .collect(),
                enum_values: list("enumValues")
                    .iter()
                    .map(|e| e["name"].as_str().unwrap().to_string())
                    .collect(),
                possible: list("possibleTypes")
                    .iter()
                    .map(|e| e["name"].as_str().unwrap().to_string())
                    .collect(),
            },
        );
    }
    Schema {
        query: name("/queryType/name"),
        mutation: name("/mutationType/name"),
        types,
    }
}

/// The schema, read once for all tests; `None` (with a notice) when the
/// vendor-docs file is absent.
fn schema() -> Option<&'static Schema> {
    static SCHEMA: OnceLock<Option<Schema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let path = introspection_path();
            if !path.exists() {
                println!(
                    "notice: {} is absent; Shopify's queries are not checked against its schema",
                    path.display()
                );
                return None;
            }
            Some(load_schema(&path))
        })
        .as_ref()
}

/// Where a document came from, for messages.
struct Doc<'a> {
    place: String,
    query: &'a str,
    /// The variables' values: the bindings' (with `{arg}` placeholders,
    /// which are text) or an example request's.
    variables: Option<&'a Value>,
}

fn check_doc(schema: &Schema, doc: &Doc<'_>, problems: &mut Vec<String>) {
    let parsed: Document<'_, String> = match parse_query(doc.query) {
        Ok(d) => d,
        Err(e) => {
            problems.push(format!("{}: does not parse: {e}", doc.place));
            return;
        }
    };
    for def in &parsed.definitions {
        let (root, vars, set) = match def {
            Definition::Operation(OperationDefinition::Query(q)) => {
                (&schema.query, &q.variable_definitions, &q.selection_set)
            }
            Definition::Operation(OperationDefinition::Mutation(m)) => {
                (&schema.mutation, &m.variable_definitions, &m.selection_set)
            }
            Definition::Operation(OperationDefinition::SelectionSet(s)) => {
                (&schema.query, &Vec::new(), s)
            }
            _ => {
                problems.push(format!(
                    "{}: only a query or a mutation is checked",
                    doc.place
                ));
                continue;
            }
        };
        let mut declared = BTreeMap::new();
        for v in vars {
            let ty = TypeRef::from_query(&v.var_type);
            match schema.types.get(ty.named()) {
                Some(t) if matches!(t.kind.as_str(), "SCALAR" | "ENUM" | "INPUT_OBJECT") => {}
                Some(t) => problems.push(format!(
                    "{}: `${}: {ty}`: `{}` is an {}, not an input type",
                    doc.place,
                    v.name,
                    ty.named(),
                    t.kind
                )),
                None => problems.push(format!(
                    "{}: `${}: {ty}`: Shopify has no type `{}`",
                    doc.place,
                    v.name,
                    ty.named()
                )),
            }
            if let Some(value) = doc.variables.and_then(|vs| vs.get(&v.name)) {
                value_fits(
                    schema,
                    value,
                    &ty,
                    &format!("{}: variables.{}", doc.place, v.name),
                    problems,
                );
            }
            declared.insert(v.name.clone(), ty);
        }
        selection(schema, root, set, &declared, &doc.place, problems);
    }
}

fn selection(
    schema: &Schema,
    on: &str,
    set: &SelectionSet<'_, String>,
    declared: &BTreeMap<String, TypeRef>,
    place: &str,
    problems: &mut Vec<String>,
) {
    let Some(ty) = schema.types.get(on) else {
        problems.push(format!("{place}: Shopify has no type `{on}`"));
        return;
    };
    for item in &set.items {
        match item {
            Selection::Field(f) => {
                let at = format!("{place}: {on}.{}", f.name);
                if f.name == "__typename" {
                    continue;
                }
                let Some(field) = ty.fields.get(&f.name) else {
                    problems.push(format!("{at}: `{on}` has no field `{}`", f.name));
                    continue;
                };
                if field.deprecated {
                    problems.push(format!("{at}: deprecated in this version"));
                }
                for (name, value) in &f.arguments {
                    let Some((arg_ty, _)) = field.args.get(name) else {
                        problems.push(format!(
                            "{at}: `{}` takes no argument `{name}`; it takes: {}",
                            f.name,
                            field.args.keys().cloned().collect::<Vec<_>>().join(", ")
                        ));
                        continue;
                    };
                    argument(
                        schema,
                        value,
                        arg_ty,
                        declared,
                        &format!("{at}({name}:)"),
                        problems,
                    );
                }
                for (name, (arg_ty, default)) in &field.args {
                    if matches!(arg_ty, TypeRef::NonNull(_))
                        && !default
                        && !f.arguments.iter().any(|(n, _)| n == name)
                    {
                        problems.push(format!("{at}: the required argument `{name}` is missing"));
                    }
                }
                let named = field.ty.named();
                let composite = schema
                    .types
                    .get(named)
                    .is_some_and(|t| matches!(t.kind.as_str(), "OBJECT" | "INTERFACE" | "UNION"));
                match (composite, f.selection_set.items.is_empty()) {
                    (true, true) => {
                        problems.push(format!("{at}: `{named}` is an object; select its fields"))
                    }
                    (false, false) => problems.push(format!(
                        "{at}: `{named}` is a leaf; it has no fields to select"
                    )),
                    (true, false) => {
                        selection(schema, named, &f.selection_set, declared, place, problems)
                    }
                    (false, true) => {}
                }
            }
            Selection::InlineFragment(frag) => {
                let target = match &frag.type_condition {
                    Some(graphql_parser::query::TypeCondition::On(t)) => t.as_str(),
                    None => on,
                };
                if target != on && !ty.possible.iter().any(|p| p == target) {
                    problems.push(format!(
                        "{place}: `... on {target}`: `{target}` is not a possible type of `{on}`"
                    ));
                    continue;
                }
                selection(
                    schema,
                    target,
                    &frag.selection_set,
                    declared,
                    place,
                    problems,
                );
            }
            Selection::FragmentSpread(s) => problems.push(format!(
                "{place}: `...{}`: named fragments are not used by the bindings",
                s.fragment_name
            )),
        }
    }
}

/// An argument's value in the document: a variable whose declared type
/// fits, or a literal of the argument's type.
fn argument(
    schema: &Schema,
    value: &GqlValue<'_, String>,
    ty: &TypeRef,
    declared: &BTreeMap<String, TypeRef>,
    at: &str,
    problems: &mut Vec<String>,
) {
    match (value, ty) {
        (GqlValue::Variable(v), _) => match declared.get(v) {
            None => problems.push(format!("{at}: `${v}` is not declared")),
            Some(var_ty) if !fits(var_ty, ty) => problems.push(format!(
                "{at}: `${v}` is declared `{var_ty}`, but the argument is `{ty}`"
            )),
            Some(_) => {}
        },
        (GqlValue::Null, TypeRef::NonNull(_)) => {
            problems.push(format!("{at}: `null` for the non-null `{ty}`"))
        }
        (GqlValue::Null, _) => {}
        (v, TypeRef::NonNull(inner)) => argument(schema, v, inner, declared, at, problems),
        (GqlValue::List(items), TypeRef::List(inner)) => {
            for item in items {
                argument(schema, item, inner, declared, at, problems);
            }
        }
        (v, TypeRef::List(inner)) => argument(schema, v, inner, declared, at, problems),
        (v, TypeRef::Named(name)) => {
            let Some(t) = schema.types.get(name) else {
                problems.push(format!("{at}: Shopify has no type `{name}`"));
                return;
            };
            let ok = match (v, t.kind.as_str()) {
                (GqlValue::Enum(e), "ENUM") => {
                    if !t.enum_values.contains(e) {
                        problems.push(format!("{at}: `{e}` is not a value of `{name}`"));
                    }
                    true
                }
                (GqlValue::Object(members), "INPUT_OBJECT") => {
                    for (k, member) in members {
                        match t.input_fields.get(k) {
                            Some(member_ty) => argument(
                                schema,
                                member,
                                member_ty,
                                declared,
                                &format!("{at}.{k}"),
                                problems,
                            ),
                            None => problems.push(format!("{at}: `{name}` has no field `{k}`")),
                        }
                    }
                    true
                }
                (GqlValue::Int(_), "SCALAR") => matches!(name.as_str(), "Int" | "Float"),
                (GqlValue::Float(_), "SCALAR") => name == "Float",
                (GqlValue::Boolean(_), "SCALAR") => name == "Boolean",
                // Custom scalars (DateTime, Decimal, URL, …) are strings.
                (GqlValue::String(_), "SCALAR") => {
                    !matches!(name.as_str(), "Int" | "Float" | "Boolean")
                }
                _ => false,
            };
            if !ok {
                problems.push(format!("{at}: `{value}` is not a `{name}`"));
            }
        }
    }
}

/// A variable's JSON value against its declared type. In the bindings a
/// string with `{placeholders}` is text, like any other string.
fn value_fits(schema: &Schema, value: &Value, ty: &TypeRef, at: &str, problems: &mut Vec<String>) {
    match (value, ty) {
        (Value::Null, TypeRef::NonNull(_)) => {
            problems.push(format!("{at}: `null` for the non-null `{ty}`"))
        }
        (Value::Null, _) => {}
        (v, TypeRef::NonNull(inner)) => value_fits(schema, v, inner, at, problems),
        (Value::Array(items), TypeRef::List(inner)) => {
            for (i, item) in items.iter().enumerate() {
                value_fits(schema, item, inner, &format!("{at}[{i}]"), problems);
            }
        }
        // GraphQL coerces one value to a list of one.
        (v, TypeRef::List(inner)) => value_fits(schema, v, inner, at, problems),
        (v, TypeRef::Named(name)) => {
            let Some(t) = schema.types.get(name) else {
                problems.push(format!("{at}: Shopify has no type `{name}`"));
                return;
            };
            let ok = match (v, t.kind.as_str()) {
                (Value::String(s), "ENUM") => t.enum_values.contains(s),
                (Value::Object(members), "INPUT_OBJECT") => {
                    for (k, member) in members {
                        match t.input_fields.get(k) {
                            Some(member_ty) => value_fits(
                                schema,
                                member,
                                member_ty,
                                &format!("{at}.{k}"),
                                problems,
                            ),
                            None => problems.push(format!("{at}: `{name}` has no field `{k}`")),
                        }
                    }
                    for (k, member_ty) in &t.input_fields {
                        if matches!(member_ty, TypeRef::NonNull(_)) && !members.contains_key(k) {
                            problems.push(format!(
                                "{at}: the required field `{k}` of `{name}` is missing"
                            ));
                        }
                    }
                    true
                }
                (Value::Number(n), "SCALAR") => match name.as_str() {
                    "Int" => n.is_i64() || n.is_u64(),
                    "Float" => true,
                    _ => false,
                },
                (Value::Bool(_), "SCALAR") => name == "Boolean",
                (Value::String(_), "SCALAR") => {
                    !matches!(name.as_str(), "Int" | "Float" | "Boolean")
                }
                _ => false,
            };
            if !ok {
                problems.push(format!("{at}: `{v}` is not a `{name}`"));
            }
        }
    }
}

/// Every `graphql` request of a bindings file (actions, their steps and
/// prechecks): (place, query, variables).
fn binding_docs(bindings: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    let Some(actions) = bindings.get("actions").and_then(Value::as_object) else {
        return out;
    };
    let mut calls: Vec<(String, &Value)> = Vec::new();
    for (id, action) in actions {
        calls.push((format!("actions.{id}"), action));
        if let Some(p) = action.get("precheck") {
            calls.push((format!("actions.{id}.precheck"), p));
        }
        for (i, s) in action
            .get("steps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            calls.push((format!("actions.{id}.steps[{i}]"), s));
        }
    }
    for (place, call) in calls {
        for (i, r) in call
            .get("requests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(g) = r.get("graphql") {
                out.push((
                    format!("{place}.requests[{i}].graphql"),
                    g["query"].as_str().unwrap_or_default().to_string(),
                    g.get("variables").cloned().unwrap_or(Value::Null),
                ));
            }
        }
    }
    out
}

fn bindings_problems(schema: &Schema, text: &str) -> Vec<String> {
    let bindings: Value = serde_yaml::from_str(text).expect("the bindings are YAML");
    let docs = binding_docs(&bindings);
    assert!(!docs.is_empty(), "no GraphQL request in the bindings");
    let mut problems = Vec::new();
    for (place, query, variables) in &docs {
        check_doc(
            schema,
            &Doc {
                place: place.clone(),
                query,
                variables: Some(variables),
            },
            &mut problems,
        );
    }
    problems
}

fn shopify_bindings() -> String {
    std::fs::read_to_string(root().join("specs/shopify/bindings.yaml")).expect("bindings")
}

#[test]
fn every_shopify_query_fits_shopifys_schema() {
    let Some(schema) = schema() else { return };
    let problems = bindings_problems(schema, &shopify_bindings());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_shopify_example_request_fits_shopifys_schema() {
    let Some(schema) = schema() else { return };
    let dir = root().join("specs/shopify/examples");
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("examples").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let cases: Value = serde_yaml::from_str(&text).unwrap();
        for case in cases.as_array().unwrap() {
            for (i, r) in case["requests"].as_array().unwrap().iter().enumerate() {
                let Some(body) = r.get("body") else { continue };
                checked += 1;
                check_doc(
                    schema,
                    &Doc {
                        place: format!(
                            "{}: case `{}`: requests[{i}]",
                            entry.file_name().to_string_lossy(),
                            case["name"].as_str().unwrap_or_default()
                        ),
                        query: body["query"].as_str().unwrap_or_default(),
                        variables: body.get("variables"),
                    },
                    &mut problems,
                );
            }
        }
    }
    assert!(checked >= 20, "only {checked} example requests");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The bindings with one edit (which must change them): its problems.
fn edited(from: &str, to: &str) -> String {
    let schema = schema().expect("checked by the caller");
    let text = shopify_bindings();
    assert!(text.contains(from), "`{from}` is not in the bindings");
    bindings_problems(schema, &text.replacen(from, to, 1)).join("\n")
}

#[test]
fn a_misnamed_field_argument_or_value_is_named() {
    if schema().is_none() {
        return;
    }
    let p = edited("displayFulfillmentStatus\n", "displayFulfilmentStatus\n");
    assert!(
        p.contains("actions.order-status.requests[0].graphql: Order.displayFulfilmentStatus: `Order` has no field `displayFulfilmentStatus`"),
        "{p}"
    );
    let p = edited(
        "fulfillments(first: 1) { estimatedDeliveryAt }",
        "fulfillments(last: 1) { estimatedDeliveryAt }",
    );
    assert!(p.contains("`fulfillments` takes no argument `last`"), "{p}");
    let p = edited("sortKey: CREATED_AT", "sortKey: CREATED");
    assert!(
        p.contains("`CREATED` is not a value of `OrderSortKeys`"),
        "{p}"
    );
    let p = edited(
        "defaultEmailAddress { emailAddress }",
        "defaultEmailAddress",
    );
    assert!(
        p.contains("`CustomerEmailAddress` is an object; select its fields"),
        "{p}"
    );
    let p = edited("title\n", "title { text }\n");
    assert!(p.contains("`String` is a leaf"), "{p}");
    // A deprecated field is refused too: it may go in the next version.
    let p = edited("defaultEmailAddress { emailAddress }", "email");
    assert!(p.contains("Customer.email: deprecated"), "{p}");
}

#[test]
fn a_variable_of_the_wrong_type_is_named() {
    if schema().is_none() {
        return;
    }
    let p = edited("query Stock($id: ID!)", "query Stock($id: String!)");
    assert!(
        p.contains("product(id:): `$id` is declared `String!`, but the argument is `ID!`"),
        "{p}"
    );
    // Nullable where the argument is non-null.
    let p = edited("query Stock($id: ID!)", "query Stock($id: ID)");
    assert!(
        p.contains("`$id` is declared `ID`, but the argument is `ID!`"),
        "{p}"
    );
    let p = edited(
        "variables: {identifier: {emailAddress: \"{email}\"}}",
        "variables: {identifier: {email: \"{email}\"}}",
    );
    assert!(
        p.contains("variables.identifier: `CustomerIdentifierInput` has no field `email`"),
        "{p}"
    );
    let p = edited(
        "query Customer($identifier: CustomerIdentifierInput!)",
        "query Customer($identifier: CustomerIdentifier!)",
    );
    assert!(
        p.contains("Shopify has no type `CustomerIdentifier`"),
        "{p}"
    );
}
