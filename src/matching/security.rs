//! The security stage: settings that MDM names only by English display names or not at all
//! (security options, account policies, user rights, advanced audit, service startup modes, and
//! the BitLocker, Windows LAPS and Windows Firewall profile registry values) matched to their CSP node through the
//! curated tables, by the language-independent key the GPO export carries.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::catalog::curated::{CuratedKey, CuratedLink, CuratedTable, Evidence};
use crate::model::{Gpo, Hive, Setting, SettingId, SettingKind};

/// Registry subtrees (hive-less HKLM keys) whose values the BitLocker, LAPS and Firewall tables
/// cover; only values at or below them are this stage's to match. Both FVE roots appear in the
/// BitLocker table.
const REGISTRY_ROOTS: [&str; 6] = [
    "Software\\Policies\\Microsoft\\FVE",
    "System\\CurrentControlSet\\Policies\\Microsoft\\FVE",
    "Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\LAPS",
    "Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile",
    "Software\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile",
    "Software\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile",
];

/// One curated row that covers one setting of the GPO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityMatch {
    /// Index of the setting in `gpo.settings`.
    pub setting: usize,
    /// The CSP node; None when the row says MDM has no node for this setting.
    pub csp_uri: Option<String>,
    pub definition_id: Option<String>,
    pub table: CuratedTable,
    pub evidence: Evidence,
    /// How the GPO value becomes the node value, as the table states it (not applied here).
    pub value_translation: String,
    pub gp_english_name: String,
    /// The row's own note, and whether the catalog lacks the row's definition.
    pub note: Option<String>,
}

/// What the stage found in one GPO, in setting index order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityMatches {
    /// One entry per (setting, covering row); a setting covered by several rows appears once
    /// per row.
    pub matches: Vec<SecurityMatch>,
    /// Indexes of settings of this stage's kinds that no curated row covers.
    pub uncovered: Vec<usize>,
}

/// Matches the GPO's security settings to the curated tables of `catalog`.
pub fn match_security_settings(gpo: &Gpo, catalog: &Catalog) -> SecurityMatches {
    let mut result = SecurityMatches::default();
    for (index, setting) in gpo.settings.iter().enumerate() {
        if !in_scope(setting) {
            continue;
        }
        let rows = curated_key(setting)
            .map(|key| catalog.curated_for(&key))
            .unwrap_or_default();
        if rows.is_empty() {
            result.uncovered.push(index);
            continue;
        }
        result.matches.extend(
            rows.into_iter()
                .map(|row| security_match(index, row, catalog)),
        );
    }
    result
}

/// Whether the setting is of a kind the curated tables are about, covered or not.
fn in_scope(setting: &Setting) -> bool {
    match setting.kind {
        SettingKind::SecurityOption
        | SettingKind::AccountPolicy
        | SettingKind::UserRight
        | SettingKind::AdvancedAudit
        | SettingKind::Service => true,
        SettingKind::RegistryValue | SettingKind::FirewallProfile => match &setting.id {
            SettingId::Registry {
                hive: Hive::Hklm,
                key,
                ..
            } => REGISTRY_ROOTS.iter().any(|root| is_at_or_below(key, root)),
            // The firewall table covers the three profiles, not the global settings.
            SettingId::FirewallSetting { profile, name } => {
                profile != "Global" && firewall_registry_value(profile, name).is_some()
            }
            _ => false,
        },
        _ => false,
    }
}

/// The registry.pol key and value behind a report's firewall profile setting
/// (`Domain`/`EnableFirewall` → `Software\Policies\Microsoft\WindowsFirewall\DomainProfile`,
/// `EnableFirewall`): GPMC names profile settings by their registry value names.
pub fn firewall_registry_value(profile: &str, name: &str) -> Option<(String, String)> {
    let root = "Software\\Policies\\Microsoft\\WindowsFirewall";
    let key = match profile {
        "Domain" => format!("{root}\\DomainProfile"),
        "Private" => format!("{root}\\PrivateProfile"),
        "Public" => format!("{root}\\PublicProfile"),
        "Global" => return Some((root.to_string(), name.to_string())),
        _ => return None,
    };
    // Logging settings live in the profile's Logging subkey.
    if name.starts_with("Log") {
        return Some((format!("{key}\\Logging"), name.to_string()));
    }
    Some((key, name.to_string()))
}

fn is_at_or_below(key: &str, root: &str) -> bool {
    match (key.get(..root.len()), key.get(root.len()..)) {
        (Some(head), Some(tail)) => {
            head.eq_ignore_ascii_case(root) && (tail.is_empty() || tail.starts_with('\\'))
        }
        _ => false,
    }
}

