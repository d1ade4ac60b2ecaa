//! When a native CSP node that a DDF `GpMapping` ties to an ADMX policy takes the policy's
//! registry data as it is. The DDF says which policy a node mirrors, not how the values
//! correspond; they evidently do when the values the policy can write and the values the node
//! allows are the same set (`Sudo/EnableSudo` 0–3 for the `SudoModes` items 0–3,
//! `SmartScreen/EnableSmartScreenInShell` 0/1 for `EnableSmartScreen`'s enabledValue 1 and
//! disabledValue 0) and nothing in the names says one is the other's opposite
//! (`AllowWindowsConsumerFeatures` for `DisableWindowsConsumerFeatures` has the same 0/1, inverted).

use std::collections::BTreeSet;

use crate::catalog::admx::{AdmxElement, AdmxPolicy, AdmxValue, ElementKind};
use crate::catalog::definitions::SettingDefinition;

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
        .map(|v| match v {
            AdmxValue::Decimal(n) => Some(n.to_string()),
            AdmxValue::LongDecimal(n) => Some(n.to_string()),
            AdmxValue::String(s) => Some(s.clone()),
            AdmxValue::Delete | AdmxValue::Unparsed { .. } => None,
        })
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
