//! Which Administrative Templates policy owns a registry value that several policies claim,
//! decided on the GPO's registry evidence (mapping-notes.md, "Registry evidence"):
//!
//! 1. A policy that declares its own value (`key`/`valueName`) is set only if the GPO writes that
//!    value; one that declares only enabled/disabled lists, only if the GPO writes every value of
//!    one of them. One that is not set takes nothing: *Restrict Internet communication* lists 27
//!    values that have policies of their own, and a GPO setting two of them has not set it.
//! 2. A claim by the policy's own value or one of its elements outranks a claim through an
//!    enabled/disabled list (the umbrella policies: *Restrict Internet communication*, the IE zone
//!    templates), which outranks a `list` element's claim on its whole key.
//! 3. Among claims of equal rank, the claim whose element or list names the data (an enum item,
//!    a check box value) or stores its type beats one that would not write it; then a policy that
//!    something else in the GPO shows set (its own value, or a value it alone can own) beats one
//!    nothing does; then the policy with more of its values in the GPO.
//! 4. Only then, where registry evidence is equal, the GPO's report names the owner; else the
//!    first claimant in catalog order. Either way the [`Decision`] says so.
//!
//! So names decide nothing a translated or missing report would change.

use std::collections::{BTreeMap, BTreeSet};

use super::admx_state::Decision;
use super::replay::{RegistryState, ValueState};
use crate::catalog::admx::{AdmxCatalog, AdmxPolicy, AdmxValue, ClaimRole, ElementKind, ValueList};
use crate::model::{RegistryData, fold_registry_key};

/// A policy claiming a value, with the roles it claims it in.
pub(super) type Claimant = (usize, Vec<ClaimRole>);

/// How strongly a claim ties a value to a policy; lower is stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// The policy's own value or one of its elements (with the elements' value lists).
    Own,
    /// An item of the policy's enabled or disabled list.
    StateList,
    /// Any value under a `list` element's key.
    KeyList,
}

fn rank(role: &ClaimRole) -> Rank {
    match role {
        ClaimRole::PolicyValue
        | ClaimRole::Element { .. }
        | ClaimRole::BooleanTrueList { .. }
        | ClaimRole::BooleanFalseList { .. }
        | ClaimRole::EnumValueList { .. } => Rank::Own,
        ClaimRole::EnabledList { .. } | ClaimRole::DisabledList { .. } => Rank::StateList,
        ClaimRole::ListEntry { .. } => Rank::KeyList,
    }
}

/// How well a value's data fits what a claim writes; higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// The data is nothing this claim writes (a string where a number goes).
    None,
    /// The data has the type the claim writes (any string for a text box).
    Type,
    /// The data is one the claim names (an enum item, a check box's true value, a deletion).
    Exact,
}

fn value_fit(expected: Option<&AdmxValue>, value: &ValueState) -> Fit {
    match (expected, &value.data) {
        (_, None) if value.deleted => Fit::Exact,
        (Some(AdmxValue::Delete), _) | (_, None) => Fit::None,
        (Some(expected), Some(data)) if expected.matches_data(data) => Fit::Exact,
        (Some(_), Some(_)) => Fit::None,
        (None, Some(_)) => Fit::Type,
    }
}

fn list_fit(list: Option<&ValueList>, item: usize, value: &ValueState) -> Fit {
    list.and_then(|l| l.items.get(item))
        .map_or(Fit::None, |i| value_fit(i.value.as_ref(), value))
}

/// How well the value fits this role of the policy: what the element or list would write.
fn role_fit(policy: &AdmxPolicy, role: &ClaimRole, value: &ValueState) -> Fit {
    let element = |e: usize| policy.elements.get(e).map(|e| &e.kind);
    match *role {
        // Without `enabledValue` Enabled writes DWORD 1; without `disabledValue` Disabled
        // deletes the value.
        ClaimRole::PolicyValue => value_fit(
            Some(
                policy
                    .enabled_value
                    .as_ref()
                    .unwrap_or(&AdmxValue::Decimal(1)),
            ),
            value,
        )
        .max(value_fit(policy.disabled_value.as_ref(), value)),
        ClaimRole::EnabledList { item } => list_fit(policy.enabled_list.as_ref(), item, value),
        ClaimRole::DisabledList { item } => list_fit(policy.disabled_list.as_ref(), item, value),
        ClaimRole::Element { element: e } => match (element(e), &value.data) {
            (_, None) if value.deleted => Fit::Exact,
            (_, None) | (None, _) => Fit::None,
            (Some(kind), Some(data)) => data_fit(kind, data),
        },
        ClaimRole::BooleanTrueList { element: e, item } => match element(e) {
            Some(ElementKind::Boolean { true_list, .. }) => {
                list_fit(true_list.as_ref(), item, value)
            }
            _ => Fit::None,
        },
        ClaimRole::BooleanFalseList { element: e, item } => match element(e) {
            Some(ElementKind::Boolean { false_list, .. }) => {
                list_fit(false_list.as_ref(), item, value)
            }
            _ => Fit::None,
        },
        ClaimRole::EnumValueList {
            element: e,
            enum_item,
            item,
        } => match element(e) {
            Some(ElementKind::Enum { items, .. }) => list_fit(
                items.get(enum_item).and_then(|i| i.value_list.as_ref()),
                item,
                value,
            ),
            _ => Fit::None,
        },
        ClaimRole::ListEntry { .. } => Fit::Type,
    }
}

