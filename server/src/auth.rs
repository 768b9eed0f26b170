//! Credentials: shared secrets and bearer tokens compared in constant time,
//! and Retell's `x-retell-signature`.
//!
//! Retell signs a request as its SDKs do (`RetellAI/retell-typescript-sdk`
//! `src/lib/webhook_auth.ts`, `RetellAI/retell-python-sdk`
//! `src/retell/lib/webhook_auth.py`): the header is `v=<ms>,d=<hex>`, where
//! `<ms>` is the signing time in Unix milliseconds and `<hex>` the
//! HMAC-SHA256, keyed with the Retell API key, of the raw body followed by
//! `<ms>` in decimal; a signature more than five minutes from now is
//! refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The oldest (or furthest ahead) a Retell signature may be.
pub const RETELL_SIGNATURE_MAX_AGE: Duration = Duration::from_secs(5 * 60);

/// Whether `given` equals `expected`, in time that depends on neither
/// (both are hashed first, so not even the length leaks).
pub(crate) fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let a = Sha256::digest(given);
    let b = Sha256::digest(expected);
    bool::from(a.ct_eq(&b))
}

/// Whether the header `name` holds `expected`.
pub(crate) fn header_matches(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|v| same_secret(v.as_bytes(), expected.as_bytes()))
}

/// Whether `Authorization: Bearer <token>` holds `expected`.
pub(crate) fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(token.trim())
        })
        .is_some_and(|token| same_secret(token.as_bytes(), expected.as_bytes()))
}

/// The `x-retell-signature` value Retell sends for `body` signed with
/// `api_key` at `timestamp_ms` (for tests and clients that sign).
pub fn retell_signature(api_key: &str, body: &[u8], timestamp_ms: u64) -> String {
    format!(
        "v={timestamp_ms},d={}",
        hex::encode(
            retell_mac(api_key, body, timestamp_ms)
                .finalize()
                .into_bytes()
        )
    )
}

fn retell_mac(api_key: &str, body: &[u8], timestamp_ms: u64) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(api_key.as_bytes())
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(body);
    mac.update(timestamp_ms.to_string().as_bytes());
    mac
}

#[cold]
fn unreachable_hmac() -> Hmac<Sha256> {
    // `new_from_slice` on HMAC accepts every key length; an empty key is
    // still a key.
    <Hmac<Sha256> as KeyInit>::new(&Default::default())
}

/// Checks `header` (the `x-retell-signature` value) over `body` at
/// `now_ms`; the error says why, without the signature.
pub(crate) fn verify_retell(
    api_key: &str,
    body: &[u8],
    header: Option<&str>,
    now_ms: u64,
) -> Result<(), &'static str> {
    let header = header.ok_or("no x-retell-signature header")?;
    let (v, d) = header
        .trim()
        .split_once(',')
        .ok_or("x-retell-signature is not `v=<ms>,d=<hex>`")?;
    let timestamp: u64 = v
        .strip_prefix("v=")
        .and_then(|t| t.parse().ok())
        .ok_or("x-retell-signature has no `v=<ms>` timestamp")?;
    let digest = d
        .strip_prefix("d=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or("x-retell-signature has no hex `d=` digest")?;
    if now_ms.abs_diff(timestamp) > RETELL_SIGNATURE_MAX_AGE.as_millis() as u64 {
        return Err("x-retell-signature is older than five minutes (or from the future): a replay");
    }
    retell_mac(api_key, body, timestamp)
        .verify_slice(&digest)
        .map_err(|_| "x-retell-signature does not match the body")
}

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_its_key_body_and_time() {
        let now = 1_760_000_000_000;
        let sig = retell_signature("key_abc", b"{\"a\":1}", now);
        assert!(sig.starts_with(&format!("v={now},d=")));
        assert_eq!(
            verify_retell("key_abc", b"{\"a\":1}", Some(&sig), now + 1000),
            Ok(())
        );
        assert!(verify_retell("key_abd", b"{\"a\":1}", Some(&sig), now).is_err());
        assert!(verify_retell("key_abc", b"{\"a\":2}", Some(&sig), now).is_err());
        let old = now + RETELL_SIGNATURE_MAX_AGE.as_millis() as u64 + 1;
        assert!(verify_retell("key_abc", b"{\"a\":1}", Some(&sig), old)
            .unwrap_err()
            .contains("replay"));
        // The timestamp is signed: moving it breaks the digest.
        let moved = sig.replace(&format!("v={now}"), &format!("v={}", now + 1));
        assert!(verify_retell("key_abc", b"{\"a\":1}", Some(&moved), now).is_err());
        for bad in ["", "v=1", "d=00", "v=x,d=00", "v=1,d=zz"] {
            assert!(
                verify_retell("key_abc", b"", Some(bad), now).is_err(),
                "{bad}"
            );
        }
        assert!(verify_retell("key_abc", b"", None, now).is_err());
    }

    #[test]
    fn the_digest_matches_an_independent_computation() {
        // Python: hmac.new(b"key_abc", b'{"name":"x"}1700000000000', hashlib.sha256).hexdigest()
        assert_eq!(
            retell_signature("key_abc", br#"{"name":"x"}"#, 1_700_000_000_000),
            "v=1700000000000,d=8f648754bee9cf9ceb5d206ecb36d8a5fe9051a684318a26e2d9e78cee59c490"
        );
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer tok-123".parse().unwrap());
        assert!(bearer_matches(&h, "tok-123"));
        assert!(!bearer_matches(&h, "tok-124"));
        h.insert("authorization", "Basic tok-123".parse().unwrap());
        assert!(!bearer_matches(&h, "tok-123"));
    }
}
