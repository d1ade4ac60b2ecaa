//! The forms Microsoft ships its baselines in beside GPO backups: Policy Analyzer `.PolicyRules`
//! and LGPO text, read from the corpus into the same settings the backup readers give, and run
//! through analyze, convert and validate.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gpa::input::discover::read_paths;
use gpa::input::{lgpo_text, registry_pol, text};
use gpa::model::{
    DamageAt, Gpo, Hive, RegistryData, RegistryInstruction, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue,
};

fn gpa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

fn win11_24h2(corpus: &Path) -> PathBuf {
    corpus.join("policy-analyzer/mxk-windows-secure-group-policy/MSFT-Win11-v24H2.PolicyRules")
}

fn troennes(corpus: &Path) -> PathBuf {
    corpus.join("gpo-backups/troennes-private-secure-windows/GPOs")
}

fn gpo<'a>(gpos: &'a [Gpo], name: &str) -> &'a Gpo {
    gpos.iter()
        .find(|g| g.display_name == name)
        .unwrap_or_else(|| panic!("no GPO {name}"))
}

fn find<'a>(gpo: &'a Gpo, id: &SettingId) -> &'a Setting {
    gpo.settings
        .iter()
        .find(|s| &s.id == id)
        .unwrap_or_else(|| panic!("{}: no setting {id:?}", gpo.display_name))
}

fn registry(hive: Hive, key: &str, value_name: &str) -> SettingId {
    SettingId::Registry {
        hive,
        key: key.to_string(),
        value_name: value_name.to_string(),
    }
}

fn set(data: RegistryData) -> SettingValue {
    SettingValue::Registry(RegistryInstruction {
        op: RegistryOp::Set,
        data,
    })
}

#[test]
fn policy_rules_of_the_win11_24h2_baseline() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let file = win11_24h2(&corpus);
    let outcome = read_paths(std::slice::from_ref(&file));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let names: Vec<&str> = outcome
        .gpos
        .iter()
        .map(|g| g.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "MSFT Internet Explorer 11 - Computer",
            "MSFT Internet Explorer 11 - User",
            "MSFT Windows 11 24H2 - BitLocker",
            "MSFT Windows 11 24H2 - Computer",
            "MSFT Windows 11 24H2 - Credential Guard",
            "MSFT Windows 11 24H2 - Defender Antivirus",
            "MSFT Windows 11 24H2 - Domain Security",
            "MSFT Windows 11 24H2 - User",
        ]
    );
    for g in &outcome.gpos {
        assert!(g.damage.is_empty(), "{}: {:?}", g.display_name, g.damage);
        assert_eq!(g.origin, file.display().to_string());
    }

    // A registry value: the Credential Guard GPO turns on VBS.
    let credential_guard = gpo(&outcome.gpos, "MSFT Windows 11 24H2 - Credential Guard");
    let vbs = find(
        credential_guard,
        &registry(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\Windows\DeviceGuard",
            "EnableVirtualizationBasedSecurity",
        ),
    );
    assert_eq!(vbs.scope, Scope::Device);
    assert_eq!(vbs.kind, SettingKind::RegistryValue);
    assert_eq!(vbs.value, set(RegistryData::Dword(1)));
    assert_eq!(vbs.source.line, Some(2));
    // The backup Policy Analyzer read it from is named.
    assert!(
        credential_guard
            .notes
            .iter()
            .any(|n| n.contains(r"GPOs\{3C4158A9-6823-4577-8AAE-197181A6E6AD}")),
        "{:?}",
        credential_guard.notes
    );
    // A `**del.` record keeps its registry.pol meaning.
    let computer = gpo(&outcome.gpos, "MSFT Windows 11 24H2 - Computer");
    let mailto = find(
        computer,
        &registry(
            Hive::Hklm,
            r"Software\Policies\Microsoft\Windows NT\Terminal Services",
            "fUseMailto",
        ),
    );
    assert_eq!(
        mailto.value,
        SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::DeleteValue,
            data: RegistryData::String(" ".to_string()),
        })
    );
    // A user value.
    let user = gpo(&outcome.gpos, "MSFT Windows 11 24H2 - User");
    let third_party = find(
        user,
        &registry(
            Hive::Hkcu,
            r"Software\Policies\Microsoft\Windows\CloudContent",
            "DisableThirdPartySuggestions",
        ),
    );
    assert_eq!(third_party.scope, Scope::User);
    assert_eq!(third_party.value, set(RegistryData::Dword(1)));

    // A security template line, read as GptTmpl.inf reads it.
    let domain = gpo(&outcome.gpos, "MSFT Windows 11 24H2 - Domain Security");
    let length = find(
        domain,
        &SettingId::SecurityTemplate {
            section: "System Access".to_string(),
            name: "MinimumPasswordLength".to_string(),
        },
    );
    assert_eq!(length.kind, SettingKind::AccountPolicy);
    assert_eq!(length.value, SettingValue::Number { value: 14 });

    // An audit subcategory, by GUID as audit.csv gives it.
    let credential_validation = find(
        computer,
        &SettingId::AuditSubcategory {
            guid: "{0cce923f-69ae-11d9-bed3-505054503030}".to_string(),
        },
    );
    assert_eq!(credential_validation.kind, SettingKind::AdvancedAudit);
    assert_eq!(
        credential_validation.value,
        SettingValue::Audit {
            success: true,
            failure: true,
            raw: "3".to_string(),
        }
    );
    assert_eq!(
        credential_validation.display_name.as_deref(),
        Some("Audit Credential Validation")
    );

    // No GUID in the file: one derived from file and policy name, the same on every read.
    let again = read_paths(&[file]);
    assert_eq!(
        gpo(&again.gpos, "MSFT Windows 11 24H2 - Computer").guid,
        computer.guid
    );
    let guid = computer.guid.as_deref().unwrap();
    assert_eq!(guid.len(), 38);
    assert_ne!(guid, credential_guard.guid.as_deref().unwrap());
}

