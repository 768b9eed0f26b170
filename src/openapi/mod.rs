//! The spec loader: reads an OpenAPI 3.0 document (YAML or JSON) and turns it
//! into midcall's [`Api`] model.
//!
//! Loading goes one way, each step in its own file:
//! 1. `load`: read the text, sniff YAML or JSON from the content, parse with
//!    positions in errors, check that it is OpenAPI 3.0.x;
//! 2. `quirks`: rewrite common mistakes of real specs (a scalar `enum`, a
//!    response without `description`...), noting each in [`Api::warnings`];
//! 3. `refs`: check every `$ref` (no external ones, none dangling, no pure
//!    cycles);
//! 4. `decode`: decode into `openapiv3` types, errors carrying a JSON pointer;
//! 5. `build` and `convert`: build the model, resolving parameter, body and
//!    response references and keeping schema component references as
//!    [`SchemaKind::Ref`]. In [`load_files`] (`lenient`), `fast` first
//!    decodes each component schema and path item straight from the JSON
//!    value into the model, leaving to steps 4 and 5 only what it does not
//!    read exactly as they would (and every error, which they word);
//! 6. `walk`: following references and pointers through the model.
//!
//! Nothing here panics on what a spec contains, and every walk over the
//! model is bounded, so recursive schemas are safe.

mod build;
mod bundle;
mod convert;
mod decode;
mod dialect;
mod error;
mod fast;
mod keys;
mod lenient;
mod load;
mod model;
mod pointer;
mod quirks;
mod refs;
mod schema;
mod streamed;
mod swagger;
mod walk;

use std::path::Path;

pub use error::SpecError;
pub use model::{
    Api, Body, Operation, ParamLocation, Parameter, SecurityRequirement, SecurityScheme, Unusable,
};
pub use schema::{Schema, SchemaKind};
pub use walk::{LEAF_POINTER_LIMIT, LEAF_WALK_BUDGET};

/// Parses a spec file's text (JSON or YAML, judged by its first
/// character) into a JSON value, as the loader's first step does;
/// `origin` names it in errors. For tools that work on the document itself
/// (`gen derive`, the example-request check).
pub fn parse_document(text: &str, origin: &str) -> Result<serde_json::Value, SpecError> {
    load::parse(text, origin)
}

/// Converts a parsed Swagger 2.0 document to OpenAPI 3.0 in place, as the
/// widened loader does (`definitions` under `components.schemas`, every
/// `$ref` following; `host` + `basePath` as `servers`; `in: body` and
/// `formData` parameters as the request body). Returns notes for what could
/// not be carried over; a document without `swagger: "2.0"` is left as it
/// is, with no notes. For `gen derive`, whose sources may mix both.
pub fn swagger2_to_openapi3(doc: &mut serde_json::Value) -> Vec<String> {
    let is_swagger2 = doc
        .get("swagger")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|v| v.starts_with("2."));
    if is_swagger2 {
        swagger::convert(doc)
    } else {
        Vec::new()
    }
}

/// Loads a spec from a file; errors name the file.
pub fn load_file(path: &Path) -> Result<Api, SpecError> {
    let text = load::read(path)?;
    load_str(&text, &path.display().to_string())
}

/// Loads one spec given as one or several files, as forgivingly as it can
/// be done without guessing: the widened loader behind `gen ops --spec`.
///
/// - OpenAPI 3.0, 3.1 (read as 3.0: `type` lists with `null`, `const`,
///   `examples`, numeric `exclusiveMinimum`, `$ref` with siblings;
///   `webhooks` ignored) and Swagger 2.0 (converted), in YAML or JSON;
/// - `$ref`s to other files, relative to the file they are in (absolute
///   URLs are matched by file name against the files given and the files
///   beside the referring one; nothing is downloaded);
/// - several files given together (GoHighLevel's `apps/*.json`, Zoho's
///   per-API files) merge into one [`Api`]: the first file's `info` and
///   servers, every file's operations and components.
///
/// A defect in one part (a dangling `$ref`, a reference cycle, a part of
/// the wrong shape) does not fail the load: it is a line in
/// [`Api::warnings`], and the operations that need that part are in
/// [`Api::unusable`], where [`Api::usable`] reports it when one is asked
/// for. A file that cannot be read or parsed, is not an OpenAPI document
/// (a GraphQL introspection result and a Google Discovery document are
/// named as such), or whose `info` has the wrong shape is an error.
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<Api, SpecError> {
    load_files_with(paths, true, false)
}

