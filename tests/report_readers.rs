//! GPMC / RSoP report and Group Policy Preferences readers, on the real corpus and on the fixtures
//! in `test-gpos/reports`.

mod common;

use std::path::{Path, PathBuf};

use gpa::input::{gpreport, preferences, text};
use gpa::model::{
    Gpo, Hive, PolicyState, PreferenceItem, PreferenceType, REDACTED, Scope, Setting, SettingId,
    SettingKind, SettingValue,
};
use proptest::prelude::*;

fn read(path: &Path) -> Result<Vec<Gpo>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    gpreport::parse(&text::decode_text(&bytes), &path.display().to_string())
}

fn read_one(path: &Path) -> Gpo {
    let mut gpos = read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(gpos.len(), 1, "{}", path.display());
    gpos.remove(0)
}

fn files_named(dir: &Path, wanted: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_named(&path, wanted, out);
        } else if wanted(&path) {
            out.push(path);
        }
    }
}

fn setting<'g>(gpo: &'g Gpo, id: &SettingId) -> &'g Setting {
    gpo.settings
        .iter()
        .find(|s| &s.id == id)
        .unwrap_or_else(|| panic!("{id:?} not in {}", gpo.display_name))
}

fn property<'p>(properties: &'p [gpa::model::Property], name: &str) -> &'p str {
    properties
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
        .unwrap_or_else(|| panic!("no property {name} in {properties:?}"))
}

fn preference(s: &Setting) -> &PreferenceItem {
    match &s.value {
        SettingValue::Preference(item) => item,
        other => panic!("not a preference: {other:?}"),
    }
}

/// Files that are known not to be readable, with the reason asserted. None so far: every report
/// in the corpus parses.
const BROKEN: &[(&str, &str)] = &[];

#[test]
fn every_corpus_report_parses() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut files = Vec::new();
    files_named(
        &corpus.join("gpo-reports"),
        &|p| p.extension().is_some_and(|e| e == "xml"),
        &mut files,
    );
    let reports = files.len();
    files_named(
        &corpus.join("gpo-backups"),
        &|p| {
            p.file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("gpreport.xml"))
        },
        &mut files,
    );
    assert_eq!(reports, 4);
    assert_eq!(
        files.len() - reports,
        140,
        "gpreport.xml files in gpo-backups"
    );

    let (mut gpos, mut settings, mut unsupported, mut notes) = (0, 0, 0, 0);
    let mut kinds = std::collections::BTreeMap::new();
    for path in &files {
        match read(path) {
            Ok(read) => {
                assert!(!read.is_empty());
                gpos += read.len();
                for gpo in &read {
                    settings += gpo.settings.len();
                    unsupported += gpo.unsupported_extensions.len();
                    if gpo
                        .notes
                        .iter()
                        .all(|n| !n.starts_with("read from an RSoP report"))
                    {
                        notes += gpo.notes.len();
                    }
                    for s in &gpo.settings {
                        *kinds.entry(s.kind).or_insert(0) += 1;
                    }
                }
            }
            Err(e) => {
                let name = path.display().to_string();
                let known = BROKEN.iter().find(|(file, _)| name.ends_with(file));
                assert_eq!(
                    known.map(|(_, reason)| *reason),
                    Some(e.as_str()),
                    "{name}: {e}"
                );
            }
        }
    }
    // The RSoP report splits into the 2 GPOs it attributes settings to; every other file is one GPO.
    assert_eq!(gpos, files.len() - 1 + 2);
    // Every extension namespace and every element in the corpus is one gpa reads: nothing is
    // reported unsupported and no element is left out with a note.
    assert_eq!(unsupported, 0);
    assert_eq!(notes, 0);
    assert_eq!(settings, 5262);
    assert_eq!(kinds[&SettingKind::AdmxPolicy], 3421);
    assert_eq!(kinds[&SettingKind::RegistryValue], 121);
    assert_eq!(kinds[&SettingKind::SecurityOption], 524);
    assert_eq!(kinds[&SettingKind::UserRight], 340);
    assert_eq!(kinds[&SettingKind::AccountPolicy], 80);
    assert_eq!(kinds[&SettingKind::AdvancedAudit], 336);
    assert_eq!(kinds[&SettingKind::FirewallRule], 16);
    assert_eq!(kinds[&SettingKind::FirewallProfile], 183);
    assert_eq!(kinds[&SettingKind::AppLockerRule], 91);
    assert_eq!(kinds[&SettingKind::Preference], 22);
}

