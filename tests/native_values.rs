//! Native CSP nodes that a DDF `GpMapping` ties to an ADMX policy convert when the values the
//! policy writes and the values the node allows are the same set, and stay refused when their
//! names say one is the other's opposite.

mod common;

use std::path::PathBuf;

use gpa::catalog::Catalog;
use gpa::emit::convert::{Conversion, LeftOutReason, Merge, convert};
use gpa::input::discover::read_paths;
use gpa::matching::analyze::analyze;
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
    // node AllowWindowsConsumerFeatures allows 0/1: the same set, inverted; no source says so.
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
        consumer.detail.contains("one is the other's opposite"),
        "{}",
        consumer.detail
    );
}
