//! `gpa validate`: settings catalog policy JSON checked against the catalog's definitions. The real
//! exported policies of the corpus are accepted; the synthetic fixtures in `test-gpos/validate/`
//! each carry one kind of defect, reported at its JSON path.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gpa::catalog::Catalog;
use gpa::emit::validate::{
    FileReport, Problem, ProblemKind, Status, Summary, validate_bytes, validate_file,
    validate_paths, validate_policy,
};

const ABOVE_LOCK: &str = "device_vendor_msft_policy_config_abovelock_allowcortanaabovelock";
const WCM: &str = "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections";
const EDGE_HOME: &str = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~startup_homepagelocation";
const DEFER_FEATURE: &str =
    "device_vendor_msft_policy_config_update_deferfeatureupdatesperiodindays";
const DEFER_QUALITY: &str =
    "device_vendor_msft_policy_config_update_deferqualityupdatesperiodindays";
const ACCESS_GROUP: &str =
    "device_vendor_msft_policy_config_localusersandgroups_configure_groupconfiguration_accessgroup";

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn fixture(name: &str) -> PathBuf {
    common::fixtures().join("validate").join(name)
}

fn check(name: &str) -> FileReport {
    validate_file(catalog(), &fixture(name))
}

/// Each problem as `path: message`.
fn lines(problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect()
}

fn gpa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

#[test]
fn real_and_documented_policies_are_valid() {
    // formats.md §7.3's complete example; HotCakeX "TLS Settings" (UTF-8 with BOM, an ADMX list
    // child as a SimpleSettingCollectionInstance); NCSC "App Control for Business" (UTF-16LE).
    for (name, settings) in [
        ("formats-example.json", 3),
        ("hotcakex-tls-settings.json", 2),
        ("ukncsc-app-control-for-business.json", 1),
    ] {
        let report = check(name);
        assert_eq!(
            report.status,
            Status::Valid,
            "{name}: {:?}",
            report.problems
        );
        assert_eq!(report.settings, settings, "{name}");
        assert!(report.problems.is_empty());
    }
}

#[test]
fn wrong_option_id() {
    let report = check("wrong-option.json");
    assert_eq!(report.status, Status::Invalid);
    assert_eq!(
        lines(&report.problems),
        [format!(
            "settings[0].settingInstance.choiceSettingValue.value: {ABOVE_LOCK}_2 is not an option \
             of {ABOVE_LOCK} (options: {ABOVE_LOCK}_0, {ABOVE_LOCK}_1)"
        )]
    );
}

#[test]
fn missing_required_child() {
    // Enabled ADMX policy without its enum element: Group Policy analytics counts this as a
    // migration failure (formats.md §7.3).
    let report = check("missing-required-child.json");
    assert_eq!(report.status, Status::Invalid);
    assert_eq!(
        lines(&report.problems),
        [format!(
            "settings[0].settingInstance.choiceSettingValue.children: required child \
             {WCM}_wcm_minimizeconnections_options is missing (required when {WCM}_1 is chosen)"
        )]
    );
}

#[test]
fn integer_out_of_range() {
    let report = check("integer-out-of-range.json");
    assert_eq!(
        lines(&report.problems),
        [format!(
            "settings[0].settingInstance.simpleSettingValue.value: 400 is outside 0..365, the range \
             of {DEFER_FEATURE}"
        )]
    );
}

#[test]
fn string_given_for_integer() {
    // A JSON string in an IntegerSettingValue, and a StringSettingValue for an integer setting.
    let report = check("string-for-integer.json");
    assert_eq!(
        lines(&report.problems),
        [
            "settings[0].settingInstance.simpleSettingValue.value: the string \"30\" given for an \
             IntegerSettingValue, which takes a JSON integer"
                .to_string(),
            format!(
                "settings[1].settingInstance.simpleSettingValue: \
                 #microsoft.graph.deviceManagementConfigurationStringSettingValue given for an \
                 integer setting: {DEFER_QUALITY} takes \
                 #microsoft.graph.deviceManagementConfigurationIntegerSettingValue"
            ),
        ]
    );
}