#[test]
fn all_settings_report_values() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo = read_one(&corpus.join("gpo-reports/raandree-gporeport/AllSettings1.xml"));
    assert_eq!(gpo.display_name, "AllSettings1");
    assert_eq!(
        gpo.guid.as_deref(),
        Some("{C6B4CCE3-96D0-4F25-ACB0-6CE807301EDC}")
    );
    assert_eq!(gpo.domain.as_deref(), Some("contoso.com"));
    assert_eq!(gpo.created_time.as_deref(), Some("2025-10-31T10:19:48"));

    let download = setting(
        &gpo,
        &SettingId::ReportPolicy {
            category: "Windows Components/Delivery Optimization".into(),
            name: "Download Mode".into(),
        },
    );
    assert_eq!(download.kind, SettingKind::AdmxPolicy);
    assert_eq!(download.scope, Scope::Device);
    assert_eq!(
        download.category.as_deref(),
        Some("Windows Components/Delivery Optimization")
    );
    let SettingValue::Policy { state, parts } = &download.value else {
        panic!("not a policy")
    };
    assert_eq!(*state, PolicyState::Enabled);
    assert_eq!(parts[0].element, "DropDownList");
    assert_eq!(parts[0].label, "Download Mode:");
    assert_eq!(parts[0].value.as_deref(), Some("HTTP only (0)"));

    let apps = setting(
        &gpo,
        &SettingId::ReportPolicy {
            category: "Windows Components/Microsoft Defender Antivirus/Microsoft Defender Exploit Guard/Controlled Folder Access".into(),
            name: "Configure allowed applications".into(),
        },
    );
    let SettingValue::Policy { parts, .. } = &apps.value else {
        panic!("not a policy")
    };
    assert_eq!(parts[0].explicit_value, Some(true));
    assert_eq!(parts[0].items[1].name, "app2");
    assert_eq!(parts[0].items[1].data.as_deref(), Some("vscode"));

    let smb = setting(
        &gpo,
        &SettingId::Registry {
            hive: Hive::Hklm,
            key: "System\\CurrentControlSet\\Services\\LanManServer\\Parameters".into(),
            value_name: "SmbServerNameHardeningLevel".into(),
        },
    );
    assert_eq!(smb.kind, SettingKind::SecurityOption);
    assert_eq!(smb.value, SettingValue::Number { value: 1 });
    assert_eq!(
        smb.display_name.as_deref(),
        Some("Microsoft network server: Server SPN target name validation level")
    );
    assert_eq!(
        smb.display_value.as_deref(),
        Some("Accept if provided by client")
    );

    let kerberos = setting(
        &gpo,
        &SettingId::SecurityTemplate {
            section: "Kerberos Policy".into(),
            name: "MaxRenewAge".into(),
        },
    );
    assert_eq!(kerberos.kind, SettingKind::AccountPolicy);
    assert_eq!(kerberos.value, SettingValue::Number { value: 7 });

    let retention = setting(
        &gpo,
        &SettingId::SecurityTemplate {
            section: "Application Log".into(),
            name: "RetentionDays".into(),
        },
    );
    assert_eq!(retention.value, SettingValue::Number { value: 7 });
}

