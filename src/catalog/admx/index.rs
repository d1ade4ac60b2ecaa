//! The lookups of [`super::AdmxCatalog`]: registry value, report name, file and name → policy.

use serde::{Deserialize, Serialize};

use super::{AdmxPolicy, ElementKind, ValueList, normalize_name};
use crate::catalog::packed::{Lookups, PackedList, Positions};
use crate::model::{Scope, fold_registry_key};

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

/// The lookups of the ADMX policies, stored in a catalog file beside them. Each gives candidate
/// policies for a key; a candidate is kept when the policy itself gives that key (see
/// [`Positions`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct AdmxLookups {
    /// By [`claim_key`]: the policies that write a value under a registry key.
    by_key: Positions,
    /// By [`display_key`].
    display: Positions,
    /// By [`name_key`].
    names: Positions,
    /// By lower-case policy name alone.
    bare_names: Positions,
    /// By display name alone, as [`normalize_name`] gives it.
    bare_displays: Positions,
}

fn scope_code(scope: Scope) -> char {
    match scope {
        Scope::Device => 'd',
        Scope::User => 'u',
    }
}

/// Scope and folded registry key, joined by a control char no key or name holds.
fn claim_key(scope: Scope, key: &str) -> String {
    format!("{}\u{1}{}", scope_code(scope), fold_registry_key(key))
}

/// Scope, category display path (joined by `/`) and display name, each as [`normalize_name`]
/// gives it.
fn display_key(scope: Scope, category_path: &str, name: &str) -> String {
    format!(
        "{}\u{1}{}\u{1}{}",
        scope_code(scope),
        normalize_name(category_path),
        normalize_name(name)
    )
}

/// ADMX file (without `.admx`) and policy name, lower case.
fn name_key(file: &str, name: &str) -> String {
    format!(
        "{}\u{1}{}",
        normalize_file_base(file),
        name.to_ascii_lowercase()
    )
}

fn normalize_file_base(file: &str) -> String {
    let file = file.trim();
    let lower = file.to_ascii_lowercase();
    match lower.strip_suffix(".admx") {
        Some(base) => base.to_string(),
        None => lower,
    }
}

