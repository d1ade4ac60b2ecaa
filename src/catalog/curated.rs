//! The curated join tables of `admx-catalog/curated/`: security options, account policies, user
//! rights, advanced audit, BitLocker, Windows LAPS, Windows Firewall and Windows Hello for
//! Business (PassportForWork) settings, which MDM names
//! only by English display names or not at all. Each row ties the language-independent key a GPO
//! export carries to a CSP node, with its evidence (see that folder's README.md).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Which table a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CuratedTable {
    SecurityOptions,
    SystemAccess,
    UserRights,
    AuditSubcategories,
    BitLocker,
    Laps,
    Firewall,
    Services,
    PassportForWork,
}

impl CuratedTable {
    pub const ALL: [CuratedTable; 9] = [
        CuratedTable::SecurityOptions,
        CuratedTable::SystemAccess,
        CuratedTable::UserRights,
        CuratedTable::AuditSubcategories,
        CuratedTable::BitLocker,
        CuratedTable::Laps,
        CuratedTable::Firewall,
        CuratedTable::Services,
        CuratedTable::PassportForWork,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            CuratedTable::SecurityOptions => "security-options.csv",
            CuratedTable::SystemAccess => "system-access.csv",
            CuratedTable::UserRights => "user-rights.csv",
            CuratedTable::AuditSubcategories => "audit-subcategories.csv",
            CuratedTable::BitLocker => "bitlocker.csv",
            CuratedTable::Laps => "laps.csv",
            CuratedTable::Firewall => "firewall.csv",
            CuratedTable::Services => "services.csv",
            CuratedTable::PassportForWork => "passportforwork.csv",
        }
    }
}

/// What a curated row's `value_translation` says of how the GPO value becomes the node value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ValueTranslationKind {
    /// "same…": the number or string passes through unchanged.
    Same,
    /// The table states a translation (what differs, and how).
    Stated,
    /// No source states the relation ("…unverified…"): never applied.
    Unverified,
}

impl ValueTranslationKind {
    /// The kind of a table's `value_translation` text.
    pub fn of(text: &str) -> ValueTranslationKind {
        let text = text.trim();
        if text.to_ascii_lowercase().contains("unverified") {
            ValueTranslationKind::Unverified
        } else if text.is_empty() || text.starts_with("same") {
            ValueTranslationKind::Same
        } else {
            ValueTranslationKind::Stated
        }
    }
}

/// The key a row is looked up by: what a GPO export carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CuratedKey {
    /// A hive-less HKLM registry key and value name.
    Registry { key: String, value_name: String },
    /// A GptTmpl `[System Access]` or `[Kerberos Policy]` key.
    SecurityTemplate { section: String, name: String },
    /// A `[Privilege Rights]` constant (`SeNetworkLogonRight`).
    Privilege { constant: String },
    /// An advanced audit subcategory GUID, lower case in braces.
    AuditSubcategory { guid: String },
    /// A system service by its short name (`XblGameSave`), as GptTmpl `[Service General Setting]`
    /// names it.
    Service { name: String },
    /// A row that names a CSP node but no key ties to it (evidence `none`).
    Unkeyed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Both links come from Microsoft data.
    Full,
    /// One link is weaker; the row's note says which.
    Partial,
    /// Listed so the key or node is known; nothing ties the two.
    None,
}

/// One row of a curated table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CuratedLink {
    pub table: CuratedTable,
    pub key: CuratedKey,
    pub gp_english_name: String,
    /// The CSP node, spelled as the DDF spells it; None when no node was found.
    pub csp_uri: Option<String>,
    /// The settings catalog definition, when the catalog has one.
    pub definition_id: Option<String>,
    /// The ADMX policy and element behind a BitLocker or LAPS value.
    pub admx_policy: Option<String>,
    pub admx_element: Option<String>,
    /// How the GPO value becomes the node value ("same", or what differs, or "unverified").
    pub value_translation: String,
    pub evidence: Evidence,
    pub source: String,
    pub note: String,
}

