//! The runtime that midcall's generated connectors share.
//!
//! Generated connectors stay short and readable: they build a [`Request`] from
//! the tool arguments, hand it to [`Client::send`], and project the answer with
//! [`project`]. Everything a live phone call needs from the HTTP layer lives
//! here once: one pooled client per configuration, auth from the environment,
//! a total deadline per call, a cap on the body size, and errors mapped to a
//! few kinds a voice assistant can act on, with a sentence for the caller
//! and a masked detail for logs. Results are cut to the template's size
//! with [`bounded_json`] before the assistant sees them. Logs go through
//! [`tracing`]: never a credential, a body, a query string, or an unmasked
//! email or phone number.
#![deny(missing_docs)]
// Nothing a CRM sends may panic a connector.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod answer;
pub mod arg;
mod blame;
mod bound;
mod client;
mod config;
mod error;
pub mod form;
pub mod graphql;
pub mod mask;
mod natural_key;
mod oauth;
pub mod project;
pub mod query;
mod request;
pub mod search_syntax;
mod settings;
mod sized;
mod steps;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod time;
pub mod transform;
mod vendor;
mod vendor_error;
pub mod verify;

pub use bound::{bounded_json, parse_args, tool_result};
pub use client::{Client, Deadline};
pub use config::{Auth, AuthSpec, Config, CrmEnv, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT};
pub use error::{ActionError, ErrorKind};
pub use natural_key::Written;
pub use oauth::{ClientCredentials, CredentialsIn, RefreshCredentials};
pub use request::{encode_path_segment, new_idempotency_key, BodyFormat, Method, Request};
pub use settings::{Setting, SettingKind, Settings};
pub use steps::Steps;
pub use vendor::{AuthKind, Vendor};

/// Re-exported so generated code needs no direct dependency on `serde_json`.
pub use serde_json::{json, Value};
