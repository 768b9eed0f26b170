//! A path template from the spec (`/crm/v3/objects/contacts/{contactId}`),
//! parsed once into literal and parameter components, and the same path
//! with every parameter bound to a value.

use std::collections::BTreeMap;

use super::value::TextTemplate;

/// One component of a spec path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    /// Text sent as it is.
    Literal(String),
    /// A path parameter, by name.
    Param(String),
}

/// A spec path, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The components, in order.
    pub components: Vec<Component>,
}

impl PathTemplate {
    /// Parses a spec path; `{name}` is a parameter. An unclosed `{` is an
    /// error naming the path.
    pub fn parse(path: &str) -> Result<Self, String> {
        let mut components = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                components.push(Component::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("`{path}` has an unclosed `{{`"))?;
            let name = &after[..close];
            if name.is_empty() || name.contains('{') {
                return Err(format!("`{path}` has an empty or nested parameter"));
            }
            components.push(Component::Param(name.to_string()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            components.push(Component::Literal(rest.to_string()));
        }
        Ok(PathTemplate { components })
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.components.iter().filter_map(|c| match c {
            Component::Param(p) => Some(p.as_str()),
            Component::Literal(_) => None,
        })
    }

    /// The path with each parameter replaced by its value; the name of the
    /// first parameter `values` lacks is the error.
    pub fn bind(&self, values: &BTreeMap<String, TextTemplate>) -> Result<BoundPath, String> {
        let parts = self
            .components
            .iter()
            .map(|c| match c {
                Component::Literal(l) => Ok(PathPart::Literal(l.clone())),
                Component::Param(p) => values
                    .get(p)
                    .cloned()
                    .map(PathPart::Segment)
                    .ok_or_else(|| p.clone()),
            })
            .collect::<Result<_, _>>()?;
        Ok(BoundPath { parts })
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in &self.components {
            match c {
                Component::Literal(l) => f.write_str(l)?,
                Component::Param(p) => write!(f, "{{{p}}}")?,
            }
        }
        Ok(())
    }
}

/// One part of a bound path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// A value sent as one percent-encoded segment.
    Segment(TextTemplate),
}

/// A request path with every parameter bound.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundPath {
    /// The parts, in order.
    pub parts: Vec<PathPart>,
}

impl BoundPath {
    /// Whether any part is a value (the connector then encodes segments).
    pub fn has_segments(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, PathPart::Segment(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals_and_params() {
        let p = PathTemplate::parse("/a/{id}/b{x}").unwrap();
        assert_eq!(
            p.components,
            vec![
                Component::Literal("/a/".into()),
                Component::Param("id".into()),
                Component::Literal("/b".into()),
                Component::Param("x".into()),
            ]
        );
        assert_eq!(p.to_string(), "/a/{id}/b{x}");
        assert_eq!(p.params().collect::<Vec<_>>(), ["id", "x"]);
        assert!(PathTemplate::parse("/a/{id").is_err());
        assert!(PathTemplate::parse("/a/{}").is_err());
    }

    #[test]
    fn binding_needs_every_param() {
        let p = PathTemplate::parse("/a/{id}").unwrap();
        assert_eq!(p.bind(&BTreeMap::new()).unwrap_err(), "id");
        let mut values = BTreeMap::new();
        values.insert("id".to_string(), TextTemplate::literal("7"));
        let bound = p.bind(&values).unwrap();
        assert!(bound.has_segments());
    }
}
