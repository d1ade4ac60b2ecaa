//! Administrative Templates policies recovered from a GPO (formats.md §5.5, inverted): which
//! policies its registry.pol writes, in which state, with which element values. Reports without
//! raw files go through the policies' English display names instead ([`Route`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::owners::{Claimant, Ownership};
use super::replay::{RegistryState, ReplayInstruction, ValueState};
use super::report_route;
use crate::catalog::admx::{
    AdmxCatalog, AdmxElement, AdmxPolicy, AdmxValue, ClaimRole, ElementKind, ValueList,
    ValueListItem,
};
use crate::model::fold_registry_key;
use crate::model::{
    Gpo, ListEntry, PolicyState, RegistryData, RegistryInstruction, RegistryOp, Scope, SettingId,
    SettingKind, SettingValue,
};

/// What [`recover_admx_state`] found in one GPO.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdmxState {
    /// By scope (Device first), then policy index, then route.
    pub policies: Vec<RecoveredPolicy>,
    /// Registry instructions no policy of the catalog consumed, in settings order.
    pub extra_registry: Vec<ExtraRegistrySetting>,
    /// Report policies the catalog does not know by their display names.
    pub unresolved_report_policies: Vec<UnresolvedReportPolicy>,
    /// Report policies kept among the settings in place of a registry.pol that could not be read
    /// whole, which registry evidence recovered after all: they give no row of their own.
    pub superseded_report_settings: Vec<usize>,
}

/// One Administrative Templates policy as the GPO sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveredPolicy {
    /// Index into [`AdmxCatalog::policies`].
    pub policy: usize,
    pub file_base: String,
    pub name: String,
    pub display_name: String,
    pub scope: Scope,
    pub state: PolicyState,
    /// Element values in the policy's element order; only elements the GPO gives evidence for.
    pub elements: Vec<ElementValue>,
    /// The settings consumed, in settings order.
    pub evidence: Vec<Evidence>,
    pub route: Route,
    pub ambiguities: Vec<Ambiguity>,
    /// What the route could not settle (report parts whose label matches no presentation part,
    /// display names shared by several policies).
    pub notes: Vec<String>,
    /// Taken from the report in place of a registry.pol that could not be read whole and lost it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stands_in_for_lost_registry: bool,
}

/// How a policy was recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// From registry.pol instructions: language independent.
    RegistryPol,
    /// From a report's category path, display name and part labels, matched against the English
    /// ADML: language dependent, and only as good as the names agree.
    ReportDisplayNames,
}

/// One setting of the GPO that a recovered policy stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    /// Index into [`Gpo::settings`].
    pub setting: usize,
    /// The registry.pol instruction index or report element index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementValue {
    /// The ADMX element id.
    pub id: String,
    pub value: ElementValueData,
}

/// An element's value, typed by the element's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ElementValueData {
    /// `decimal` / `longDecimal`, stored as a number or (`storeAsText`) as text.
    Number {
        value: u64,
    },
    /// `text`, expandable or not.
    Text {
        value: String,
    },
    MultiText {
        values: Vec<String>,
    },
    Boolean {
        value: bool,
    },
    /// The `enum` item whose value matched: its 0-based index, English display name and value.
    Enum {
        index: usize,
        display_name: String,
        value: Option<AdmxValue>,
    },
    /// `list` entries in file order: value name and data.
    List {
        entries: Vec<ListEntry>,
    },
    /// The element's value was deleted (how Disabled, or an empty field, is written).
    Deleted,
    /// Data the element's definition does not explain, shown as text.
    Unrecognized {
        raw: String,
    },
}

/// A registry value claimed by several policies, and how the owner was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ambiguity {
    pub key: String,
    pub value_name: String,
    /// `file_base:name` of every claimant, in catalog order.
    pub candidates: Vec<String>,
    pub decided_by: Decision,
}

