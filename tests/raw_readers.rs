//! The raw readers (registry.pol, GptTmpl.inf, audit.csv, scripts and folder redirection ini) on
//! the shipped fixtures and on every such file of the corpus.

mod common;

use std::path::{Path, PathBuf};

use gpa::input::text::decode_text;
use gpa::input::{audit_csv, gpttmpl, ini, registry_pol, xml};
use gpa::model::{
    Hive, Principal, Property, RegistryData, RegistryInstruction, RegistryOp, Scope, Setting,
    SettingId, SettingKind, SettingValue,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixture(name: &str) -> Vec<u8> {
    let path = common::fixtures().join("raw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir` whose name equals `name` without case, sorted.
fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if entry
                .file_name()
                .to_string_lossy()
                .eq_ignore_ascii_case(name)
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Machine → Device, User → User, from the folder the file sits in.
fn scope_of(path: &Path) -> Scope {
    let user = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case("User"));
    if user { Scope::User } else { Scope::Device }
}

fn reg_id(hive: Hive, key: &str, value_name: &str) -> SettingId {
    SettingId::Registry {
        hive,
        key: key.to_string(),
        value_name: value_name.to_string(),
    }
}

fn template_id(section: &str, name: &str) -> SettingId {
    SettingId::SecurityTemplate {
        section: section.to_string(),
        name: name.to_string(),
    }
}

fn find<'a>(settings: &'a [Setting], id: &SettingId) -> &'a Setting {
    settings
        .iter()
        .find(|s| &s.id == id)
        .unwrap_or_else(|| panic!("{id:?} not among {} settings", settings.len()))
}

fn set(data: RegistryData) -> SettingValue {
    SettingValue::Registry(RegistryInstruction {
        op: RegistryOp::Set,
        data,
    })
}

fn properties(setting: &Setting) -> Vec<(String, String)> {
    match &setting.value {
        SettingValue::Properties { properties } => properties
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect(),
        other => panic!("{:?} is not properties: {other:?}", setting.id),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn sid(s: &str) -> Principal {
    Principal {
        sid: Some(s.to_string()),
        name: None,
    }
}

/// The backup folder of the SCT Windows 10 1909 package whose bkupInfo.xml names this GPO.
fn sct_backup(corpus: &Path, display_name: &str) -> PathBuf {
    let gpos = corpus.join("gpo-backups/msft-sct-windows10-1909/GPOs");
    let mut found = Vec::new();
    for info in files_named(&gpos, "bkupInfo.xml") {
        let bytes = std::fs::read(&info).expect("bkupInfo.xml is readable");
        let root = xml::parse(&decode_text(&bytes)).expect("bkupInfo.xml parses");
        let name = root
            .descendants()
            .into_iter()
            .find(|e| e.name == "GPODisplayName")
            .map(|e| e.text.trim().to_string());
        if name.as_deref() == Some(display_name) {
            found.push(info.parent().expect("has a folder").to_path_buf());
        }
    }
    assert_eq!(found.len(), 1, "backups named {display_name:?}: {found:?}");
    found.remove(0)
}

/// The one file named `name` under `dir` (any case).
fn only_file(dir: &Path, name: &str) -> PathBuf {
    let mut files = files_named(dir, name);
    assert_eq!(files.len(), 1, "{name} under {}: {files:?}", dir.display());
    files.remove(0)
}

// ---------------------------------------------------------------------------------------------
// Fixtures (no corpus needed)

#[test]
fn fixture_registry_pol_delete_marker_and_firewall_profile() {
    let bytes = fixture("troennes-highseccomputer-machine-registry.pol");
    let pol = registry_pol::parse(&bytes).expect("parses");
    assert_eq!(pol.entries.len(), 28);
    assert!(pol.warnings.is_empty(), "{:?}", pol.warnings);
    let del = &pol.entries[9];
    assert_eq!(
        del.key,
        r"Software\Policies\Microsoft\Windows\PowerShell\ScriptBlockLogging"
    );
    assert_eq!(del.value_name, "EnableScriptBlockInvocationLogging");
    assert_eq!(del.instruction.op, RegistryOp::DeleteValue);
    // Windows writes the marker's data as a single space.
    assert_eq!(del.instruction.data, RegistryData::String(" ".into()));

    let settings = registry_pol::read_settings(&bytes, Scope::Device, "fixture.pol").unwrap();
    let version = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Policies\Microsoft\WindowsFirewall",
            "PolicyVersion",
        ),
    );
    assert_eq!(version.kind, SettingKind::FirewallProfile);
    assert_eq!(version.value, set(RegistryData::Dword(543)));
    let protected = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Policies\Microsoft\Windows\CredentialsDelegation",
            "AllowProtectedCreds",
        ),
    );
    assert_eq!(protected.kind, SettingKind::RegistryValue);
    assert_eq!(protected.source.entry, Some(2));
}

