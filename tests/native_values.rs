//! Native CSP nodes that a DDF `GpMapping` ties to an ADMX policy convert when the values the
//! policy writes and the values the node allows are the same set, or through the curated
//! native-value table (`admx-catalog/curated/native-values.csv`), and stay refused otherwise.

mod common;

use std::path::PathBuf;

use gpa::catalog::Catalog;
use gpa::catalog::admx::ElementKind;
use gpa::catalog::definitions::DefinitionKind;
use gpa::emit::convert::{Conversion, LeftOutReason, Merge, convert};
use gpa::input::discover::read_paths;
use gpa::matching::analyze::analyze;
use gpa::matching::native_values::{NativeValueTable, registry_data_text};
use gpa::model::Inventory;

fn converted(path: PathBuf) -> Conversion {
    let outcome = read_paths(&[path]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    convert(&inventory, &analysis, catalog, Merge::None)
}

/// The option the policy of this name holds for a definition.
fn option_of(conversion: &Conversion, policy: &str, definition: &str) -> String {
    let p = conversion
        .policies
        .iter()
        .find(|p| p.name == policy)
        .unwrap_or_else(|| panic!("no policy named {policy}"));
    let setting = p
        .settings
        .iter()
        .find(|s| s.setting_definition_id == definition)
        .unwrap_or_else(|| panic!("{definition} not written in {policy}"));
    let json = serde_json::to_value(setting).expect("JSON");
    json["choiceSettingValue"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{definition} is no choice: {json}"))
        .to_string()
}

#[test]
fn sudo_modes_enum_converts_to_the_node_option_of_the_same_value() {
    // Synthetic: registry.pol sets Software\Policies\Microsoft\Windows\Sudo Enabled = 3 (the
    // "Normal" item of Sudo.admx's SudoModes); the node Sudo/EnableSudo allows 0-3, 3 = inline.
    let conversion = converted(common::fixtures().join("native-values"));
    assert_eq!(
        option_of(
            &conversion,
            "Fixture Sudo inline",
            "device_vendor_msft_policy_config_sudo_enablesudo"
        ),
        "device_vendor_msft_policy_config_sudo_enablesudo_3"
    );
}

#[test]
fn smartscreen_in_shell_takes_the_enabled_value_and_consumer_features_stay_refused() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let conversion = converted(corpus.join("gpo-backups/msft-sct-windows10-1909"));
    // "Configure Windows Defender SmartScreen" Enabled writes EnableSmartScreen = 1 (enabledValue
    // 1, disabledValue 0); the node EnableSmartScreenInShell allows 0 and 1.
    assert_eq!(
        option_of(
            &conversion,
            "MSFT Windows 10 1909 - Computer",
            "device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell"
        ),
        "device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell_1"
    );
    // "Turn off Microsoft consumer experiences" writes DisableWindowsConsumerFeatures 1/0, the
    // node AllowWindowsConsumerFeatures allows 0/1 inverted: the native-value table gives 0
    // (Block) for 1. Its options apply only under User AllowWindowsSpotlight = 1 (the options'
    // dependentOn), which the GPO does not set, so the row is left out and says both.
    let computer = conversion
        .policies
        .iter()
        .find(|p| p.name == "MSFT Windows 10 1909 - Computer")
        .expect("Computer policy");
    let consumer = computer
        .left_out
        .iter()
        .find(|l| l.source.setting == "Turn off Microsoft consumer experiences")
        .expect("consumer experiences left out");
    assert_eq!(consumer.reason, LeftOutReason::NotConvertible);
    assert!(
        consumer
            .detail
            .contains("DisableWindowsConsumerFeatures = 1 is AllowWindowsConsumerFeatures = 0")
            && consumer
                .detail
                .contains("user_vendor_msft_policy_config_experience_allowwindowsspotlight"),
        "{}",
        consumer.detail
    );
    // The Block drop-down item of the same policy's element is PreventOverrideForFilesInShell 1.
    assert_eq!(
        option_of(
            &conversion,
            "MSFT Windows 10 1909 - Computer",
            "device_vendor_msft_policy_config_smartscreen_preventoverrideforfilesinshell"
        ),
        "device_vendor_msft_policy_config_smartscreen_preventoverrideforfilesinshell_1"
    );
}

#[test]
fn inverted_and_differing_native_values_convert_through_the_curated_table() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sos = corpus.join(
        "gpo-backups/simeononsecurity-wohd-2025/SoS/Telemetry and Security/SOS - Telemetry and Security",
    );
    let conversion = converted(sos);
    let policy = "SOS - Telemetry and Security";
    // Turn off location: DisableLocation = 1 is AllowLocation 0 (Force Location Off).
    assert_eq!(
        option_of(
            &conversion,
            policy,
            "device_vendor_msft_policy_config_system_allowlocation"
        ),
        "device_vendor_msft_policy_config_system_allowlocation_0"
    );
    // Join Microsoft MAPS: Disabled (SpynetReporting 0) is AllowCloudProtection 0.
    assert_eq!(
        option_of(
            &conversion,
            policy,
            "device_vendor_msft_policy_config_defender_allowcloudprotection"
        ),
        "device_vendor_msft_policy_config_defender_allowcloudprotection_0"
    );
    // Turn off Automatic Download and Update of Map Data: AutoDownloadAndUpdateMapData = 0 is
    // EnableOfflineMapsAutoUpdate 0 (force off).
    assert_eq!(
        option_of(
            &conversion,
            policy,
            "device_vendor_msft_policy_config_maps_enableofflinemapsautoupdate"
        ),
        "device_vendor_msft_policy_config_maps_enableofflinemapsautoupdate_0"
    );

    let dod =
        corpus.join("gpo-backups/simeononsecurity-wohd-2025/DoD/Defender/DoD - Windows Defender");
    // Advanced MAPS (2) turns cloud protection on: AllowCloudProtection 1.
    assert_eq!(
        option_of(
            &converted(dod),
            "DoD - Windows Defender",
            "device_vendor_msft_policy_config_defender_allowcloudprotection"
        ),
        "device_vendor_msft_policy_config_defender_allowcloudprotection_1"
    );
}

