//! Reconciliation of a backup's raw files with its gpreport.xml.
//!
//! The raw files are what a client applies, so they give the values. The report adds what raw
//! files lack (display names, categories, links, times) and is checked against them: a value that
//! differs, or a setting found on one side only, becomes a [`Discrepancy`].
//!
//! Only settings whose raw reader and report reader produce the same kind of identity are compared
//! (security template keys, audit subcategories, preferences, scripts, folder redirection, the
//! report's extra registry values, firewall rules by name). ADMX policies are kept apart in
//! `report_policies`: they meet registry.pol through the ADMX catalog later. Other report settings
//! (firewall profiles, AppLocker, public key, NRPT, software installation…) name things that raw
//! files keep in registry.pol under registry identities; they are kept from the report as they are.

use std::collections::BTreeMap;

use crate::inventory::{kind_text, value_text};
use crate::model::{
    Discrepancy, Gpo, Principal, Property, RegistryData, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue,
};

use super::xml;

/// The groups of settings that one raw file (or kind of file) holds, per scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// GptTmpl.inf.
    Security,
    /// audit.csv.
    Audit,
    /// registry.pol of one half.
    Registry(Scope),
    /// Preferences XML of one half.
    Preferences(Scope),
    /// scripts.ini / psscripts.ini of one half.
    Scripts(Scope),
    /// fdeploy*.ini.
    FolderRedirection,
}

/// Whether the raw files of a family could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyStatus {
    Read,
    /// At least one file of the family could not be read (the error is reported elsewhere).
    Failed,
    /// A file of the family was read only in part: the index of its record in the GPO's `damage`.
    Damaged(usize),
}

/// An `ExtensionData` of a report that holds `<Error>` instead of settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionError {
    pub scope: Scope,
    pub extension: String,
    pub description: String,
}

/// The family a setting belongs to when raw files and reports can be compared on it.
fn family(setting: &Setting) -> Option<Family> {
    use SettingKind::*;
    match setting.kind {
        AccountPolicy | SecurityOption | UserRight | LegacyAudit | EventLog | RestrictedGroup
        | Service | RegistryPermission | FilePermission => Some(Family::Security),
        AdvancedAudit | AuditOption => Some(Family::Audit),
        RegistryValue | FirewallRule => Some(Family::Registry(setting.scope)),
        Preference => Some(Family::Preferences(setting.scope)),
        Script => Some(Family::Scripts(setting.scope)),
        FolderRedirection => Some(Family::FolderRedirection),
        _ => None,
    }
}

/// The family of a raw file's settings, whatever kinds it holds (registry.pol also yields firewall,
/// AppLocker and certificate settings).
pub fn family_of_raw(setting: &Setting) -> Option<Family> {
    match setting.id {
        SettingId::Registry { .. }
            if matches!(
                setting.kind,
                SettingKind::FirewallProfile
                    | SettingKind::AppLockerRule
                    | SettingKind::Certificate
            ) =>
        {
            Some(Family::Registry(setting.scope))
        }
        _ => family(setting),
    }
}

/// Lookup keys of a setting: normalised identities (ASCII lower case). A group is found by SID or
/// by name; a raw firewall rule also by its rule name, which is all a report gives.
fn keys(setting: &Setting, raw: bool) -> Vec<SettingId> {
    let id = setting.id.case_folded();
    match (&id, setting.kind) {
        (SettingId::Group { sid, name }, _) => {
            let mut keys = Vec::new();
            if let Some(sid) = sid {
                keys.push(SettingId::Group {
                    sid: Some(sid.clone()),
                    name: None,
                });
            }
            if let Some(name) = name {
                keys.push(SettingId::Group {
                    sid: None,
                    name: Some(name.clone()),
                });
            }
            keys
        }
        (SettingId::Registry { .. }, SettingKind::FirewallRule) if raw => {
            match firewall_rule_name(setting) {
                Some(name) => vec![SettingId::FirewallRule {
                    id: name.to_ascii_lowercase(),
                }],
                None => Vec::new(),
            }
        }
        // A report names a rule but gives no rule id: its identity is the name.
        (SettingId::FirewallRule { id: name }, _) if !raw => {
            let mut keys = vec![SettingId::FirewallRule { id: name.clone() }];
            if let Some(display) = &setting.display_name {
                let display = SettingId::FirewallRule {
                    id: display.to_ascii_lowercase(),
                };
                if !keys.contains(&display) {
                    keys.push(display);
                }
            }
            keys
        }
        _ => vec![id],
    }
}