#[test]
fn fixture_registry_pol_firewall_rule() {
    let bytes = fixture("troennes-basicprivacy-machine-registry.pol");
    let settings = registry_pol::read_settings(&bytes, Scope::Device, "fixture.pol").unwrap();
    assert_eq!(settings.len(), 71);
    let rule = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules",
            "{0DE40C8E-C126-4A27-9371-A27DAB1039F7}",
        ),
    );
    assert_eq!(rule.kind, SettingKind::FirewallRule);
    assert_eq!(rule.display_name.as_deref(), Some("Block outbound Cortana"));
    assert_eq!(rule.source.entry, Some(58));
    let SettingValue::Registry(RegistryInstruction {
        data: RegistryData::String(text),
        ..
    }) = &rule.value
    else {
        panic!("rule is not a string: {:?}", rule.value)
    };
    assert_eq!(
        registry_pol::parse_firewall_rule(text),
        vec![
            Property {
                name: "Version".into(),
                value: "2.25".into()
            },
            Property {
                name: "Action".into(),
                value: "Block".into()
            },
            Property {
                name: "Active".into(),
                value: "TRUE".into()
            },
            Property {
                name: "Dir".into(),
                value: "Out".into()
            },
            Property {
                name: "Protocol".into(),
                value: "6".into()
            },
            Property {
                name: "App".into(),
                value: r"%windir%\SystemApps\Microsoft.Windows.Cortana_cw5n1h2txyewy\searchUI.exe"
                    .into()
            },
            Property {
                name: "Name".into(),
                value: "Block outbound Cortana".into()
            },
        ]
    );
    let ntp = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\W32time\Parameters",
            "NtpServer",
        ),
    );
    assert_eq!(
        ntp.value,
        set(RegistryData::String("pool.ntp.org,0x8".into()))
    );
}

#[test]
fn fixture_gpttmpl_event_logs_and_registry_value() {
    let text = decode_text(&fixture("blumira-logmira-GptTmpl.inf"));
    let settings = gpttmpl::read_settings(&text, "GptTmpl.inf").unwrap();
    assert_eq!(settings.len(), 4, "{settings:#?}");
    let security = find(&settings, &template_id("Security Log", "MaximumLogSize"));
    assert_eq!(security.kind, SettingKind::EventLog);
    assert_eq!(security.value, SettingValue::Number { value: 2048000 });
    assert_eq!(security.source.line, Some(6));
    let sce = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"System\CurrentControlSet\Control\Lsa",
            "SCENoApplyLegacyAuditPolicy",
        ),
    );
    assert_eq!(sce.kind, SettingKind::SecurityOption);
    assert_eq!(sce.value, set(RegistryData::Dword(1)));
}

#[test]
fn fixture_audit_csv() {
    let text = decode_text(&fixture("blumira-logmira-audit.csv"));
    let settings = audit_csv::read_settings(&text, "audit.csv").unwrap();
    assert_eq!(settings.len(), 42);
    assert!(
        settings
            .iter()
            .all(|s| s.kind == SettingKind::AdvancedAudit)
    );
    let creation = find(
        &settings,
        &SettingId::AuditSubcategory {
            guid: "{0cce922b-69ae-11d9-bed3-505054503030}".into(),
        },
    );
    assert_eq!(
        creation.display_name.as_deref(),
        Some("Audit Process Creation")
    );
    assert_eq!(
        creation.value,
        SettingValue::Audit {
            success: true,
            failure: false,
            raw: "1".into()
        }
    );
}

