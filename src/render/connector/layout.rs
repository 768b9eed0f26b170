//! From tokens to the file's text: parsed as a Rust file, printed with
//! `prettyplease` (as progenitor and typify do), and given a blank line
//! between top-level items, which `prettyplease` does not add.

use proc_macro2::TokenStream;

/// The connector's source text, or why the tokens are not a Rust file.
pub fn format(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| ["emitted tokens that are not a Rust file: ", &e.to_string()].concat())?;
    Ok(spaced(&prettyplease::unparse(&file)))
}

/// `text` with a blank line before each top-level item that follows
/// another, and after the `//!` header. Only lines that start in column 0
/// are looked at; literals never hold a raw line break (they are escaped),
/// so such a line is always an item's first or last line.
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous {
            let top = |l: &str| !l.is_empty() && !l.starts_with(char::is_whitespace);
            let item_ended = top(prev) && (prev.ends_with('}') || prev.ends_with(';'));
            let header_ended = prev.starts_with("//!") && !line.starts_with("//!");
            if top(line) && (item_ended || header_ended) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_set_apart() {
        let text = format(quote::quote! {
            #![doc = " Header."]
            use a::b;
            /// Doc.
            pub struct S {
                x: u8,
            }
            pub const C: u8 = 1;
        })
        .unwrap();
        assert_eq!(
            text,
            "//! Header.\n\nuse a::b;\n\n/// Doc.\npub struct S {\n    x: u8,\n}\n\npub const C: u8 = 1;\n"
        );
    }
}