#[test]
fn all_preferences_report_has_every_type_and_no_password() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join("gpo-reports/raandree-gporeport/AllPreferences1.xml");
    let gpo = read_one(&path);
    let find = |t: PreferenceType, name: &str| -> &Setting {
        gpo.settings
            .iter()
            .find(|s| {
                matches!(&s.id, SettingId::Preference { preference_type, name: n, .. }
                    if *preference_type == t && n == name)
            })
            .unwrap_or_else(|| panic!("no {t:?} item {name}"))
    };
    use PreferenceType as T;
    let expected: [(T, &str, &str, &str); 14] = [
        (T::EnvironmentVariables, "Test", "value", "123"),
        (T::LocalUsersAndGroups, "DnsAdmins", "newName", "DnsAdmins2"),
        (
            T::Devices,
            "HID-compliant mouse",
            "deviceClass",
            "Mice and other pointing devices",
        ),
        (T::Folders, "DeployDebug", "path", "C:\\DeployDebug"),
        (T::NetworkShares, "TestShare1", "path", "C:\\TestShare1"),
        (
            T::Files,
            "WSManRegKey.reg",
            "targetPath",
            "C:\\DeployDebug\\WSManRegKey.reg",
        ),
        (T::DataSources, "DSN1", "driver", "SQL Server"),
        (T::IniFiles, "prop1", "section", "sec1"),
        (T::Services, "Audiosrv", "startupType", "MANUAL"),
        (T::FolderOptions, "txt", "fileExt", "txt"),
        (
            T::ScheduledTasks,
            "Test1",
            "appName",
            "C:\\Tools\\oscdimg.exe",
        ),
        (T::Registry, "LastId", "type", "REG_DWORD"),
        (T::Shortcuts, "", "targetPath", "C:\\DeployDebug"),
        (
            T::PowerOptions,
            "Power Options (Windows XP)",
            "closeLid",
            "STAND_BY",
        ),
    ];
    for (t, name, key, value) in expected {
        let s = find(t, name);
        assert_eq!(s.kind, SettingKind::Preference);
        assert_eq!(
            property(&preference(s).properties, key),
            value,
            "{t:?} {name}"
        );
    }
    let group = preference(find(T::LocalUsersAndGroups, "DnsAdmins"));
    assert_eq!(
        property(&group.details, "Members/Member@name"),
        "contoso\\a001406"
    );
    let folder = preference(find(T::Folders, "DeployDebug"));
    assert_eq!(folder.filters[0].filter, "FilterRunOnce");
    let power = preference(find(T::PowerOptions, "Power Options (Windows XP)"));
    assert_eq!(power.filters[0].filter, "FilterCollection");
    assert_eq!(power.filters[0].children.len(), 3);
    assert_eq!(power.filters[0].children[1].bool_op.as_deref(), Some("OR"));
    let task = preference(find(T::ScheduledTasks, "TestTask2"));
    assert_eq!(task.element, "TaskV2");
    assert_eq!(
        property(&task.details, "Task/Actions/Exec/Command"),
        "powershell.exe"
    );
    // The registry item two collections deep, and its uid.
    let last_id = find(T::Registry, "LastId");
    assert!(matches!(
        &last_id.id,
        SettingId::Preference { uid: None, .. }
    ));
    assert_eq!(
        property(&preference(last_id).properties, "key"),
        "SYSTEM\\HardwareConfig"
    );
    let registry_items = gpo
        .settings
        .iter()
        .filter(|s| {
            matches!(
                &s.id,
                SettingId::Preference {
                    preference_type: T::Registry,
                    ..
                }
            )
        })
        .count();
    assert_eq!(registry_items, 3);

    // Every cpassword is redacted. The file's only one (a data source) is empty, so the strong
    // check of the original values is on the synthetic fixture below.
    let raw = text::decode_text(&std::fs::read(&path).unwrap());
    let originals = cpassword_values(&raw);
    assert_eq!(originals, [""]);
    let json = serde_json::to_string(&gpo).unwrap();
    assert_eq!(json.matches(REDACTED).count(), originals.len());
    assert_eq!(
        property(
            &preference(find(T::DataSources, "DSN1")).properties,
            "cpassword"
        ),
        REDACTED
    );
}