#[test]
fn fixture_scripts_ini() {
    let text = decode_text(&fixture("synthetic-scripts.ini"));
    let settings = ini::read_scripts(&text, Scope::Device, false, "scripts.ini");
    assert_eq!(settings.len(), 3);
    assert_eq!(
        settings[0].id,
        SettingId::Script {
            trigger: "Startup".into(),
            order: 0
        }
    );
    assert_eq!(
        properties(&settings[0]),
        pairs(&[
            ("CmdLine", r"\\contoso.com\netlogon\fix.cmd"),
            ("Parameters", "/quiet"),
            ("PowerShell", "false"),
        ])
    );
    assert_eq!(
        settings[2].id,
        SettingId::Script {
            trigger: "Shutdown".into(),
            order: 0
        }
    );

    let text = decode_text(&fixture("synthetic-psscripts.ini"));
    let settings = ini::read_scripts(&text, Scope::User, true, "psscripts.ini");
    assert_eq!(settings.len(), 2);
    assert_eq!(settings[0].value, SettingValue::Boolean { value: true });
    assert_eq!(
        properties(&settings[1]),
        pairs(&[
            ("CmdLine", "Map-Drives.ps1"),
            ("Parameters", "-Verbose"),
            ("PowerShell", "true")
        ])
    );
    assert_eq!(settings[1].source.line, Some(5));
}

#[test]
fn fixture_fdeploy_both_versions() {
    let text = decode_text(&fixture("synthetic-fdeploy1.ini"));
    let v1 = ini::read_folder_redirection(&text, "fdeploy1.ini");
    assert_eq!(v1.len(), 2);
    assert_eq!(v1[1].display_name.as_deref(), Some("Desktop"));
    assert_eq!(v1[1].kind, SettingKind::FolderRedirection);
    assert_eq!(
        properties(&v1[1]),
        pairs(&[
            ("Group", "S-1-5-21-1-2-3-1104"),
            ("Flags", "1201"),
            ("FullPath", r"\\fs01\sales$\%USERNAME%\Desktop"),
            ("Group", "S-1-5-21-1-2-3-1105"),
            ("Flags", "2001"),
        ])
    );

    let text = decode_text(&fixture("synthetic-fdeploy.ini"));
    let v0 = ini::read_folder_redirection(&text, "fdeploy.ini");
    let ids: Vec<&SettingId> = v0.iter().map(|s| &s.id).collect();
    let v1_ids: Vec<&SettingId> = v1.iter().map(|s| &s.id).collect();
    assert_eq!(ids, v1_ids, "both versions name the same known folders");
    assert_eq!(v0[0].display_name.as_deref(), Some("Documents"));
}

// ---------------------------------------------------------------------------------------------
// Corpus

#[test]
fn corpus_every_registry_pol_parses() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = files_named(&corpus, "registry.pol");
    let (mut entries, mut warnings, mut settings, mut empty) = (0, 0, 0, 0);
    let mut by_kind = std::collections::BTreeMap::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let pol = registry_pol::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for w in &pol.warnings {
            println!("{}: {w}", file.display());
        }
        entries += pol.entries.len();
        warnings += pol.warnings.len();
        empty += usize::from(pol.entries.is_empty());
        let read = registry_pol::settings_from(&pol, scope_of(file), &file.to_string_lossy());
        for setting in &read {
            *by_kind.entry(format!("{:?}", setting.kind)).or_insert(0) += 1;
        }
        settings += read.len();
    }
    println!(
        "registry.pol: {} files, {entries} entries, {settings} settings, {warnings} warnings, {empty} header-only, by kind {by_kind:?}",
        files.len()
    );
    // Subtree counts cross-checked with an independent Python PReg reader.
    let kind = |k: &str| by_kind.get(k).copied().unwrap_or(0);
    assert_eq!(kind("RegistryValue"), 5160);
    assert_eq!(kind("FirewallProfile"), 168);
    assert_eq!(kind("Certificate"), 100);
    assert_eq!(kind("AppLockerRule"), 99);
    assert_eq!(kind("FirewallRule"), 17);
    assert_eq!(files.len(), 149);
    assert_eq!(entries, 5544);
    assert_eq!(settings, entries);
    assert_eq!(warnings, 0);
}

