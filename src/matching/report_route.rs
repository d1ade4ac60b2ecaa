//! The report route: Administrative Templates policies a GPMC report names by category path,
//! display name and part labels, turned back into catalog policies and element values through the
//! English ADML. Language dependent: a localized report resolves nothing here.

use std::collections::BTreeSet;

use super::admx_state::{
    ElementValue, ElementValueData, Evidence, RecoveredPolicy, Route, UnresolvedReportPolicy,
};
use crate::catalog::admx::{AdmxCatalog, AdmxElement, AdmxPolicy, ElementKind, normalize_name};
use crate::model::{
    Gpo, ListEntry, PolicyPart, Scope, Setting, SettingId, SettingKind, SettingValue,
};

/// Catalog policies the GPO's report names in this scope (from a backup's gpreport.xml, or the
/// report the GPO was read from).
pub(super) fn named_by_report(gpo: &Gpo, admx: &AdmxCatalog, scope: Scope) -> BTreeSet<usize> {
    gpo.report_policies
        .iter()
        .chain(
            gpo.settings
                .iter()
                .filter(|s| s.kind == SettingKind::AdmxPolicy),
        )
        .filter(|s| s.scope == scope)
        .filter_map(|s| match &s.id {
            SettingId::ReportPolicy { category, name } => Some((category, name)),
            _ => None,
        })
        .flat_map(|(category, name)| {
            let found = admx.policies_by_display(scope, category, name);
            if found.is_empty() {
                by_name_alone(admx, scope, category, name)
            } else {
                found
            }
        })
        .filter_map(|p| admx.index_of(p))
        .collect()
}

/// The report policies kept in the GPO's own settings (a GPO read from a report alone).
pub(super) fn from_report(
    gpo: &Gpo,
    admx: &AdmxCatalog,
    scope: Scope,
) -> (Vec<RecoveredPolicy>, Vec<UnresolvedReportPolicy>) {
    let mut recovered = Vec::new();
    let mut unresolved = Vec::new();
    for (index, setting) in gpo.settings.iter().enumerate() {
        if setting.scope != scope || setting.kind != SettingKind::AdmxPolicy {
            continue;
        }
        match resolve_report_policy(admx, index, setting) {
            Some(Ok(policy)) => recovered.push(policy),
            Some(Err(missing)) => unresolved.push(missing),
            None => {}
        }
    }
    (recovered, unresolved)
}