/// The values of every `cpassword="…"` attribute in a document, in order.
fn cpassword_values(doc: &str) -> Vec<String> {
    doc.split("cpassword=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn rsop_report_attributes_settings_to_winning_gpos() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join(
        "gpo-reports/raandree-gporeport/Win11-24H2-MSFT-BaselineTest on Win11-24H2-MSFT-BaselineTest.xml",
    );
    let gpos = read(&path).unwrap();
    assert_eq!(gpos.len(), 2);
    assert!(
        gpos.iter().all(|g| g.guid.is_some()),
        "every RSoP setting names its GPO"
    );
    let camera_id = SettingId::ReportPolicy {
        category: "Control Panel/Personalization".into(),
        name: "Prevent enabling lock screen camera".into(),
    };
    let winner = gpos
        .iter()
        .find(|g| g.settings.iter().any(|s| s.id == camera_id))
        .unwrap();
    assert_eq!(
        winner.guid.as_deref(),
        Some("{08F4E747-3FEF-4E0A-94FB-7F35826CEE8C}")
    );
    assert_eq!(winner.display_name, "MSFT Windows 11 24H2 - Computer");
    assert_eq!(winner.domain.as_deref(), Some("Contoso.com"));
    assert!(
        winner.notes[0]
            .contains("RSoP report (PlanningData, Contoso.com/Test/Win11-24H2-MSFT-BaselineTest)")
    );
    let camera = setting(winner, &camera_id);
    assert_eq!(camera.scope, Scope::Device);
    assert!(matches!(
        camera.value,
        SettingValue::Policy {
            state: PolicyState::Enabled,
            ..
        }
    ));
    let firewall = setting(
        winner,
        &SettingId::FirewallSetting {
            profile: "Domain".into(),
            name: "DefaultInboundAction".into(),
        },
    );
    // `true` in the report is Block: the DWORD 1 registry.pol and the Firewall CSP hold.
    assert_eq!(firewall.value, SettingValue::Number { value: 1 });
    assert_eq!(firewall.display_value.as_deref(), Some("Block"));
    let user = gpos
        .iter()
        .find(|g| g.guid.as_deref() == Some("{6F45837C-5F64-4DF4-AC08-BD62E45CC9C1}"))
        .unwrap();
    assert_eq!(user.display_name, "MSFT Windows 11 24H2 - User");
    assert!(user.settings.iter().all(|s| s.scope == Scope::User));
    assert!(
        user.settings.iter().any(|s| s.display_name.as_deref()
            == Some("Turn off toast notifications on the lock screen"))
    );
}

#[test]
fn md102_lab_report_utf8_declaring_utf16() {
    let check = |gpo: &Gpo| {
        assert_eq!(gpo.display_name, "Windows Client Policy");
        let admx: Vec<&Setting> = gpo
            .settings
            .iter()
            .filter(|s| s.kind == SettingKind::AdmxPolicy)
            .collect();
        assert_eq!(admx.len(), 18);
        assert_eq!(admx.iter().filter(|s| s.scope == Scope::User).count(), 6);
        assert_eq!(
            gpo.settings
                .iter()
                .filter(|s| s.kind == SettingKind::SecurityOption)
                .count(),
            2
        );
        let updates = admx
            .iter()
            .find(|s| s.display_name.as_deref() == Some("Configure Automatic Updates"))
            .unwrap();
        let SettingValue::Policy { parts, .. } = &updates.value else {
            panic!("not a policy")
        };
        assert_eq!(
            parts[0].value.as_deref(),
            Some("3 - Auto download and notify for install")
        );
    };
    check(&read_one(
        &common::fixtures().join("reports/mslearn-md102-windows-client-policy.xml"),
    ));
    if let Some(corpus) = common::corpus() {
        check(&read_one(
            &corpus.join("gpo-reports/mslearn-md102/Windows Client Policy.xml"),
        ));
    }
}

fn backup_report(corpus: &Path, folder: &str) -> Gpo {
    read_one(
        &corpus
            .join("gpo-backups/t0x01-group-policy-objects/GPOs")
            .join(folder)
            .join("gpreport.xml"),
    )
}

