//! How a native CSP node that a DDF `GpMapping` ties to an ADMX policy takes the policy's
//! registry data. The DDF says which policy a node mirrors, not how the values correspond. Two
//! ways are trusted:
//!
//! - [`same_values`]: the values the policy can write and the values the node allows are the
//!   same set (`Sudo/EnableSudo` 0–3 for the `SudoModes` items 0–3,
//!   `SmartScreen/EnableSmartScreenInShell` 0/1 for `EnableSmartScreen`'s enabledValue 1 and
//!   disabledValue 0) and nothing in the names says one is the other's opposite.
//! - [`NativeValueTable`]: `admx-catalog/curated/native-values.csv`, one row per registry datum
//!   a policy writes and the node value it means, each row with its source (the CSP's Learn page
//!   and DDF value descriptions, the ADMX values). It holds the pairs whose values differ or are
//!   inverted (`AllowWindowsConsumerFeatures` 0 "Not allowed" for `DisableWindowsConsumerFeatures`
//!   1; `AllowCloudProtection` 1 for MAPS membership 1 or 2; `PreventOverrideForFilesInShell` 1
//!   for the drop-down's `Block`). The table is compiled into the binary: it states how values
//!   translate, which is matching's business, not a join that `gpa catalog build` packs.

use std::collections::BTreeSet;

use std::sync::OnceLock;

use crate::catalog::admx::{AdmxElement, AdmxPolicy, AdmxValue, ElementKind};
use crate::catalog::definitions::SettingDefinition;

const NATIVE_VALUES_CSV: &str = include_str!("../../admx-catalog/curated/native-values.csv");

/// One row of `native-values.csv`: what the node takes when the policy writes `registry_data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeValueRow {
    pub definition_id: String,
    /// `File:Policy`, the ADMX file base and policy name.
    pub admx_policy: String,
    /// The element that writes the value; None when the policy's own value does.
    pub admx_element: Option<String>,
    /// The registry data as the ADMX writes it: a decimal, or the string of a drop-down item.
    pub registry_data: String,
    /// The node's value: an option's value for a choice, the integer for a simple setting.
    pub node_value: String,
    pub source: String,
    pub note: String,
}

/// The curated translations of native node values, read once.
#[derive(Debug, Default)]
pub struct NativeValueTable {
    rows: Vec<NativeValueRow>,
}

impl NativeValueTable {
    /// The table compiled into gpa.
    pub fn embedded() -> &'static NativeValueTable {
        static TABLE: OnceLock<NativeValueTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // A malformed embedded table is a build defect that `tests/native_values.rs`
            // catches; at run time it leaves the table empty rather than stop a run.
            NativeValueTable::parse(NATIVE_VALUES_CSV).unwrap_or_default()
        })
    }

    pub fn parse(text: &str) -> Result<NativeValueTable, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("no column `{name}`"))
        };
        let columns = [
            column("settings_catalog_id")?,
            column("admx_policy")?,
            column("admx_element_id")?,
            column("registry_data")?,
            column("node_value")?,
            column("source")?,
            column("note")?,
        ];
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            let record = record.map_err(|e| format!("row {}: {e}", n + 2))?;
            let [id, policy, element, data, node, source, note] =
                columns.map(|i| record.get(i).unwrap_or("").trim().to_string());
            if id.is_empty() || !policy.contains(':') || data.is_empty() || node.is_empty() {
                return Err(format!(
                    "row {}: settings_catalog_id, admx_policy (File:Policy), registry_data and node_value are required",
                    n + 2
                ));
            }
            if source.is_empty() {
                return Err(format!("row {}: a row without its source", n + 2));
            }
            rows.push(NativeValueRow {
                definition_id: id,
                admx_policy: policy,
                admx_element: Some(element).filter(|e| !e.is_empty()),
                registry_data: data,
                node_value: node,
                source,
                note,
            });
        }
        Ok(NativeValueTable { rows })
    }

    pub fn rows(&self) -> &[NativeValueRow] {
        &self.rows
    }

    /// The rows for this definition and policy; empty when the table says nothing of them.
    pub fn rows_for<'t>(
        &'t self,
        definition_id: &str,
        policy: &AdmxPolicy,
    ) -> Vec<&'t NativeValueRow> {
        self.rows
            .iter()
            .filter(|r| {
                r.definition_id.eq_ignore_ascii_case(definition_id)
                    && r.admx_policy.split_once(':').is_some_and(|(file, name)| {
                        file.eq_ignore_ascii_case(&policy.file_base)
                            && name.eq_ignore_ascii_case(&policy.name)
                    })
            })
            .collect()
    }
}