#[test]
fn duplicate_definitions_at_the_top_level_and_among_children() {
    let report = check("duplicate-definition.json");
    assert_eq!(
        lines(&report.problems),
        [
            format!(
                "settings[1].settingInstance.choiceSettingValue.children[1]: \
                 {EDGE_HOME}_homepagelocation is already set at \
                 settings[1].settingInstance.choiceSettingValue.children[0]"
            ),
            format!(
                "settings[2].settingInstance: {ABOVE_LOCK} is already set at \
                 settings[0].settingInstance"
            ),
        ]
    );
}

#[test]
fn unknown_definition_is_reported_apart_from_errors() {
    let report = check("unknown-definition.json");
    assert_eq!(report.status, Status::DefinitionsNotInCatalog);
    assert_eq!(
        report.missing_definitions,
        ["device_vendor_msft_policy_config_contoso_futuresetting"]
    );
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].kind, ProblemKind::NotInCatalog);
    assert_eq!(report.problems[0].path, "settings[1].settingInstance");
    let text = report.render();
    let path = fixture("unknown-definition.json").display().to_string();
    assert_eq!(
        text,
        format!(
            "{path}: settings[1].settingInstance: device_vendor_msft_policy_config_contoso_futuresetting \
             is not in the catalog (probably newer than it); this instance is not checked\n\
             {path}: 1 definition not in the catalog, probably newer than it: \
             device_vendor_msft_policy_config_contoso_futuresetting\n"
        )
    );
}

#[test]
fn top_level_errors_are_one_line_each() {
    let body = serde_json::json!({
        "name": "",
        "platforms": "macOS",
        "technologies": "mdm",
        "settingsCount": 1,
        "settings": [{"settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": ABOVE_LOCK,
            "choiceSettingValue": {"value": format!("{ABOVE_LOCK}_0")}
        }}]
    });
    let validation = validate_policy(catalog(), &body);
    assert_eq!(validation.settings, 1);
    // The wrong platform is said once, not again for each definition (all windows10).
    assert_eq!(
        lines(&validation.problems),
        [
            "settingsCount: settingsCount is not a property of a settings catalog policy; Graph \
             rejects it",
            "name: name is empty",
            "platforms: platforms is \"macOS\", without \"windows10\"",
        ]
    );
}