#[test]
fn corpus_every_gpttmpl_parses() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = files_named(&corpus, "GptTmpl.inf");
    let mut total = 0;
    let mut by_kind = std::collections::BTreeMap::new();
    let mut unfit = Vec::new();
    let mut registry = 0;
    for file in &files {
        let text = decode_text(&std::fs::read(file).unwrap());
        let settings = gpttmpl::read_settings(&text, &file.to_string_lossy())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        total += settings.len();
        for s in &settings {
            *by_kind.entry(format!("{:?}", s.kind)).or_insert(0) += 1;
            registry += usize::from(matches!(s.id, SettingId::Registry { .. }));
            let fallback = matches!(&s.id, SettingId::SecurityTemplate { section, .. } if section == "Registry Values");
            if fallback
                || matches!(s.value, SettingValue::Text { .. } if matches!(s.id, SettingId::Registry { .. }))
            {
                unfit.push(s.clone());
            }
        }
    }
    println!(
        "GptTmpl.inf: {} files, {total} settings, by kind {by_kind:?}",
        files.len()
    );
    assert_eq!(files.len(), 55);
    // Every [Registry Values] line of the corpus fits MACHINE\…=<type>,<data> with typed data.
    assert!(unfit.is_empty(), "{unfit:#?}");
    // 467 lines in the [Registry Values] sections of the corpus (counted with awk).
    assert_eq!(registry, 467);
    assert_eq!(total, 959);
}

#[test]
fn corpus_every_audit_csv_parses() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = files_named(&corpus, "audit.csv");
    let mut total = 0;
    for file in &files {
        let text = decode_text(&std::fs::read(file).unwrap());
        let settings = audit_csv::read_settings(&text, &file.to_string_lossy())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            settings
                .iter()
                .all(|s| matches!(s.value, SettingValue::Audit { .. })),
            "{}",
            file.display()
        );
        total += settings.len();
    }
    println!("audit.csv: {} files, {total} settings", files.len());
    assert_eq!(files.len(), 13);
    assert_eq!(total, 326);
}

#[test]
fn corpus_sct_windows10_computer_registry_pol() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let backup = sct_backup(&corpus, "MSFT Windows 10 1909 - Computer");
    let machine = backup.join("DomainSysvol/GPO/Machine");
    let file = machine.join("registry.pol");
    let settings =
        registry_pol::read_settings(&std::fs::read(&file).unwrap(), Scope::Device, "x").unwrap();

    let security_log = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Policies\Microsoft\Windows\EventLog\Security",
            "MaxSize",
        ),
    );
    assert_eq!(security_log.value, set(RegistryData::Dword(196608)));
    assert_eq!(security_log.kind, SettingKind::RegistryValue);

    let edge = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Policies\Microsoft\MicrosoftEdge\Main",
            "FormSuggest Passwords",
        ),
    );
    assert_eq!(edge.value, set(RegistryData::String("no".into())));

    let deleted = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Policies\Microsoft\Windows\PowerShell\ScriptBlockLogging",
            "EnableScriptBlockInvocationLogging",
        ),
    );
    assert_eq!(
        deleted.value,
        SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::DeleteValue,
            data: RegistryData::String(" ".into()),
        })
    );
}

