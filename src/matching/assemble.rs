//! How setting instances fit together in one settings catalog policy: Intune takes each
//! definition once per policy, a dependent definition sits under the option of its parent it
//! depends on, and a chosen option needs every child it marks required. Matching runs this over
//! each GPO's Ready rows to decide them (a row is Ready only when it fits); `gpa convert` runs
//! the same over the rows of a merged policy.

use std::collections::BTreeMap;

use super::decision::ReasonKind;
use crate::catalog::Catalog;
use crate::catalog::definitions::{DefinitionKind, SettingDefinition};
use crate::catalog::instance::{
    GROUP_VALUE, GroupValue, InstanceValue, SettingInstance, parents_required, unmet_requirement,
};

/// An instance on its way into a policy, with what it stands for (a row index, a GPO row).
#[derive(Debug, Clone)]
pub struct Piece<S> {
    pub instance: SettingInstance,
    pub source: S,
}

/// What one policy holds once its pieces are assembled.
#[derive(Debug, Clone)]
pub struct Assembled<S> {
    /// The top-level instances, in definition id order, each with every definition it writes.
    pub entries: Vec<Entry<S>>,
    /// Definitions that pieces give different instances: none is written.
    pub conflicts: Vec<DefinitionConflict<S>>,
    /// Pieces that could not be placed: a parent the policy lacks or holds with another option,
    /// or a required child missing (the piece and everything nested under it).
    pub refused: Vec<Refused<S>>,
}

#[derive(Debug, Clone)]
pub struct Entry<S> {
    pub instance: SettingInstance,
    /// One per definition written (this one and the dependents nested under it).
    pub written: Vec<Written<S>>,
}

#[derive(Debug, Clone)]
pub struct Written<S> {
    pub definition_id: String,
    /// Every piece that gives this definition its (one) value.
    pub sources: Vec<S>,
}

#[derive(Debug, Clone)]
pub struct DefinitionConflict<S> {
    pub definition_id: String,
    pub sources: Vec<S>,
}

#[derive(Debug, Clone)]
pub struct Refused<S> {
    pub source: S,
    /// [`ReasonKind::ParentNotSet`] or [`ReasonKind::RequiredChildMissing`].
    pub kind: ReasonKind,
    pub detail: String,
}

/// Assembles pieces into one policy's settings.
pub fn assemble<S: Clone>(catalog: &Catalog, pieces: Vec<Piece<S>>) -> Assembled<S> {
    let mut conflicts = Vec::new();
    let mut refused = Vec::new();
    let entries = once_per_definition(pieces, &mut conflicts);
    let entries = nest_dependents(catalog, entries, &mut refused);
    let mut out = Vec::new();
    for entry in entries {
        if let Some(why) = unmet_requirement(catalog, &entry.instance) {
            refuse(&entry, ReasonKind::RequiredChildMissing, &why, &mut refused);
            continue;
        }
        out.push(entry);
    }
    Assembled {
        entries: out,
        conflicts,
        refused,
    }
}

/// Pieces that write the same instance of a definition become one entry; pieces that write
/// different ones, a conflict.
fn once_per_definition<S>(
    pieces: Vec<Piece<S>>,
    conflicts: &mut Vec<DefinitionConflict<S>>,
) -> Vec<Entry<S>> {
    let mut by_definition: BTreeMap<String, Vec<Piece<S>>> = BTreeMap::new();
    for piece in pieces {
        by_definition
            .entry(piece.instance.setting_definition_id.to_ascii_lowercase())
            .or_default()
            .push(piece);
    }
    let mut entries = Vec::new();
    for group in by_definition.into_values() {
        let Some(first) = group.first() else { continue };
        let definition_id = first.instance.setting_definition_id.clone();
        if group.iter().any(|p| p.instance != first.instance) {
            conflicts.push(DefinitionConflict {
                definition_id,
                sources: group.into_iter().map(|p| p.source).collect(),
            });
            continue;
        }
        let mut group = group.into_iter();
        let Some(first) = group.next() else { continue };
        let sources = std::iter::once(first.source)
            .chain(group.map(|p| p.source))
            .collect();
        entries.push(Entry {
            instance: first.instance,
            written: vec![Written {
                definition_id,
                sources,
            }],
        });
    }
    entries
}

/// An entry with the (parent definition, option) pairs it may sit under.
type Pending<S> = (Entry<S>, Vec<(String, String)>);

