//! `gpa convert` on real GPOs: named settings become the exact settings catalog instances Graph
//! takes, merged GPOs that disagree are conflicts, and every file written for the whole corpus
//! passes `gpa validate`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use gpa::catalog::Catalog;
use gpa::emit::convert::{Conversion, ConvertedPolicy, LeftOutReason, Merge, convert};
use gpa::emit::validate::{Status, validate_bytes};
use gpa::input::discover::read_paths;
use gpa::matching::analyze::analyze;
use gpa::model::Inventory;
use serde_json::{Value, json};

fn converted(paths: &[PathBuf], merge: Merge) -> (Inventory, Conversion) {
    let outcome = read_paths(paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    let conversion = convert(&inventory, &analysis, catalog, merge);
    (inventory, conversion)
}

fn sct(corpus: &Path) -> PathBuf {
    corpus.join("gpo-backups/msft-sct-windows10-1909")
}

/// A backup of the dasar0410 lab domain, by its backup folder id.
fn dasar(corpus: &Path, backup: &str) -> PathBuf {
    corpus
        .join("gpo-backups/dasar0410-micronsoft-ad/GPOs/GPOer")
        .join(backup)
}

fn policy<'c>(conversion: &'c Conversion, name: &str) -> &'c ConvertedPolicy {
    conversion
        .policies
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no policy named {name}"))
}

/// The top-level instance of a definition, as the policy file holds it.
fn instance(conversion: &Conversion, policy_name: &str, definition: &str) -> Value {
    let p = policy(conversion, policy_name);
    let found: Vec<&_> = p
        .settings
        .iter()
        .filter(|s| s.setting_definition_id == definition)
        .collect();
    assert_eq!(found.len(), 1, "{definition} in {policy_name}");
    serde_json::to_value(found[0]).expect("JSON")
}

/// A choice instance as Graph takes it: the option's item id and the children under it.
fn choice(id: &str, option: &str, children: Value) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
        "settingDefinitionId": id,
        "settingInstanceTemplateReference": null,
        "choiceSettingValue": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue",
            "value": option,
            "settingValueTemplateReference": null,
            "children": children
        }
    })
}

/// A string value (simple, or an item of a collection).
fn string(value: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
        "value": value,
        "settingValueTemplateReference": null
    })
}

const COMPUTER: &str = "MSFT Windows 10 1909 - Computer";
const USER: &str = "MSFT Windows 10 1909 - User";
const BITLOCKER: &str = "MSFT Windows 10 1909 - BitLocker";
const DOMAIN: &str = "MSFT Windows 10 1909 and Server 1909 - Domain Security";
const DC: &str = "MSFT Windows Server 1909 - Domain Controller";
const MEMBER: &str = "MSFT Windows Server 1909 - Member Server";

#[test]
fn admx_enum_child_takes_the_option_of_the_item_value() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    // MSS: (DisableIPSourceRouting) IP source routing protection level = 2, "Highest protection".
    let id = "device_vendor_msft_policy_config_msslegacy_ipsourceroutingprotectionlevel";
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "choiceSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue",
                "value": "device_vendor_msft_policy_config_msslegacy_ipsourceroutingprotectionlevel_1",
                "settingValueTemplateReference": null,
                "children": [{
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": "device_vendor_msft_policy_config_msslegacy_ipsourceroutingprotectionlevel_disableipsourcerouting",
                    "settingInstanceTemplateReference": null,
                    "choiceSettingValue": {
                        "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue",
                        "value": "device_vendor_msft_policy_config_msslegacy_ipsourceroutingprotectionlevel_disableipsourcerouting_2",
                        "settingValueTemplateReference": null,
                        "children": []
                    }
                }]
            }
        })
    );
}