#[test]
fn corpus_sct_security_templates() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let domain = sct_backup(
        &corpus,
        "MSFT Windows 10 1909 and Server 1909 - Domain Security",
    );
    let text = decode_text(&std::fs::read(only_file(&domain, "GptTmpl.inf")).unwrap());
    let settings = gpttmpl::read_settings(&text, "GptTmpl.inf").unwrap();
    let length = find(
        &settings,
        &template_id("System Access", "MinimumPasswordLength"),
    );
    assert_eq!(length.value, SettingValue::Number { value: 14 });
    assert_eq!(length.kind, SettingKind::AccountPolicy);
    assert_eq!(length.source.line, Some(4));
    assert_eq!(
        find(&settings, &template_id("System Access", "LockoutBadCount")).value,
        SettingValue::Number { value: 10 }
    );

    let computer = sct_backup(&corpus, "MSFT Windows 10 1909 - Computer");
    let text = decode_text(&std::fs::read(only_file(&computer, "GptTmpl.inf")).unwrap());
    let settings = gpttmpl::read_settings(&text, "GptTmpl.inf").unwrap();
    let network = find(
        &settings,
        &template_id("Privilege Rights", "SeNetworkLogonRight"),
    );
    assert_eq!(network.kind, SettingKind::UserRight);
    assert_eq!(
        network.value,
        SettingValue::Principals {
            members: vec![sid("S-1-5-32-555"), sid("S-1-5-32-544")]
        }
    );
    assert_eq!(
        find(
            &settings,
            &template_id("Privilege Rights", "SeTcbPrivilege")
        )
        .value,
        SettingValue::Principals { members: vec![] }
    );
    let ntlm = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"System\CurrentControlSet\Control\Lsa\MSV1_0",
            "NTLMMinClientSec",
        ),
    );
    assert_eq!(ntlm.kind, SettingKind::SecurityOption);
    assert_eq!(ntlm.value, set(RegistryData::Dword(537395200)));
    let sc_remove = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"Software\Microsoft\Windows NT\CurrentVersion\Winlogon",
            "ScRemoveOption",
        ),
    );
    assert_eq!(sc_remove.value, set(RegistryData::String("1".into())));
    let xbox = find(
        &settings,
        &SettingId::Service {
            name: "XboxGipSvc".into(),
        },
    );
    assert_eq!(
        properties(xbox),
        pairs(&[
            ("StartType", "4"),
            ("StartTypeName", "Disabled"),
            ("SecurityDescriptor", "")
        ])
    );
}

#[test]
fn corpus_t0x01_legal_notice_keeps_its_quoted_comma() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let file = corpus.join(
        "gpo-backups/t0x01-group-policy-objects/GPOs/{BCC33A6A-B1E2-4EE9-9759-FDB4C1505B37}/DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf",
    );
    let text = decode_text(&std::fs::read(&file).unwrap());
    let settings = gpttmpl::read_settings(&text, "GptTmpl.inf").unwrap();
    let system = r"Software\Microsoft\Windows\CurrentVersion\Policies\System";
    let notice = find(&settings, &reg_id(Hive::Hklm, system, "LegalNoticeText"));
    assert_eq!(notice.source.line, Some(87));
    // secedit writes a comma inside a REG_MULTI_SZ item as `","`: one item, not two.
    assert_eq!(
        notice.value,
        set(RegistryData::MultiString(vec![
            "This system is restricted to authorized users. Individuals who attempt unauthorized \
             access will be prosecuted. If you are unauthorized, terminate access now. Click OK to \
             indicate your acceptance of this information."
                .into()
        ]))
    );
    assert_eq!(
        find(&settings, &reg_id(Hive::Hklm, system, "LegalNoticeCaption")).value,
        set(RegistryData::String("Security Notification".into()))
    );
}

#[test]
fn corpus_sct_audit_csv() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let computer = sct_backup(&corpus, "MSFT Windows 10 1909 - Computer");
    let text = decode_text(&std::fs::read(only_file(&computer, "audit.csv")).unwrap());
    let settings = audit_csv::read_settings(&text, "audit.csv").unwrap();
    assert_eq!(settings.len(), 23);
    let logon = find(
        &settings,
        &SettingId::AuditSubcategory {
            guid: "{0cce9215-69ae-11d9-bed3-505054503030}".into(),
        },
    );
    assert_eq!(logon.display_name.as_deref(), Some("Audit Logon"));
    assert_eq!(
        logon.value,
        SettingValue::Audit {
            success: true,
            failure: true,
            raw: "3".into()
        }
    );
    let lockout = find(
        &settings,
        &SettingId::AuditSubcategory {
            guid: "{0cce9217-69ae-11d9-bed3-505054503030}".into(),
        },
    );
    assert_eq!(
        lockout.value,
        SettingValue::Audit {
            success: false,
            failure: true,
            raw: "2".into()
        }
    );
}

