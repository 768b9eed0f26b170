//! A write guarded by a natural key: look for the record first, write only
//! when it is not there, and look again before a second write.

use serde_json::Value;

use crate::client::{Client, Deadline, MIN_ATTEMPT};
use crate::error::{ActionError, ErrorKind};
use crate::request::Request;

/// How [`Client::write_unless_found`] ended: the record it returns, and
/// whether it came from the look-up or from the write.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// The look-up found the record (before any write, or after a failed
    /// write, when the connector cannot tell whose write made it): the
    /// record at the look-up's pointer. Nothing new was written by this
    /// call, as far as the connector knows.
    Found(Value),
    /// The write succeeded: the record at the write's pointer (`Null` when
    /// the answer has nothing there).
    Created(Value),
}

/// Whether a failed write is worth a second look: the CRM failed or was
/// busy (the write may or may not have landed), or it says the record
/// already exists (409).
fn look_again(error: &ActionError) -> bool {
    matches!(error.kind, ErrorKind::Unavailable | ErrorKind::RateLimited)
        || error.status == Some(409)
}

impl Client {
    /// Writes a record unless a look-up finds it, all within one deadline
    /// of the configured timeout ([`Client::deadline`]).
    ///
    /// 1. `precheck` (a read, retried as reads are) runs; a record at
    ///    `precheck_record` in its answer is returned as [`Written::Found`].
    ///    A 404 or nothing at the pointer means "not found".
    /// 2. Otherwise `write` is sent once (never retried by the client; an
    ///    idempotency key on it is ignored for retries).
    /// 3. If the write fails with `unavailable`, `rate_limited` or a 409,
    ///    and time remains, `precheck` runs again: a record found is
    ///    returned as [`Written::Found`] (the first write landed, or someone
    ///    else made the record). Still not found: after a 409 the answer is
    ///    a [`ErrorKind::Conflict`] error (a conflict never leads to a
    ///    second write); otherwise `write` is sent one more time.
    ///
    /// So at most two writes, and none after the deadline (nor one that
    /// would start with less than 50 ms left). Other errors of
    /// the write (a 400, a 401, a timeout) are returned as they are. The
    /// path taken is logged at `info` (masked, like every log here).
    pub async fn write_unless_found(
        &self,
        precheck: Request,
        precheck_record: &str,
        write: Request,
        write_record: &str,
    ) -> Result<Written, ActionError> {
        self.write_unless_found_where(precheck, precheck_record, |_| true, write, write_record)
            .await
    }

    /// [`Client::write_unless_found`] where the look-up's record counts
    /// as found only when `same` accepts it (Cal.com's bookings after a
    /// start: the first one is the booking only when it starts exactly
    /// then, `time::same_instant`); a record `same` rejects is "not found".
    pub async fn write_unless_found_where(
        &self,
        precheck: Request,
        precheck_record: &str,
        same: impl Fn(&Value) -> bool,
        write: Request,
        write_record: &str,
    ) -> Result<Written, ActionError> {
        let deadline = self.deadline();
        let write = write.retry_safe(false);
        let look = || async {
            Ok::<_, ActionError>(
                self.look(&precheck, precheck_record, deadline)
                    .await?
                    .filter(|record| same(record)),
            )
        };
        if let Some(record) = look().await? {
            tracing::info!(
                path = "found",
                writes = 0,
                "natural-key write: the record exists"
            );
            return Ok(Written::Found(record));
        }
        let first = match self.send_ref(&write, deadline).await {
            Ok(answer) => {
                tracing::info!(path = "created", writes = 1, "natural-key write: created");
                return Ok(Written::Created(record_of(answer, write_record)));
            }
            Err(e) if look_again(&e) => e,
            Err(e) => return Err(e),
        };
        let found = match look().await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(
                    path = "write failed, second look failed",
                    writes = 1,
                    look_kind = e.kind.as_str(),
                    "natural-key write: giving up"
                );
                // A spent deadline is the answer; otherwise the write's
                // error says more than the look-up's.
                return Err(if e.kind == ErrorKind::Timeout {
                    e
                } else {
                    first
                });
            }
        };
        if let Some(record) = found {
            tracing::info!(
                path = "write failed, found on second look",
                writes = 1,
                kind = first.kind.as_str(),
                "natural-key write: the record exists"
            );
            return Ok(Written::Found(record));
        }
        if first.status == Some(409) {
            tracing::warn!(
                path = "conflict, not found on second look",
                writes = 1,
                "natural-key write: the CRM says the record exists but the look-up misses it"
            );
            return Err(ActionError {
                status: first.status,
                ..ActionError::new(
                    ErrorKind::Conflict,
                    format!("{}; the look-up does not find the record yet", first.detail),
                )
            });
        }
        if deadline.remaining() < MIN_ATTEMPT {
            tracing::warn!(
                path = "write failed, not found on second look, no time left",
                writes = 1,
                "natural-key write: no second write"
            );
            return Err(first);
        }
        tracing::info!(
            path = "write failed, not found on second look, writing again",
            writes = 2,
            kind = first.kind.as_str(),
            "natural-key write: second write"
        );
        let answer = self.send_ref(&write, deadline).await?;
        tracing::info!(
            path = "created on second write",
            writes = 2,
            "natural-key write: created"
        );
        Ok(Written::Created(record_of(answer, write_record)))
    }

    /// Runs the look-up: the record, `None` when there is none (a 404 or
    /// nothing at the pointer), or the error.
    async fn look(
        &self,
        precheck: &Request,
        record: &str,
        deadline: Deadline,
    ) -> Result<Option<Value>, ActionError> {
        match self.send_ref(precheck, deadline).await {
            Ok(answer) => Ok(take(answer, record)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The value at `pointer` in `answer`, moved out of it (not copied);
/// `None` when absent or `null`, as [`crate::project::at`].
fn take(mut answer: Value, pointer: &str) -> Option<Value> {
    answer
        .pointer_mut(pointer)
        .filter(|v| !v.is_null())
        .map(Value::take)
}

/// The record in a write's answer, `Null` when there is nothing at the
/// pointer (the write succeeded all the same).
fn record_of(answer: Value, pointer: &str) -> Value {
    match take(answer, pointer) {
        Some(record) => record,
        None => {
            tracing::warn!("natural-key write: the write's answer has no record at its pointer");
            Value::Null
        }
    }
}
