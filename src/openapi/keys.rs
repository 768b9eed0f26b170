//! Looking up one key of a JSON object. `serde_json`'s map hashes the key
//! (SipHash) on every lookup; most objects in a spec have a handful of
//! keys, which a scan compares faster, and the walks over a document look
//! up several absent keys (`$ref`, `items`, `allOf`...) in every object.

use serde_json::{Map, Value};

/// Objects with at most this many keys are scanned rather than hashed.
const SCAN_UP_TO: usize = 8;

/// `map.get(key)`.
pub(crate) fn get<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    if map.len() <= SCAN_UP_TO {
        map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `map.get_mut(key)`.
pub(crate) fn get_mut<'m>(map: &'m mut Map<String, Value>, key: &str) -> Option<&'m mut Value> {
    if map.len() <= SCAN_UP_TO {
        map.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
    } else {
        map.get_mut(key)
    }
}

/// `value.get(key)` for an object; `None` for anything else.
pub(crate) fn of<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => get(map, key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_map_finds() {
        for n in [0, 3, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let mut map: Map<String, Value> =
                (0..n).map(|i| (format!("k{i}"), Value::from(i))).collect();
            for key in ["k0", "k2", "k8", "k39", "$ref", ""] {
                assert_eq!(get(&map, key), map.get(key), "{n} {key}");
                let expected = map.get(key).cloned();
                assert_eq!(get_mut(&mut map, key).map(|v| v.clone()), expected);
                assert_eq!(of(&Value::Object(map.clone()), key), map.get(key));
            }
        }
        assert_eq!(of(&Value::from(1), "a"), None);
    }
}