/// How the owner of a value several policies claim was chosen, strongest evidence first
/// ([`super::owners`]). Every step but the last two stands on the registry alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The other claimants declare their own value or enabled/disabled lists and the GPO writes
    /// none of them: they are not set.
    OthersAbsent,
    /// The owner claims it as its own value or an element's; the others only through an enabled
    /// or disabled list (umbrella policies such as *Restrict Internet communication*).
    OwnOverStateList,
    /// One claimant names the value itself; the others only claim its whole key (a `list`).
    ExactOverList,
    /// Only this claimant writes data like this: the enum item or check box value it names, or
    /// the type its element stores (a REG_MULTI_SZ is a multi-line text box's, not a text box's).
    DataFits,
    /// Only this claimant is shown set by other values: its own value, or a value only it can own.
    ShownSet,
    /// Only this claimant has more of its values in the GPO.
    OtherValues,
    /// Registry evidence was equal (one value claimed alike by two templates, such as SecGuide's
    /// and LocalSecurityAuthority's `RunAsPPL`); only this claimant has a settings catalog
    /// definition, so MDM can set it. Language independent, unlike the report.
    MdmTarget,
    /// Registry evidence was equal; the GPO's report names the owner (every claimant it names
    /// owns the value).
    Report,
    /// Registry evidence was equal and no report named one: the first in catalog order.
    CatalogOrder,
}

/// A registry instruction no policy of the catalog consumed ("extra registry settings").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtraRegistrySetting {
    pub scope: Scope,
    pub setting: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<u32>,
    pub key: String,
    pub value_name: String,
    pub instruction: RegistryInstruction,
}

/// A report policy whose category path and display name match no catalog policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedReportPolicy {
    pub scope: Scope,
    pub setting: usize,
    pub category: String,
    pub name: String,
}

/// Recovers the Administrative Templates policies of one GPO: from its registry.pol settings
/// (registry values of any kind except GptTmpl security options), and from report policies kept
/// in its settings when the GPO came from a report alone.
pub fn recover_admx_state(gpo: &Gpo, admx: &AdmxCatalog) -> AdmxState {
    recover_admx_state_with(gpo, admx, &|_, _| false)
}

/// [`recover_admx_state`], told which policies MDM can set (`has_mdm_target(policy, scope)`):
/// of claimants that registry evidence cannot tell apart, the one MDM can set owns the value.
pub fn recover_admx_state_with(
    gpo: &Gpo,
    admx: &AdmxCatalog,
    has_mdm_target: &dyn Fn(usize, Scope) -> bool,
) -> AdmxState {
    let mut out = AdmxState::default();
    for scope in [Scope::Device, Scope::User] {
        let named = report_route::named_by_report(gpo, admx, scope);
        let instructions: Vec<ReplayInstruction> = gpo
            .settings
            .iter()
            .enumerate()
            .filter(|(_, s)| s.scope == scope && s.kind != SettingKind::SecurityOption)
            .filter_map(|(setting, s)| match (&s.id, &s.value) {
                (
                    SettingId::Registry {
                        key, value_name, ..
                    },
                    SettingValue::Registry(i),
                ) => Some(ReplayInstruction {
                    setting,
                    key,
                    value_name,
                    op: &i.op,
                    data: &i.data,
                }),
                _ => None,
            })
            .collect();
        let state = RegistryState::replay(instructions.iter().copied());
        let reachable = |policy: usize| has_mdm_target(policy, scope);
        let mut policies = from_registry(gpo, admx, scope, &state, &named, &reachable);
        let consumed: BTreeSet<usize> = policies
            .iter()
            .flat_map(|p| p.evidence.iter().map(|e| e.setting))
            .collect();
        for i in instructions
            .iter()
            .filter(|i| !consumed.contains(&i.setting))
        {
            out.extra_registry.push(ExtraRegistrySetting {
                scope,
                setting: i.setting,
                entry: gpo.settings.get(i.setting).and_then(|s| s.source.entry),
                key: i.key.to_string(),
                value_name: i.value_name.to_string(),
                instruction: RegistryInstruction {
                    op: i.op.clone(),
                    data: i.data.clone(),
                },
            });
        }
        let (reported, unresolved) = report_route::from_report(gpo, admx, scope);
        // A backup's report policies stand among its settings only for a registry.pol that
        // could not be read whole (input::reconcile); where registry evidence recovered the
        // same policy, that evidence decides and the report's copy gives no row.
        let from_registry: BTreeSet<usize> = policies.iter().map(|p| p.policy).collect();
        let stands_in = !gpo.report_policies.is_empty();
        // The report lists Windows Firewall profile values twice: under its firewall extension
        // (matched through the curated firewall table) and under Administrative Templates.
        let firewall_reported = gpo
            .settings
            .iter()
            .any(|s| matches!(s.id, SettingId::FirewallSetting { .. }));
        let restated_by_firewall = |policy: usize| {
            firewall_reported
                && admx.policy(policy).is_some_and(|p| {
                    crate::model::fold_registry_key(&p.key)
                        .starts_with("software\\policies\\microsoft\\windowsfirewall")
                })
        };
        for mut policy in reported {
            if stands_in
                && (from_registry.contains(&policy.policy) || restated_by_firewall(policy.policy))
            {
                out.superseded_report_settings
                    .extend(policy.evidence.iter().map(|e| e.setting));
                continue;
            }
            policy.stands_in_for_lost_registry = stands_in;
            policies.push(policy);
        }
        out.unresolved_report_policies.extend(unresolved);
        policies.sort_by_key(|p| (p.policy, p.route));
        out.policies.extend(policies);
    }
    out
}