/// A raw firewall rule's name: its display name, else the `Name=` field of the rule string.
fn firewall_rule_name(setting: &Setting) -> Option<String> {
    if let Some(name) = &setting.display_name {
        return Some(name.clone());
    }
    let SettingValue::Registry(instruction) = &setting.value else {
        return None;
    };
    let crate::model::RegistryData::String(rule) = &instruction.data else {
        return None;
    };
    rule.split('|')
        .find_map(|field| field.strip_prefix("Name="))
        .map(str::to_string)
}

/// Merges what `report` (the GPO's gpreport.xml, already parsed) says into `gpo` (read from the
/// raw files and the backup metadata). `families` says which raw families were read or failed; a
/// family that is absent had no raw file.
pub fn reconcile(
    gpo: &mut Gpo,
    report: Gpo,
    report_file: &str,
    families: &BTreeMap<Family, FamilyStatus>,
    extension_errors: &[ExtensionError],
    halves_known: bool,
) {
    merge_metadata(gpo, &report, report_file, halves_known);
    gpo.unsupported_extensions
        .extend(report.unsupported_extensions);
    gpo.notes.extend(
        report
            .notes
            .into_iter()
            .map(|n| format!("{report_file}: {n}")),
    );
    let errored_scopes: Vec<Scope> = extension_errors.iter().map(|e| e.scope).collect();
    for e in extension_errors {
        gpo.notes.push(format!(
            "{report_file} holds an error for the {} extension ({}): {}; the raw files \
             (registry.pol for Administrative Templates) are the truth for this half",
            e.extension,
            crate::inventory::scope_text(e.scope),
            if e.description.is_empty() {
                "no description"
            } else {
                &e.description
            }
        ));
    }

    let mut index: BTreeMap<(Family, Scope, SettingId), Vec<usize>> = BTreeMap::new();
    for (i, s) in gpo.settings.iter().enumerate() {
        if let Some(f) = family_of_raw(s) {
            for k in keys(s, true) {
                index.entry((f, s.scope, k)).or_default().push(i);
            }
        }
    }
    let mut matched = vec![false; gpo.settings.len()];
    let mut kept_from_report: Vec<Setting> = Vec::new();
    let mut kept_uncompared: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept_fallback: BTreeMap<String, usize> = BTreeMap::new();

    for r in report.settings {
        if r.kind == SettingKind::AdmxPolicy {
            // When this half's registry.pol could not be read, or only in part, the report's
            // policies also stand in for it among the settings, so that what the file lost is
            // still reported; matching drops those that registry evidence recovered after all
            // (`admx_state`: registry evidence decides).
            let status = families.get(&Family::Registry(r.scope));
            if matches!(
                status,
                Some(FamilyStatus::Failed | FamilyStatus::Damaged(_))
            ) {
                *kept_fallback.entry(kind_text(r.kind)).or_default() += 1;
                kept_from_report.push(r.clone());
            }
            gpo.report_policies.push(r);
            continue;
        }
        let Some(f) = family(&r) else {
            *kept_uncompared.entry(kind_text(r.kind)).or_default() += 1;
            kept_from_report.push(r);
            continue;
        };
        let candidates: Vec<usize> = keys(&r, false)
            .into_iter()
            .filter_map(|k| index.get(&(f, r.scope, k)))
            .flatten()
            .copied()
            .collect();
        let target = candidates
            .iter()
            .copied()
            .find(|&i| !matched.get(i).copied().unwrap_or(true))
            .or_else(|| candidates.first().copied());
        match target {
            Some(i) => {
                if let Some(m) = matched.get_mut(i) {
                    *m = true;
                }
                if let Some(raw) = gpo.settings.get_mut(i) {
                    let differs = compare_values(&raw.value, &r.value);
                    let agree = differs.is_none();
                    if let Some(detail) = differs {
                        gpo.discrepancies.push(Discrepancy {
                            scope: raw.scope,
                            id: raw.id.clone(),
                            detail,
                        });
                    }
                    copy_report_fields(raw, r, agree);
                }
            }
            None if families.get(&f) == Some(&FamilyStatus::Failed) => {
                *kept_fallback.entry(kind_text(r.kind)).or_default() += 1;
                kept_from_report.push(r);
            }
            // The damaged file lost it: name it on the damage record, and keep the report's
            // setting so the GPO still has it.
            None if let Some(FamilyStatus::Damaged(i)) = families.get(&f)
                && let Some(damage) = gpo.damage.get_mut(*i) =>
            {
                damage.lost_per_report.push(match &r.display_name {
                    Some(name) => name.clone(),
                    None => crate::inventory::identity_text(&r.id),
                });
                *kept_fallback.entry(kind_text(r.kind)).or_default() += 1;
                kept_from_report.push(r);
            }
            None => gpo.discrepancies.push(Discrepancy {
                scope: r.scope,
                detail: match &r.display_name {
                    Some(name) => format!("only in {report_file} (\"{name}\")"),
                    None => format!("only in {report_file}"),
                },
                id: r.id,
            }),
        }
    }

    for (i, s) in gpo.settings.iter().enumerate() {
        if matched.get(i).copied().unwrap_or(true) || errored_scopes.contains(&s.scope) {
            continue;
        }
        let flag = match family_of_raw(s) {
            // Most registry.pol values belong to ADMX policies, which the report lists apart.
            Some(Family::Registry(_)) => s.kind == SettingKind::FirewallRule,
            Some(_) => true,
            None => false,
        };
        if flag {
            gpo.discrepancies.push(Discrepancy {
                scope: s.scope,
                id: s.id.clone(),
                detail: format!("only in raw files ({})", s.source.file),
            });
        }
    }

    if !kept_uncompared.is_empty() {
        gpo.notes.push(format!(
            "kept from {report_file}, not compared with raw files (which hold them under registry \
             identities or not at all): {}",
            counts_text(&kept_uncompared)
        ));
    }
    if !kept_fallback.is_empty() {
        gpo.notes.push(format!(
            "taken from {report_file} because their raw file could not be read whole: {}",
            counts_text(&kept_fallback)
        ));
    }
    gpo.settings.extend(kept_from_report);
}