/// How well data fits an element's own value.
fn data_fit(kind: &ElementKind, data: &RegistryData) -> Fit {
    let number = matches!(data, RegistryData::Dword(_) | RegistryData::Qword(_))
        || matches!(data, RegistryData::String(s) if s.trim().parse::<u64>().is_ok());
    match kind {
        ElementKind::Boolean {
            true_value,
            false_value,
            ..
        } => {
            let named = [true_value, false_value]
                .into_iter()
                .flatten()
                .any(|v| v.matches_data(data));
            let default_true = true_value.is_none() && *data == RegistryData::Dword(1);
            if named || default_true {
                Fit::Exact
            } else {
                Fit::None
            }
        }
        ElementKind::Enum { items, .. } => {
            if items
                .iter()
                .any(|i| i.value.as_ref().is_some_and(|v| v.matches_data(data)))
            {
                Fit::Exact
            } else {
                Fit::None
            }
        }
        ElementKind::Decimal { .. } | ElementKind::LongDecimal { .. } if number => Fit::Type,
        ElementKind::Text { .. } => match data {
            RegistryData::String(_) | RegistryData::ExpandString(_) => Fit::Type,
            _ => Fit::None,
        },
        ElementKind::MultiText { .. } => match data {
            RegistryData::MultiString(_) => Fit::Type,
            _ => Fit::None,
        },
        ElementKind::List { .. } | ElementKind::Unknown { .. } => Fit::Type,
        ElementKind::Decimal { .. } | ElementKind::LongDecimal { .. } => Fit::None,
    }
}

fn best_rank(claimant: &Claimant) -> Rank {
    claimant.1.iter().map(rank).min().unwrap_or(Rank::KeyList)
}

/// Whether the GPO shows a policy set by the values it declares as its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// The GPO writes its declared own value, or (with none declared) every value of one of its
    /// enabled/disabled lists.
    Present,
    /// It declares them, and the GPO writes none: the policy is not set here.
    Absent,
    /// It declares only elements: only its element values can show it set.
    Undeclared,
}

/// The owners chosen on the registry evidence of one scope. Built once per scope; each value
/// then asks [`Ownership::owners`].
pub(super) struct Ownership<'a> {
    admx: &'a AdmxCatalog,
    state: &'a RegistryState,
    presence: BTreeMap<usize, Presence>,
    /// Policies the GPO shows set: present by their own value or lists, or the only eligible
    /// claimant of best rank of some value.
    shown_set: BTreeSet<usize>,
    /// Per policy, how many of the GPO's claimed values it claims.
    claimed_values: BTreeMap<usize, usize>,
}

impl<'a> Ownership<'a> {
    pub(super) fn new(
        admx: &'a AdmxCatalog,
        state: &'a RegistryState,
        claimed: &[(&ValueState, Vec<Claimant>)],
    ) -> Self {
        let mut ownership = Ownership {
            admx,
            state,
            presence: BTreeMap::new(),
            shown_set: BTreeSet::new(),
            claimed_values: BTreeMap::new(),
        };
        for (_, claimants) in claimed {
            for (policy, _) in claimants {
                *ownership.claimed_values.entry(*policy).or_default() += 1;
                if !ownership.presence.contains_key(policy) {
                    let presence = admx
                        .policy(*policy)
                        .map_or(Presence::Undeclared, |p| ownership.presence_of(p));
                    ownership.presence.insert(*policy, presence);
                }
            }
        }
        for (policy, presence) in &ownership.presence {
            if *presence == Presence::Present {
                ownership.shown_set.insert(*policy);
            }
        }
        for (_, claimants) in claimed {
            if let [one] = ownership.best_eligible(claimants).as_slice() {
                ownership.shown_set.insert(one.0);
            }
        }
        ownership
    }

    fn written(&self, key: &str, value_name: &str) -> bool {
        self.state
            .values
            .get(&(fold_registry_key(key), value_name.to_ascii_lowercase()))
            .is_some_and(|v| v.data.is_some() || v.deleted)
    }

    fn list_written(&self, list: Option<&ValueList>) -> bool {
        list.is_some_and(|l| {
            !l.items.is_empty()
                && l.items
                    .iter()
                    .all(|item| self.written(&item.key, &item.value_name))
        })
    }