/// Puts each dependent definition (a firewall profile value under `EnableFirewall`, a LAPS
/// setting under `BackupDirectory`, an Office `_v2` setting under the setting Intune nests it
/// in) under the option of its parent it depends on. A dependent whose parent the policy lacks,
/// or holds with another option, is refused.
fn nest_dependents<S: Clone>(
    catalog: &Catalog,
    entries: Vec<Entry<S>>,
    refused: &mut Vec<Refused<S>>,
) -> Vec<Entry<S>> {
    let (mut roots, mut pending): (Vec<Pending<S>>, Vec<Pending<S>>) = entries
        .into_iter()
        .map(|e| {
            let parents = catalog
                .definition(&e.instance.setting_definition_id)
                .map(parents_required)
                .unwrap_or_default();
            (e, parents)
        })
        .partition(|(_, parents)| parents.is_empty());
    loop {
        let before = pending.len();
        let mut waiting = Vec::new();
        for (entry, parents) in pending {
            let home = roots.iter_mut().enumerate().find_map(|(i, (root, _))| {
                parents.iter().find_map(|(parent, option)| {
                    let choice = root.instance.choice_mut(parent)?;
                    choice
                        .value
                        .eq_ignore_ascii_case(option)
                        .then(|| (i, parent.clone()))
                })
            });
            let Some((i, parent)) = home else {
                match group_parent(catalog, &parents) {
                    Some(group) => put_in_group(&mut roots, group, entry),
                    None => waiting.push((entry, parents)),
                }
                continue;
            };
            if let Some((root, _)) = roots.get_mut(i)
                && let Some(choice) = root.instance.choice_mut(&parent)
            {
                choice.children.push(entry.instance);
                root.written.extend(entry.written);
            }
        }
        pending = waiting;
        if pending.len() == before {
            break;
        }
    }
    for (entry, parents) in pending {
        let detail = parents
            .iter()
            .map(|(parent, option)| {
                let held = roots.iter_mut().find_map(|(root, _)| {
                    root.instance.choice_mut(parent).map(|c| c.value.clone())
                });
                match held {
                    Some(held) => {
                        format!("it applies only when {parent} is {option}; the GPO sets {held}")
                    }
                    None => format!(
                        "it applies only under {parent} = {option}, which the GPO does not set"
                    ),
                }
            })
            .collect::<Vec<_>>()
            .join("; or ");
        refuse(&entry, ReasonKind::ParentNotSet, &detail, refused);
    }
    roots.into_iter().map(|(e, _)| e).collect()
}

/// Refuses every piece behind an entry (its own and those nested under it), for one reason.
fn refuse<S: Clone>(
    entry: &Entry<S>,
    kind: ReasonKind,
    detail: &str,
    refused: &mut Vec<Refused<S>>,
) {
    for source in entry.written.iter().flat_map(|w| &w.sources) {
        refused.push(Refused {
            source: source.clone(),
            kind,
            detail: detail.to_string(),
        });
    }
}

/// The group collection a dependent belongs to, when its parent is one (a definition of kind
/// `SettingGroupCollection` that lists it among its children, as PassportForWork's
/// `device_vendor_msft_passportforwork_{tenantid}` does): Intune takes such settings as children
/// of one group instance, which carries no value of its own.
fn group_parent<'c>(
    catalog: &'c Catalog,
    parents: &[(String, String)],
) -> Option<&'c SettingDefinition> {
    parents.iter().find_map(|(parent, option)| {
        if !parent.eq_ignore_ascii_case(option) {
            return None;
        }
        let def = catalog.definition(parent)?;
        (def.kind == DefinitionKind::SettingGroupCollection).then_some(def)
    })
}

/// Puts an entry into the (one) group instance of its group collection, made when first needed.
fn put_in_group<S>(roots: &mut Vec<Pending<S>>, group: &SettingDefinition, entry: Entry<S>) {
    let existing = roots.iter_mut().find_map(|(root, _)| {
        if !root
            .instance
            .setting_definition_id
            .eq_ignore_ascii_case(&group.id)
        {
            return None;
        }
        match &mut root.instance.value {
            InstanceValue::GroupSettingCollectionValue(values) => {
                values.first_mut().map(|v| (v, &mut root.written))
            }
            _ => None,
        }
    });
    match existing {
        Some((value, written)) => {
            value.children.push(entry.instance);
            written.extend(entry.written);
        }
        None => {
            let Some(odata_type) = group.kind.instance_odata_type() else {
                return;
            };
            let instance = SettingInstance {
                odata_type,
                setting_definition_id: group.id.clone(),
                setting_instance_template_reference: (),
                value: InstanceValue::GroupSettingCollectionValue(vec![GroupValue {
                    odata_type: GROUP_VALUE,
                    setting_value_template_reference: (),
                    children: vec![entry.instance],
                }]),
            };
            roots.push((
                Entry {
                    instance,
                    written: entry.written,
                },
                Vec::new(),
            ));
        }
    }
}
