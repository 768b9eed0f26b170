//! `gen derive`: cut each bundled spec from the vendor's own files.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::derive;
use crate::error::Error;
use crate::output::write_atomic;

/// `gen derive [CRM...] [--vendor-specs DIR] [--check]`.
#[derive(Debug, Args)]
pub struct DeriveArgs {
    /// CRM ids (default: every CRM folder with a `derive.yaml`).
    #[arg(value_name = "CRM")]
    crms: Vec<String>,
    /// The folder of vendor spec files the manifests' `sources` are relative to.
    #[arg(
        long,
        value_name = "DIR",
        env = "MIDCALL_VENDOR_SPECS",
        default_value = "../shared/realspecs"
    )]
    vendor_specs: PathBuf,
    /// Compare instead of writing: exit 1, naming the file, when a bundled spec differs.
    #[arg(long)]
    check: bool,
}

/// Runs `gen derive` on the specs folder `specs` (the repository's `specs/`
/// unless `--specs` names another).
pub fn run(specs: &Path, args: &DeriveArgs) -> Result<i32, Error> {
    let crms = if args.crms.is_empty() {
        derive::crms_with_manifest(specs)?
    } else {
        args.crms.clone()
    };
    if !args.vendor_specs.is_dir() {
        return Err(Error::Io {
            path: args.vendor_specs.clone(),
            message: "is not a folder of vendor specs (give --vendor-specs DIR)".into(),
        });
    }
    let mut stale = Vec::new();
    for crm in &crms {
        let derived = derive::derive(specs, crm, &args.vendor_specs)?;
        if args.check {
            let current = std::fs::read_to_string(&derived.path).unwrap_or_default();
            if current != derived.text {
                stale.push(derived.path.display().to_string());
            } else {
                say!(
                    "{crm}: up to date ({} operations from {})",
                    derived.operations.len(),
                    derived.sources.join(", ")
                );
            }
        } else {
            let changed = write_atomic(&derived.path, &derived.text)?;
            say!(
                "{crm}: {} {} ({} operations from {})",
                if changed { "wrote" } else { "unchanged" },
                derived.path.display(),
                derived.operations.len(),
                derived.sources.join(", ")
            );
        }
    }
    if stale.is_empty() {
        Ok(EXIT_OK)
    } else {
        for path in &stale {
            eprintln!("stale: {path} differs from what `gen derive` writes");
        }
        Ok(EXIT_CHECK_FAILED)
    }
}