/// The curated key a setting is looked up by, when its identity has the shape its kind's table
/// is keyed on.
fn curated_key(setting: &Setting) -> Option<CuratedKey> {
    match (&setting.kind, &setting.id) {
        (
            SettingKind::SecurityOption | SettingKind::RegistryValue | SettingKind::FirewallProfile,
            SettingId::Registry {
                hive: Hive::Hklm,
                key,
                value_name,
            },
        ) => Some(CuratedKey::Registry {
            key: key.clone(),
            value_name: value_name.clone(),
        }),
        (
            SettingKind::SecurityOption | SettingKind::AccountPolicy,
            SettingId::SecurityTemplate { section, name },
        ) if section.eq_ignore_ascii_case("System Access")
            || section.eq_ignore_ascii_case("Kerberos Policy") =>
        {
            Some(CuratedKey::SecurityTemplate {
                section: section.clone(),
                name: name.clone(),
            })
        }
        (SettingKind::UserRight, SettingId::SecurityTemplate { section, name })
            if section.eq_ignore_ascii_case("Privilege Rights") =>
        {
            Some(CuratedKey::Privilege {
                constant: name.clone(),
            })
        }
        (SettingKind::FirewallProfile, SettingId::FirewallSetting { profile, name }) => {
            firewall_registry_value(profile, name)
                .map(|(key, value_name)| CuratedKey::Registry { key, value_name })
        }
        (SettingKind::Service, SettingId::Service { name }) => {
            Some(CuratedKey::Service { name: name.clone() })
        }
        (SettingKind::AdvancedAudit, SettingId::AuditSubcategory { guid }) => {
            Some(CuratedKey::AuditSubcategory { guid: guid.clone() })
        }
        _ => None,
    }
}