fn counts_text(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report's names for a raw setting, and its words for the value when the two sources hold
/// the same value. When they differ, the raw value stands (it is what the client applies) and the
/// report's words, which describe the other value, are not shown as if they were its.
fn copy_report_fields(raw: &mut Setting, report: Setting, values_agree: bool) {
    let raw_text = value_text(&raw.value);
    let report_text = value_text(&report.value);
    if report.display_name.is_some() {
        raw.display_name = report.display_name;
    }
    if report.category.is_some() {
        raw.category = report.category;
    }
    if !values_agree {
        return;
    }
    if report.display_value.is_some() {
        raw.display_value = report.display_value;
    } else if report_text != raw_text && !report_text.is_empty() {
        raw.display_value = Some(report_text);
    }
}

fn merge_metadata(gpo: &mut Gpo, report: &Gpo, report_file: &str, halves_known: bool) {
    gpo.created_time = gpo.created_time.take().or(report.created_time.clone());
    gpo.modified_time = gpo.modified_time.take().or(report.modified_time.clone());
    if gpo.links.is_empty() {
        gpo.links = report.links.clone();
    }
    if gpo.wmi_filter.is_none() {
        gpo.wmi_filter = report.wmi_filter.clone();
    }
    match (&gpo.guid, &report.guid) {
        (None, Some(g)) => gpo.guid = Some(g.to_ascii_uppercase()),
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => gpo.notes.push(format!(
            "{report_file} describes GPO {b}, the backup GPO {a}; the backup's GUID is kept"
        )),
        _ => {}
    }
    if gpo.domain.is_none() {
        gpo.domain = report.domain.clone();
    }
    let report_name = report.display_name.trim();
    if gpo.display_name.trim().is_empty() {
        gpo.display_name = report_name.to_string();
    } else if !report_name.is_empty() && report_name != gpo.display_name.trim() {
        gpo.notes.push(format!(
            "{report_file} names the GPO \"{report_name}\"; the backup's name is kept"
        ));
    }
    if !halves_known {
        gpo.computer_enabled = report.computer_enabled;
        gpo.user_enabled = report.user_enabled;
    } else {
        for (half, backup, rep) in [
            ("computer", gpo.computer_enabled, report.computer_enabled),
            ("user", gpo.user_enabled, report.user_enabled),
        ] {
            if backup != rep {
                gpo.notes.push(format!(
                    "{report_file} says the {half} half is {}, Backup.xml says {}; Backup.xml is kept",
                    enabled_text(rep),
                    enabled_text(backup)
                ));
            }
        }
    }
}

fn enabled_text(b: bool) -> &'static str {
    if b { "enabled" } else { "disabled" }
}

