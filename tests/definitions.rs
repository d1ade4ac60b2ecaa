mod common;

use std::path::PathBuf;

use gpa::catalog::ddf::read_ddf_dir;
use gpa::catalog::definitions::{
    DefinitionIndex, DefinitionKind, SettingDefinition, SettingValue, ValueDefinition,
    definition_id_candidate, option_for_value, read_definition, read_definitions_dir,
};
use gpa::model::Scope;
use proptest::prelude::*;

const WCM: &str = "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections";
const WCM_OPTIONS: &str = "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections_wcm_minimizeconnections_options";
const EDGE_HOME: &str = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~startup_homepagelocation";

fn fixture_dir() -> PathBuf {
    common::fixtures().join("catalog/definitions")
}

fn option_ids(def: &SettingDefinition) -> Vec<&str> {
    def.options.iter().map(|o| o.item_id.as_str()).collect()
}

/// The WCM policy, its enum child and the Edge home page policy with its text child, as the
/// catalog has them: asserted on the fixtures and on the corpus.
fn assert_wcm_and_edge(index: &DefinitionIndex) {
    let wcm = index.get(WCM).unwrap();
    assert_eq!(wcm.kind, DefinitionKind::Choice);
    assert_eq!(wcm.name, "WCM_MinimizeConnections");
    assert_eq!(
        wcm.uri(),
        "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections"
    );
    assert!(wcm.is_admx_backed());
    assert_eq!(wcm.root_definition_id.as_deref(), Some(WCM));
    assert_eq!(
        wcm.applicability.minimum_supported_version.as_deref(),
        Some("10.0.19041.1202")
    );
    assert!(
        wcm.keywords
            .iter()
            .any(|k| k == "Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy")
    );
    assert_eq!(option_ids(wcm), [format!("{WCM}_0"), format!("{WCM}_1")]);
    assert_eq!(wcm.options[0].value, Some(SettingValue::Integer(Some(0))));
    assert_eq!(wcm.options[1].value, Some(SettingValue::Integer(Some(1))));
    let child_link = &wcm.options[1].depended_on_by;
    assert_eq!(child_link.len(), 1);
    assert_eq!(
        (child_link[0].id.as_str(), child_link[0].required),
        (WCM_OPTIONS, true)
    );
    assert_eq!(wcm.default_option_id.as_deref(), Some(&*format!("{WCM}_0")));
    assert_eq!(
        option_for_value(wcm, "1").unwrap().item_id,
        format!("{WCM}_1")
    );
    assert!(option_for_value(wcm, "2").is_none());

    let children = index.children(wcm);
    assert_eq!(children.len(), 1);
    let options = children[0];
    assert_eq!(options.id, WCM_OPTIONS);
    assert_eq!(options.kind, DefinitionKind::Choice);
    assert_eq!(options.offset_uri, wcm.offset_uri);
    assert_eq!(options.dependent_on.len(), 0);
    for (i, option) in options.options.iter().enumerate() {
        assert_eq!(option.item_id, format!("{WCM_OPTIONS}_{i}"));
        assert_eq!(
            option.value,
            Some(SettingValue::String(Some(i.to_string())))
        );
        assert_eq!(option.dependent_on[0].parent_setting_id, WCM);
        assert_eq!(option.dependent_on[0].dependent_on, format!("{WCM}_1"));
    }
    assert_eq!(options.options.len(), 4);
    assert_eq!(
        option_for_value(options, "3").unwrap().name,
        "3 = Prevent Wi-Fi when on Ethernet"
    );
    assert_eq!(
        options.default_option_id.as_deref(),
        Some(&*format!("{WCM_OPTIONS}_2"))
    );
    // The URI route lands on the parent: the child shares its URI but is not a root definition.
    let by_uri = index
        .by_uri(
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(by_uri.id, WCM);

    let edge = index.get(EDGE_HOME).unwrap();
    assert_eq!(edge.kind, DefinitionKind::Choice);
    assert_eq!(
        option_ids(edge),
        [format!("{EDGE_HOME}_0"), format!("{EDGE_HOME}_1")]
    );
    let children = index.children(edge);
    assert_eq!(children.len(), 1);
    let text = children[0];
    assert_eq!(text.id, format!("{EDGE_HOME}_homepagelocation"));
    assert_eq!(text.kind, DefinitionKind::Simple);
    assert_eq!(
        text.kind.instance_odata_type(),
        Some("#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance")
    );
    assert_eq!(
        text.value_definition,
        Some(ValueDefinition::String {
            minimum_length: Some(0),
            maximum_length: Some(1_000_000),
            format: Some("none".into()),
            is_secret: false,
        })
    );
    assert_eq!(text.default_value, Some(SettingValue::String(None)));
    assert_eq!(text.dependent_on[0].dependent_on, format!("{EDGE_HOME}_1"));
    assert!(edge.options[1].depended_on_by[0].required);

    let defender = index
        .by_uri(
            "./Vendor/MSFT/Defender/Configuration/ArchiveMaxDepth",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(
        defender.id,
        "device_vendor_msft_defender_configuration_archivemaxdepth"
    );
    assert!(
        index
            .get(&definition_id_candidate(
                "./Vendor/MSFT/Defender/Configuration/ArchiveMaxDepth"
            ))
            .is_none()
    );
}

#[test]
fn fixture_definitions() {
    let (defs, errors) = read_definitions_dir(&fixture_dir());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(defs.len(), 5);
    let index = DefinitionIndex::new(defs);
    assert_wcm_and_edge(&index);
    let json = serde_json::to_string(&index).unwrap();
    let back: DefinitionIndex = serde_json::from_str(&json).unwrap();
    assert_eq!(back, index);
    assert_eq!(back.get(WCM_OPTIONS).unwrap().options.len(), 4);
}

#[test]
fn corpus_definitions() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir =
        corpus.join("settings-catalog/definitions/pl4nty-intune-change-tracking/DCv2/Settings");
    let started = std::time::Instant::now();
    let (defs, errors) = read_definitions_dir(&dir);
    let elapsed = started.elapsed();
    println!("read {} definitions in {elapsed:?}", defs.len());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(defs.len(), 15_135);
    assert!(
        defs.windows(2).all(|w| w[0].id < w[1].id),
        "sorted, unique ids"
    );
    let started = std::time::Instant::now();
    let index = DefinitionIndex::new(defs);
    println!("indexed in {:?}", started.elapsed());
    let json = serde_json::to_vec(&index).unwrap();
    println!("serialized as JSON: {} bytes", json.len());

    let count = |kind: DefinitionKind| {
        index
            .definitions()
            .iter()
            .filter(|d| d.kind == kind)
            .count()
    };
    assert_eq!(count(DefinitionKind::Choice), 11_579);
    assert_eq!(count(DefinitionKind::Simple), 2_562);
    assert_eq!(count(DefinitionKind::SimpleCollection), 840);
    assert_eq!(count(DefinitionKind::SettingGroupCollection), 99);
    assert_eq!(count(DefinitionKind::Redirect), 30);
    assert_eq!(count(DefinitionKind::ChoiceCollection), 25);
    // Every value and value definition type in the corpus is one the reader knows.
    let defs = index.definitions();
    let values = defs.iter().flat_map(|d| {
        d.options
            .iter()
            .filter_map(|o| o.value.as_ref())
            .chain(d.default_value.as_ref())
    });
    assert!(
        values
            .clone()
            .all(|v| !matches!(v, SettingValue::Other { .. }))
    );
    assert_eq!(
        values
            .filter(|v| matches!(v, SettingValue::Secret(_)))
            .count(),
        4
    );
    assert!(
        defs.iter()
            .filter_map(|d| d.value_definition.as_ref())
            .all(|v| !matches!(v, ValueDefinition::Other(_)))
    );
    assert_eq!(defs.iter().map(|d| d.options.len()).sum::<usize>(), 27_001);

    let policy_config: Vec<_> = index
        .definitions()
        .iter()
        .filter(|d| {
            let uri = d.uri().to_ascii_lowercase();
            uri.starts_with("./device/vendor/msft/policy/config/")
                || uri.starts_with("./user/vendor/msft/policy/config/")
        })
        .collect();
    assert_eq!(policy_config.len(), 14_556);
    let admx: Vec<_> = policy_config
        .iter()
        .filter(|d| d.is_admx_backed())
        .collect();
    assert_eq!(admx.len(), 2_562);
    assert!(
        admx.iter()
            .all(|d| d.id.contains("_vendor_msft_policy_config_admx_"))
    );
    let admx_roots = admx
        .iter()
        .filter(|d| d.root_definition_id.as_deref() == Some(d.id.as_str()))
        .count();
    assert_eq!(admx_roots, 1_754);

    assert_wcm_and_edge(&index);

    let defer = index
        .by_uri(
            "./Device/Vendor/MSFT/Policy/Config/Update/DeferFeatureUpdatesPeriodInDays",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(defer.kind, DefinitionKind::Simple);
    assert_eq!(
        defer.value_definition,
        Some(ValueDefinition::Integer {
            minimum: Some(0),
            maximum: Some(365)
        })
    );
    assert_eq!(defer.default_value, Some(SettingValue::Integer(Some(0))));

    let rules = index
        .get("device_vendor_msft_policy_config_admx_appxruntime_appxruntimeapplicationcontenturirules_listbox_contenturirules")
        .unwrap();
    assert_eq!(rules.kind, DefinitionKind::SimpleCollection);
    assert_eq!(
        (rules.minimum_count, rules.maximum_count),
        (Some(1), Some(1000))
    );
    assert!(matches!(
        rules.value_definition,
        Some(ValueDefinition::String {
            maximum_length: Some(2048),
            ..
        })
    ));

    let bitlocker = index
        .by_uri(
            "./Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(
        bitlocker.id,
        "device_vendor_msft_bitlocker_requiredeviceencryption"
    );
    // A dynamic node: the DDF's {FirewallRuleName} is the catalog's {firewallrulename}.
    let rule = index
        .by_uri(
            "./Vendor/MSFT/Firewall/MdmStore/FirewallRules/{FirewallRuleName}/Enabled",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(
        rule.id,
        "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}_enabled"
    );
    // Only the URI route finds these: the id does not follow the URI.
    let quiet = index
        .by_uri(
            "./Device/Vendor/MSFT/Policy/QuietTime/AllowUserToChangeSetting",
            Scope::Device,
        )
        .unwrap();
    assert_eq!(
        quiet.id,
        "device_vendor_msft_policy_config_quiettime_allowusertochangesetting"
    );
    // Not a root definition (it sits in the {euicc} group), but the only one with that URI.
    assert_eq!(
        index
            .by_uri(
                "./Vendor/MSFT/eUICCs/Default/Policies/LocalUIEnabled",
                Scope::Device
            )
            .map(|d| d.id.as_str()),
        Some("device_vendor_msft_euiccs_{euicc}_policies_localuienabled")
    );
    // 19 settings share the ASR exclusions URI; the id route picks the one the URI names.
    let asr = "./Vendor/MSFT/Defender/Configuration/ASROnlyPerRuleExclusions";
    assert_eq!(index.all_by_uri(asr).len(), 19);
    assert_eq!(
        index.by_uri(asr, Scope::Device).map(|d| d.id.as_str()),
        Some("device_vendor_msft_defender_configuration_asronlyperruleexclusions")
    );
    let group = index
        .get("device_vendor_msft_defender_configuration_devicecontrol_policyrules_{ruleid}")
        .unwrap();
    assert_eq!(group.kind, DefinitionKind::SettingGroupCollection);
    assert_eq!(
        group.child_ids,
        ["device_vendor_msft_defender_configuration_devicecontrol_policyrules_{ruleid}_ruledata"]
    );
    assert_eq!(index.children(group).len(), 1);
}

/// Every ADMX-backed DDF node finds its definition through `by_uri`, except the 15 that
/// mapping-notes lists as having none.
#[test]
fn ddf_admx_nodes_join_the_catalog() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (defs, errors) = read_definitions_dir(
        &corpus.join("settings-catalog/definitions/pl4nty-intune-change-tracking/DCv2/Settings"),
    );
    assert!(errors.is_empty());
    let index = DefinitionIndex::new(defs);
    let (nodes, _) = read_ddf_dir(&corpus.join("ddf/pl4nty-windows-ddf-2025-02"));
    let mut missing = Vec::new();
    let mut found = 0;
    for node in nodes.iter().filter(|n| n.admx_backed.is_some()) {
        match index.by_uri(&node.uri, node.scope().unwrap_or(Scope::Device)) {
            Some(def) => {
                found += 1;
                assert_eq!(def.id, definition_id_candidate(&node.uri));
            }
            None => missing.push(node.uri.as_str()),
        }
    }
    assert_eq!(found, 2_486);
    assert_eq!(missing.len(), 15);
    assert!(missing.contains(&"./Device/Vendor/MSFT/Policy/Config/ADMX_TerminalServer/TS_UIA"));
    assert!(
        missing
            .contains(&"./Device/Vendor/MSFT/Policy/Config/InternetExplorer/AllowLegacyURLFields")
    );
}

fn fixture_bytes() -> Vec<u8> {
    std::fs::read(fixture_dir().join(format!("{WCM_OPTIONS}.json"))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn definition_reader_never_panics_on_mutations(
        cut in 0usize..4_000,
        flips in proptest::collection::vec((0usize..4_000, 1u8..=255), 0..8),
    ) {
        let seed = fixture_bytes();
        let mut bytes = seed.get(..cut.min(seed.len())).unwrap_or_default().to_vec();
        for (at, mask) in flips {
            let len = bytes.len().max(1);
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= mask;
            }
        }
        if let Ok(def) = read_definition(&bytes) {
            let _ = option_for_value(&def, "1");
            let index = DefinitionIndex::new(vec![def]);
            let _ = index.by_uri("./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections", Scope::User);
        }
    }

    #[test]
    fn definition_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_definition(&bytes);
    }

    #[test]
    fn uri_lookups_never_panic(uri in "\\PC{0,40}") {
        let _ = definition_id_candidate(&uri);
        let _ = DefinitionIndex::default().by_uri(&uri, Scope::Device);
    }
}