fn security_match(setting: usize, row: &CuratedLink, catalog: &Catalog) -> SecurityMatch {
    let mut notes = Vec::new();
    if !row.note.is_empty() {
        notes.push(row.note.clone());
    }
    if let Some(id) = &row.definition_id
        && catalog.definition(id).is_none()
    {
        notes.push(format!(
            "settings catalog definition `{id}` is not in this catalog"
        ));
    }
    SecurityMatch {
        setting,
        csp_uri: row.csp_uri.clone(),
        definition_id: row.definition_id.clone(),
        table: row.table,
        evidence: row.evidence,
        value_translation: row.value_translation.clone(),
        gp_english_name: row.gp_english_name.clone(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Principal, Scope, SettingValue, Source};

    fn setting(kind: SettingKind, id: SettingId) -> Setting {
        Setting::new(
            Scope::Device,
            kind,
            id,
            SettingValue::Number { value: 1 },
            Source::default(),
        )
    }

    fn registry(kind: SettingKind, key: &str, value_name: &str) -> Setting {
        setting(
            kind,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: key.into(),
                value_name: value_name.into(),
            },
        )
    }

    fn template(kind: SettingKind, section: &str, name: &str) -> Setting {
        setting(
            kind,
            SettingId::SecurityTemplate {
                section: section.into(),
                name: name.into(),
            },
        )
    }

    fn run(settings: Vec<Setting>) -> SecurityMatches {
        let gpo = Gpo {
            settings,
            ..Gpo::default()
        };
        match_security_settings(&gpo, Catalog::embedded().unwrap())
    }

    fn only_match(result: &SecurityMatches, setting: usize) -> &SecurityMatch {
        let found: Vec<_> = result
            .matches
            .iter()
            .filter(|m| m.setting == setting)
            .collect();
        assert_eq!(found.len(), 1, "{result:#?}");
        found[0]
    }

    const NO_LM_HASH_URI: &str = "./Device/Vendor/MSFT/Policy/Config/LocalPoliciesSecurityOptions/NetworkSecurity_DoNotStoreLANManagerHashValueOnNextPasswordChange";

    #[test]
    fn security_option_registry_value_maps_to_its_node_and_definition() {
        let result = run(vec![registry(
            SettingKind::SecurityOption,
            "System\\CurrentControlSet\\Control\\Lsa",
            "NoLMHash",
        )]);
        let m = only_match(&result, 0);
        assert_eq!(m.csp_uri.as_deref(), Some(NO_LM_HASH_URI));
        assert_eq!(
            m.definition_id.as_deref(),
            Some(
                "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange"
            )
        );
        assert_eq!(m.table, CuratedTable::SecurityOptions);
        let catalog = Catalog::embedded().unwrap();
        assert!(
            catalog
                .definition(m.definition_id.as_deref().unwrap())
                .is_some()
        );
        assert!(m.note.is_none() || !m.note.as_deref().unwrap().contains("not in this catalog"));
        assert!(result.uncovered.is_empty());
    }

    #[test]
    fn key_letter_case_does_not_matter() {
        let result = run(vec![registry(
            SettingKind::SecurityOption,
            "SYSTEM\\currentcontrolset\\CONTROL\\lsa",
            "nolmhash",
        )]);
        assert_eq!(
            only_match(&result, 0).csp_uri.as_deref(),
            Some(NO_LM_HASH_URI)
        );
    }

    #[test]
    fn user_right_maps_by_privilege_constant() {
        let mut right = template(
            SettingKind::UserRight,
            "Privilege Rights",
            "SeNetworkLogonRight",
        );
        right.value = SettingValue::Principals {
            members: vec![Principal {
                sid: Some("S-1-5-32-544".into()),
                name: None,
            }],
        };
        let result = run(vec![right]);
        let m = only_match(&result, 0);
        assert_eq!(
            m.csp_uri.as_deref(),
            Some("./Device/Vendor/MSFT/Policy/Config/UserRights/AccessFromNetwork")
        );
        assert_eq!(m.table, CuratedTable::UserRights);
    }

    #[test]
    fn audit_subcategory_maps_by_guid() {
        let result = run(vec![setting(
            SettingKind::AdvancedAudit,
            SettingId::AuditSubcategory {
                guid: "{0CCE923F-69AE-11D9-BED3-505054503030}".into(),
            },
        )]);
        let m = only_match(&result, 0);
        assert_eq!(
            m.csp_uri.as_deref(),
            Some("./Device/Vendor/MSFT/Policy/Config/Audit/AccountLogon_AuditCredentialValidation")
        );
        assert_eq!(m.table, CuratedTable::AuditSubcategories);
    }

    #[test]
    fn account_policy_maps_by_section_and_name() {
        let result = run(vec![template(
            SettingKind::AccountPolicy,
            "System Access",
            "AllowAdministratorLockout",
        )]);
        assert_eq!(
            only_match(&result, 0).csp_uri.as_deref(),
            Some("./Device/Vendor/MSFT/Policy/Config/DeviceLock/AllowAdministratorLockout")
        );
    }

    #[test]
    fn uncovered_settings_are_returned_and_unrelated_ones_ignored() {
        let result = run(vec![
            registry(
                SettingKind::SecurityOption,
                "System\\CurrentControlSet\\Control\\Lsa",
                "NoSuchValue",
            ),
            registry(
                SettingKind::RegistryValue,
                "Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU",
                "NoAutoUpdate",
            ),
            registry(
                SettingKind::RegistryValue,
                "Software\\Policies\\Microsoft\\FVE",
                "NoSuchValue",
            ),
            registry(
                SettingKind::RegistryValue,
                "Software\\Policies\\Microsoft\\FVEX",
                "EncryptionMethodWithXtsOs",
            ),
            template(SettingKind::UserRight, "Privilege Rights", "SeNoSuchRight"),
            template(SettingKind::EventLog, "Security Log", "MaximumLogSize"),
        ]);
        assert!(result.matches.is_empty(), "{result:#?}");
        assert_eq!(result.uncovered, vec![0, 2, 4]);
    }

    #[test]
    fn bitlocker_laps_and_firewall_values_match_and_keep_setting_order() {
        let result = run(vec![
            registry(
                SettingKind::FirewallProfile,
                "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile",
                "DefaultInboundAction",
            ),
            registry(
                SettingKind::RegistryValue,
                "SOFTWARE\\Policies\\Microsoft\\FVE",
                "EncryptionMethodWithXtsOs",
            ),
            registry(
                SettingKind::RegistryValue,
                "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\LAPS",
                "AdministratorAccountName",
            ),
        ]);
        let uris: Vec<_> = result
            .matches
            .iter()
            .map(|m| (m.setting, m.csp_uri.as_deref()))
            .collect();
        assert_eq!(
            uris,
            vec![
                (
                    0,
                    Some("./Vendor/MSFT/Firewall/MdmStore/DomainProfile/DefaultInboundAction")
                ),
                (
                    1,
                    Some("./Device/Vendor/MSFT/BitLocker/EncryptionMethodByDriveType")
                ),
                (
                    2,
                    Some("./Device/Vendor/MSFT/LAPS/Policies/AdministratorAccountName")
                ),
            ]
        );
        assert!(result.uncovered.is_empty());
    }

    #[test]
    fn a_row_without_a_node_is_kept_as_a_match() {
        let result = run(vec![registry(
            SettingKind::RegistryValue,
            "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\LAPS",
            "ADBackupDSRMPassword",
        )]);
        let m = only_match(&result, 0);
        assert_eq!(m.csp_uri, None);
        assert_eq!(m.evidence, Evidence::None);
        assert!(m.note.as_deref().unwrap_or("").contains("no LAPS CSP node"));
        assert!(result.uncovered.is_empty());
    }

    #[test]
    fn a_definition_the_catalog_lacks_is_noted() {
        let row = CuratedLink {
            table: CuratedTable::SystemAccess,
            key: CuratedKey::Unkeyed,
            gp_english_name: "x".into(),
            csp_uri: Some("./Device/Vendor/MSFT/Policy/Config/X/Y".into()),
            definition_id: Some("device_vendor_msft_no_such_definition".into()),
            admx_policy: None,
            admx_element: None,
            value_translation: "same".into(),
            evidence: Evidence::Partial,
            source: String::new(),
            note: String::new(),
        };
        let m = security_match(3, &row, Catalog::embedded().unwrap());
        assert_eq!(m.setting, 3);
        assert_eq!(
            m.note.as_deref(),
            Some(
                "settings catalog definition `device_vendor_msft_no_such_definition` is not in this catalog"
            )
        );
    }
}
