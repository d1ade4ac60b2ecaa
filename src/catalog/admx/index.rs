//! The lookups of [`super::AdmxCatalog`], rebuilt from the definitions whenever a catalog is made.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AdmxDefinitions, AdmxPolicy, ElementKind, ValueList, normalize_name};
use crate::model::Scope;
use crate::model::fold_registry_key;

/// One way a policy writes a registry value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegistryClaim {
    /// Index into [`super::AdmxDefinitions::policies`].
    pub policy: usize,
    pub role: ClaimRole,
}

/// What part of the policy the value belongs to. Indexes are into the policy's own vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum ClaimRole {
    /// The policy's `key`/`valueName` (enabledValue / disabledValue).
    PolicyValue,
    EnabledList {
        item: usize,
    },
    DisabledList {
        item: usize,
    },
    /// An element's own value.
    Element {
        element: usize,
    },
    BooleanTrueList {
        element: usize,
        item: usize,
    },
    BooleanFalseList {
        element: usize,
        item: usize,
    },
    /// A `valueList` entry of an enum item.
    EnumValueList {
        element: usize,
        enum_item: usize,
        item: usize,
    },
    /// Any value under a `list` element's key.
    ListEntry {
        element: usize,
    },
}

type RegistryKey = (Scope, String, String);
type DisplayKey = (Scope, String, String);

#[derive(Debug, Clone, Default)]
pub(super) struct AdmxIndex {
    /// (scope, lower key, lower value name) → claims, in policy order.
    values: BTreeMap<RegistryKey, Vec<RegistryClaim>>,
    /// (scope, lower key) → `list` elements writing under that key.
    list_keys: BTreeMap<(Scope, String), Vec<RegistryClaim>>,
    /// (scope, normalized category path, normalized display name) → policy indexes.
    display: BTreeMap<DisplayKey, Vec<usize>>,
    /// (lower file base, lower policy name) → policy indexes.
    names: BTreeMap<(String, String), Vec<usize>>,
}

fn normalize_file_base(file: &str) -> String {
    let file = file.trim();
    let lower = file.to_ascii_lowercase();
    match lower.strip_suffix(".admx") {
        Some(base) => base.to_string(),
        None => lower,
    }
}

impl AdmxIndex {
    pub(super) fn build(definitions: &AdmxDefinitions) -> AdmxIndex {
        let mut index = AdmxIndex::default();
        for (policy_index, policy) in definitions.policies.iter().enumerate() {
            index.add_policy(policy_index, policy);
        }
        index
    }

    fn add_policy(&mut self, policy_index: usize, policy: &AdmxPolicy) {
        let mut claims: Vec<(String, String, ClaimRole)> = Vec::new();
        if let Some(value_name) = &policy.value_name {
            claims.push((
                policy.key.clone(),
                value_name.clone(),
                ClaimRole::PolicyValue,
            ));
        }
        push_list(&mut claims, policy.enabled_list.as_ref(), |item| {
            ClaimRole::EnabledList { item }
        });
        push_list(&mut claims, policy.disabled_list.as_ref(), |item| {
            ClaimRole::DisabledList { item }
        });
        let mut list_keys: Vec<(String, ClaimRole)> = Vec::new();
        for (element_index, element) in policy.elements.iter().enumerate() {
            if let ElementKind::List { .. } = element.kind {
                list_keys.push((
                    element.key.clone(),
                    ClaimRole::ListEntry {
                        element: element_index,
                    },
                ));
            } else if let Some(value_name) = &element.value_name {
                claims.push((
                    element.key.clone(),
                    value_name.clone(),
                    ClaimRole::Element {
                        element: element_index,
                    },
                ));
            }
            match &element.kind {
                ElementKind::Boolean {
                    true_list,
                    false_list,
                    ..
                } => {
                    push_list(&mut claims, true_list.as_ref(), |item| {
                        ClaimRole::BooleanTrueList {
                            element: element_index,
                            item,
                        }
                    });
                    push_list(&mut claims, false_list.as_ref(), |item| {
                        ClaimRole::BooleanFalseList {
                            element: element_index,
                            item,
                        }
                    });
                }
                ElementKind::Enum { items, .. } => {
                    for (enum_item, entry) in items.iter().enumerate() {
                        push_list(&mut claims, entry.value_list.as_ref(), |item| {
                            ClaimRole::EnumValueList {
                                element: element_index,
                                enum_item,
                                item,
                            }
                        });
                    }
                }
                _ => {}
            }
        }
        for &scope in policy.class.scopes() {
            for (key, value_name, role) in &claims {
                self.values
                    .entry((
                        scope,
                        fold_registry_key(key),
                        value_name.to_ascii_lowercase(),
                    ))
                    .or_default()
                    .push(RegistryClaim {
                        policy: policy_index,
                        role: *role,
                    });
            }
            for (key, role) in &list_keys {
                self.list_keys
                    .entry((scope, fold_registry_key(key)))
                    .or_default()
                    .push(RegistryClaim {
                        policy: policy_index,
                        role: *role,
                    });
            }
            self.display
                .entry((
                    scope,
                    normalize_name(&policy.category_display_path()),
                    normalize_name(&policy.display_name),
                ))
                .or_default()
                .push(policy_index);
        }
        self.names
            .entry((
                normalize_file_base(&policy.file_base),
                policy.name.to_ascii_lowercase(),
            ))
            .or_default()
            .push(policy_index);
    }

    pub(super) fn registry_claims(
        &self,
        scope: Scope,
        key: &str,
        value_name: &str,
    ) -> Vec<RegistryClaim> {
        let key = fold_registry_key(key);
        let mut out: Vec<RegistryClaim> = self
            .values
            .get(&(scope, key.clone(), value_name.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_default();
        if let Some(lists) = self.list_keys.get(&(scope, key)) {
            out.extend(lists.iter().copied());
        }
        out
    }

    pub(super) fn key_claims(&self, scope: Scope, key: &str) -> Vec<RegistryClaim> {
        let key = fold_registry_key(key);
        let mut out: Vec<RegistryClaim> = self
            .values
            .range((scope, key.clone(), String::new())..)
            .take_while(|((s, k, _), _)| *s == scope && *k == key)
            .flat_map(|(_, claims)| claims.iter().copied())
            .collect();
        if let Some(lists) = self.list_keys.get(&(scope, key)) {
            out.extend(lists.iter().copied());
        }
        out.sort();
        out.dedup();
        out
    }

    pub(super) fn by_display(&self, scope: Scope, category_path: &str, name: &str) -> &[usize] {
        self.display
            .get(&(scope, normalize_name(category_path), normalize_name(name)))
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn by_name(&self, file: &str, name: &str) -> Option<usize> {
        self.names
            .get(&(normalize_file_base(file), name.trim().to_ascii_lowercase()))
            .and_then(|v| v.first().copied())
    }
}

fn push_list(
    claims: &mut Vec<(String, String, ClaimRole)>,
    list: Option<&ValueList>,
    role: impl Fn(usize) -> ClaimRole,
) {
    for (i, item) in list.into_iter().flat_map(|l| l.items.iter()).enumerate() {
        claims.push((item.key.clone(), item.value_name.clone(), role(i)));
    }
}