/// The distinct policies claiming one value.
type Claimants = Vec<Claimant>;

/// The values and key instructions given to one policy.
#[derive(Default)]
struct Assigned<'s> {
    values: Vec<(ClaimRole, &'s ValueState)>,
    /// `**delvals.` on one of its list keys, by element.
    cleared_lists: BTreeSet<usize>,
    settings: BTreeSet<usize>,
    ambiguities: Vec<Ambiguity>,
}

fn from_registry(
    gpo: &Gpo,
    admx: &AdmxCatalog,
    scope: Scope,
    state: &RegistryState,
    named: &BTreeSet<usize>,
    reachable: &dyn Fn(usize) -> bool,
) -> Vec<RecoveredPolicy> {
    let claimed: Vec<(&ValueState, Claimants)> = state
        .values
        .values()
        .map(|v| (v, candidates(admx, scope, v)))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    let ownership = Ownership::new(admx, state, &claimed);
    let mut assigned: BTreeMap<usize, Assigned> = BTreeMap::new();
    for (value, candidates) in &claimed {
        let (owners, decision) = ownership.owners(value, candidates, named, reachable);
        for owner in owners {
            let entry = assigned.entry(owner.0).or_default();
            for role in &owner.1 {
                entry.values.push((*role, value));
            }
            entry.settings.extend(value.touched.iter().copied());
            if let Some(decided_by) = decision {
                entry.ambiguities.push(Ambiguity {
                    key: value.key.clone(),
                    value_name: value.name.clone(),
                    candidates: candidates
                        .iter()
                        .filter_map(|(p, _)| admx.policy(*p))
                        .map(|p| format!("{}:{}", p.file_base, p.name))
                        .collect(),
                    decided_by,
                });
            }
        }
    }
    for instruction in &state.key_instructions {
        let lists: Vec<(usize, usize)> = admx
            .key_claims(scope, &instruction.key)
            .into_iter()
            .filter_map(|c| match c.role {
                ClaimRole::ListEntry { element } => Some((c.policy, element)),
                _ => None,
            })
            .collect();
        // A key-wide instruction belongs to the list written under that key; with several
        // claimants, to those that already own values here, else the first.
        let owners: Vec<&(usize, usize)> = lists
            .iter()
            .filter(|(p, _)| assigned.contains_key(p))
            .collect();
        let owner = owners.first().copied().or(lists.first());
        if let Some(&(policy, element)) = owner {
            let entry = assigned.entry(policy).or_default();
            entry.settings.insert(instruction.setting);
            if instruction.op == RegistryOp::DeleteAllValues {
                entry.cleared_lists.insert(element);
            }
        }
    }
    assigned
        .into_iter()
        .filter_map(|(index, a)| {
            let policy = admx.policy(index)?;
            let (state, elements) = evaluate(policy, &a);
            Some(RecoveredPolicy {
                policy: index,
                file_base: policy.file_base.clone(),
                name: policy.name.clone(),
                display_name: policy.display_name.clone(),
                scope,
                state,
                elements,
                evidence: a
                    .settings
                    .iter()
                    .map(|&setting| Evidence {
                        setting,
                        entry: gpo.settings.get(setting).and_then(|s| s.source.entry),
                    })
                    .collect(),
                route: Route::RegistryPol,
                ambiguities: a.ambiguities,
                notes: Vec::new(),
                stands_in_for_lost_registry: false,
            })
        })
        .collect()
}

