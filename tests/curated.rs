//! The curated join tables checked against the sources they cite: every CSP URI is a DDF node and
//! every settings catalog id a definition of the corpus snapshot.

mod common;

use std::path::Path;

use gpa::catalog::curated::{self, CuratedKey, CuratedTable, Evidence};
use gpa::catalog::ddf::{DdfIndex, read_ddf_dir};
use gpa::catalog::definitions::{DefinitionIndex, read_definitions_dir};

fn tables() -> Vec<curated::CuratedLink> {
    curated::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("admx-catalog/curated")).unwrap()
}

#[test]
fn every_uri_is_a_ddf_node_and_every_id_a_definition() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (nodes, errors) = read_ddf_dir(&corpus.join("ddf/pl4nty-windows-ddf-2025-02"));
    assert!(errors.is_empty(), "{errors:?}");
    let ddf = DdfIndex::new(nodes);
    let (definitions, errors) = read_definitions_dir(
        &corpus.join("settings-catalog/definitions/pl4nty-intune-change-tracking/DCv2/Settings"),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let definitions = DefinitionIndex::new(definitions);

    let links = tables();
    let mut uris = 0;
    let mut ids = 0;
    for link in &links {
        if let Some(uri) = &link.csp_uri {
            assert!(
                ddf.get(uri).is_some(),
                "{:?}: {uri} is not a DDF node",
                link.table
            );
            uris += 1;
        }
        if let Some(id) = &link.definition_id {
            assert!(
                definitions.get(id).is_some(),
                "{:?}: {id} is not a definition",
                link.table
            );
            ids += 1;
        }
    }
    println!(
        "curated: {} rows, {uris} CSP URIs and {ids} definition ids confirmed",
        links.len()
    );
    // 11 of them are the Windows Hello for Business rows (passportforwork.csv).
    assert_eq!(uris, 336);
    assert_eq!(ids, 317);
}

#[test]
fn keys_are_unique_within_a_table() {
    let links = tables();
    for table in CuratedTable::ALL {
        let mut keys: Vec<String> = links
            .iter()
            .filter(|l| l.table == table && l.key != CuratedKey::Unkeyed)
            .map(|l| format!("{:?}|{:?}", l.key, l.csp_uri).to_lowercase())
            .collect();
        let total = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), total, "{table:?} repeats a key");
    }
}

#[test]
fn named_rows_carry_their_real_nodes() {
    let links = tables();
    let find = |key: CuratedKey| links.iter().find(|l| l.key == key).unwrap();
    let credential_validation = find(CuratedKey::AuditSubcategory {
        guid: "{0cce923f-69ae-11d9-bed3-505054503030}".into(),
    });
    assert_eq!(
        credential_validation.csp_uri.as_deref(),
        Some("./Device/Vendor/MSFT/Policy/Config/Audit/AccountLogon_AuditCredentialValidation")
    );
    assert_eq!(credential_validation.evidence, Evidence::Full);
    let no_lm_hash = find(CuratedKey::Registry {
        key: "System\\CurrentControlSet\\Control\\Lsa".into(),
        value_name: "NoLMHash".into(),
    });
    assert_eq!(
        no_lm_hash.definition_id.as_deref(),
        Some(
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange"
        )
    );
}