#[test]
fn admx_text_child_in_user_scope_is_a_string_and_its_enum_sibling_an_option() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // "[IT] Bakgrunn": Desktop Wallpaper (User), a path and WallpaperStyle REG_SZ "3".
    let (_, conversion) = converted(
        &[dasar(&corpus, "{7ECF8A42-34F2-4D3A-B398-0CAE66907FAC}")],
        Merge::None,
    );
    let id = "user_vendor_msft_policy_config_admx_desktop_wallpaper";
    assert_eq!(
        instance(&conversion, "[IT] Bakgrunn", id),
        choice(
            id,
            "user_vendor_msft_policy_config_admx_desktop_wallpaper_1",
            json!([
                {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                    "settingDefinitionId": "user_vendor_msft_policy_config_admx_desktop_wallpaper_wallpapername",
                    "settingInstanceTemplateReference": null,
                    "simpleSettingValue": string(
                        "C:\\Users\\Administrator\\HaraldMR-DCSG1005downloadfork-b80d563\\GPOs\\Bakgrunn\\WindowsServerBakgrunn.jpg"
                    )
                },
                choice(
                    "user_vendor_msft_policy_config_admx_desktop_wallpaper_wallpaperstyle",
                    "user_vendor_msft_policy_config_admx_desktop_wallpaper_wallpaperstyle_3",
                    json!([])
                )
            ])
        )
    );
}

#[test]
fn admx_list_child_is_a_string_collection_and_its_check_box_an_option() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    // Prevent installation of devices using drivers that match these device setup classes: the
    // IEEE 1394 class, also applied to devices already installed.
    let id = "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses";
    assert_eq!(
        instance(&conversion, BITLOCKER, id),
        choice(
            id,
            "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses_1",
            json!([
                {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance",
                    "settingDefinitionId": "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses_deviceinstall_classes_deny_list",
                    "settingInstanceTemplateReference": null,
                    "simpleSettingCollectionValue": [string("{d48179be-ec20-11d1-b6b8-00c04fa372a7}")]
                },
                choice(
                    "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses_deviceinstall_classes_deny_retroactive",
                    "device_vendor_msft_policy_config_deviceinstallation_preventinstallationofmatchingdevicesetupclasses_deviceinstall_classes_deny_retroactive_1",
                    json!([])
                )
            ])
        )
    );
}

#[test]
fn admx_explicit_value_list_is_a_group_of_key_and_value() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    let id = "device_vendor_msft_policy_config_connectivity_hardeneduncpaths";
    let member = |part: &str, value: &str| {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": format!("device_vendor_msft_policy_config_connectivity_hardeneduncpaths_pol_hardenedpaths_{part}"),
            "settingInstanceTemplateReference": null,
            "simpleSettingValue": string(value)
        })
    };
    let pair = |path: &str| {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingValue",
            "settingValueTemplateReference": null,
            "children": [
                member("key", path),
                member("value", "RequireMutualAuthentication=1,RequireIntegrity=1")
            ]
        })
    };
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        choice(
            id,
            "device_vendor_msft_policy_config_connectivity_hardeneduncpaths_1",
            json!([{
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                "settingDefinitionId": "device_vendor_msft_policy_config_connectivity_hardeneduncpaths_pol_hardenedpaths",
                "settingInstanceTemplateReference": null,
                // Sorted by value name: the registry values of one key are a set.
                "groupSettingCollectionValue": [pair("\\\\*\\NETLOGON"), pair("\\\\*\\SYSVOL")]
            }])
        )
    );
}

#[test]
fn admx_policy_disabled_by_a_deletion_is_option_0_without_children() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // "[IT] Access to settings": registry.pol holds only `**del.NoControlPanel` (HKCU).
    let (_, conversion) = converted(
        &[dasar(&corpus, "{BE88978C-44F1-4FC6-BDFF-BB032B622463}")],
        Merge::None,
    );
    let id = "user_vendor_msft_policy_config_admx_controlpanel_nocontrolpanel";
    assert_eq!(
        instance(&conversion, "[IT] Access to settings", id),
        choice(
            id,
            "user_vendor_msft_policy_config_admx_controlpanel_nocontrolpanel_0",
            json!([])
        )
    );
}

#[test]
fn user_scope_admx_policy_goes_into_the_gpo_policy_with_its_user_definition() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    let id = "user_vendor_msft_policy_config_admx_wpn_nolockscreentoastnotification";
    assert_eq!(
        instance(&conversion, USER, id),
        choice(
            id,
            "user_vendor_msft_policy_config_admx_wpn_nolockscreentoastnotification_1",
            json!([])
        )
    );
}