/// The distinct policies claiming a value, each with its roles, in catalog order. The same policy
/// loaded twice (one ADMX in two folders) is one claimant: the first copy.
fn candidates(
    admx: &AdmxCatalog,
    scope: Scope,
    value: &ValueState,
) -> Vec<(usize, Vec<ClaimRole>)> {
    let mut out: Vec<(usize, Vec<ClaimRole>)> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut claims = admx.registry_claims(scope, &value.key, &value.name);
    claims.sort();
    for claim in claims {
        let Some(policy) = admx.policy(claim.policy) else {
            continue;
        };
        let id = (
            policy.file_base.to_ascii_lowercase(),
            policy.name.to_ascii_lowercase(),
        );
        match out.iter_mut().find(|(p, _)| *p == claim.policy) {
            Some((_, roles)) => roles.push(claim.role),
            None if seen.contains(&id) => {}
            None => {
                seen.push(id);
                out.push((claim.policy, vec![claim.role]));
            }
        }
    }
    out
}

/// True when a value is what a list item (enabledList, trueList, valueList…) writes.
fn item_matches(item: &ValueListItem, value: &ValueState) -> bool {
    match (&item.value, &value.data) {
        (Some(AdmxValue::Delete), _) => value.deleted,
        (Some(expected), Some(data)) => expected.matches_data(data),
        (None, Some(_)) => true,
        (_, None) => false,
    }
}

fn list_item(list: Option<&ValueList>, item: usize) -> Option<&ValueListItem> {
    list.and_then(|l| l.items.get(item))
}

fn is_boolean(policy: &AdmxPolicy, element: usize) -> bool {
    policy
        .elements
        .get(element)
        .is_some_and(|e| matches!(e.kind, ElementKind::Boolean { .. }))
}

/// True when a boolean element's own value reads as checked.
fn boolean_is_true(policy: &AdmxPolicy, element: usize, value: &ValueState) -> bool {
    let Some(ElementKind::Boolean { true_value, .. }) =
        policy.elements.get(element).map(|e| &e.kind)
    else {
        return false;
    };
    match (true_value, &value.data) {
        (Some(AdmxValue::Delete), _) => value.deleted,
        (Some(expected), Some(data)) => expected.matches_data(data),
        (None, Some(data)) => *data == RegistryData::Dword(1),
        (_, None) => false,
    }
}

/// True when some item of the list writes this value with this data.
fn list_matches(list: Option<&ValueList>, value: &ValueState) -> bool {
    list.into_iter().flat_map(|l| l.items.iter()).any(|item| {
        fold_registry_key(&item.key) == fold_registry_key(&value.key)
            && item.value_name.eq_ignore_ascii_case(&value.name)
            && item_matches(item, value)
    })
}

/// Counts of evidence for each state. Strong evidence is the policy's own value and its
/// enabled/disabled lists; element values only decide when those are silent, since a boolean
/// left unchecked is also written as a deletion.
#[derive(Default)]
struct Tally {
    strong_enabled: usize,
    strong_disabled: usize,
    weak_enabled: usize,
    weak_disabled: usize,
}

