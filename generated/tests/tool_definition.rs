//! `tool_definition` serves, for every connector, exactly the tool
//! definition files `gen` wrote beside it, and nothing else.

use std::path::Path;

use midcall_generated::{tool_definition, CONNECTORS};

#[test]
fn every_connector_serves_each_json_file_beside_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut served = 0;
    for (crm, template) in CONNECTORS {
        let dir = root.join(crm).join(template);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(files.len() >= 9, "{}: {files:?}", dir.display());
        for file in files {
            let target = file.file_stem().unwrap().to_str().unwrap();
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(
                tool_definition(crm, template, target),
                Some(text.as_str()),
                "{crm} {template} {target}"
            );
            served += 1;
        }
        assert_eq!(tool_definition(crm, template, "connector"), None);
        assert_eq!(tool_definition(crm, template, "no-such-target"), None);
    }
    assert!(served >= 27, "{served}");
    assert_eq!(
        tool_definition("no-such-crm", "contact-lookup", "mcp"),
        None
    );
}