#[test]
fn firewall_rule_from_t0x01_report() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo = backup_report(&corpus, "{6CFB8173-67B5-4E3D-81E0-502E87C42882}");
    let rule = setting(
        &gpo,
        &SettingId::FirewallRule {
            id: "Windows Remote Management (HTTPS-In)".into(),
        },
    );
    assert_eq!(rule.kind, SettingKind::FirewallRule);
    let SettingValue::Properties { properties } = &rule.value else {
        panic!("not properties")
    };
    assert_eq!(property(properties, "LPort"), "5986");
    assert_eq!(property(properties, "Action"), "Block");
    let profiles: Vec<&str> = properties
        .iter()
        .filter(|p| p.name == "Profile")
        .map(|p| p.value.as_str())
        .collect();
    assert_eq!(profiles, ["Domain", "Private"]);
}

#[test]
fn links_and_wmi_filter_from_t0x01_report() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let gpo = backup_report(&corpus, "{11487784-8A54-41BA-99B2-F580F704F987}");
    assert_eq!(gpo.display_name, "Windows Event Forwarding");
    assert_eq!(gpo.links.len(), 3);
    assert_eq!(gpo.links[0].som_name, "Member Servers");
    assert_eq!(
        gpo.links[0].som_path,
        "SECURITY.LOCAL/Enterprise/Assets and Enterprise Management/Member Servers"
    );
    assert!(gpo.links[0].enabled && !gpo.links[0].no_override);
    let filtered = backup_report(&corpus, "{6298CAE4-434F-4BF9-9CC1-C416779372EF}");
    assert_eq!(filtered.wmi_filter.as_deref(), Some("Windows Server 2022"));
}

#[test]
fn public_key_thumbprint_from_certificate_blob() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join("gpo-backups/nsacyber-windows-secure-host-baseline");
    let mut files = Vec::new();
    files_named(
        &path,
        &|p| p.ends_with("{D1DE50B0-DF95-405B-B2DA-6C16CBB6BF54}/gpreport.xml"),
        &mut files,
    );
    let gpo = read_one(&files[0]);
    let cert = gpo
        .settings
        .iter()
        .find(|s| s.display_name.as_deref() == Some("DOD ID SW CA-35"))
        .unwrap();
    assert_eq!(
        cert.id,
        SettingId::Certificate {
            store: "IntermediateCACertificate".into(),
            id: "03611D56F253D39FDB51E192054FA8CE3006A844".into()
        }
    );
}

#[test]
fn backup_preferences_file() {
    let check_services = |corpus: &Path| {
        let path = corpus.join("gpo-backups/t0x01-group-policy-objects/GPOs/{11487784-8A54-41BA-99B2-F580F704F987}/DomainSysvol/GPO/Machine/Preferences/Services/Services.xml");
        let raw = text::decode_text(&std::fs::read(&path).unwrap());
        let settings = preferences::read_settings(&raw, Scope::Device, "Services.xml").unwrap();
        assert_eq!(settings.len(), 1);
        assert_eq!(
            settings[0].id,
            SettingId::Preference {
                preference_type: PreferenceType::Services,
                uid: Some("{C2499D13-153E-4A1C-93B5-1BC2218FE81C}".into()),
                name: "WinRM".into()
            }
        );
        let item = preference(&settings[0]);
        assert_eq!(item.element, "NTService");
        assert_eq!(property(&item.properties, "startupType"), "AUTODELAYED");
        assert_eq!(property(&item.properties, "restartServiceDelay"), "60000");
        assert_eq!(property(&item.details, "@userContext"), "0");
    };
    let fixture = common::fixtures().join("reports/simeononsecurity-ScheduledTasks.xml");
    let raw = text::decode_text(&std::fs::read(fixture).unwrap());
    let settings = preferences::read_settings(&raw, Scope::Device, "ScheduledTasks.xml").unwrap();
    assert_eq!(settings.len(), 1);
    let task = preference(&settings[0]);
    assert_eq!(settings[0].display_name.as_deref(), Some("Run Updates"));
    assert_eq!(task.action.as_deref(), Some("C"));
    assert_eq!(property(&task.properties, "appName"), "powershell.exe");
    assert_eq!(property(&task.details, "Triggers/Trigger@type"), "WEEKLY");
    assert_eq!(property(&task.details, "Triggers/Trigger@days"), "69");
    if let Some(corpus) = common::corpus() {
        check_services(&corpus);
    }
}

