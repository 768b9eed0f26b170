//! The generator's `QueryLanguage` (what `{arg|…}` in a binding may name)
//! and the runtime's `query::Language` (what generated connectors call)
//! are two enums in two crates: the generator does not depend on the
//! runtime, a network crate. This test keeps them one list: the same
//! languages, in the same order, with the same names, and every variant
//! the generator writes into a connector exists in the runtime.

use midcall::call::QueryLanguage;
use midcall_runtime::query::Language;

#[test]
fn the_generator_and_the_runtime_know_the_same_query_languages() {
    let generator: Vec<(&str, &str)> = QueryLanguage::ALL
        .iter()
        .map(|l| (l.name(), l.variant()))
        .collect();
    let runtime: Vec<(&str, String)> = Language::ALL
        .iter()
        .map(|l| (l.name(), format!("{l:?}")))
        .collect();
    assert_eq!(
        generator.len(),
        runtime.len(),
        "{generator:?} vs {runtime:?}"
    );
    for ((name, variant), (rt_name, rt_variant)) in generator.iter().zip(&runtime) {
        assert_eq!(name, rt_name);
        assert_eq!(variant, rt_variant);
        let language = Language::from_name(name).expect("the runtime knows the name");
        // The runtime refuses an empty value in every language, so a
        // language the generator accepts is one the runtime enforces.
        assert!(language.refusal("").is_some(), "{name}");
    }
}
