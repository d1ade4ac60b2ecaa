//! `gpa compare`: what the GPOs enforce that the estate's Intune policies do not, and where the
//! two disagree, setting by setting. This is the one place that decides a row's comparison; the
//! reports in `report::compare` only write it.
//!
//! A GPO row that analysis marked Ready carries the settings catalog instance `gpa convert`
//! writes. That instance is compared with every instance of the same definition id (letter case
//! ignored) in the Intune policies, at any depth (a firewall profile value sits under its
//! `EnableFirewall`, a Windows Hello setting inside its `{tenantid}` group). Values compare by
//! meaning, not by their JSON:
//!
//! * choices by option id (letter case ignored), and their children recursively;
//! * integers as numbers;
//! * strings exactly, except where the definition says how they compare (`format: guid`: letter
//!   case and braces ignored);
//! * collections as sets (order and repeats do not matter); group collections as sets of their
//!   members' sets.
//!
//! Children Intune sets under an option that the GPO's instance does not hold are not a
//! difference of the row: they are settings of their own (a dependent the GPO sets as another
//! row, or one no GPO sets, listed under [`Compared::intune_only`]), and the row's Intune value
//! leaves them out. A child the GPO's instance holds and Intune's lacks, or holds with another
//! value, is a difference.
//!
//! Every row of the analysis is kept (Intune's analytics users expect to see every setting): a
//! row that is not Ready is [`Comparison::NotComparable`] with its readiness and reasons, and
//! with Intune's value beside it when an Intune policy sets the row's definition.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::analyze::{Analysis, MatchedSetting, Readiness};
use crate::catalog::Catalog;
use crate::catalog::definitions::ValueDefinition;
use crate::catalog::instance::{InstanceValue, SettingInstance, SimpleValue, value_text};
use crate::input::intune_policy::IntunePolicy;
use crate::model::{Inventory, Scope};

/// How a GPO setting stands against the Intune policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Comparison {
    /// Every Intune instance of the definition holds the GPO's value.
    Same,
    /// Some Intune instance of the definition holds another value.
    Different,
    /// gpa translates the setting, and no Intune policy given sets its definition.
    NotInIntune,
    /// gpa cannot translate the GPO's value (the row is not Ready), or Intune's value cannot be
    /// read (a secret); the reason says which.
    NotComparable,
}

impl Comparison {
    pub const ALL: [Comparison; 4] = [
        Comparison::Same,
        Comparison::Different,
        Comparison::NotInIntune,
        Comparison::NotComparable,
    ];

    /// The JSON name, also used by the CSV and the HTML page.
    pub fn text(self) -> &'static str {
        match self {
            Comparison::Same => "same",
            Comparison::Different => "different",
            Comparison::NotInIntune => "notInIntune",
            Comparison::NotComparable => "notComparable",
        }
    }
}

/// One GPO setting and how it compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComparedSetting {
    pub name: String,
    pub scope: Scope,
    pub readiness: Readiness,
    /// The definition the GPO's value is written to (Ready rows), or the row's definition.
    pub definition_id: Option<String>,
    pub comparison: Comparison,
    /// The GPO's value as a settings catalog value ([`value_text`]) for a Ready row, as the GPO
    /// states it otherwise.
    pub gpo_value: String,
    /// Intune's value (for a Ready row, as compared: without the children under the same
    /// option that the GPO's value does not hold); the distinct values with their policies,
    /// ` | `-separated, when the policies disagree among themselves. Empty when no policy sets
    /// the definition.
    pub intune_value: String,
    /// Every Intune policy that sets the definition, in reading order, each once.
    pub intune_policies: Vec<String>,
    pub reason: String,
}

/// One GPO's settings, in analysis order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComparedGpo {
    /// Index into [`Inventory::gpos`].
    pub gpo: usize,
    pub settings: Vec<ComparedSetting>,
}

/// A setting an Intune policy sets that no GPO sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntuneOnly {
    pub policy: String,
    pub setting_definition_id: String,
    pub value: String,
}

/// The comparison of an estate's GPOs with its Intune policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Compared {
    pub gpos: Vec<ComparedGpo>,
    /// In policy reading order, then the policy's own order.
    pub intune_only: Vec<IntuneOnly>,
}