/// [`load_files`] for listing the operations (`gen ops`): the same checks,
/// warnings, [`Api::unusable`] and operations in the same order, but each
/// operation keeps only its method, path, `operationId`, `summary` and
/// `deprecated`, and [`Api::schemas`] is left empty: parameters, bodies
/// and schemas are built (so that what cannot be used is found as in the
/// full model) and dropped at once. The model of a large spec is several
/// times its text; this keeps the memory of listing it near the text's
/// size.
pub fn load_files_outline<P: AsRef<Path>>(paths: &[P]) -> Result<Api, SpecError> {
    load_files_with(paths, true, true)
}

/// [`load_files`] with every part decoded through `openapiv3`'s types, as
/// before the direct decoder: for the test that the two agree.
#[doc(hidden)]
pub fn load_files_through_openapiv3<P: AsRef<Path>>(paths: &[P]) -> Result<Api, SpecError> {
    load_files_with(paths, false, false)
}

/// How many parts (component schemas and path items) [`load_files`] has
/// decoded directly, and how many it left to `openapiv3`, in this process.
#[doc(hidden)]
pub fn direct_decoder_counts() -> (usize, usize) {
    fast::counts()
}

/// How many single JSON files [`load_files`] has loaded with their path
/// items parsed one at a time (`streamed.rs`) rather than the whole
/// document at once, in this process.
#[doc(hidden)]
pub fn streamed_loads() -> usize {
    streamed::loaded()
}

fn load_files_with<P: AsRef<Path>>(
    paths: &[P],
    fast: bool,
    outline: bool,
) -> Result<Api, SpecError> {
    let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
    on_big_stack(
        &paths
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        || {
            // One 3.0 JSON file: its path items parsed one at a time
            // (`streamed.rs`); the same result, or `None` for what only
            // the whole document can tell.
            if let (true, [path]) = (fast, paths.as_slice()) {
                if let Some(api) = streamed::load(path, outline)? {
                    return Ok(api);
                }
            }
            let bundle::Bundle {
                doc,
                origin,
                version,
                notes,
            } = bundle::load(&paths)?;
            let mut api = lenient::build(doc, &origin, fast, outline)?;
            api.openapi = version;
            let mut warnings = notes;
            warnings.append(&mut api.warnings);
            api.warnings = warnings;
            Ok(api)
        },
    )
}

/// Loads from text; `origin` is the name used in errors (a file path or
/// `"<bundled hubspot>"`).
pub fn load_str(text: &str, origin: &str) -> Result<Api, SpecError> {
    on_big_stack(origin, || load_here(text, origin))
}

/// Runs `work` on a thread with a stack sized for the deepest documents.
fn on_big_stack(
    origin: &str,
    work: impl Fn() -> Result<Api, SpecError> + Sync,
) -> Result<Api, SpecError> {
    // Decoding nested schemas with `openapiv3` takes tens of kilobytes of
    // stack per level in debug builds, more than a test thread's 2 MiB at the
    // nesting the parsers allow. So the work runs on a thread of its own with
    // a stack sized for the worst case (only the pages used are committed).
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("midcall-spec-load".into())
            .stack_size(LOAD_STACK_BYTES)
            .spawn_scoped(scope, &work);
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(SpecError::Internal {
                    origin: origin.to_owned(),
                })
            }),
            // No thread to be had: do the work here.
            Err(_) => work(),
        }
    })
}

/// Stack for the loading thread: the deepest document the parsers accept
/// needs about 8 MiB in a debug build.
const LOAD_STACK_BYTES: usize = 32 * 1024 * 1024;

fn load_here(text: &str, origin: &str) -> Result<Api, SpecError> {
    let mut doc = load::parse(text, origin)?;
    load::check_version(&mut doc, origin)?;
    let warnings = quirks::repair(&mut doc);
    refs::check(&doc, origin)?;
    let spec = decode::document(&doc, origin)?;
    let mut api = build::build(&doc, spec, origin)?;
    api.warnings = warnings;
    Ok(api)
}
