//! The runtime that midcall's generated connectors share.
//!
//! Generated connectors stay short and readable: they build a [`Request`] from
//! the tool arguments, hand it to [`Client::send`], and project the answer with
//! [`project`]. Everything a live phone call needs from the HTTP layer lives
//! here once: one pooled client per configuration, auth from the environment,
//! a total deadline per call, a cap on the body size, and errors mapped to a
//! few kinds a voice assistant can act on.
#![deny(missing_docs)]

mod client;
mod config;
mod error;
pub mod project;
mod request;

pub use client::Client;
pub use config::{Auth, AuthSpec, Config, CrmEnv, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT};
pub use error::{ActionError, ErrorKind};
pub use request::{encode_path_segment, Method, Request};

/// Re-exported so generated code needs no direct dependency on `serde_json`.
pub use serde_json::{json, Value};