/// One instance of a definition in an Intune policy.
struct Occurrence<'p> {
    /// Index into the policies.
    policy: usize,
    instance: &'p SettingInstance,
}

/// Compares every row of the analysis with the Intune policies.
pub fn compare(
    inventory: &Inventory,
    analysis: &Analysis,
    policies: &[IntunePolicy],
    catalog: &Catalog,
) -> Compared {
    let mut index: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
    for (p, policy) in policies.iter().enumerate() {
        for top in &policy.settings {
            for instance in std::iter::once(top).chain(top.descendants()) {
                index
                    .entry(instance.setting_definition_id.to_ascii_lowercase())
                    .or_default()
                    .push(Occurrence {
                        policy: p,
                        instance,
                    });
            }
        }
    }
    let gpos = analysis
        .gpos
        .iter()
        .filter(|a| inventory.gpos.get(a.gpo).is_some())
        .map(|a| ComparedGpo {
            gpo: a.gpo,
            settings: a
                .rows
                .iter()
                .map(|row| compare_row(row, &index, policies, catalog))
                .collect(),
        })
        .collect();
    let set_by_gpos: BTreeSet<String> = analysis
        .gpos
        .iter()
        .flat_map(|a| &a.rows)
        .flat_map(|row| {
            let own = row.definition_id.iter().map(|id| id.to_ascii_lowercase());
            let written = row.instance.iter().flat_map(|i| {
                std::iter::once(i)
                    .chain(i.descendants())
                    .map(|d| d.setting_definition_id.to_ascii_lowercase())
            });
            own.chain(written).collect::<Vec<_>>()
        })
        .collect();
    let mut intune_only = Vec::new();
    for policy in policies {
        for top in &policy.settings {
            not_set_by_gpos(catalog, policy, top, &set_by_gpos, &mut intune_only);
        }
    }
    Compared { gpos, intune_only }
}

/// The instances under `instance` (it included) that no GPO sets. An instance a GPO sets is not
/// listed, but what Intune sets below it may be; a group no GPO sets that holds a member a GPO
/// sets is only a container, and its other members are listed one by one. Any other instance
/// no GPO sets is listed whole, its children in its value.
fn not_set_by_gpos(
    catalog: &Catalog,
    policy: &IntunePolicy,
    instance: &SettingInstance,
    set_by_gpos: &BTreeSet<String>,
    out: &mut Vec<IntuneOnly>,
) {
    let set =
        |i: &SettingInstance| set_by_gpos.contains(&i.setting_definition_id.to_ascii_lowercase());
    let container = matches!(
        instance.value,
        InstanceValue::GroupSettingValue(_) | InstanceValue::GroupSettingCollectionValue(_)
    ) && instance.descendants().into_iter().any(set);
    if set(instance) || container {
        for child in instance.children() {
            not_set_by_gpos(catalog, policy, child, set_by_gpos, out);
        }
        return;
    }
    out.push(IntuneOnly {
        policy: policy.name.clone(),
        setting_definition_id: instance.setting_definition_id.clone(),
        value: value_text(catalog, instance),
    });
}