    fn presence_of(&self, policy: &AdmxPolicy) -> Presence {
        let declares_lists = policy
            .enabled_list
            .as_ref()
            .is_some_and(|l| !l.items.is_empty())
            || policy
                .disabled_list
                .as_ref()
                .is_some_and(|l| !l.items.is_empty());
        if policy.value_name.is_none() && !declares_lists {
            return Presence::Undeclared;
        }
        // A declared own value is written in either state (enabledValue or disabledValue, else
        // DWORD 1 or a deletion), so it alone decides; lists decide only without one.
        let present = match policy.value_name.as_deref() {
            Some(name) => self.written(&policy.key, name),
            None => {
                self.list_written(policy.enabled_list.as_ref())
                    || self.list_written(policy.disabled_list.as_ref())
            }
        };
        if present {
            Presence::Present
        } else {
            Presence::Absent
        }
    }

    /// True when the value being decided is the policy's own value: that it is written shows the
    /// policy set no more than it shows any other claimant set.
    fn own_value_is(&self, policy: usize, value: &ValueState) -> bool {
        self.admx.policy(policy).is_some_and(|p| {
            p.value_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&value.name))
                && fold_registry_key(&p.key) == fold_registry_key(&value.key)
        })
    }

    fn eligible(&self, policy: usize) -> bool {
        self.presence.get(&policy) != Some(&Presence::Absent)
    }

    /// The claimants not shown absent, keeping only those of the best rank among them.
    fn best_eligible<'c>(&self, claimants: &'c [Claimant]) -> Vec<&'c Claimant> {
        let eligible: Vec<&Claimant> = claimants.iter().filter(|c| self.eligible(c.0)).collect();
        let Some(best) = eligible.iter().map(|c| best_rank(c)).min() else {
            return Vec::new();
        };
        eligible
            .into_iter()
            .filter(|c| best_rank(c) == best)
            .collect()
    }

    /// The owners of a value and how they were chosen (None when only one policy claims it).
    /// Empty when every claimant is a policy the GPO shows absent: the value is then an extra
    /// registry setting.
    pub(super) fn owners<'c>(
        &self,
        value: &ValueState,
        claimants: &'c [Claimant],
        named: &BTreeSet<usize>,
        reachable: &dyn Fn(usize) -> bool,
    ) -> (Vec<&'c Claimant>, Option<Decision>) {
        let eligible: Vec<&Claimant> = claimants.iter().filter(|c| self.eligible(c.0)).collect();
        if claimants.len() == 1 || eligible.is_empty() {
            return (eligible, None);
        }
        if let [one] = eligible.as_slice() {
            return (vec![*one], Some(Decision::OthersAbsent));
        }
        let best = self.best_eligible(claimants);
        if let [one] = best.as_slice() {
            let dropped = eligible
                .iter()
                .filter(|c| c.0 != one.0)
                .map(|c| best_rank(c))
                .min();
            let decision = match (best_rank(one), dropped) {
                (Rank::Own, Some(Rank::StateList)) => Decision::OwnOverStateList,
                _ => Decision::ExactOverList,
            };
            return (vec![*one], Some(decision));
        }
        let fit = |c: &Claimant| {
            self.admx.policy(c.0).map_or(Fit::None, |p| {
                c.1.iter()
                    .map(|r| role_fit(p, r, value))
                    .max()
                    .unwrap_or(Fit::None)
            })
        };
        let best_fit = best.iter().map(|c| fit(c)).max().unwrap_or(Fit::None);
        let fitting: Vec<&Claimant> = best.into_iter().filter(|c| fit(c) == best_fit).collect();
        if let [one] = fitting.as_slice() {
            return (vec![*one], Some(Decision::DataFits));
        }
        let best = fitting;
        let shown: Vec<&Claimant> = best
            .iter()
            .copied()
            .filter(|c| self.shown_set.contains(&c.0) && !self.own_value_is(c.0, value))
            .collect();
        if let [one] = shown.as_slice() {
            return (vec![*one], Some(Decision::ShownSet));
        }
        // Equal so far: the claimants the GPO shows set, else all of them, compared on how many
        // of their values the GPO writes.
        let pool = if shown.is_empty() { best } else { shown };
        let count = |c: &Claimant| self.claimed_values.get(&c.0).copied().unwrap_or(0);
        let most = pool.iter().map(|c| count(c)).max().unwrap_or(0);
        let leaders: Vec<&Claimant> = pool.iter().copied().filter(|c| count(c) == most).collect();
        if let [one] = leaders.as_slice() {
            return (vec![*one], Some(Decision::OtherValues));
        }
        // A genuine tie: before any name, the claimant MDM can set.
        let settable: Vec<&Claimant> = leaders.iter().copied().filter(|c| reachable(c.0)).collect();
        if let [one] = settable.as_slice() {
            return (vec![*one], Some(Decision::MdmTarget));
        }
        let by_report: Vec<&Claimant> = leaders
            .iter()
            .copied()
            .filter(|c| named.contains(&c.0))
            .collect();
        if !by_report.is_empty() {
            return (by_report, Some(Decision::Report));
        }
        (
            leaders.into_iter().take(1).collect(),
            Some(Decision::CatalogOrder),
        )
    }
}