/// Why two values of the same setting differ, or None when they agree or cannot be compared (one
/// side in a form the other has no counterpart for).
pub fn compare_values(raw: &SettingValue, report: &SettingValue) -> Option<String> {
    match (raw, report) {
        (SettingValue::Principals { members: a }, SettingValue::Principals { members: b }) => {
            differ_principals("accounts", a, b)
        }
        (
            SettingValue::GroupMembership {
                members: a,
                member_of: ao,
            },
            SettingValue::GroupMembership {
                members: b,
                member_of: bo,
            },
        ) => differ_principals("members", a, b).or_else(|| differ_principals("member of", ao, bo)),
        (
            SettingValue::Audit {
                success: s1,
                failure: f1,
                ..
            },
            SettingValue::Audit {
                success: s2,
                failure: f2,
                ..
            },
        ) => (s1 != s2 || f1 != f2).then(|| differ(&value_text(raw), &value_text(report))),
        (SettingValue::Preference(a), SettingValue::Preference(b)) => {
            if let (Some(x), Some(y)) = (&a.action, &b.action)
                && !x.eq_ignore_ascii_case(y)
            {
                return Some(format!("action differs: raw {x}, report {y}"));
            }
            if a.disabled != b.disabled {
                return Some(format!(
                    "item disabled differs: raw {}, report {}",
                    a.disabled, b.disabled
                ));
            }
            differ_properties(&a.properties, &b.properties)
        }
        (
            SettingValue::Properties { properties: a },
            SettingValue::Properties { properties: b },
        ) => differ_properties(a, b),
        _ => {
            let (a, b) = (scalar_text(raw)?, scalar_text(report)?);
            if let (Some(x), Some(y)) = (scalar_number(raw), scalar_number(report))
                && x as u32 == y as u32
            {
                return None;
            }
            (!a.trim().eq_ignore_ascii_case(b.trim())).then(|| differ(&a, &b))
        }
    }
}

fn differ(raw: &str, report: &str) -> String {
    format!("value differs: raw {raw}, report {report}")
}

/// A single value as comparable text; None for values that are not one scalar.
fn scalar_text(value: &SettingValue) -> Option<String> {
    match value {
        SettingValue::Registry(i) => match i.op {
            RegistryOp::Set | RegistryOp::SoftSet => Some(i.data.display()),
            _ => None,
        },
        SettingValue::Number { value } => Some(value.to_string()),
        SettingValue::Text { value } => Some(value.clone()),
        SettingValue::Boolean { value } => Some(if *value { "1" } else { "0" }.to_string()),
        SettingValue::TextList { values } => Some(values.join("; ")),
        _ => None,
    }
}

/// A single value as a number, when it is one. GPMC renders 32-bit data unsigned
/// (`LockoutDuration = -1` shows as 4294967295) and one-byte binary options as decimals, so
/// numbers are compared as the 32-bit data they are stored as.
fn scalar_number(value: &SettingValue) -> Option<i64> {
    match value {
        SettingValue::Registry(i) => match &i.data {
            RegistryData::Dword(n) | RegistryData::DwordBigEndian(n) => Some(i64::from(*n)),
            RegistryData::Binary(hex) if !hex.is_empty() && hex.len() <= 8 => {
                i64::from_str_radix(hex, 16).ok()
            }
            RegistryData::String(s) => s.trim().parse().ok(),
            _ => None,
        },
        SettingValue::Number { value } => Some(*value),
        SettingValue::Text { value } => value.trim().parse().ok(),
        _ => None,
    }
}

fn same_principal(a: &Principal, b: &Principal) -> bool {
    let eq = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => Some(
            x.trim_start_matches('*')
                .eq_ignore_ascii_case(y.trim_start_matches('*')),
        ),
        _ => None,
    };
    eq(&a.sid, &b.sid)
        .or_else(|| eq(&a.name, &b.name))
        .unwrap_or(false)
}