/// One report policy (kind AdmxPolicy, id ReportPolicy, value Policy) resolved against the
/// catalog; `setting` is its index in whatever list it came from. None for any other setting.
pub fn resolve_report_policy(
    admx: &AdmxCatalog,
    setting: usize,
    report: &Setting,
) -> Option<Result<RecoveredPolicy, UnresolvedReportPolicy>> {
    let SettingId::ReportPolicy { category, name } = &report.id else {
        return None;
    };
    let SettingValue::Policy { state, parts } = &report.value else {
        return None;
    };
    let mut notes = Vec::new();
    let mut found = admx.policies_by_display(report.scope, category, name);
    if found.is_empty() {
        found = by_name_alone(admx, report.scope, category, name);
        if let Some(first) = found.first() {
            notes.push(format!(
                "category path differs: report {:?}, templates {:?}",
                category,
                first.category_display_path()
            ));
        }
    }
    let Some((policy, index)) = found.iter().find_map(|p| admx.index_of(p).map(|i| (*p, i))) else {
        return Some(Err(UnresolvedReportPolicy {
            scope: report.scope,
            setting,
            category: category.clone(),
            name: name.clone(),
        }));
    };
    let distinct: BTreeSet<(String, String)> = found
        .iter()
        .map(|p| {
            (
                p.file_base.to_ascii_lowercase(),
                p.name.to_ascii_lowercase(),
            )
        })
        .collect();
    if distinct.len() > 1 {
        notes.push(format!(
            "display name shared by {}; took the first",
            found
                .iter()
                .map(|p| format!("{}:{}", p.file_base, p.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut elements: Vec<(usize, ElementValue)> = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        if part.element == "Text" {
            continue;
        }
        let Some(element) = part_element(policy, parts, k) else {
            notes.push(format!(
                "part {:?} ({}) matches no presentation label",
                part.label, part.element
            ));
            continue;
        };
        let position = policy
            .elements
            .iter()
            .position(|e| std::ptr::eq(e, element))
            .unwrap_or(usize::MAX);
        if let Some(value) = part_value(element, part) {
            elements.push((
                position,
                ElementValue {
                    id: element.id.clone(),
                    value,
                },
            ));
        }
    }
    elements.sort_by_key(|(position, _)| *position);
    Some(Ok(RecoveredPolicy {
        policy: index,
        file_base: policy.file_base.clone(),
        name: policy.name.clone(),
        display_name: policy.display_name.clone(),
        scope: report.scope,
        state: *state,
        elements: elements.into_iter().map(|(_, e)| e).collect(),
        evidence: vec![Evidence {
            setting,
            entry: report.source.entry,
        }],
        route: Route::ReportDisplayNames,
        ambiguities: Vec::new(),
        notes,
        stands_in_for_lost_registry: false,
    }))
}

/// Policies of this scope with this display name elsewhere under the same root category, when
/// they are all one policy (the same file and name, loaded from several folders): templates move
/// and rename categories (Windows Update's moved under "Manage end user experience", "Windows
/// Defender Antivirus" became "Microsoft Defender Antivirus"), and a report written with older
/// templates keeps the old path. Other roots are other products (Chrome and Edge share many
/// display names), and several distinct policies resolve nothing.
fn by_name_alone<'a>(
    admx: &'a AdmxCatalog,
    scope: Scope,
    category: &str,
    name: &str,
) -> Vec<&'a AdmxPolicy> {
    let wanted_root = category.split('/').next().unwrap_or_default();
    let wanted_root = normalize_name(wanted_root);
    let found: Vec<&AdmxPolicy> = admx
        .policies_displayed(name)
        .into_iter()
        .filter_map(|i| admx.policy(i))
        .filter(|p| {
            p.class.applies_to(scope)
                && p.category_path
                    .first()
                    .is_some_and(|c| normalize_name(c) == wanted_root)
        })
        .collect();
    let distinct: BTreeSet<(String, String)> = found
        .iter()
        .map(|p| {
            (
                p.file_base.to_ascii_lowercase(),
                p.name.to_ascii_lowercase(),
            )
        })
        .collect();
    if distinct.len() == 1 {
        found
    } else {
        Vec::new()
    }
}

/// The element a report part edits: the n-th presentation part with the part's label for the
/// n-th report part so labelled. Labels repeat (93 policies of the 25H2 set), and a report may or
/// may not list static text parts, so positions alone would misplace parts.
fn part_element<'p>(
    policy: &'p AdmxPolicy,
    parts: &[PolicyPart],
    k: usize,
) -> Option<&'p AdmxElement> {
    let label = normalize_name(&parts.get(k)?.label);
    let earlier = parts
        .iter()
        .take(k)
        .filter(|p| p.element != "Text" && normalize_name(&p.label) == label)
        .count();
    policy
        .presentation
        .iter()
        .filter(|p| p.ref_id.is_some() && normalize_name(&p.label) == label)
        .nth(earlier)
        .and_then(|p| p.ref_id.as_deref())
        .and_then(|id| policy.element(id))
}

/// A report part's value in the element's terms: enum display names back to items, check boxes
/// to booleans, list entries to the value names the list writes.
fn part_value(element: &AdmxElement, part: &PolicyPart) -> Option<ElementValueData> {
    let raw = || ElementValueData::Unrecognized {
        raw: part
            .value
            .clone()
            .or_else(|| part.state.clone())
            .unwrap_or_default(),
    };
    Some(match &element.kind {
        ElementKind::Decimal { .. } | ElementKind::LongDecimal { .. } => {
            match part.value.as_deref()?.trim().parse() {
                Ok(value) => ElementValueData::Number { value },
                Err(_) => raw(),
            }
        }
        ElementKind::Text { .. } => ElementValueData::Text {
            value: part.value.clone()?,
        },
        ElementKind::MultiText { .. } => ElementValueData::MultiText {
            values: part.items.iter().map(|i| i.name.clone()).collect(),
        },
        ElementKind::Boolean { .. } => match part.state.as_deref().map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("enabled") => {
                ElementValueData::Boolean { value: true }
            }
            Some(s) if s.eq_ignore_ascii_case("disabled") => {
                ElementValueData::Boolean { value: false }
            }
            _ => raw(),
        },
        ElementKind::Enum { items, .. } => {
            let shown = part.value.as_deref()?;
            match element.enum_item_by_display_name(shown).and_then(|item| {
                items
                    .iter()
                    .position(|i| std::ptr::eq(i, item))
                    .map(|index| (index, item))
            }) {
                Some((index, item)) => ElementValueData::Enum {
                    index,
                    display_name: item.display_name.clone(),
                    value: item.value.clone(),
                },
                None => raw(),
            }
        }
        ElementKind::List {
            value_prefix,
            explicit_value,
            ..
        } => ElementValueData::List {
            entries: part
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let data = item.data.clone().unwrap_or_else(|| item.name.clone());
                    let name = if *explicit_value {
                        item.name.clone()
                    } else if let Some(prefix) = value_prefix {
                        format!("{prefix}{}", i + 1)
                    } else {
                        data.clone()
                    };
                    ListEntry {
                        name,
                        data: Some(data),
                    }
                })
                .collect(),
        },
        ElementKind::Unknown { .. } => raw(),
    })
}
