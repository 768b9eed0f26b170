//! Actions of several requests under one deadline, each built from values
//! of the answers before it (Stripe: find the customer by email, then list
//! their invoices; Zendesk: find the user, then their tickets).
//!
//! ```no_run
//! # async fn f(client: &midcall_runtime::Client) -> Result<(), midcall_runtime::ActionError> {
//! use midcall_runtime::{Method, Request};
//! let mut steps = client.steps();
//! let customers = steps
//!     .send(Request::new(Method::Get, "/v1/customers").query("email", "jane@example.com"))
//!     .await?;
//! // Nothing found: `not_found`, and no second request.
//! let customer = steps.text(&customers, "/data/0/id")?;
//! let invoices = steps
//!     .send(Request::new(Method::Get, "/v1/invoices").query("customer", customer))
//!     .await?;
//! # Ok(()) }
//! ```

use serde_json::Value;

use crate::client::{Client, Deadline};
use crate::error::ActionError;
use crate::{mask, project};

/// The steps of one action: every [`Steps::send`] shares the deadline set
/// when the steps began ([`Client::steps`]), retries included, so the
/// whole action ends within the connector's timeout and no request starts
/// after it.
#[derive(Debug)]
pub struct Steps<'c> {
    client: &'c Client,
    deadline: Deadline,
    done: usize,
    last: String,
}

impl Client {
    /// Starts an action of several requests, with one deadline of the
    /// configured timeout from now.
    pub fn steps(&self) -> Steps<'_> {
        self.steps_by(self.deadline())
    }

    /// Starts an action of several requests that must end by `deadline`.
    pub fn steps_by(&self, deadline: Deadline) -> Steps<'_> {
        Steps {
            client: self,
            deadline,
            done: 0,
            last: String::new(),
        }
    }
}

impl Steps<'_> {
    /// Sends the next request before the shared deadline (see
    /// [`Client::send_by`]).
    pub async fn send(&mut self, request: crate::Request) -> Result<Value, ActionError> {
        self.done += 1;
        self.last = format!(
            "step {} ({} {})",
            self.done,
            request.method.as_str(),
            mask::text(&request.path)
        );
        self.client.send_by(request, self.deadline).await
    }

    /// The shared deadline.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// The record at `pointer` of an answer: absent (or `null`) is a
    /// `not_found` error naming the step, so the action ends there.
    pub fn record<'v>(&self, answer: &'v Value, pointer: &str) -> Result<&'v Value, ActionError> {
        project::at(answer, pointer).ok_or_else(|| self.nothing_at(pointer))
    }

    /// The text at `pointer` of an answer ([`project::text`]), for the
    /// next request: absent is a `not_found` error naming the step.
    pub fn text(&self, answer: &Value, pointer: &str) -> Result<String, ActionError> {
        project::text(answer, pointer).ok_or_else(|| self.nothing_at(pointer))
    }

    fn nothing_at(&self, pointer: &str) -> ActionError {
        let step = if self.last.is_empty() {
            "no step yet".to_string()
        } else {
            self.last.clone()
        };
        ActionError::not_found(format!("{step}: nothing at `{pointer}` of the answer"))
    }
}