fn differ_principals(what: &str, raw: &[Principal], report: &[Principal]) -> Option<String> {
    let missing: Vec<String> = raw
        .iter()
        .filter(|a| !report.iter().any(|b| same_principal(a, b)))
        .map(principal_name)
        .collect();
    let extra: Vec<String> = report
        .iter()
        .filter(|b| !raw.iter().any(|a| same_principal(a, b)))
        .map(principal_name)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("only in raw: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("only in report: {}", extra.join(", ")));
    }
    Some(format!("{what} differ: {}", parts.join("; ")))
}

fn principal_name(p: &Principal) -> String {
    p.name.clone().or_else(|| p.sid.clone()).unwrap_or_default()
}

/// Compares the properties both sides have (a report may show fewer or more attributes).
fn differ_properties(raw: &[Property], report: &[Property]) -> Option<String> {
    raw.iter().find_map(|a| {
        let b = report
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(&a.name))?;
        (a.value.trim() != b.value.trim()).then(|| {
            format!(
                "property {} differs: raw {}, report {}",
                a.name, a.value, b.value
            )
        })
    })
}

/// The `ExtensionData` elements of a report that hold `<Error>` instead of an extension, for every
/// `GPO` of the report. Reports without the word `Error` are not parsed again.
pub fn extension_errors(report_text: &str) -> Vec<ExtensionError> {
    if !report_text.contains("Error") {
        return Vec::new();
    }
    let Ok(root) = xml::parse(report_text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for gpo in root.descendants().into_iter().filter(|e| e.name == "GPO") {
        for (half, scope) in [("Computer", Scope::Device), ("User", Scope::User)] {
            let Some(half) = gpo.child(half) else {
                continue;
            };
            for data in half.children_named("ExtensionData") {
                if let Some(error) = data.child("Error") {
                    let description = error
                        .child_text("Description")
                        .filter(|d| !d.is_empty())
                        .or_else(|| error.child_text("Details"))
                        .unwrap_or_default();
                    out.push(ExtensionError {
                        scope,
                        extension: data.child_text("Name").unwrap_or("unnamed").to_string(),
                        description: description.to_string(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GpoLink, Hive, PreferenceItem, RegistryData, RegistryInstruction, Source};

    fn setting(kind: SettingKind, id: SettingId, value: SettingValue, file: &str) -> Setting {
        Setting::new(
            Scope::Device,
            kind,
            id,
            value,
            Source {
                file: file.into(),
                entry: None,
                line: None,
            },
        )
    }

    fn template(name: &str, n: i64, file: &str) -> Setting {
        setting(
            SettingKind::AccountPolicy,
            SettingId::SecurityTemplate {
                section: "System Access".into(),
                name: name.into(),
            },
            SettingValue::Number { value: n },
            file,
        )
    }

    fn families(f: &[(Family, FamilyStatus)]) -> BTreeMap<Family, FamilyStatus> {
        f.iter().copied().collect()
    }

    #[test]
    fn matched_setting_gets_report_names_and_differing_value_is_flagged() {
        let mut gpo = Gpo {
            display_name: "G".into(),
            computer_enabled: true,
            user_enabled: true,
            settings: vec![
                template("MinimumPasswordLength", 14, "GptTmpl.inf"),
                template("PasswordHistorySize", 24, "GptTmpl.inf"),
                template("LockoutBadCount", 10, "GptTmpl.inf"),
            ],
            ..Gpo::default()
        };
        let mut r1 = template("minimumpasswordlength", 14, "gpreport.xml");
        r1.display_name = Some("Minimum password length".into());
        r1.category = Some("Account Policies/Password Policy".into());
        let r2 = template("PasswordHistorySize", 12, "gpreport.xml");
        let mut r3 = template("MaximumPasswordAge", 60, "gpreport.xml");
        r3.display_name = Some("Maximum password age".into());
        let report = Gpo {
            display_name: "G".into(),
            created_time: Some("2021-03-01T10:00:00".into()),
            computer_enabled: true,
            user_enabled: true,
            links: vec![GpoLink {
                som_name: "Workstations".into(),
                som_path: "contoso.com/Workstations".into(),
                enabled: true,
                no_override: false,
            }],
            settings: vec![r1, r2, r3],
            ..Gpo::default()
        };
        reconcile(
            &mut gpo,
            report,
            "gpreport.xml",
            &families(&[(Family::Security, FamilyStatus::Read)]),
            &[],
            true,
        );
        assert_eq!(gpo.settings.len(), 3);
        assert_eq!(
            gpo.settings[0].display_name.as_deref(),
            Some("Minimum password length")
        );
        assert_eq!(
            gpo.settings[0].category.as_deref(),
            Some("Account Policies/Password Policy")
        );
        assert_eq!(gpo.created_time.as_deref(), Some("2021-03-01T10:00:00"));
        assert_eq!(gpo.links.len(), 1);
        let details: Vec<(String, String)> = gpo
            .discrepancies
            .iter()
            .map(|d| (crate::inventory::identity_text(&d.id), d.detail.clone()))
            .collect();
        assert_eq!(
            details,
            vec![
                (
                    "[System Access] PasswordHistorySize".to_string(),
                    "value differs: raw 24, report 12".to_string()
                ),
                (
                    "[System Access] MaximumPasswordAge".to_string(),
                    "only in gpreport.xml (\"Maximum password age\")".to_string()
                ),
                (
                    "[System Access] LockoutBadCount".to_string(),
                    "only in raw files (GptTmpl.inf)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn admx_policies_go_apart_and_registry_pol_values_are_not_flagged() {
        let raw = setting(
            SettingKind::RegistryValue,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: "Software\\Policies\\Microsoft\\Windows\\WinRM\\Client".into(),
                value_name: "AllowBasic".into(),
            },
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::Set,
                data: RegistryData::Dword(0),
            }),
            "registry.pol",
        );
        let policy = setting(
            SettingKind::AdmxPolicy,
            SettingId::ReportPolicy {
                category: "Windows Components/WinRM/Client".into(),
                name: "Allow Basic authentication".into(),
            },
            SettingValue::None,
            "gpreport.xml",
        );
        let mut gpo = Gpo {
            settings: vec![raw],
            ..Gpo::default()
        };
        let report = Gpo {
            settings: vec![policy],
            ..Gpo::default()
        };
        reconcile(
            &mut gpo,
            report,
            "gpreport.xml",
            &BTreeMap::new(),
            &[],
            true,
        );
        assert_eq!(gpo.report_policies.len(), 1);
        assert_eq!(gpo.settings.len(), 1);
        assert!(gpo.discrepancies.is_empty());
    }

    #[test]
    fn firewall_rules_meet_by_name() {
        let raw = setting(
            SettingKind::FirewallRule,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules".into(),
                value_name: "{1A2B}".into(),
            },
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::Set,
                data: RegistryData::String(
                    "v2.30|Action=Block|Active=TRUE|Dir=In|Name=Block SMB|".into(),
                ),
            }),
            "registry.pol",
        );
        let mut report_rule = setting(
            SettingKind::FirewallRule,
            SettingId::FirewallRule {
                id: "Block SMB".into(),
            },
            SettingValue::None,
            "gpreport.xml",
        );
        report_rule.display_name = Some("block smb".into());
        let mut gpo = Gpo {
            settings: vec![raw],
            ..Gpo::default()
        };
        reconcile(
            &mut gpo,
            Gpo {
                settings: vec![report_rule],
                ..Gpo::default()
            },
            "gpreport.xml",
            &families(&[(Family::Registry(Scope::Device), FamilyStatus::Read)]),
            &[],
            true,
        );
        assert!(gpo.discrepancies.is_empty(), "{:?}", gpo.discrepancies);
        assert_eq!(gpo.settings[0].display_name.as_deref(), Some("block smb"));
    }

    #[test]
    fn uncomparable_report_settings_are_kept_and_failed_families_fall_back() {
        let profile = setting(
            SettingKind::FirewallProfile,
            SettingId::FirewallSetting {
                profile: "Domain".into(),
                name: "EnableFirewall".into(),
            },
            SettingValue::Boolean { value: true },
            "gpreport.xml",
        );
        let mut gpo = Gpo::default();
        reconcile(
            &mut gpo,
            Gpo {
                settings: vec![
                    profile,
                    template("MinimumPasswordLength", 14, "gpreport.xml"),
                ],
                ..Gpo::default()
            },
            "gpreport.xml",
            &families(&[(Family::Security, FamilyStatus::Failed)]),
            &[],
            true,
        );
        assert_eq!(gpo.settings.len(), 2);
        assert!(gpo.discrepancies.is_empty());
        assert_eq!(gpo.notes.len(), 2, "{:?}", gpo.notes);
        assert!(gpo.notes[0].contains("firewall_profile 1"));
        assert!(gpo.notes[1].contains("could not be read whole: account_policy 1"));
    }

    #[test]
    fn extension_error_is_noted_and_raw_only_flags_are_suppressed() {
        let report = r#"<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings"><Computer><Enabled>true</Enabled>
            <ExtensionData><Error><Details>0x80070057</Details><Description>Namespace 'Microsoft.Policies.Foo' is already defined</Description></Error><Name>Registry</Name></ExtensionData>
            </Computer></GPO>"#;
        let errors = extension_errors(report);
        assert_eq!(
            errors,
            vec![ExtensionError {
                scope: Scope::Device,
                extension: "Registry".into(),
                description: "Namespace 'Microsoft.Policies.Foo' is already defined".into()
            }]
        );
        let mut gpo = Gpo {
            settings: vec![template("MinimumPasswordLength", 14, "GptTmpl.inf")],
            ..Gpo::default()
        };
        reconcile(
            &mut gpo,
            Gpo::default(),
            "gpreport.xml",
            &BTreeMap::new(),
            &errors,
            true,
        );
        assert!(gpo.discrepancies.is_empty());
        assert!(gpo.notes[0].contains("error for the Registry extension (device)"));
        assert!(gpo.notes[0].contains("registry.pol"));
    }

    #[test]
    fn metadata_disagreements_are_noted() {
        let mut gpo = Gpo {
            guid: Some("{A}".into()),
            display_name: "Backup name".into(),
            computer_enabled: true,
            user_enabled: false,
            ..Gpo::default()
        };
        let report = Gpo {
            guid: Some("{a}".into()),
            display_name: "Report name".into(),
            computer_enabled: true,
            user_enabled: true,
            ..Gpo::default()
        };
        reconcile(&mut gpo, report, "r.xml", &BTreeMap::new(), &[], true);
        assert_eq!(gpo.display_name, "Backup name");
        assert!(!gpo.user_enabled);
        assert_eq!(gpo.notes.len(), 2, "{:?}", gpo.notes);
        assert!(gpo.notes[1].contains("user half is enabled, Backup.xml says disabled"));
    }

    #[test]
    fn principals_compare_by_sid_then_name() {
        let p = |sid: Option<&str>, name: Option<&str>| Principal {
            sid: sid.map(str::to_string),
            name: name.map(str::to_string),
        };
        let raw = SettingValue::Principals {
            members: vec![p(Some("S-1-5-32-544"), None), p(None, Some("Guests"))],
        };
        let same = SettingValue::Principals {
            members: vec![
                p(Some("S-1-5-32-544"), Some("BUILTIN\\Administrators")),
                p(Some("S-1-5-32-546"), Some("guests")),
            ],
        };
        assert_eq!(compare_values(&raw, &same), None);
        let other = SettingValue::Principals {
            members: vec![p(Some("S-1-5-32-544"), None)],
        };
        assert_eq!(
            compare_values(&raw, &other).as_deref(),
            Some("accounts differ: only in raw: Guests")
        );
    }

    #[test]
    fn scalar_forms_compare_as_text() {
        let dword = SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::Set,
            data: RegistryData::Dword(1),
        });
        assert_eq!(
            compare_values(&dword, &SettingValue::Number { value: 1 }),
            None
        );
        assert_eq!(
            compare_values(&dword, &SettingValue::Boolean { value: true }),
            None
        );
        assert_eq!(
            compare_values(&dword, &SettingValue::Text { value: "0".into() }).as_deref(),
            Some("value differs: raw 1, report 0")
        );
        assert_eq!(compare_values(&dword, &SettingValue::None), None);
    }

    #[test]
    fn preference_items_compare_action_and_shared_properties() {
        let item = |action: &str, value: &str| {
            SettingValue::Preference(PreferenceItem {
                element: "Registry".into(),
                action: Some(action.into()),
                properties: vec![Property {
                    name: "value".into(),
                    value: value.into(),
                }],
                ..PreferenceItem::default()
            })
        };
        assert_eq!(compare_values(&item("U", "1"), &item("u", "1")), None);
        assert_eq!(
            compare_values(&item("U", "1"), &item("R", "1")).as_deref(),
            Some("action differs: raw U, report R")
        );
        assert_eq!(
            compare_values(&item("U", "1"), &item("U", "0")).as_deref(),
            Some("property value differs: raw 1, report 0")
        );
    }
}