#[test]
fn account_policy_is_an_integer_in_range() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    // GptTmpl [System Access] MinimumPasswordLength = 14.
    let id = "device_vendor_msft_policy_config_devicelock_minimumpasswordlength";
    assert_eq!(
        instance(&conversion, DOMAIN, id),
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "simpleSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
                "value": 14,
                "settingValueTemplateReference": null
            }
        })
    );
    // The lockout node takes one string for three GptTmpl keys in a format no source states.
    let lockout = policy(&conversion, DOMAIN)
        .left_out
        .iter()
        .find(|l| l.source.setting == "Account lockout threshold")
        .expect("Account lockout threshold left out");
    assert_eq!(lockout.reason, LeftOutReason::NotConvertible);
    assert!(lockout.detail.contains("unverified"), "{}", lockout.detail);
}

#[test]
fn security_option_is_the_option_of_its_value() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    // Network security: LAN Manager authentication level = 5 (NTLMv2 only, refuse LM & NTLM).
    let id = "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel";
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        choice(
            id,
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel_5",
            json!([])
        )
    );
    // The inactivity limit goes to the current `_v2` definition, an integer of seconds (the one
    // without `_v2` is "[Deprecated] …" and offers 0 and 1 only).
    let id = "device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_machineinactivitylimit_v2";
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "simpleSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
                "value": 900,
                "settingValueTemplateReference": null
            }
        })
    );
}

#[test]
fn service_startup_mode_is_the_option_of_its_start_type() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    // GptTmpl `"XblGameSave",4,""`: Disabled, through the curated services table.
    let id = "device_vendor_msft_policy_config_systemservices_configurexboxlivegamesaveservicestartupmode";
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        choice(
            id,
            "device_vendor_msft_policy_config_systemservices_configurexboxlivegamesaveservicestartupmode_4",
            json!([])
        )
    );
}

#[test]
fn user_right_is_a_collection_of_starred_sids_and_firewall_values_nest_under_their_profile() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    let id = "device_vendor_msft_policy_config_userrights_accessfromnetwork";
    assert_eq!(
        instance(&conversion, COMPUTER, id),
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance",
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            // GptTmpl lists *S-1-5-32-555 first; accounts are written sorted.
            "simpleSettingCollectionValue": [string("*S-1-5-32-544"), string("*S-1-5-32-555")]
        })
    );
    let firewall = instance(
        &conversion,
        COMPUTER,
        "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall",
    );
    let value = &firewall["choiceSettingValue"];
    assert_eq!(
        value["value"],
        "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall_true"
    );
    let inbound = value["children"]
        .as_array()
        .and_then(|c| {
            c.iter().find(|i| {
                i["settingDefinitionId"]
                    == "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction"
            })
        })
        .expect("DefaultInboundAction under EnableFirewall true");
    assert_eq!(
        inbound["choiceSettingValue"]["value"],
        "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction_1"
    );
    assert!(
        !policy(&conversion, COMPUTER)
            .settings
            .iter()
            .any(|s| s.setting_definition_id
                == "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction"),
        "a dependent setting is not written at the top level"
    );
}