/// Every registry value a policy writes: its key, its value name (None for a `list` element,
/// which claims every value under its key) and the part of the policy it belongs to.
fn each_claim<'a>(
    policy: &'a AdmxPolicy,
    mut claim: impl FnMut(&'a str, Option<&'a str>, ClaimRole),
) {
    if let Some(value_name) = &policy.value_name {
        claim(&policy.key, Some(value_name), ClaimRole::PolicyValue);
    }
    each_item(policy.enabled_list.as_ref(), &mut claim, |item| {
        ClaimRole::EnabledList { item }
    });
    each_item(policy.disabled_list.as_ref(), &mut claim, |item| {
        ClaimRole::DisabledList { item }
    });
    for (element_index, element) in policy.elements.iter().enumerate() {
        if let ElementKind::List { .. } = element.kind {
            claim(
                &element.key,
                None,
                ClaimRole::ListEntry {
                    element: element_index,
                },
            );
        } else if let Some(value_name) = &element.value_name {
            claim(
                &element.key,
                Some(value_name),
                ClaimRole::Element {
                    element: element_index,
                },
            );
        }
        match &element.kind {
            ElementKind::Boolean {
                true_list,
                false_list,
                ..
            } => {
                each_item(true_list.as_ref(), &mut claim, |item| {
                    ClaimRole::BooleanTrueList {
                        element: element_index,
                        item,
                    }
                });
                each_item(false_list.as_ref(), &mut claim, |item| {
                    ClaimRole::BooleanFalseList {
                        element: element_index,
                        item,
                    }
                });
            }
            ElementKind::Enum { items, .. } => {
                for (enum_item, entry) in items.iter().enumerate() {
                    each_item(entry.value_list.as_ref(), &mut claim, |item| {
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
}

fn each_item<'a>(
    list: Option<&'a ValueList>,
    claim: &mut impl FnMut(&'a str, Option<&'a str>, ClaimRole),
    role: impl Fn(usize) -> ClaimRole,
) {
    for (i, item) in list.into_iter().flat_map(|l| l.items.iter()).enumerate() {
        claim(&item.key, Some(&item.value_name), role(i));
    }
}

impl Lookups<AdmxPolicy> for AdmxLookups {
    fn build(policies: &[AdmxPolicy]) -> Self {
        let mut by_key = Vec::new();
        let mut display = Vec::new();
        let mut names = Vec::new();
        let mut bare_names = Vec::new();
        let mut bare_displays = Vec::new();
        for (i, policy) in policies.iter().enumerate() {
            for &scope in policy.class.scopes() {
                each_claim(policy, |key, _, _| by_key.push((claim_key(scope, key), i)));
                let path = policy.category_display_path();
                display.push((display_key(scope, &path, &policy.display_name), i));
            }
            names.push((name_key(&policy.file_base, &policy.name), i));
            bare_names.push((policy.name.to_ascii_lowercase(), i));
            bare_displays.push((normalize_name(&policy.display_name), i));
        }
        AdmxLookups {
            by_key: Positions::new(by_key),
            display: Positions::new(display),
            names: Positions::new(names),
            bare_names: Positions::new(bare_names),
            bare_displays: Positions::new(bare_displays),
        }
    }
}

impl AdmxLookups {
    /// The claims on values under `key` in this scope, in policy order, each with the value name
    /// it claims (None for a `list` element).
    fn claims_under<'a>(
        &self,
        policies: &'a PackedList<AdmxPolicy>,
        scope: Scope,
        key: &str,
    ) -> Vec<(RegistryClaim, Option<&'a str>)> {
        let folded = fold_registry_key(key);
        let mut out = Vec::new();
        for i in self.by_key.candidates(&claim_key(scope, key)) {
            let Some(policy) = policies.get(i).filter(|p| p.class.applies_to(scope)) else {
                continue;
            };
            each_claim(policy, |written, value_name, role| {
                if fold_registry_key(written) == folded {
                    out.push((RegistryClaim { policy: i, role }, value_name));
                }
            });
        }
        out
    }

    pub(super) fn registry_claims(
        &self,
        policies: &PackedList<AdmxPolicy>,
        scope: Scope,
        key: &str,
        value_name: &str,
    ) -> Vec<RegistryClaim> {
        let mut exact = Vec::new();
        let mut lists = Vec::new();
        for (claim, claimed) in self.claims_under(policies, scope, key) {
            match claimed {
                None => lists.push(claim),
                Some(v) if v.eq_ignore_ascii_case(value_name) => exact.push(claim),
                Some(_) => {}
            }
        }
        exact.extend(lists);
        exact
    }

    pub(super) fn key_claims(
        &self,
        policies: &PackedList<AdmxPolicy>,
        scope: Scope,
        key: &str,
    ) -> Vec<RegistryClaim> {
        let mut out: Vec<RegistryClaim> = self
            .claims_under(policies, scope, key)
            .into_iter()
            .map(|(claim, _)| claim)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub(super) fn by_display(
        &self,
        policies: &PackedList<AdmxPolicy>,
        scope: Scope,
        category_path: &str,
        name: &str,
    ) -> Vec<usize> {
        let key = display_key(scope, category_path, name);
        self.display
            .candidates(&key)
            .filter(|&i| {
                policies.get(i).is_some_and(|p| {
                    p.class.applies_to(scope)
                        && display_key(scope, &p.category_display_path(), &p.display_name) == key
                })
            })
            .collect()
    }

    pub(super) fn by_bare_display(
        &self,
        policies: &PackedList<AdmxPolicy>,
        display_name: &str,
    ) -> Vec<usize> {
        let key = normalize_name(display_name);
        self.bare_displays
            .candidates(&key)
            .filter(|&i| {
                policies
                    .get(i)
                    .is_some_and(|p| normalize_name(&p.display_name) == key)
            })
            .collect()
    }

    pub(super) fn by_bare_name(&self, policies: &PackedList<AdmxPolicy>, name: &str) -> Vec<usize> {
        self.bare_names
            .candidates(&name.to_ascii_lowercase())
            .filter(|&i| {
                policies
                    .get(i)
                    .is_some_and(|p| p.name.eq_ignore_ascii_case(name))
            })
            .collect()
    }

    pub(super) fn by_name(
        &self,
        policies: &PackedList<AdmxPolicy>,
        file: &str,
        name: &str,
    ) -> Option<usize> {
        let key = name_key(file, name.trim());
        self.names.candidates(&key).find(|&i| {
            policies
                .get(i)
                .is_some_and(|p| name_key(&p.file_base, &p.name) == key)
        })
    }
}