/// The 1909 baseline ships its GPO backups and a `.PolicyRules` of the same GPOs: both forms give
/// one GPO the same settings (identity and value), registry, security template and audit alike.
#[test]
fn policy_rules_and_the_backup_of_one_gpo_give_the_same_settings() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let sct = corpus.join("gpo-backups/msft-sct-windows10-1909");
    let rules = read_paths(&[sct.join("Documentation/MSFT-Win10-WS-v1909-FINAL.PolicyRules")]);
    assert!(rules.errors.is_empty(), "{:?}", rules.errors);
    let backups = read_paths(&[sct.join("GPOs")]);
    assert!(backups.errors.is_empty(), "{:?}", backups.errors);
    let key = |s: &Setting| format!("{:?}|{:?}|{:?}", s.scope, s.id.case_folded(), s.value);
    let mut compared = 0;
    for name in [
        "MSFT Windows 10 1909 - Computer",
        "MSFT Windows 10 1909 and Server 1909 - Domain Security",
        "MSFT Windows Server 1909 - Member Server",
    ] {
        let from_rules: BTreeSet<String> =
            gpo(&rules.gpos, name).settings.iter().map(key).collect();
        // The backup's gpreport.xml adds the firewall profiles in its own words (FirewallSetting
        // rows beside the registry.pol values they restate); Policy Analyzer reads the raw files.
        let from_backup: BTreeSet<String> = gpo(&backups.gpos, name)
            .settings
            .iter()
            .filter(|s| !s.source.file.ends_with("gpreport.xml"))
            .map(key)
            .collect();
        assert_eq!(
            from_rules
                .symmetric_difference(&from_backup)
                .collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "{name}"
        );
        compared += from_rules.len();
    }
    assert!(compared > 300, "{compared}");
}