#[test]
fn instance_errors_in_a_policy_body() {
    const QUIET_TIME: &str = "device_vendor_msft_policy_config_quiettime_allowusertochangesetting";
    let body = serde_json::json!({
        "name": "Instance errors",
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [
            {"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                "settingDefinitionId": ABOVE_LOCK,
                "simpleSettingValue": {"value": 1}
            }},
            {"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": format!("{WCM}_wcm_minimizeconnections_options"),
                "choiceSettingValue": {"value": format!("{WCM}_wcm_minimizeconnections_options_1")}
            }},
            {"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": EDGE_HOME,
                "choiceSettingValue": {"value": format!("{EDGE_HOME}_0"), "children": [{
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                    "settingDefinitionId": format!("{EDGE_HOME}_homepagelocation"),
                    "simpleSettingValue": {
                        "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
                        "value": "https://intranet.contoso.com"
                    }
                }]}
            }},
            {"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": QUIET_TIME,
                "choiceSettingValue": {"value": format!("{QUIET_TIME}_0"), "children": []}
            }},
            {"settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": "device_vendor_msft_policy_config_admx_ciphersuiteorder_sslcurveorder",
                "choiceSettingValue": {
                    "value": "device_vendor_msft_policy_config_admx_ciphersuiteorder_sslcurveorder_1",
                    "children": [{
                        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance",
                        "settingDefinitionId": "device_vendor_msft_policy_config_admx_ciphersuiteorder_sslcurveorder_sslcurveorderlist",
                        "simpleSettingCollectionValue": []
                    }]
                }
            }}
        ]
    });
    let validation = validate_policy(catalog(), &body);
    assert_eq!(validation.status(), Status::Invalid);
    assert_eq!(
        lines(&validation.problems),
        [
            format!(
                "settings[0].settingInstance: \
                 #microsoft.graph.deviceManagementConfigurationSimpleSettingInstance does not fit \
                 {ABOVE_LOCK}, whose instance is a \
                 #microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"
            ),
            format!(
                "settings[1].settingInstance: {WCM}_wcm_minimizeconnections_options is a child \
                 setting of {WCM}: it goes in its parent's children, not at the top level"
            ),
            format!(
                "settings[2].settingInstance.choiceSettingValue.children[0]: \
                 {EDGE_HOME}_homepagelocation applies when {EDGE_HOME} is {EDGE_HOME}_1, but \
                 {EDGE_HOME}_0 is chosen"
            ),
            format!("settings[3].settingInstance: {QUIET_TIME} is for platform android,iOS, not windows10"),
            format!(
                "settings[3].settingInstance: {QUIET_TIME} is for technologies exchangeOnline, not \
                 mdm"
            ),
            "settings[4].settingInstance.choiceSettingValue.children[0].simpleSettingCollectionValue: \
             0 values; device_vendor_msft_policy_config_admx_ciphersuiteorder_sslcurveorder_sslcurveorderlist \
             takes at least 1"
                .to_string(),
        ]
    );
}

#[test]
fn documents_that_are_not_policies() {
    let not_json = validate_bytes(catalog(), b"{\"name\": ");
    assert!(not_json.unwrap_err().starts_with("not JSON: "));
    let intent = serde_json::json!({
        "@odata.type": "#microsoft.graph.deviceManagementIntent",
        "displayName": "2025-NCSC-Application-Control"
    });
    let validation = validate_policy(catalog(), &intent);
    assert_eq!(validation.status(), Status::NotAPolicy);
    assert_eq!(
        lines(&validation.problems),
        [
            ": not a settings catalog policy: @odata.type is #microsoft.graph.deviceManagementIntent, \
          not #microsoft.graph.deviceManagementConfigurationPolicy"
        ]
    );
}

/// An OIB export (GPL-3.0, so read from the corpus, never copied) with nested group collections:
/// accepted as exported, and with the manual member list removed, the required child is reported
/// at its full path.
#[test]
fn corpus_nested_group_collection_with_a_required_child_removed() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join(
        "settings-catalog/policies/openintunebaseline/WINDOWS/IntuneManagement/SettingsCatalog/\
         Win - OIB - ES - Local Group Membership - D - Local Administrators - v3.7.json",
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(validate_bytes(catalog(), &bytes).unwrap().problems, []);
    let text = gpa::input::text::decode_text(&bytes);
    let mut policy: serde_json::Value = serde_json::from_str(&text).unwrap();
    let selection = &mut policy["settings"][0]["settingInstance"]["groupSettingCollectionValue"][0]
        ["children"][0]["groupSettingCollectionValue"][0]["children"][2];
    assert_eq!(
        selection["settingDefinitionId"],
        format!("{ACCESS_GROUP}_userselectiontype")
    );
    let children = selection["choiceSettingValue"]["children"]
        .as_array_mut()
        .unwrap();
    assert_eq!(
        children[0]["settingDefinitionId"],
        format!("{ACCESS_GROUP}_users")
    );
    children.clear();
    assert_eq!(
        lines(&validate_policy(catalog(), &policy).problems),
        [format!(
            "settings[0].settingInstance.groupSettingCollectionValue[0].children[0]\
             .groupSettingCollectionValue[0].children[2].choiceSettingValue.children: required child \
             {ACCESS_GROUP}_users is missing (required when {ACCESS_GROUP}_userselectiontype_manual \
             is chosen)"
        )]
    );
}