/// Reads every table of a curated folder, in [`CuratedTable::ALL`] order then file order.
pub fn read_dir(dir: &Path) -> Result<Vec<CuratedLink>, String> {
    let mut links = Vec::new();
    for table in CuratedTable::ALL {
        let path = dir.join(table.file_name());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        links.extend(read_table(table, &text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    Ok(links)
}

/// Reads one table from its CSV text.
pub fn read_table(table: CuratedTable, text: &str) -> Result<Vec<CuratedLink>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| column(name).ok_or_else(|| format!("no column `{name}`"));
    let csp_uri = required("csp_uri")?;
    let definition_id = required("settings_catalog_id")?;
    let gp_english_name = required("gp_english_name")?;
    let evidence = required("evidence")?;
    let source = required("source")?;
    let note = required("note")?;
    let value_translation = column("value_translation");
    let admx_policy = column("admx_policy");
    let admx_element = column("admx_element_id");

    let mut links = Vec::new();
    for (row_number, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", row_number + 2))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let optional = |i: Option<usize>| i.map(field).filter(|s| !s.is_empty());
        let key = row_key(table, &headers, &record)
            .map_err(|e| format!("row {}: {e}", row_number + 2))?;
        links.push(CuratedLink {
            table,
            key,
            gp_english_name: field(gp_english_name),
            csp_uri: optional(Some(csp_uri)),
            definition_id: optional(Some(definition_id)),
            admx_policy: optional(admx_policy),
            admx_element: optional(admx_element),
            value_translation: optional(value_translation).unwrap_or_default(),
            evidence: match field(evidence).as_str() {
                "full" => Evidence::Full,
                "partial" => Evidence::Partial,
                "none" => Evidence::None,
                other => return Err(format!("row {}: evidence `{other}`", row_number + 2)),
            },
            source: field(source),
            note: field(note),
        });
    }
    Ok(links)
}

fn row_key(
    table: CuratedTable,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> Result<CuratedKey, String> {
    let get = |name: &str| -> Result<String, String> {
        let i = headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column `{name}`"))?;
        Ok(record.get(i).unwrap_or("").trim().to_string())
    };
    let key = match table {
        CuratedTable::SecurityOptions
        | CuratedTable::BitLocker
        | CuratedTable::Laps
        | CuratedTable::Firewall
        | CuratedTable::PassportForWork => {
            let (key, value_name) = (get("registry_key")?, get("value_name")?);
            (!key.is_empty()).then_some(CuratedKey::Registry { key, value_name })
        }
        CuratedTable::SystemAccess => {
            let (name, section) = (get("gpttmpl_key")?, get("section")?);
            (!name.is_empty()).then_some(CuratedKey::SecurityTemplate { section, name })
        }
        CuratedTable::UserRights => {
            let constant = get("privilege_constant")?;
            (!constant.is_empty()).then_some(CuratedKey::Privilege { constant })
        }
        CuratedTable::AuditSubcategories => {
            let guid = get("subcategory_guid")?.to_ascii_lowercase();
            (!guid.is_empty()).then_some(CuratedKey::AuditSubcategory { guid })
        }
        CuratedTable::Services => {
            let name = get("service_name")?;
            (!name.is_empty()).then_some(CuratedKey::Service { name })
        }
    };
    Ok(key.unwrap_or(CuratedKey::Unkeyed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_registry_row_with_quoted_fields() {
        let text = "registry_key,value_name,gp_english_name,csp_uri,settings_catalog_id,value_translation,evidence,source,note\n\
            System\\CurrentControlSet\\Control\\Lsa,NoLMHash,\"Network security: Do not store LAN Manager hash value on next password change\",./Device/Vendor/MSFT/Policy/Config/LocalPoliciesSecurityOptions/NetworkSecurity_DoNotStoreLANManagerHashValueOnNextPasswordChange,device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange,same,full,\"DDF, gpreport\",\n";
        let links = read_table(CuratedTable::SecurityOptions, text).unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(
            links[0].key,
            CuratedKey::Registry {
                key: "System\\CurrentControlSet\\Control\\Lsa".into(),
                value_name: "NoLMHash".into()
            }
        );
        assert_eq!(links[0].evidence, Evidence::Full);
        assert_eq!(links[0].source, "DDF, gpreport");
        assert!(
            links[0]
                .csp_uri
                .as_deref()
                .unwrap()
                .ends_with("ValueOnNextPasswordChange")
        );
    }

    #[test]
    fn an_unknown_evidence_level_is_an_error() {
        let text = "privilege_constant,gp_english_name,csp_uri,settings_catalog_id,seen_in_corpus,evidence,source,note\n\
            SeTcbPrivilege,Act as part of the operating system,,,yes,strong,x,\n";
        let error = read_table(CuratedTable::UserRights, text).unwrap_err();
        assert!(error.contains("evidence `strong`"), "{error}");
    }

    #[test]
    fn the_committed_tables_read() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("admx-catalog/curated");
        let links = read_dir(&dir).unwrap();
        let count = |t: CuratedTable| links.iter().filter(|l| l.table == t).count();
        assert_eq!(count(CuratedTable::SecurityOptions), 94);
        assert_eq!(count(CuratedTable::UserRights), 45);
        assert_eq!(count(CuratedTable::AuditSubcategories), 60);
        let network_logon = links
            .iter()
            .find(|l| {
                l.key
                    == CuratedKey::Privilege {
                        constant: "SeNetworkLogonRight".into(),
                    }
            })
            .unwrap();
        assert_eq!(
            network_logon.csp_uri.as_deref(),
            Some("./Device/Vendor/MSFT/Policy/Config/UserRights/AccessFromNetwork")
        );
    }
}