#[test]
fn lgpo_text_equals_the_registry_pol_it_was_parsed_from() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo_dir = troennes(&corpus).join("BasicPrivacy/Version 21H2_Win10/Enterprise/GPO");
    let mut compared = 0;
    for (half, txt, scope) in [
        ("Machine", "machine.txt", Scope::Device),
        ("User", "user.txt", Scope::User),
    ] {
        let pol = std::fs::read(gpo_dir.join(half).join("registry.pol")).unwrap();
        let from_pol = registry_pol::read_settings(&pol, scope, "registry.pol").unwrap();
        let bytes = std::fs::read(gpo_dir.join(half).join(txt)).unwrap();
        let read = lgpo_text::read(&text::decode_text(&bytes), txt);
        assert!(read.damage.is_none(), "{txt}: {:?}", read.damage);
        assert_eq!(read.settings.len(), from_pol.len(), "{txt}");
        for (lgpo, pol) in read.settings.iter().zip(&from_pol) {
            assert_eq!(
                (lgpo.scope, &lgpo.kind, &lgpo.id, &lgpo.value),
                (pol.scope, &pol.kind, &pol.id, &pol.value),
                "{txt} line {:?}",
                lgpo.source.line
            );
        }
        compared += from_pol.len();
    }
    // 71 machine values (65 DWORD, 6 SZ) and 8 user values.
    assert_eq!(compared, 79);
    let bytes = std::fs::read(gpo_dir.join("Machine/machine.txt")).unwrap();
    let read = lgpo_text::read(&text::decode_text(&bytes), "machine.txt");
    let ntp = read
        .settings
        .iter()
        .find(|s| {
            s.id == registry(
                Hive::Hklm,
                r"SOFTWARE\Policies\Microsoft\W32time\Parameters",
                "NtpServer",
            )
        })
        .unwrap();
    assert_eq!(
        ntp.value,
        set(RegistryData::String("pool.ntp.org,0x8".to_string()))
    );

    // In the GPO folder, the registry.pol is read and the text beside it is not.
    let outcome = read_paths(&[gpo_dir]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let g = &outcome.gpos[0];
    assert_eq!(
        g.notes
            .iter()
            .filter(|n| n.starts_with("LGPO text not read"))
            .count(),
        2,
        "{:?}",
        g.notes
    );
}

#[test]
fn lgpo_text_is_the_registry_half_of_a_gpo_folder_without_registry_pol() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo_dir = troennes(&corpus).join("ExtremePrivacy/Version 21H2_Win10/Enterprise/GPO");
    let outcome = read_paths(&[gpo_dir]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let g = &outcome.gpos[0];
    let camera = find(
        g,
        &registry(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\Windows\AppPrivacy",
            "LetAppsAccessCamera",
        ),
    );
    assert_eq!(camera.value, set(RegistryData::Dword(2)));
    assert!(camera.source.file.ends_with("machine.txt"));
    assert_eq!(camera.source.line, Some(3));
    assert!(g.settings.iter().any(|s| s.scope == Scope::User));
    assert!(
        g.notes
            .iter()
            .any(|n| n.starts_with("registry settings read from LGPO text")),
        "{:?}",
        g.notes
    );
}

#[test]
fn a_loose_lgpo_delta_is_a_gpo_and_is_set_aside_beside_backups() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let delta = troennes(&corpus).join("Deltas/W11_22H2/HighSecCredGuard.txt");
    let outcome = read_paths(std::slice::from_ref(&delta));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.gpos.len(), 1);
    let g = &outcome.gpos[0];
    assert_eq!(g.display_name, "HighSecCredGuard");
    assert!(g.guid.is_some());
    assert_eq!(g.settings.len(), 1);
    assert_eq!(
        g.settings[0].id,
        registry(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\Windows\DeviceGuard",
            "ConfigureKernelShadowStacksLaunch"
        )
    );
    assert_eq!(g.settings[0].value, set(RegistryData::Dword(1)));

    // The Deltas folder alone: its seven files are seven GPOs.
    let deltas = read_paths(&[troennes(&corpus).join("Deltas")]);
    assert!(deltas.errors.is_empty(), "{:?}", deltas.errors);
    assert_eq!(deltas.gpos.len(), 7);
    // Beside the troennes backups, they are set aside with a note.
    let whole = read_paths(&[corpus.join("gpo-backups/troennes-private-secure-windows")]);
    assert_eq!(whole.gpos.len(), 11);
    assert_eq!(whole.notes.len(), 1, "{:?}", whole.notes);
    assert!(whole.notes[0].contains("7 .PolicyRules / LGPO text file(s)"));
}

