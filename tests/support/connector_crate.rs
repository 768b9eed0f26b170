//! A crate of generated connectors in a temporary folder, built over this
//! checkout's runtime with the workspace's lock (offline: the same
//! versions), its target folder kept under `target/compile-tests` so warm
//! runs build only this crate. Shared by the tests that compile connectors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The temporary crate; removed when dropped.
pub struct ConnectorCrate {
    /// Its folder.
    pub dir: tempfile::TempDir,
}

impl ConnectorCrate {
    /// A crate named `name` whose library root is `lib_path` (relative to
    /// the crate), with the dev-dependencies a `tests/*.rs` against a mock
    /// CRM needs.
    pub fn new(name: &str, lib_path: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let manifest = format!(
            "[package]\nname = {name:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\npath = {lib_path:?}\n\n\
             [dependencies]\nmidcall-runtime = {{ path = {runtime:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [dev-dependencies]\nserde_json = {{ version = \"1\", features = [\"preserve_order\"] }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"time\"] }}\nwiremock = \"0.6\"\n\n\
             [workspace]\n",
            runtime = root().join("runtime").display().to_string()
        );
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        std::fs::copy(root().join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
        ConnectorCrate { dir }
    }

    /// Writes `text` to `rel`, creating its folder.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `cargo <args> --offline --quiet` in the crate.
    pub fn cargo(&self, args: &[&str]) -> Output {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target"))
            .join("compile-tests");
        Command::new(cargo)
            .args(args)
            .args(["--offline", "--quiet"])
            .current_dir(self.dir.path())
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs")
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