/// Every JSON file of the three policy repositories. Every settings catalog policy is accepted:
/// the catalog's definitions (pl4nty/intune-change-tracking) are newer than all three exports, so
/// none is reported for definitions outside it. The 17 rejections are the files that are other
/// Intune objects: compliance policies, update rings, driver update profiles, a health monitoring
/// and a DFCI profile, and Endpoint Security intents, whose `_Settings.json` companions are a JSON
/// string holding the intent's settings.
#[test]
fn corpus_policies_are_accepted_and_other_intune_objects_rejected() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let root = corpus.join("settings-catalog/policies");
    let run = validate_paths(catalog(), std::slice::from_ref(&root));
    assert_eq!(
        run.summary,
        Summary {
            files: 96,
            valid: 79,
            invalid: 0,
            definitions_not_in_catalog: 0,
            not_a_policy: 17,
            unreadable: 0,
        }
    );
    let relative = |report: &FileReport| {
        Path::new(&report.path)
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let rejected: Vec<(String, String)> = run
        .files
        .iter()
        .filter(|r| r.status != Status::Valid)
        .map(|r| {
            assert_eq!(r.status, Status::NotAPolicy, "{}", r.path);
            let message = &r.problems[0].message;
            let kind = message
                .strip_prefix("not a settings catalog policy: ")
                .unwrap();
            let kind = kind
                .strip_prefix("@odata.type is #microsoft.graph.")
                .map_or(kind, |t| t.split(',').next().unwrap());
            (relative(r), kind.to_string())
        })
        .collect();
    let hotcakex = "hotcakex-harden-windows-security/Intune Files";
    let oib = "openintunebaseline/WINDOWS/IntuneManagement";
    let ncsc = "ukncsc-device-security-guidance/Microsoft/Windows/MDM/Configurations";
    let expected: Vec<(String, &str)> = vec![
        (
            format!("{hotcakex}/Compliance/Harden Windows Security Device Compliance Policy.json"),
            "windows10CompliancePolicy",
        ),
        (
            format!(
                "{oib}/CompliancePolicies/Win - OIB - Compliance - U - Defender for Endpoint - v3.1.json"
            ),
            "windows10CompliancePolicy",
        ),
        (
            format!(
                "{oib}/CompliancePolicies/Win - OIB - Compliance - U - Device Health - v3.1.json"
            ),
            "windows10CompliancePolicy",
        ),
        (
            format!(
                "{oib}/CompliancePolicies/Win - OIB - Compliance - U - Device Security - v3.1.json"
            ),
            "windows10CompliancePolicy",
        ),
        (
            format!("{oib}/CompliancePolicies/Win - OIB - Compliance - U - Password - v3.1.json"),
            "windows10CompliancePolicy",
        ),
        (
            format!(
                "{oib}/DeviceConfiguration/Win - OIB - TP - Health Monitoring - D - Endpoint Analytics - v3.4.json"
            ),
            "windowsHealthMonitoringConfiguration",
        ),
        (
            format!(
                "{oib}/DriverUpdateProfiles/Win - OIB - WUfB Drivers - Ring 1 - Pilot - v3.0.json"
            ),
            "windowsDriverUpdateProfile",
        ),
        (
            format!(
                "{oib}/DriverUpdateProfiles/Win - OIB - WUfB Drivers - Ring 2 - UAT - v3.0.json"
            ),
            "windowsDriverUpdateProfile",
        ),
        (
            format!(
                "{oib}/DriverUpdateProfiles/Win - OIB - WUfB Drivers - Ring 3 - Production - v3.0.json"
            ),
            "windowsDriverUpdateProfile",
        ),
        (
            format!("{oib}/UpdatePolicies/Win - OIB - WUfB - Ring 1 - Pilot - v3.0.json"),
            "windowsUpdateForBusinessConfiguration",
        ),
        (
            format!("{oib}/UpdatePolicies/Win - OIB - WUfB - Ring 2 - UAT - v3.0.json"),
            "windowsUpdateForBusinessConfiguration",
        ),
        (
            format!("{oib}/UpdatePolicies/Win - OIB - WUfB - Ring 3 - Production - v3.0.json"),
            "windowsUpdateForBusinessConfiguration",
        ),
        (
            format!("{ncsc}/DeviceConfiguration/2025-NCSC-Surface-DFCI.json"),
            "windows10DeviceFirmwareConfigurationInterface",
        ),
        (
            format!("{ncsc}/EndpointSecurity/2025-NCSC-Account-Protections.json"),
            "deviceManagementIntent",
        ),
        (
            format!("{ncsc}/EndpointSecurity/2025-NCSC-Account-Protections_Settings.json"),
            "the document is a string, not an object",
        ),
        (
            format!("{ncsc}/EndpointSecurity/2025-NCSC-Application-Control.json"),
            "deviceManagementIntent",
        ),
        (
            format!("{ncsc}/EndpointSecurity/2025-NCSC-Application-Control_Settings.json"),
            "the document is a string, not an object",
        ),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(path, kind)| (path, kind.to_string()))
        .collect();
    assert_eq!(rejected, expected);
    // Named accepted exports: nested group collections (OIB), 72 Defender settings with integer
    // and string values (HotCakeX, UTF-8 BOM), and a policy for mdm and microsoftSense (NCSC).
    for (suffix, settings) in [
        (
            "Win - OIB - ES - Local Group Membership - D - Local Administrators - v3.7.json",
            1,
        ),
        ("Hardening Policies/Microsoft Defender.json", 72),
        ("SettingsCatalog/2025-NCSC-Defender-Antivirus.json", 24),
    ] {
        let report = run.files.iter().find(|r| r.path.ends_with(suffix)).unwrap();
        assert_eq!(
            (report.status, report.settings),
            (Status::Valid, settings),
            "{suffix}"
        );
    }
}

