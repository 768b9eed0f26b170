//! `response.verify:` (account-verify): the checker's refusals, each a
//! one-line error naming the file and the place, and the typed flow the
//! bundled HubSpot binding resolves to (factors the CRM does not keep
//! leave the tool's `factor` enum).

use midcall::call::{FactorForm, Flow};
use midcall::source::Sources;
use midcall::Midcall;

const BINDINGS: &str = include_str!("../specs/hubspot/bindings.yaml");

fn with(text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", text);
    Midcall::new(sources).unwrap()
}

/// The bindings with `from` replaced by `to` inside the account-verify
/// action only.
fn edit_verify(from: &str, to: &str) -> String {
    let (before, rest) = BINDINGS
        .split_once("  account-verify:\n")
        .expect("account-verify is bound");
    let (action, after) = rest
        .split_once("\n\n")
        .expect("an action ends at a blank line");
    assert!(action.contains(from), "`{from}` is not in the binding");
    format!(
        "{before}  account-verify:\n{}\n\n{after}",
        action.replacen(from, to, 1)
    )
}

fn error(text: &str, template: &str) -> String {
    let msg = match with(text).action("hubspot", template) {
        Ok(_) => panic!("bindings were accepted:\n{text}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

#[test]
fn the_bundled_hubspot_binding_resolves_to_a_verification() {
    let action = Midcall::bundled()
        .unwrap()
        .action("hubspot", "account-verify")
        .unwrap();
    let Flow::Verify { lookup, verify } = &action.flow else {
        panic!("a verification: {:?}", action.flow);
    };
    assert_eq!(
        lookup.call.operation(),
        "POST /crm/v3/objects/contacts/search"
    );
    assert_eq!(verify.several.as_ref().unwrap().as_str(), "/results/1");
    let kept: Vec<(&str, FactorForm, usize)> = verify
        .kept()
        .map(|s| (s.factor.as_str(), s.form, s.pointers.len()))
        .collect();
    assert_eq!(
        kept,
        [
            ("postal_code", FactorForm::PostalCode, 1),
            ("phone_last_four", FactorForm::LastFour, 2)
        ]
    );
    // HubSpot keeps no date of birth: the tool does not offer it, and
    // says which factors to ask for.
    let factor = action
        .template
        .tool
        .parameters
        .iter()
        .find(|p| p.name == "factor")
        .unwrap();
    assert_eq!(
        factor.enum_values.as_deref().unwrap(),
        ["postal_code", "phone_last_four"]
    );
    assert!(
        action
            .template
            .tool
            .description
            .contains("HubSpot keeps only these second factors, ask for one of them: the postal code or the last four digits of the phone number."),
        "{}",
        action.template.tool.description
    );
    // Found by email only: the customer number leaves HubSpot's tool.
    assert!(!action
        .template
        .tool
        .parameters
        .iter()
        .any(|p| p.name == "customer_number"));
    let names: Vec<&str> = action
        .template
        .result
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["verified", "first_name", "contact_id"]);
}

#[test]
fn a_result_field_that_reads_a_stored_factor_is_refused() {
    let text = edit_verify(
        "first_name: /properties/firstname",
        "first_name: /properties/zip",
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("actions.account-verify.response.fields.first_name")
            && msg.contains("reads the stored factor `postal_code`"),
        "{msg}"
    );
    // A pointer holding the factor leaks it too.
    let text = edit_verify(
        "first_name: /properties/firstname",
        "first_name: /properties",
    );
    let msg = error(&text, "account-verify");
    assert!(msg.contains("reads the stored factor"), "{msg}");
}

#[test]
fn a_transform_on_a_verification_result_is_refused() {
    let text = edit_verify(
        "first_name: /properties/firstname",
        "first_name: { join: [/properties/firstname, /properties/zip], with: \" \" }",
    );
    let msg = error(&text, "account-verify");
    assert!(msg.contains("plain pointers, constants or null"), "{msg}");
}

#[test]
fn verify_on_a_template_without_verified_is_refused() {
    let block = "      verify:\n        factor: factor\n        value: factor_value\n        stored: { postal_code: /properties/zip }\n";
    let (before, rest) = BINDINGS.split_once("  contact-lookup:\n").unwrap();
    let rest = rest.replacen(
        "        company: /properties/company\n",
        &format!("        company: /properties/company\n{block}"),
        1,
    );
    let msg = error(
        &format!("{before}  contact-lookup:\n{rest}"),
        "contact-lookup",
    );
    assert!(
        msg.contains("actions.contact-lookup.response.verify")
            && msg.contains("no boolean result field `verified`"),
        "{msg}"
    );
}

#[test]
fn account_verify_without_verify_is_refused() {
    let (action, _) = BINDINGS
        .split_once("  account-verify:\n")
        .unwrap()
        .1
        .split_once("\n\n")
        .unwrap();
    let start = action.find("      verify:\n").unwrap();
    let end = action.find("    differs:").unwrap();
    let text = BINDINGS.replacen(&action[start..end], "", 1);
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("only a `verify:` comparison may fill"),
        "{msg}"
    );
}

#[test]
fn a_stored_key_outside_the_factor_enum_is_refused() {
    let text = edit_verify(
        "          date_of_birth: null\n",
        "          date_of_birth: null\n          mothers_maiden_name: /properties/lastname\n",
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("response.verify.stored.mothers_maiden_name")
            && msg.contains("is not a value of argument `factor`'s enum"),
        "{msg}"
    );
}

#[test]
fn every_factor_must_be_listed_null_when_absent() {
    let text = edit_verify("          date_of_birth: null\n", "");
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("factor `date_of_birth` is not listed"),
        "{msg}"
    );
}

#[test]
fn a_stored_pointer_the_spec_lacks_is_refused() {
    let text = edit_verify(
        "postal_code: /properties/zip",
        "postal_code: /properties/zipcode",
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("response.verify.stored.postal_code")
            && msg.contains("has nothing at `/results/0/properties/zipcode`"),
        "{msg}"
    );
}

#[test]
fn the_first_of_a_list_needs_several() {
    let text = edit_verify("        several: /results/1\n", "");
    let msg = error(&text, "account-verify");
    assert!(msg.contains("give `several: /results/1`"), "{msg}");
    let text = edit_verify("several: /results/1", "several: /results/2");
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("the second record of the list is `/results/1`"),
        "{msg}"
    );
}

#[test]
fn the_callers_factor_is_never_sent() {
    let text = edit_verify(
        "limit: 2\n",
        "limit: 2\n          after: \"{factor_value}\"\n",
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("`factor_value` (the caller's second factor) is compared inside the connector; never send it"),
        "{msg}"
    );
}

#[test]
fn verified_is_the_comparisons_own() {
    let text = edit_verify(
        "        contact_id: /id\n",
        "        contact_id: /id\n        verified: { const: true }\n",
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("`verified` is the comparison's answer"),
        "{msg}"
    );
}

#[test]
fn a_crm_keeping_no_factor_is_told_to_say_unsupported() {
    let text = edit_verify("postal_code: /properties/zip", "postal_code: null");
    let text = text.replacen(
        "phone_last_four: [/properties/phone, /properties/mobilephone]",
        "phone_last_four: null",
        1,
    );
    let msg = error(&text, "account-verify");
    assert!(
        msg.contains("list the template under `unsupported:`"),
        "{msg}"
    );
}