fn compare_row(
    row: &MatchedSetting,
    index: &BTreeMap<String, Vec<Occurrence>>,
    policies: &[IntunePolicy],
    catalog: &Catalog,
) -> ComparedSetting {
    let mut compared = ComparedSetting {
        name: row.name.clone(),
        scope: row.scope,
        readiness: row.readiness,
        definition_id: row.definition_id.clone(),
        comparison: Comparison::NotComparable,
        gpo_value: row.value.clone(),
        intune_value: String::new(),
        intune_policies: Vec::new(),
        reason: String::new(),
    };
    let Some(instance) = &row.instance else {
        // Not Ready: nothing to compare, but Intune's value is shown where it sets the definition.
        compared.reason = format!("{}: {}", row.readiness.text(), row.reason());
        if let Some(found) = row
            .definition_id
            .as_deref()
            .and_then(|id| index.get(&id.to_ascii_lowercase()))
        {
            let values = distinct_values(None, found, policies, catalog);
            compared.intune_value = values_text(&values);
            compared.intune_policies = policy_names(found, policies);
            compared
                .reason
                .push_str("; Intune sets this definition, as Intune Value shows");
        }
        return compared;
    };
    let id = &instance.setting_definition_id;
    compared.definition_id = Some(id.clone());
    compared.gpo_value = value_text(catalog, instance);
    let Some(found) = index.get(&id.to_ascii_lowercase()) else {
        compared.comparison = Comparison::NotInIntune;
        compared.reason = format!("no Intune policy given sets {id}");
        return compared;
    };
    let values = distinct_values(Some(instance), found, policies, catalog);
    compared.intune_value = values_text(&values);
    compared.intune_policies = policy_names(found, policies);
    if found.iter().any(|o| holds_secret(o.instance)) {
        compared.reason =
            "Intune holds a secret here (encrypted in the export): compare by hand".to_string();
        return compared;
    }
    let gpo_normal = normal(catalog, instance);
    let (same, other): (Vec<&Distinct>, Vec<&Distinct>) =
        values.iter().partition(|v| v.normal == gpo_normal);
    if other.is_empty() {
        compared.comparison = Comparison::Same;
        return compared;
    }
    compared.comparison = Comparison::Different;
    let names = |values: &[&Distinct]| {
        values
            .iter()
            .flat_map(|v| v.policies.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    };
    compared.reason = if same.is_empty() {
        format!("Intune sets another value ({})", names(&other))
    } else {
        format!(
            "the Intune policies disagree: the same value in {}, another in {}",
            names(&same),
            names(&other)
        )
    };
    compared
}

/// One value Intune gives a definition, with the policies that give it.
struct Distinct {
    normal: Normal,
    text: String,
    policies: Vec<String>,
}

/// The values of the occurrences, each once (by meaning), in reading order; as compared with
/// the GPO's instance ([`as_compared`]) when there is one.
fn distinct_values(
    gpo: Option<&SettingInstance>,
    found: &[Occurrence],
    policies: &[IntunePolicy],
    catalog: &Catalog,
) -> Vec<Distinct> {
    let mut out: Vec<Distinct> = Vec::new();
    for o in found {
        let name = policies
            .get(o.policy)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let shown = match gpo {
            Some(gpo) => as_compared(gpo, o.instance),
            None => o.instance.clone(),
        };
        let n = normal(catalog, &shown);
        match out.iter_mut().find(|d| d.normal == n) {
            Some(d) => {
                if !d.policies.contains(&name) {
                    d.policies.push(name);
                }
            }
            None => out.push(Distinct {
                text: value_text(catalog, &shown),
                normal: n,
                policies: vec![name],
            }),
        }
    }
    out
}

/// One value as it is; several as `value (policy, policy) | value (policy)`.
fn values_text(values: &[Distinct]) -> String {
    match values {
        [one] => one.text.clone(),
        _ => values
            .iter()
            .map(|v| format!("{} ({})", v.text, v.policies.join(", ")))
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

fn policy_names(found: &[Occurrence], policies: &[IntunePolicy]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for o in found {
        if let Some(p) = policies.get(o.policy)
            && !names.contains(&p.name)
        {
            names.push(p.name.clone());
        }
    }
    names
}

fn holds_secret(instance: &SettingInstance) -> bool {
    std::iter::once(instance)
        .chain(instance.descendants())
        .any(|i| match &i.value {
            InstanceValue::SimpleSettingValue(v) => matches!(v, SimpleValue::Secret { .. }),
            InstanceValue::SimpleSettingCollectionValue(vs) => {
                vs.iter().any(|v| matches!(v, SimpleValue::Secret { .. }))
            }
            _ => false,
        })
}

/// A value in the form that compares by meaning: option ids in lower case, strings by their
/// definition's rule, collections as sets, children by definition id (lower case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Normal {
    Choice(Chosen),
    Choices(BTreeSet<Chosen>),
    Integer(i64),
    Text(String),
    /// Never equal to a GPO value: the export holds an encrypted token.
    Secret,
    Values(BTreeSet<Normal>),
    Group(Members),
    Groups(BTreeSet<Members>),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Chosen {
    option: String,
    children: Members,
}

type Members = BTreeMap<String, Normal>;

fn normal(catalog: &Catalog, instance: &SettingInstance) -> Normal {
    let members = |children: &[SettingInstance]| -> Members {
        children
            .iter()
            .map(|c| {
                (
                    c.setting_definition_id.to_ascii_lowercase(),
                    normal(catalog, c),
                )
            })
            .collect()
    };
    let chosen = |choice: &crate::catalog::instance::ChoiceValue| Chosen {
        option: choice.value.to_ascii_lowercase(),
        children: members(&choice.children),
    };
    // Only a GUID string says how it compares: Windows reads GUIDs without regard to case.
    let guid = catalog
        .definition(&instance.setting_definition_id)
        .is_some_and(|d| {
            matches!(&d.value_definition, Some(ValueDefinition::String { format: Some(f), .. }) if f.eq_ignore_ascii_case("guid"))
        });
    let simple = |value: &SimpleValue| match value {
        SimpleValue::Integer { value, .. } => Normal::Integer(*value),
        SimpleValue::String { value, .. } if guid => Normal::Text(
            value
                .trim()
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_ascii_lowercase(),
        ),
        SimpleValue::String { value, .. } => Normal::Text(value.clone()),
        SimpleValue::Secret { .. } => Normal::Secret,
    };
    match &instance.value {
        InstanceValue::ChoiceSettingValue(choice) => Normal::Choice(chosen(choice)),
        InstanceValue::ChoiceSettingCollectionValue(choices) => {
            Normal::Choices(choices.iter().map(chosen).collect())
        }
        InstanceValue::SimpleSettingValue(value) => simple(value),
        InstanceValue::SimpleSettingCollectionValue(values) => {
            Normal::Values(values.iter().map(simple).collect())
        }
        InstanceValue::GroupSettingValue(group) => Normal::Group(members(&group.children)),
        InstanceValue::GroupSettingCollectionValue(groups) => {
            Normal::Groups(groups.iter().map(|g| members(&g.children)).collect())
        }
    }
}

/// Intune's instance as it is compared with the GPO's: under the option both choose, the
/// children the GPO's instance does not hold are left out (settings of their own, compared as
/// their own rows or listed as Intune-only), and the others are taken the same way, down the
/// tree. Under another option, or for any other kind of value, it is Intune's as it is.
fn as_compared(gpo: &SettingInstance, intune: &SettingInstance) -> SettingInstance {
    let mut out = intune.clone();
    if let (InstanceValue::ChoiceSettingValue(g), InstanceValue::ChoiceSettingValue(i)) =
        (&gpo.value, &mut out.value)
        && g.value.eq_ignore_ascii_case(&i.value)
    {
        let kept = i
            .children
            .iter()
            .filter_map(|child| {
                let own = g.children.iter().find(|c| {
                    c.setting_definition_id
                        .eq_ignore_ascii_case(&child.setting_definition_id)
                })?;
                Some(as_compared(own, child))
            })
            .collect();
        i.children = kept;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::intune_policy::read_instance;
    use serde_json::json;

    fn catalog() -> &'static Catalog {
        Catalog::embedded().expect("embedded catalog")
    }

    fn instance(value: serde_json::Value) -> SettingInstance {
        read_instance(&value, 0).expect("an instance")
    }

    /// True when the GPO's value (`gpo`) compares as the same as Intune's.
    fn covers(gpo: &SettingInstance, intune: &SettingInstance) -> bool {
        normal(catalog(), gpo) == normal(catalog(), &as_compared(gpo, intune))
    }

    const UNC: &str = "device_vendor_msft_policy_config_connectivity_hardeneduncpaths";

    fn unc(option: &str, pairs: &[(&str, &str)]) -> serde_json::Value {
        let groups: Vec<serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| {
                json!({"children": [
                    {"settingDefinitionId": format!("{UNC}_pol_hardenedpaths_key"), "simpleSettingValue": {"value": k}},
                    {"settingDefinitionId": format!("{UNC}_pol_hardenedpaths_value"), "simpleSettingValue": {"value": v}}
                ]})
            })
            .collect();
        json!({"settingDefinitionId": UNC, "choiceSettingValue": {"value": option, "children": [
            {"settingDefinitionId": format!("{UNC}_pol_hardenedpaths"), "groupSettingCollectionValue": groups}
        ]}})
    }

    #[test]
    fn group_collections_compare_as_sets_of_member_sets() {
        let a = instance(unc(
            &format!("{UNC}_1"),
            &[
                ("\\\\*\\NETLOGON", "RequireIntegrity=1"),
                ("\\\\*\\SYSVOL", "RequireIntegrity=1"),
            ],
        ));
        let b = instance(unc(
            &format!("{}_1", UNC.to_uppercase()),
            &[
                ("\\\\*\\SYSVOL", "RequireIntegrity=1"),
                ("\\\\*\\NETLOGON", "RequireIntegrity=1"),
            ],
        ));
        assert!(covers(&a, &b), "order and option id case do not matter");
        let c = instance(unc(
            &format!("{UNC}_1"),
            &[
                ("\\\\*\\NETLOGON", "RequireIntegrity=1"),
                ("\\\\*\\SYSVOL", "RequireIntegrity=0"),
            ],
        ));
        assert!(!covers(&a, &c), "one member's value differs");
        let d = instance(unc(
            &format!("{UNC}_1"),
            &[("\\\\*\\NETLOGON", "RequireIntegrity=1")],
        ));
        assert!(
            !covers(&a, &d) && !covers(&d, &a),
            "a member more or less differs"
        );
    }

    #[test]
    fn collections_are_sets_and_strings_exact() {
        let rights = |values: &[&str]| {
            let items: Vec<serde_json::Value> =
                values.iter().map(|v| json!({"value": v})).collect();
            instance(json!({
                "settingDefinitionId": "device_vendor_msft_policy_config_userrights_accessfromnetwork",
                "simpleSettingCollectionValue": items
            }))
        };
        assert!(covers(
            &rights(&["*S-1-5-32-544", "*S-1-5-32-555"]),
            &rights(&["*S-1-5-32-555", "*S-1-5-32-544", "*S-1-5-32-544"])
        ));
        assert!(!covers(
            &rights(&["*S-1-5-32-544"]),
            &rights(&["*s-1-5-32-544"])
        ));
        assert!(!covers(
            &rights(&["*S-1-5-32-544"]),
            &rights(&["*S-1-5-32-544", "*S-1-5-32-546"])
        ));
    }

    #[test]
    fn guid_strings_ignore_case_and_braces() {
        let guid = catalog()
            .definitions()
            .definitions()
            .iter()
            .find(|d| {
                matches!(&d.value_definition, Some(ValueDefinition::String { format: Some(f), .. }) if f == "guid")
                    && d.kind == crate::catalog::definitions::DefinitionKind::Simple
            })
            .expect("a GUID definition in the catalog");
        let with = |v: &str| {
            instance(json!({"settingDefinitionId": guid.id, "simpleSettingValue": {"value": v}}))
        };
        assert!(covers(
            &with("{9A1B2C3D-0000-4000-8000-00AA00BB00CC}"),
            &with("9a1b2c3d-0000-4000-8000-00aa00bb00cc")
        ));
        assert!(!covers(
            &with("9a1b2c3d-0000-4000-8000-00aa00bb00cc"),
            &with("9a1b2c3d-0000-4000-8000-00aa00bb00cd")
        ));
    }

    #[test]
    fn intune_may_set_more_children_but_not_fewer() {
        let firewall = "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall";
        let inbound = "vendor_msft_firewall_mdmstore_domainprofile_defaultinboundaction";
        let gpo = instance(
            json!({"settingDefinitionId": firewall, "choiceSettingValue": {"value": format!("{firewall}_true")}}),
        );
        let intune = instance(
            json!({"settingDefinitionId": firewall, "choiceSettingValue": {"value": format!("{firewall}_true"), "children": [
                {"settingDefinitionId": inbound, "choiceSettingValue": {"value": format!("{inbound}_1")}}
            ]}}),
        );
        assert!(
            covers(&gpo, &intune),
            "the dependent is a setting of its own"
        );
        assert!(
            !covers(&intune, &gpo),
            "a child the GPO holds must be in Intune"
        );
        let other = instance(
            json!({"settingDefinitionId": firewall, "choiceSettingValue": {"value": format!("{firewall}_false")}}),
        );
        assert!(!covers(&gpo, &other));
    }

    #[test]
    fn value_text_names_options_and_children() {
        let text = value_text(
            catalog(),
            &instance(unc(
                &format!("{UNC}_1"),
                &[("\\\\*\\NETLOGON", "RequireIntegrity=1")],
            )),
        );
        assert_eq!(
            text,
            "Enabled [Hardened UNC Paths: {Name: \\\\*\\NETLOGON; Value: RequireIntegrity=1}]"
        );
    }
}
