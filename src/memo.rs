//! Per-run memory of what several pairs share: a value computed once per
//! key (a CRM's spec, bindings or example checker, a template) and kept for
//! the rest of the run. Only successes are kept, so a failure is found,
//! and reported with the same message, every time it is asked for.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Values by key, each computed on first use.
pub(crate) struct Memo<V> {
    values: Mutex<BTreeMap<String, Arc<V>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            values: Mutex::new(BTreeMap::new()),
        }
    }
}

impl<V> Memo<V> {
    /// The value kept for `key`, if any.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<V>> {
        self.values.lock().ok().and_then(|v| v.get(key).cloned())
    }

    /// Keeps `value` for `key`, replacing what was kept.
    pub(crate) fn insert(&self, key: &str, value: Arc<V>) {
        if let Ok(mut values) = self.values.lock() {
            values.insert(key.to_string(), value);
        }
    }

    /// The value kept for `key`, or `make`'s, kept when it succeeds.
    pub(crate) fn get_or_try<E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.get(key) {
            return Ok(v);
        }
        let value = Arc::new(make()?);
        self.insert(key, value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_successes_only() {
        let memo: Memo<u32> = Memo::default();
        let mut calls = 0;
        let mut make = |ok: bool| {
            calls += 1;
            if ok {
                Ok(7)
            } else {
                Err("no")
            }
        };
        assert_eq!(memo.get_or_try("a", || make(false)), Err("no"));
        assert_eq!(*memo.get_or_try("a", || make(true)).unwrap(), 7);
        assert_eq!(*memo.get_or_try("a", || make(false)).unwrap(), 7);
        assert_eq!(calls, 2);
        assert!(memo.get("b").is_none());
    }
}