#[test]
fn report_and_preferences_file_give_the_same_setting() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let folder = "{11487784-8A54-41BA-99B2-F580F704F987}";
    let report = backup_report(&corpus, folder);
    let path = corpus
        .join("gpo-backups/t0x01-group-policy-objects/GPOs")
        .join(folder)
        .join("DomainSysvol/GPO/Machine/Preferences/Services/Services.xml");
    let raw = text::decode_text(&std::fs::read(&path).unwrap());
    let from_file = preferences::read_settings(&raw, Scope::Device, "f").unwrap();
    let from_report: Vec<&Setting> = report
        .settings
        .iter()
        .filter(|s| s.kind == SettingKind::Preference)
        .collect();
    assert_eq!(from_report.len(), 1);
    assert_eq!(from_report[0].id, from_file[0].id);
    assert_eq!(from_report[0].value, from_file[0].value);
}

#[test]
fn synthetic_gpp_report_redacts_every_cpassword() {
    let path = common::fixtures().join("reports/synthetic-gpp-cpassword.xml");
    let gpo = read_one(&path);
    assert_eq!(
        gpo.guid.as_deref(),
        Some("{5D3C1E2F-0000-4000-8000-00000000A001}")
    );
    assert_eq!(gpo.links[0].som_path, "example.test/Workstations");
    assert_eq!(gpo.settings.len(), 4);
    let raw = text::decode_text(&std::fs::read(&path).unwrap());
    let originals = cpassword_values(&raw);
    assert_eq!(originals.len(), 3);
    let json = serde_json::to_string(&gpo).unwrap();
    for original in &originals {
        assert!(
            !original.is_empty() && !json.contains(original.as_str()),
            "{original} leaked"
        );
    }
    assert_eq!(json.matches(REDACTED).count(), 3);
    let drive = gpo
        .settings
        .iter()
        .find(|s| {
            matches!(
                &s.id,
                SettingId::Preference {
                    preference_type: PreferenceType::DriveMaps,
                    ..
                }
            )
        })
        .unwrap();
    assert_eq!(drive.scope, Scope::User);
    assert_eq!(
        property(&preference(drive).properties, "path"),
        "\\\\files.example.test\\shared"
    );
    assert_eq!(preference(drive).filters[0].filter, "FilterGroup");
    let printer = gpo
        .settings
        .iter()
        .find(|s| {
            matches!(
                &s.id,
                SettingId::Preference {
                    preference_type: PreferenceType::Printers,
                    ..
                }
            )
        })
        .unwrap();
    assert_eq!(preference(printer).element, "SharedPrinter");
}

#[test]
fn synthetic_unknown_extension_and_error() {
    let gpo = read_one(&common::fixtures().join("reports/synthetic-unknown-and-error.xml"));
    assert!(!gpo.user_enabled);
    assert_eq!(gpo.unsupported_extensions.len(), 1);
    let unknown = &gpo.unsupported_extensions[0];
    assert_eq!(unknown.scope, Scope::Device);
    assert_eq!(
        unknown.namespace.as_deref(),
        Some("http://www.microsoft.com/GroupPolicy/Settings/eqos")
    );
    assert_eq!(unknown.type_name.as_deref(), Some("QosSettings"));
    assert_eq!(unknown.name.as_deref(), Some("Policy-based QoS"));
    assert_eq!(gpo.notes.len(), 1);
    assert!(gpo.notes[0].starts_with("Computer extension 'Registry': GPMC reported an error"));
    assert!(gpo.notes[0].contains("already defined as the target namespace"));
    // Nothing is invented for the unknown extension: only Scripts and Folder Redirection settings.
    let kinds: Vec<SettingKind> = gpo.settings.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SettingKind::Script, SettingKind::FolderRedirection]);
    assert_eq!(
        gpo.settings[0].id,
        SettingId::Script {
            trigger: "Startup".into(),
            order: 0
        }
    );
    assert_eq!(
        gpo.settings[1].id,
        SettingId::KnownFolder {
            id: "{FDD39AD0-238F-46AF-ADB4-6C85480369C7}".into()
        }
    );
}