#[test]
fn cli_lines_and_exit_codes() {
    let folder = fixture("").display().to_string();
    let out = gpa(&["validate", folder.trim_end_matches(['/', '\\'])]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let wrong = fixture("wrong-option.json").display().to_string();
    assert!(stdout.contains(&format!(
        "\n{wrong}: settings[0].settingInstance.choiceSettingValue.value: {ABOVE_LOCK}_2 is not an option"
    )));
    let example = fixture("formats-example.json").display().to_string();
    assert!(stdout.contains(&format!("\n{example}: valid (3 settings)\n")));
    assert!(stdout.ends_with(
        "9 files: 3 valid, 5 invalid, 1 with definitions not in the catalog, 0 not settings catalog \
         policies, 0 unreadable\n"
    ));

    let valid = [
        example.as_str(),
        &fixture("hotcakex-tls-settings.json").display().to_string(),
    ]
    .map(String::from);
    let out = gpa(&["validate", &valid[0], &valid[1]]);
    assert_eq!(out.status.code(), Some(0));

    let missing = fixture("no-such-policy.json").display().to_string();
    let out = gpa(&["validate", &example, &missing, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with(&format!("gpa: {missing}: ")), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["status"], "valid");
    assert_eq!(json["files"][1]["status"], "unreadable");
    assert_eq!(json["summary"]["unreadable"], 1);

    assert_eq!(gpa(&["validate"]).status.code(), Some(2));
}

#[test]
fn json_report_names_missing_definitions() {
    let out = gpa(&[
        "validate",
        "--json",
        &fixture("unknown-definition.json").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["status"], "definitions-not-in-catalog");
    assert_eq!(
        file["missing_definitions"],
        serde_json::json!(["device_vendor_msft_policy_config_contoso_futuresetting"])
    );
    assert_eq!(file["problems"][0]["kind"], "not-in-catalog");
    assert_eq!(
        file["problems"][0]["definition_id"],
        "device_vendor_msft_policy_config_contoso_futuresetting"
    );
}