fn evaluate(policy: &AdmxPolicy, a: &Assigned) -> (PolicyState, Vec<ElementValue>) {
    let mut tally = Tally::default();
    for (role, value) in &a.values {
        match *role {
            ClaimRole::PolicyValue => match &value.data {
                Some(data) => {
                    let enabled = match &policy.enabled_value {
                        Some(expected) => expected.matches_data(data),
                        None => *data == RegistryData::Dword(1),
                    };
                    if enabled {
                        tally.strong_enabled += 1;
                    } else if policy
                        .disabled_value
                        .as_ref()
                        .is_some_and(|d| d.matches_data(data))
                    {
                        tally.strong_disabled += 1;
                    }
                }
                None if value.deleted => {
                    if policy.enabled_value == Some(AdmxValue::Delete) {
                        tally.strong_enabled += 1;
                    } else if matches!(policy.disabled_value, None | Some(AdmxValue::Delete)) {
                        tally.strong_disabled += 1;
                    }
                }
                None => {}
            },
            ClaimRole::EnabledList { item } => {
                // A value both lists write alike (IE's RestrictFormSuggestPW writes the same
                // Control Panel value in either state) says nothing about the state.
                if list_item(policy.enabled_list.as_ref(), item)
                    .is_some_and(|i| item_matches(i, value))
                    && !list_matches(policy.disabled_list.as_ref(), value)
                {
                    tally.strong_enabled += 1;
                }
            }
            ClaimRole::DisabledList { item } => {
                if list_item(policy.disabled_list.as_ref(), item)
                    .is_some_and(|i| item_matches(i, value))
                    && !list_matches(policy.enabled_list.as_ref(), value)
                {
                    tally.strong_disabled += 1;
                }
            }
            // A check box written false is what Disabled writes too (falseValue, or a
            // deletion): GPMC reads it as Disabled unless something else says Enabled.
            ClaimRole::Element { element } if is_boolean(policy, element) => {
                if boolean_is_true(policy, element, value) {
                    tally.weak_enabled += 1;
                } else if value.data.is_some() || value.deleted {
                    tally.weak_disabled += 1;
                }
            }
            ClaimRole::BooleanFalseList { .. } => {
                if value.data.is_some() || value.deleted {
                    tally.weak_disabled += 1;
                }
            }
            ClaimRole::Element { .. }
            | ClaimRole::ListEntry { .. }
            | ClaimRole::BooleanTrueList { .. }
            | ClaimRole::EnumValueList { .. } => {
                if value.data.is_some() {
                    tally.weak_enabled += 1;
                } else if value.deleted {
                    tally.weak_disabled += 1;
                }
            }
        }
    }
    tally.weak_disabled += a.cleared_lists.len();
    let state = match (tally.strong_enabled > 0, tally.strong_disabled > 0) {
        (true, false) => PolicyState::Enabled,
        (false, true) => PolicyState::Disabled,
        (true, true) => PolicyState::Unknown,
        (false, false) if tally.weak_enabled > 0 => PolicyState::Enabled,
        (false, false) if tally.weak_disabled > 0 => PolicyState::Disabled,
        (false, false) => PolicyState::Unknown,
    };
    // A Disabled policy has no element values: its elements are deleted, which the evidence
    // keeps, and neither GPMC nor MDM shows values for it.
    if state == PolicyState::Disabled {
        return (state, Vec::new());
    }
    let elements = policy
        .elements
        .iter()
        .enumerate()
        .filter_map(|(index, element)| {
            element_value(element, index, a).map(|value| ElementValue {
                id: element.id.clone(),
                value,
            })
        })
        .collect();
    (state, elements)
}