#[test]
fn damaged_rules_and_text_name_the_line_and_keep_the_rest() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A REG_DWORD record whose data is no number (line 3), and the file cut inside its last
    // record.
    let original = std::fs::read_to_string(win11_24h2(&corpus)).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    lines[2] = lines[2].replace("<RegData>1</RegData>", "<RegData>one</RegData>");
    let mut damaged = lines.join("\r\n");
    damaged.truncate(damaged.len() - 400);
    let rules = dir.path().join("Damaged.PolicyRules");
    std::fs::write(&rules, damaged).unwrap();
    let out = gpa(&["inventory", rules.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Damaged.PolicyRules (line 3): line 3: SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceGuard\\RequirePlatformSecurityFeatures: REG_DWORD data \"one\" is not a 32-bit number"),
        "{stderr}"
    );
    let inventory: gpa::model::Inventory = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inventory.gpos.len(), 8);
    let cg = gpo(&inventory.gpos, "MSFT Windows 11 24H2 - Credential Guard");
    assert_eq!(cg.settings.len(), 7);
    assert_eq!(cg.damage[0].at, DamageAt::Line(3));

    // LGPO text with a line lost in its third block.
    let text =
        std::fs::read(troennes(&corpus).join("Deltas/W11_22H2/BasicSecComputer.txt")).unwrap();
    let text = String::from_utf8(text)
        .unwrap()
        .replacen("AllowCustomSSPsAPs\n", "", 1);
    let delta = dir.path().join("BasicSecComputer.txt");
    std::fs::write(&delta, &text).unwrap();
    let out = gpa(&["inventory", delta.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("BasicSecComputer.txt (line "), "{stderr}");
    assert!(stderr.contains("a line is missing before here"), "{stderr}");
    let inventory: gpa::model::Inventory = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inventory.gpos[0].settings.len(), 2);
}

#[test]
fn analyze_convert_and_validate_the_win11_24h2_rules() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let rules = win11_24h2(&corpus);
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = gpa(&[
        "analyze",
        rules.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(
        summary.contains("Total (8 GPOs)                                  377          92%    328"),
        "{summary}"
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let row = |gpo: &str, setting: &str| -> serde_json::Value {
        report["gpos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["displayName"] == gpo)
            .and_then(|g| {
                g["settings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["settingName"] == setting)
                    .cloned()
            })
            .unwrap_or_else(|| panic!("{gpo}: no row {setting}"))
    };
    let vbs = row(
        "MSFT Windows 11 24H2 - Credential Guard",
        "Turn On Virtualization Based Security",
    );
    assert_eq!(vbs["migrationReadiness"], "Ready");
    assert_eq!(
        vbs["intuneSettingDefinitionId"],
        "device_vendor_msft_policy_config_deviceguard_enablevirtualizationbasedsecurity"
    );
    assert_eq!(
        vbs["identity"],
        "Device|admx|deviceguard:virtualizationbasedsecurity"
    );
    let length = row(
        "MSFT Windows 11 24H2 - Domain Security",
        "Minimum password length",
    );
    assert_eq!(length["migrationReadiness"], "Ready");
    assert_eq!(
        length["intuneSettingDefinitionId"],
        "device_vendor_msft_policy_config_devicelock_minimumpasswordlength"
    );
    assert_eq!(length["settingValue"], "14");
    let audit = row(
        "MSFT Windows 11 24H2 - Computer",
        "Audit Credential Validation",
    );
    assert_eq!(audit["migrationReadiness"], "Ready");
    assert_eq!(audit["settingValue"], "Success and Failure");

    let out_dir = dir.path().join("intune");
    let out = gpa(&[
        "convert",
        rules.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out_dir.join("MSFT Windows 11 24H2 - Credential Guard.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = policy["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["settingInstance"]["settingDefinitionId"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        ids.contains(
            &"device_vendor_msft_policy_config_deviceguard_enablevirtualizationbasedsecurity"
        ),
        "{ids:?}"
    );
    let out = gpa(&["validate", out_dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