#[test]
fn corpus_t0x01_firewall_rule() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let file = corpus.join(
        "gpo-backups/t0x01-group-policy-objects/GPOs/{6CFB8173-67B5-4E3D-81E0-502E87C42882}/DomainSysvol/GPO/Machine/registry.pol",
    );
    let settings =
        registry_pol::read_settings(&std::fs::read(&file).unwrap(), Scope::Device, "x").unwrap();
    assert_eq!(
        settings
            .iter()
            .filter(|s| s.kind == SettingKind::FirewallRule)
            .count(),
        16
    );
    let rule = find(
        &settings,
        &reg_id(
            Hive::Hklm,
            r"SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules",
            "{1BC3DBDB-D3E2-4A7F-AABF-2FF6CD030AD2}",
        ),
    );
    assert_eq!(rule.source.entry, Some(23));
    assert_eq!(
        rule.display_name.as_deref(),
        Some("Windows Remote Management (HTTPS-In)")
    );
    let SettingValue::Registry(RegistryInstruction {
        data: RegistryData::String(text),
        ..
    }) = &rule.value
    else {
        panic!("rule is not a string: {:?}", rule.value)
    };
    let fields: Vec<(String, String)> = registry_pol::parse_firewall_rule(text)
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect();
    assert_eq!(
        fields,
        pairs(&[
            ("Version", "2.31"),
            ("Action", "Block"),
            ("Active", "TRUE"),
            ("Dir", "In"),
            ("Protocol", "6"),
            ("Profile", "Domain"),
            ("Profile", "Private"),
            ("LPort", "5986"),
            ("App", "System"),
            ("Name", "Windows Remote Management (HTTPS-In)"),
            (
                "Desc",
                "Inbound rule for Windows Remote Management via WS-Management. [TCP 5986]"
            ),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness: truncated, bit-flipped and random input never panics.

/// The three damaged versions of `seed` a case feeds to a parser.
fn damaged(seed: &[u8], cut: usize, flips: &[(usize, u8)], random: &[u8]) -> [Vec<u8>; 3] {
    let truncated = seed.get(..cut % (seed.len() + 1)).unwrap_or(seed).to_vec();
    let mut flipped = seed.to_vec();
    for &(at, bit) in flips {
        if let Some(b) = flipped.get_mut(at % seed.len().max(1)) {
            *b ^= 1 << (bit % 8);
        }
    }
    [truncated, flipped, random.to_vec()]
}

fn damage() -> impl Strategy<Value = (usize, Vec<(usize, u8)>, Vec<u8>)> {
    (
        any::<usize>(),
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..16),
        prop::collection::vec(any::<u8>(), 0..512),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn registry_pol_never_panics((cut, flips, random) in damage()) {
        let seed = fixture("troennes-highseccomputer-machine-registry.pol");
        let mut headed = b"PReg\x01\x00\x00\x00".to_vec();
        headed.extend(&random);
        for input in damaged(&seed, cut, &flips, &random).iter().chain([&headed]) {
            if let Ok(pol) = registry_pol::parse(input) {
                let _ = registry_pol::settings_from(&pol, Scope::Device, "f");
            }
        }
    }

    #[test]
    fn gpttmpl_never_panics((cut, flips, random) in damage()) {
        let seed = fixture("blumira-logmira-GptTmpl.inf");
        for input in damaged(&seed, cut, &flips, &random) {
            let _ = gpttmpl::read_settings(&decode_text(&input), "f");
            let _ = gpttmpl::read_settings(&String::from_utf8_lossy(&input), "f");
        }
    }

    #[test]
    fn audit_csv_never_panics((cut, flips, random) in damage()) {
        let seed = fixture("blumira-logmira-audit.csv");
        for input in damaged(&seed, cut, &flips, &random) {
            let _ = audit_csv::read_settings(&decode_text(&input), "f");
        }
    }

    #[test]
    fn ini_readers_never_panic((cut, flips, random) in damage()) {
        for seed in [fixture("synthetic-psscripts.ini"), fixture("synthetic-fdeploy1.ini")] {
            for input in damaged(&seed, cut, &flips, &random) {
                let text = decode_text(&input);
                let _ = ini::read_scripts(&text, Scope::User, true, "f");
                let _ = ini::read_folder_redirection(&text, "f");
            }
        }
    }
}
