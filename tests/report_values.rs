//! Values from reports without raw files: the RSoP report of Microsoft's Windows 11 24H2 baseline
//! (`gpo-reports/raandree-gporeport`) names user rights members by name only, gives service
//! startup modes as text and firewall default actions as `true`/`false`. Read, they become the
//! values a backup's raw files give, and convert to the same settings catalog instances.

mod common;

use std::path::PathBuf;

use gpa::catalog::Catalog;
use gpa::emit::convert::{Conversion, LeftOutReason, Merge, convert};
use gpa::input::discover::read_paths;
use gpa::matching::analyze::analyze;
use gpa::model::{Inventory, Principal, SettingId, SettingValue};
use serde_json::{Value, json};

const COMPUTER: &str = "MSFT Windows 11 24H2 - Computer";

fn rsop(corpus: &std::path::Path) -> PathBuf {
    corpus.join(
        "gpo-reports/raandree-gporeport/Win11-24H2-MSFT-BaselineTest on Win11-24H2-MSFT-BaselineTest.xml",
    )
}

fn converted(path: PathBuf) -> (Inventory, Conversion) {
    let outcome = read_paths(&[path]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    let conversion = convert(&inventory, &analysis, catalog, Merge::None);
    (inventory, conversion)
}

/// The top-level instance of a definition in the Computer policy, as JSON.
fn instance(conversion: &Conversion, definition: &str) -> Value {
    let policy = conversion
        .policies
        .iter()
        .find(|p| p.name == COMPUTER)
        .expect("Computer policy");
    let found: Vec<_> = policy
        .settings
        .iter()
        .filter(|s| s.setting_definition_id == definition)
        .collect();
    assert_eq!(found.len(), 1, "{definition}");
    serde_json::to_value(found[0]).expect("JSON")
}

fn strings(values: &[&str]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| {
                json!({
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
                    "value": v,
                    "settingValueTemplateReference": null
                })
            })
            .collect(),
    )
}

fn choice_value(instance: &Value) -> &str {
    instance["choiceSettingValue"]["value"]
        .as_str()
        .expect("a choice")
}

#[test]
fn rsop_user_rights_are_written_as_sids() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, conversion) = converted(rsop(&corpus));
    // The report: SeCreateGlobalPrivilege = Administrators, SERVICE, LOCAL SERVICE, NETWORK
    // SERVICE, by name only. The reader gives each its well-known SID and keeps the name.
    let gpo = inventory
        .gpos
        .iter()
        .find(|g| g.display_name == COMPUTER)
        .expect("Computer GPO");
    let right = gpo
        .settings
        .iter()
        .find(|s| {
            s.id == SettingId::SecurityTemplate {
                section: "Privilege Rights".into(),
                name: "SeCreateGlobalPrivilege".into(),
            }
        })
        .expect("SeCreateGlobalPrivilege");
    let SettingValue::Principals { members } = &right.value else {
        panic!("{:?}", right.value)
    };
    assert!(members.contains(&Principal {
        sid: Some("S-1-5-32-544".into()),
        name: Some("Administrators".into()),
    }));
    let id = "device_vendor_msft_policy_config_userrights_createglobalobjects";
    assert_eq!(
        instance(&conversion, id)["simpleSettingCollectionValue"],
        strings(&["*S-1-5-19", "*S-1-5-20", "*S-1-5-32-544", "*S-1-5-6"])
    );
    // SeDenyRemoteInteractiveLogonRight = "Local account".
    let id = "device_vendor_msft_policy_config_userrights_denyremotedesktopserviceslogon";
    assert_eq!(
        instance(&conversion, id)["simpleSettingCollectionValue"],
        strings(&["*S-1-5-113"])
    );
    // No right of the report is left out for a name without a SID.
    let policy = conversion
        .policies
        .iter()
        .find(|p| p.name == COMPUTER)
        .expect("Computer policy");
    assert!(
        policy
            .left_out
            .iter()
            .all(|l| !l.detail.contains("needs the account's SID")),
        "{:#?}",
        policy.left_out
    );
}

#[test]
fn rsop_xbox_services_disabled_are_option_4() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(rsop(&corpus));
    for id in [
        "device_vendor_msft_policy_config_systemservices_configurexboxlivegamesaveservicestartupmode",
        "device_vendor_msft_policy_config_systemservices_configurexboxliveauthmanagerservicestartupmode",
        "device_vendor_msft_policy_config_systemservices_configurexboxaccessorymanagementservicestartupmode",
        "device_vendor_msft_policy_config_systemservices_configurexboxlivenetworkingservicestartupmode",
    ] {
        assert_eq!(
            choice_value(&instance(&conversion, id)),
            format!("{id}_4"),
            "{id}"
        );
    }
}

#[test]
fn rsop_firewall_default_actions_are_block_and_allow_options() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(rsop(&corpus));
    let policy = conversion
        .policies
        .iter()
        .find(|p| p.name == COMPUTER)
        .expect("Computer policy");
    assert_eq!(
        policy
            .left_out
            .iter()
            .filter(|l| l.reason == LeftOutReason::NotConvertible
                && l.source.setting.starts_with("Default "))
            .count(),
        0
    );
    // The profile's values nest under its EnableFirewall = true option.
    for profile in ["domainprofile", "privateprofile", "publicprofile"] {
        let enable = format!("vendor_msft_firewall_mdmstore_{profile}_enablefirewall");
        let top = instance(&conversion, &enable);
        assert_eq!(choice_value(&top), format!("{enable}_true"));
        let children = top["choiceSettingValue"]["children"]
            .as_array()
            .expect("children");
        let child = |name: &str| {
            let id = format!("vendor_msft_firewall_mdmstore_{profile}_{name}");
            children
                .iter()
                .find(|c| c["settingDefinitionId"] == id.as_str())
                .map(|c| choice_value(c).to_string())
                .unwrap_or_else(|| panic!("{id} under {enable}"))
        };
        // Report `true` (Block) inbound, `false` (Allow) outbound: options 1 and 0.
        assert_eq!(
            child("defaultinboundaction"),
            format!("vendor_msft_firewall_mdmstore_{profile}_defaultinboundaction_1")
        );
        assert_eq!(
            child("defaultoutboundaction"),
            format!("vendor_msft_firewall_mdmstore_{profile}_defaultoutboundaction_0")
        );
    }
}