fn fixture_bytes() -> Vec<Vec<u8>> {
    [
        "synthetic-gpp-cpassword.xml",
        "synthetic-unknown-and-error.xml",
        "mslearn-md102-windows-client-policy.xml",
    ]
    .iter()
    .map(|f| std::fs::read(common::fixtures().join("reports").join(f)).unwrap())
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn truncated_or_bit_flipped_reports_never_panic(
        which in 0usize..3,
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..8),
    ) {
        let mut bytes = fixture_bytes().swap_remove(which);
        for (at, bit) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let text = text::decode_text(&bytes);
        let _ = gpreport::parse(&text, "fuzz.xml");
        let _ = preferences::read_settings(&text, Scope::Device, "fuzz.xml");
    }

    #[test]
    fn random_text_never_panics(doc in "(<[A-Za-z:]{1,6}( [a-z:]{1,5}=\"[^\"<]{0,5}\")?/?>|</[A-Za-z:]{1,6}>|[^<]{0,8}){0,40}") {
        let _ = gpreport::parse(&doc, "random.xml");
        let _ = preferences::read_settings(&doc, Scope::User, "random.xml");
    }
}

/// Every Preferences file in the corpus backups gives the settings that the backup's own
/// gpreport.xml gives for that preference type and scope: same identities, properties, targeting
/// and state. Nested task XML is the one place they differ: GPMC writes the task's elements in
/// schema order rather than file order, and leaves out the `Actions@Context` attribute.
#[test]
fn every_backup_preferences_file_matches_its_report() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut files = Vec::new();
    files_named(
        &corpus.join("gpo-backups"),
        &|p| {
            p.extension().is_some_and(|e| e == "xml")
                && p.components().any(|c| c.as_os_str() == "Preferences")
        },
        &mut files,
    );
    assert_eq!(files.len(), 5);
    let mut only_in_files = Vec::new();
    for path in files {
        let text_of = |p: &Path| text::decode_text(&std::fs::read(p).unwrap());
        let scope = if path.components().any(|c| c.as_os_str() == "User") {
            Scope::User
        } else {
            Scope::Device
        };
        let from_file = preferences::read_settings(&text_of(&path), scope, "f").unwrap();
        assert!(!from_file.is_empty(), "{}", path.display());
        let backup = path
            .ancestors()
            .find(|a| a.join("gpreport.xml").is_file())
            .unwrap();
        let report = read_one(&backup.join("gpreport.xml"));
        let preference_type = |s: &Setting| match &s.id {
            SettingId::Preference {
                preference_type, ..
            } => Some(*preference_type),
            _ => None,
        };
        let wanted = preference_type(&from_file[0]);
        let from_report: Vec<&Setting> = report
            .settings
            .iter()
            .filter(|s| s.scope == scope && preference_type(s) == wanted)
            .collect();
        assert_eq!(from_report.len(), from_file.len(), "{}", path.display());
        for (r, f) in from_report.iter().zip(&from_file) {
            assert_eq!(r.id, f.id);
            let (r, f) = (preference(r), preference(f));
            assert_eq!(
                (
                    &r.element,
                    &r.clsid,
                    &r.action,
                    r.disabled,
                    &r.properties,
                    &r.filters
                ),
                (
                    &f.element,
                    &f.clsid,
                    &f.action,
                    f.disabled,
                    &f.properties,
                    &f.filters
                ),
                "{}",
                path.display()
            );
            let mut file_details: Vec<(String, String)> = f
                .details
                .iter()
                .map(|d| (d.name.clone(), d.value.clone()))
                .collect();
            for d in &r.details {
                let at = file_details
                    .iter()
                    .position(|(n, v)| *n == d.name && *v == d.value)
                    .unwrap_or_else(|| panic!("{} only in the report: {d:?}", path.display()));
                file_details.remove(at);
            }
            only_in_files.extend(file_details);
        }
    }
    assert_eq!(
        only_in_files,
        [("Task/Actions@Context".to_string(), "Author".to_string())]
    );
}