#[test]
fn merged_gpos_that_disagree_are_conflicts_and_agreeing_ones_are_written_once() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, conversion) = converted(&[sct(&corpus)], Merge::All);
    assert_eq!(conversion.policies.len(), 1);
    let merged = &conversion.policies[0];
    assert_eq!(merged.name, "gpa merged settings");
    assert_eq!(merged.file.as_deref(), Some("gpa merged settings.json"));
    assert_eq!(merged.gpos.len(), 11);
    // `gpa analyze` on SCT 1909 reports 6 conflicts (lists compared as sets); all are Ready rows.
    assert_eq!(merged.conflicts.len(), 6);
    let audit = "device_vendor_msft_policy_config_audit_accountlogon_auditcredentialvalidation";
    let conflict = merged
        .conflicts
        .iter()
        .find(|c| c.definition_id.as_deref() == Some(audit))
        .expect("Audit Credential Validation conflict");
    assert_eq!(conflict.setting, "Audit Credential Validation");
    let values: Vec<(&str, &str)> = conflict
        .values
        .iter()
        .map(|v| {
            (
                inventory.gpos[v.gpo].display_name.as_str(),
                v.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        values,
        vec![
            (COMPUTER, "Success and Failure"),
            (DC, "Failure"),
            (MEMBER, "Success and Failure"),
        ]
    );
    assert!(
        !merged
            .settings
            .iter()
            .any(|s| s.setting_definition_id == audit),
        "a conflict is never written"
    );
    // Enable local admin password management: Enabled in two GPOs, one setting.
    let admpwd = merged
        .written
        .iter()
        .find(|w| {
            w.definition_id == "device_vendor_msft_policy_config_admx_admpwd_pol_admpwd_enabled"
        })
        .expect("AdmPwd written");
    let gpos: Vec<&str> = admpwd
        .sources
        .iter()
        .map(|s| inventory.gpos[s.gpo].display_name.as_str())
        .collect();
    assert_eq!(gpos, vec![COMPUTER, MEMBER]);
    assert_eq!(
        admpwd.notes,
        vec!["2 rows give this definition the same value; written once".to_string()]
    );
    let description = &merged.description;
    assert!(
        description.starts_with("Converted from 11 GPOs by gpa "),
        "{description}"
    );
    assert!(
        description
            .contains("{2F9159A7-CDD4-4891-BCBB-79232B2778BF} (MSFT Windows 10 1909 - Computer)")
    );
}

#[test]
fn merge_by_scope_splits_device_and_user_settings() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (inventory, conversion) = converted(&[sct(&corpus)], Merge::Scope);
    let names: Vec<&str> = conversion
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["gpa merged device settings", "gpa merged user settings"]
    );
    let user = &conversion.policies[1];
    assert!(!user.settings.is_empty());
    let sources: Vec<&str> = user
        .gpos
        .iter()
        .map(|&g| inventory.gpos[g].display_name.as_str())
        .collect();
    assert_eq!(sources, vec!["MSFT Internet Explorer 11 - User", USER]);
    assert!(
        user.settings
            .iter()
            .all(|s| s.setting_definition_id.starts_with("user_")),
        "{:?}",
        user.settings
    );
    assert!(
        conversion.policies[0]
            .settings
            .iter()
            .all(|s| !s.setting_definition_id.starts_with("user_"))
    );
}

#[test]
fn internet_explorer_policies_are_written_for_edge_ie_mode() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (_, conversion) = converted(&[sct(&corpus)], Merge::None);
    let ie = policy(&conversion, "MSFT Internet Explorer 11 - Computer");
    assert!(
        ie.file.is_some(),
        "IE 11 settings act through Edge's IE mode"
    );
    assert_eq!(ie.left_out_count(LeftOutReason::Deprecated), 0);
    // Internet Zone: Allow script-initiated windows without size or position constraints,
    // Enabled with IZ_Partname2102 = 3 (Disable).
    let id =
        "device_vendor_msft_policy_config_internetexplorer_internetzoneallowscriptinitiatedwindows";
    let part = format!("{id}_iz_partname2102");
    assert_eq!(
        instance(&conversion, "MSFT Internet Explorer 11 - Computer", id),
        choice(
            id,
            &format!("{id}_1"),
            json!([choice(&part, &format!("{part}_3"), json!([]))])
        )
    );
    assert!(ie.settings.len() > 100, "{} settings", ie.settings.len());
}

/// Every policy `gpa convert` writes for every GPO of the corpus, one per GPO and all merged,
/// passes `gpa validate` with no problem at all.
#[test]
fn every_policy_written_for_the_corpus_validates() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let outcome = read_paths(&[corpus.join("gpo-backups")]);
    let inventory = Inventory { gpos: outcome.gpos };
    assert!(inventory.gpos.len() > 100);
    let analysis = analyze(&inventory, catalog);
    let mut checked = 0;
    for merge in [Merge::None, Merge::All] {
        let conversion = convert(&inventory, &analysis, catalog, merge);
        for p in conversion.policies.iter().filter(|p| p.file.is_some()) {
            let bytes = p.to_json().expect("policy JSON");
            let validation = validate_bytes(catalog, &bytes).expect("JSON");
            assert_eq!(
                validation.status(),
                Status::Valid,
                "{}: {:#?}",
                p.name,
                validation.problems
            );
            assert_eq!(validation.settings, p.settings.len());
            checked += 1;
        }
    }
    assert!(checked > 90, "{checked} policies checked");
}

