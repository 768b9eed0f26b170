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
//!    [`SchemaKind::Ref`];
//! 6. `walk`: following references and pointers through the model.
//!
//! Nothing here panics on what a spec contains, and every walk over the
//! model is bounded, so recursive schemas are safe.

mod build;
mod convert;
mod decode;
mod error;
mod load;
mod model;
mod pointer;
mod quirks;
mod refs;
mod schema;
mod walk;

use std::path::Path;

pub use error::SpecError;
pub use model::{
    Api, Body, Operation, ParamLocation, Parameter, SecurityRequirement, SecurityScheme,
};
pub use schema::{Schema, SchemaKind};
pub use walk::{LEAF_POINTER_LIMIT, LEAF_WALK_BUDGET};

/// Loads a spec from a file; errors name the file.
pub fn load_file(path: &Path) -> Result<Api, SpecError> {
    let text = load::read(path)?;
    load_str(&text, &path.display().to_string())
}

/// Loads from text; `origin` is the name used in errors (a file path or
/// `"<bundled hubspot>"`).
pub fn load_str(text: &str, origin: &str) -> Result<Api, SpecError> {
    // Decoding nested schemas with `openapiv3` takes tens of kilobytes of
    // stack per level in debug builds, more than a test thread's 2 MiB at the
    // nesting the parsers allow. So the work runs on a thread of its own with
    // a stack sized for the worst case (only the pages used are committed).
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("midcall-spec-load".into())
            .stack_size(LOAD_STACK_BYTES)
            .spawn_scoped(scope, || load_here(text, origin));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(SpecError::Internal {
                    origin: origin.to_owned(),
                })
            }),
            // No thread to be had: do the work here.
            Err(_) => load_here(text, origin),
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
    let mut api = build::build(&doc, &spec, origin)?;
    api.warnings = warnings;
    Ok(api)
}
