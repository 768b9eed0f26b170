//! Projection of a CRM response onto the few fields an assistant may speak.

use serde_json::Value;

/// The value at a JSON pointer, treating `null` as absent.
pub fn at<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    lookup(value, pointer).filter(|v| !v.is_null())
}

/// The elements of the array at `pointer`; a pointer ending in `/*` reads
/// an object whose members are arrays (Cal.com's free slots by date,
/// `{"2026-07-28": [...], "2026-07-29": [...]}`) as one list: the members'
/// elements in the order of their keys (dates as `YYYY-MM-DD` sort in
/// time order). `None` when there is no array (or such object) there; a
/// member that is not an array is skipped. A pointer `…/*/rest` reads the
/// array at `/rest` below each member instead (HighLevel's free slots,
/// `{"2026-07-28": {"slots": [...]}, "traceId": "…"}` with `/*/slots`); a
/// member without one is skipped.
pub fn items<'a>(value: &'a Value, pointer: &str) -> Option<Vec<&'a Value>> {
    if let Some((object, rest)) = pointer.split_once("/*/") {
        let map = at(value, object)?.as_object()?;
        let rest = ["/", rest].concat();
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        return Some(
            keys.into_iter()
                .filter_map(|k| at(&map[k], &rest)?.as_array())
                .flatten()
                .collect(),
        );
    }
    if let Some(object) = pointer.strip_suffix("/*") {
        let map = at(value, object)?.as_object()?;
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        return Some(
            keys.into_iter()
                .filter_map(|k| map[k].as_array())
                .flatten()
                .collect(),
        );
    }
    Some(at(value, pointer)?.as_array()?.iter().collect())
}

/// [`Value::pointer`] (RFC 6901) without its two `String`s per step: a
/// token is unescaped (`~1`, `~0`) only when it holds a `~`.
fn lookup<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut target = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        target = if token.contains('~') {
            step(target, &token.replace("~1", "/").replace("~0", "~"))?
        } else {
            step(target, token)?
        };
    }
    Some(target)
}

fn step<'a>(value: &'a Value, token: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(token),
        Value::Array(list) => index(token).and_then(|i| list.get(i)),
        _ => None,
    }
}

/// An array index as serde_json reads one: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// A field as text: strings as they are, numbers and booleans printed,
/// empty strings, objects and arrays as absent.
pub fn text(value: &Value, pointer: &str) -> Option<String> {
    match at(value, pointer)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field as a number; numeric strings (as many CRMs send) are parsed.
pub fn number(value: &Value, pointer: &str) -> Option<f64> {
    match at(value, pointer)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field as an integer; integral numbers and numeric strings are accepted.
pub fn integer(value: &Value, pointer: &str) -> Option<i64> {
    match at(value, pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field as a boolean; `"true"`/`"false"` strings are accepted.
pub fn boolean(value: &Value, pointer: &str) -> Option<bool> {
    match at(value, pointer)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A field translated through a table: the value at `pointer`, read as
/// [`text`], looked up by exact match in `map` (pairs of the CRM's value and
/// the result). A value not in the table is `default`; a missing or empty
/// value is absent.
pub fn mapped<T: Clone>(
    value: &Value,
    pointer: &str,
    map: &[(&str, T)],
    default: Option<T>,
) -> Option<T> {
    let raw = text(value, pointer)?;
    map.iter()
        .find(|(from, _)| *from == raw)
        .map(|(_, to)| to.clone())
        .or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_below_each_member_are_one_list_in_key_order() {
        let v = json!({
            "2026-03-16": {"slots": ["c", "d"]},
            "2026-03-14": {"slots": ["a", "b"]},
            "traceId": "x",
            "2026-03-15": {"none": []}
        });
        let got: Vec<&str> = items(&v, "/*/slots")
            .unwrap()
            .into_iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(items(&json!({"d": 1}), "/*/slots").unwrap().len(), 0);
        assert!(items(&json!([1]), "/*/slots").is_none());
        let nested = json!({"data": {"x": {"s": [1]}}});
        assert_eq!(items(&nested, "/data/*/s").unwrap().len(), 1);
    }

    #[test]
    fn projects_strings_numbers_and_nulls() {
        let v =
            json!({"a": "x", "b": 3, "c": null, "d": "", "e": "4.5", "f": "true", "g": {"h": 1}});
        assert_eq!(text(&v, "/a").as_deref(), Some("x"));
        assert_eq!(text(&v, "/b").as_deref(), Some("3"));
        assert_eq!(text(&v, "/c"), None);
        assert_eq!(text(&v, "/d"), None);
        assert_eq!(text(&v, "/g"), None);
        assert_eq!(text(&v, "/missing"), None);
        assert_eq!(number(&v, "/e"), Some(4.5));
        assert_eq!(integer(&v, "/b"), Some(3));
        assert_eq!(boolean(&v, "/f"), Some(true));
        assert_eq!(text(&v, "/g/h").as_deref(), Some("1"));
    }

    #[test]
    fn walks_pointers_as_serde_json_does() {
        let v = json!({"a": [{"b": 1}, {"c/d": 2, "e~f": 3, "": 4}], "01": 5, "": {"": 6}});
        for p in [
            "",
            "/",
            "/a",
            "/a/0",
            "/a/0/b",
            "/a/1/c~1d",
            "/a/1/e~0f",
            "/a/1/",
            "/a/01",
            "/a/+1",
            "/a/-1",
            "/a/2",
            "/a/x",
            "/01",
            "//",
            "a",
            "/a/0/b/c",
            "/a/1/c/d",
            "/a/18446744073709551616",
        ] {
            assert_eq!(lookup(&v, p), v.pointer(p), "{p}");
        }
    }

    #[test]
    fn maps_values_through_a_table() {
        let v = json!({"p": {"stage": "4", "n": 2, "custom": "981", "empty": ""}});
        let table = [("1", "new"), ("2", "waiting_on_customer"), ("4", "closed")];
        assert_eq!(mapped(&v, "/p/stage", &table, None), Some("closed"));
        assert_eq!(
            mapped(&v, "/p/n", &table, None),
            Some("waiting_on_customer")
        );
        assert_eq!(mapped(&v, "/p/custom", &table, None), None);
        assert_eq!(mapped(&v, "/p/custom", &table, Some("open")), Some("open"));
        assert_eq!(mapped(&v, "/p/empty", &table, Some("open")), None);
        assert_eq!(mapped(&v, "/p/missing", &table, Some("open")), None);
        assert_eq!(mapped(&v, "/p/stage", &[("4", 3_i64)], Some(0)), Some(3));
    }
}