#[test]
fn every_native_value_row_names_a_real_definition_policy_and_value() {
    let table = NativeValueTable::parse(include_str!("../admx-catalog/curated/native-values.csv"))
        .expect("native-values.csv parses");
    assert_eq!(
        table.rows().len(),
        NativeValueTable::embedded().rows().len(),
        "the embedded table is the file"
    );
    assert!(table.rows().len() >= 50, "{}", table.rows().len());
    let catalog = Catalog::embedded().expect("embedded catalog");
    for row in table.rows() {
        let what = format!(
            "{} {} {}",
            row.definition_id, row.admx_policy, row.registry_data
        );
        let def = catalog
            .definition(&row.definition_id)
            .unwrap_or_else(|| panic!("{what}: no such definition"));
        match def.kind {
            DefinitionKind::Choice => assert!(
                def.options
                    .iter()
                    .any(|o| o.value.as_ref().and_then(|v| v.as_text()).as_deref()
                        == Some(row.node_value.as_str())),
                "{what}: no option of value {}",
                row.node_value
            ),
            _ => {
                row.node_value
                    .parse::<i64>()
                    .unwrap_or_else(|_| panic!("{what}: {} is no integer", row.node_value));
            }
        }
        let (file, name) = row.admx_policy.split_once(':').expect("File:Policy");
        let policy = catalog
            .admx()
            .policy_by_name(file, name)
            .unwrap_or_else(|| panic!("{what}: no ADMX policy {}", row.admx_policy));
        // The registry data is one the policy (or its element) can write.
        let writable: Vec<String> = match row.admx_element.as_deref() {
            None => [&policy.enabled_value, &policy.disabled_value]
                .into_iter()
                .flatten()
                .filter_map(registry_data_text)
                .collect(),
            Some(id) => {
                let element = policy
                    .element(id)
                    .unwrap_or_else(|| panic!("{what}: no element {id}"));
                match &element.kind {
                    ElementKind::Enum { items, .. } => items
                        .iter()
                        .filter_map(|i| i.value.as_ref().and_then(registry_data_text))
                        .collect(),
                    other => panic!("{what}: element {id} is {other:?}, not a drop-down"),
                }
            }
        };
        assert!(
            writable
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&row.registry_data)),
            "{what}: the policy writes {writable:?}"
        );
        // The node is the one the DDF maps to this policy.
        let index = catalog.admx().index_of(policy).expect("policy index");
        assert!(
            catalog
                .links_to_definition(&row.definition_id)
                .iter()
                .any(|l| l.policy == index),
            "{what}: no catalog link from the policy to the definition"
        );
        assert!(
            row.source.starts_with("https://learn.microsoft.com/"),
            "{what}: source {}",
            row.source
        );
    }
}