fn element_value(element: &AdmxElement, index: usize, a: &Assigned) -> Option<ElementValueData> {
    let own = a
        .values
        .iter()
        .find(|(r, _)| *r == ClaimRole::Element { element: index })
        .map(|(_, v)| *v);
    match &element.kind {
        ElementKind::List { .. } => {
            let mut entries: Vec<&ValueState> = a
                .values
                .iter()
                .filter(|(r, v)| *r == ClaimRole::ListEntry { element: index } && v.data.is_some())
                .map(|(_, v)| *v)
                .collect();
            entries.sort_by_key(|v| v.touched.first().copied());
            entries.dedup_by_key(|v| (v.key.to_ascii_lowercase(), v.name.to_ascii_lowercase()));
            if entries.is_empty() {
                let deleted = a.cleared_lists.contains(&index)
                    || a.values
                        .iter()
                        .any(|(r, v)| *r == ClaimRole::ListEntry { element: index } && v.deleted);
                return deleted.then_some(ElementValueData::Deleted);
            }
            Some(ElementValueData::List {
                entries: entries
                    .iter()
                    .map(|v| ListEntry {
                        name: v.name.clone(),
                        data: v.data.as_ref().map(RegistryData::display),
                    })
                    .collect(),
            })
        }
        ElementKind::Boolean {
            true_value,
            false_value,
            true_list,
            false_list,
        } => {
            if let Some(v) = own {
                if let Some(data) = &v.data {
                    let is_true = match true_value {
                        Some(t) => t.matches_data(data),
                        None => *data == RegistryData::Dword(1),
                    };
                    if is_true {
                        return Some(ElementValueData::Boolean { value: true });
                    }
                    if false_value.as_ref().is_some_and(|f| f.matches_data(data)) {
                        return Some(ElementValueData::Boolean { value: false });
                    }
                    return Some(ElementValueData::Unrecognized {
                        raw: data.display(),
                    });
                }
                if v.deleted {
                    return Some(match false_value {
                        None | Some(AdmxValue::Delete) => {
                            ElementValueData::Boolean { value: false }
                        }
                        Some(_) if true_value == &Some(AdmxValue::Delete) => {
                            ElementValueData::Boolean { value: true }
                        }
                        Some(_) => ElementValueData::Deleted,
                    });
                }
            }
            let list_hit = |list: &Option<ValueList>, want_true: bool| {
                a.values.iter().any(|(r, v)| {
                    let item = match *r {
                        ClaimRole::BooleanTrueList { element, item }
                            if want_true && element == index =>
                        {
                            item
                        }
                        ClaimRole::BooleanFalseList { element, item }
                            if !want_true && element == index =>
                        {
                            item
                        }
                        _ => return false,
                    };
                    list_item(list.as_ref(), item).is_some_and(|i| item_matches(i, v))
                })
            };
            if list_hit(true_list, true) {
                Some(ElementValueData::Boolean { value: true })
            } else if list_hit(false_list, false) {
                Some(ElementValueData::Boolean { value: false })
            } else {
                None
            }
        }
        kind => {
            let v = own?;
            let Some(data) = &v.data else {
                return v.deleted.then_some(ElementValueData::Deleted);
            };
            let unrecognized = || ElementValueData::Unrecognized {
                raw: data.display(),
            };
            Some(match kind {
                ElementKind::Decimal { .. } | ElementKind::LongDecimal { .. } => match data {
                    RegistryData::Dword(n) => ElementValueData::Number {
                        value: u64::from(*n),
                    },
                    RegistryData::Qword(n) => ElementValueData::Number { value: *n },
                    RegistryData::String(s) => match s.trim().parse() {
                        Ok(value) => ElementValueData::Number { value },
                        Err(_) => unrecognized(),
                    },
                    _ => unrecognized(),
                },
                ElementKind::Text { .. } => match data {
                    RegistryData::String(s) | RegistryData::ExpandString(s) => {
                        ElementValueData::Text { value: s.clone() }
                    }
                    _ => unrecognized(),
                },
                ElementKind::MultiText { .. } => match data {
                    RegistryData::MultiString(values) => ElementValueData::MultiText {
                        values: values.clone(),
                    },
                    RegistryData::String(s) => ElementValueData::MultiText {
                        values: vec![s.clone()],
                    },
                    _ => unrecognized(),
                },
                ElementKind::Enum { items, .. } => {
                    match items
                        .iter()
                        .enumerate()
                        .find(|(_, i)| i.value.as_ref().is_some_and(|x| x.matches_data(data)))
                    {
                        Some((index, item)) => ElementValueData::Enum {
                            index,
                            display_name: item.display_name.clone(),
                            value: item.value.clone(),
                        },
                        None => unrecognized(),
                    }
                }
                _ => unrecognized(),
            })
        }
    }
}