/// The registry data an ADMX value stands for, spelled as the table spells it; None for a
/// deletion or a value that does not parse.
pub fn registry_data_text(value: &AdmxValue) -> Option<String> {
    match value {
        AdmxValue::Decimal(n) => Some(n.to_string()),
        AdmxValue::LongDecimal(n) => Some(n.to_string()),
        AdmxValue::String(s) => Some(s.clone()),
        AdmxValue::Delete | AdmxValue::Unparsed { .. } => None,
    }
}

/// Ok when the node takes the policy's data unchanged; otherwise why not, in words.
pub fn same_values(
    def: &SettingDefinition,
    policy: &AdmxPolicy,
    element: Option<&AdmxElement>,
    value_name: &str,
) -> Result<(), String> {
    let node = def.offset_uri.rsplit('/').next().unwrap_or(&def.name);
    let Some(written) = policy_values(policy, element) else {
        return Err(format!(
            "{value_name} of {} takes free values, and the node {node} states no correspondence",
            policy.name
        ));
    };
    let allowed: BTreeSet<String> = def
        .options
        .iter()
        .filter_map(|o| o.value.as_ref().and_then(|v| v.as_text()))
        .collect();
    if allowed.is_empty() || written != allowed {
        return Err(format!(
            "{} writes {} to {value_name}, the node {node} allows {}",
            policy.name,
            listed(&written),
            if allowed.is_empty() {
                "no listed values".to_string()
            } else {
                listed(&allowed)
            }
        ));
    }
    if opposite_polarity(node, value_name) || opposite_polarity(node, &policy.name) {
        return Err(format!(
            "the node {node} and the registry value {value_name} of {} have the same values, but their names say one is the other's opposite",
            policy.name
        ));
    }
    Ok(())
}

/// The values the policy (or the element) can write, as text; None when it writes free values
/// (a number in a range, a text) or something this reader cannot compare.
fn policy_values(policy: &AdmxPolicy, element: Option<&AdmxElement>) -> Option<BTreeSet<String>> {
    let values: Vec<Option<&AdmxValue>> = match element {
        None => vec![
            Some(
                policy
                    .enabled_value
                    .as_ref()
                    .unwrap_or(&AdmxValue::Decimal(1)),
            ),
            policy.disabled_value.as_ref(),
        ],
        Some(element) => match &element.kind {
            ElementKind::Enum { items, .. } => items.iter().map(|i| i.value.as_ref()).collect(),
            ElementKind::Boolean {
                true_value,
                false_value,
                ..
            } => vec![
                Some(true_value.as_ref().unwrap_or(&AdmxValue::Decimal(1))),
                false_value.as_ref(),
            ],
            _ => return None,
        },
    };
    values
        .into_iter()
        .flatten()
        .filter(|v| **v != AdmxValue::Delete)
        .map(registry_data_text)
        .collect()
}

fn listed(values: &BTreeSet<String>) -> String {
    values.iter().cloned().collect::<Vec<_>>().join("/")
}

/// True when one name allows or enables what the other turns off, denies or prevents.
fn opposite_polarity(a: &str, b: &str) -> bool {
    let positive = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.starts_with("allow") || n.starts_with("enable") || n.starts_with("turnon")
    };
    let negative = |n: &str| {
        let n = n.to_ascii_lowercase();
        [
            "disable", "disallow", "turnoff", "prevent", "deny", "donot", "no", "block", "remove",
        ]
        .iter()
        .any(|p| n.starts_with(p))
    };
    (positive(a) && negative(b)) || (negative(a) && positive(b))
}

#[cfg(test)]
mod tests {
    use super::opposite_polarity;

    #[test]
    fn names_of_opposite_sense_are_told_apart() {
        assert!(opposite_polarity(
            "AllowWindowsConsumerFeatures",
            "DisableWindowsConsumerFeatures"
        ));
        assert!(opposite_polarity("AllowLocation", "DisableLocation"));
        assert!(!opposite_polarity(
            "EnableSmartScreenInShell",
            "EnableSmartScreen"
        ));
        assert!(!opposite_polarity("EnableSudo", "Enabled"));
        assert!(!opposite_polarity(
            "ConfigureLsaProtectedProcess",
            "RunAsPPL"
        ));
    }
}