#[test]
fn cli_writes_the_policies_and_the_summary_and_output_is_deterministic() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let root = std::env::temp_dir().join(format!("gpa-convert-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let run = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_gpa"))
            .arg("convert")
            .arg(sct(&corpus))
            .arg("--out")
            .arg(out)
            .output()
            .expect("run gpa")
    };
    let (first, second) = (root.join("a"), root.join("b"));
    let out = run(&first);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(table.starts_with("Policy "), "{table}");
    assert!(table.contains("MSFT Windows 10 1909 - Computer.json"));
    assert!(table.contains("MSFT Internet Explorer 11 - Computer.json"));
    assert_eq!(run(&second).status.code(), Some(0));
    let mut files: Vec<String> = std::fs::read_dir(&first)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 12, "{files:?}");
    assert!(files.contains(&"conversion-summary.json".to_string()));
    for file in &files {
        let a = std::fs::read(first.join(file)).expect("read");
        let b = std::fs::read(second.join(file)).expect("read");
        assert!(a == b, "{file} differs between two runs");
    }
    let summary: Value = serde_json::from_slice(
        &std::fs::read(first.join("conversion-summary.json")).expect("summary"),
    )
    .expect("summary JSON");
    assert_eq!(summary["merge"], "none");
    assert_eq!(summary["totals"]["policiesWritten"], 11);
    let computer = summary["policies"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == COMPUTER))
        .expect("Computer in the summary");
    assert_eq!(computer["file"], "MSFT Windows 10 1909 - Computer.json");
    assert_eq!(
        computer["sourceGpos"],
        json!([{"name": COMPUTER, "guid": "{2F9159A7-CDD4-4891-BCBB-79232B2778BF}"}])
    );
    let body: Value = serde_json::from_slice(
        &std::fs::read(first.join("MSFT Windows 10 1909 - Computer.json")).expect("policy"),
    )
    .expect("policy JSON");
    assert_eq!(body["platforms"], "windows10");
    assert_eq!(body["technologies"], "mdm");
    assert_eq!(body["roleScopeTagIds"], json!(["0"]));
    assert_eq!(
        body["templateReference"],
        json!({"templateId": "", "templateFamily": "none"})
    );
    let mut ids = Vec::new();
    for setting in body["settings"].as_array().into_iter().flatten() {
        definition_ids(&setting["settingInstance"], &mut ids);
    }
    let written = computer["settings"].as_array().expect("settings");
    assert_eq!(computer["settingsWritten"], written.len());
    for w in written {
        let id = w["definitionId"].as_str().expect("definitionId");
        assert!(ids.contains(&id.to_string()), "{id} not in the file");
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// Every definition id of an instance and the instances below it.
fn definition_ids(instance: &Value, out: &mut Vec<String>) {
    if let Some(id) = instance["settingDefinitionId"].as_str() {
        out.push(id.to_string());
    }
    let children = instance["choiceSettingValue"]["children"].as_array();
    let groups = instance["groupSettingCollectionValue"].as_array();
    let members = groups
        .into_iter()
        .flatten()
        .filter_map(|g| g["children"].as_array())
        .flatten();
    for child in children.into_iter().flatten().chain(members) {
        definition_ids(child, out);
    }
}

#[test]
fn cli_cannot_write_exits_2() {
    let blocker = std::env::temp_dir().join(format!("gpa-convert-file-{}", std::process::id()));
    std::fs::write(&blocker, b"not a folder").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .arg("convert")
        .arg(common::fixtures().join("backups"))
        .arg("--out")
        .arg(&blocker)
        .output()
        .expect("run gpa");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("gpa: cannot write: "), "{stderr}");
    let _ = std::fs::remove_file(&blocker);
    let usage = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(["convert", "--out", "x"])
        .output()
        .expect("run gpa");
    assert_eq!(usage.status.code(), Some(2));
}
