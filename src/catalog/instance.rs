//! Settings catalog setting instances (formats.md §7.3): the `settingInstance` objects of a
//! configuration policy, as gpa writes them, and the rules of the catalog's definitions that
//! decide how instances fit together (required children, the parent a dependent sits under).
//! Shared by matching (which decides each row's instance) and emit (which assembles policies).

use serde::Serialize;

use super::Catalog;
use super::definitions::SettingDefinition;

pub const CHOICE_VALUE: &str = "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue";
pub const GROUP_VALUE: &str = "#microsoft.graph.deviceManagementConfigurationGroupSettingValue";

/// One `settingInstance` of a configuration policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingInstance {
    /// The instance type the definition's kind takes.
    #[serde(rename = "@odata.type")]
    pub odata_type: &'static str,
    pub setting_definition_id: String,
    /// Always null: settings catalog policies use no templates.
    pub setting_instance_template_reference: (),
    #[serde(flatten)]
    pub value: InstanceValue,
}

/// The value property of an instance, named by its type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum InstanceValue {
    ChoiceSettingValue(ChoiceValue),
    SimpleSettingValue(SimpleValue),
    SimpleSettingCollectionValue(Vec<SimpleValue>),
    GroupSettingCollectionValue(Vec<GroupValue>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceValue {
    #[serde(rename = "@odata.type")]
    pub odata_type: &'static str,
    /// The chosen option's `itemId`, as the definition spells it.
    pub value: String,
    pub setting_value_template_reference: (),
    /// Settings that depend on the chosen option: ADMX elements, dependent CSP nodes.
    pub children: Vec<SettingInstance>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@odata.type")]
pub enum SimpleValue {
    #[serde(
        rename = "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
        rename_all = "camelCase"
    )]
    Integer {
        value: i64,
        setting_value_template_reference: (),
    },
    #[serde(
        rename = "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
        rename_all = "camelCase"
    )]
    String {
        value: String,
        setting_value_template_reference: (),
    },
}

/// One member of a group collection (a key/value pair of an ADMX list).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupValue {
    #[serde(rename = "@odata.type")]
    pub odata_type: &'static str,
    pub setting_value_template_reference: (),
    pub children: Vec<SettingInstance>,
}

impl SettingInstance {
    /// The chosen option, for a choice instance.
    pub fn chosen_option(&self) -> Option<&str> {
        match &self.value {
            InstanceValue::ChoiceSettingValue(choice) => Some(&choice.value),
            _ => None,
        }
    }

    /// Every instance below this one (choice children, group members), depth first.
    pub fn descendants(&self) -> Vec<&SettingInstance> {
        let children: Vec<&SettingInstance> = match &self.value {
            InstanceValue::ChoiceSettingValue(choice) => choice.children.iter().collect(),
            InstanceValue::GroupSettingCollectionValue(groups) => {
                groups.iter().flat_map(|g| &g.children).collect()
            }
            _ => Vec::new(),
        };
        children
            .into_iter()
            .flat_map(|c| std::iter::once(c).chain(c.descendants()))
            .collect()
    }

    /// The choice instance with this definition id, this one or below it, to hang dependents on.
    pub fn choice_mut(&mut self, definition_id: &str) -> Option<&mut ChoiceValue> {
        let own = self
            .setting_definition_id
            .eq_ignore_ascii_case(definition_id);
        let InstanceValue::ChoiceSettingValue(choice) = &mut self.value else {
            return None;
        };
        if own {
            return Some(choice);
        }
        choice
            .children
            .iter_mut()
            .find_map(|c| c.choice_mut(definition_id))
    }
}

/// Why an instance is incomplete: a chosen option (at any depth) whose required dependents are
/// missing among its children.
pub fn unmet_requirement(catalog: &Catalog, instance: &SettingInstance) -> Option<String> {
    std::iter::once(instance)
        .chain(instance.descendants())
        .find_map(|i| {
            let InstanceValue::ChoiceSettingValue(choice) = &i.value else {
                return None;
            };
            let def = catalog.definition(&i.setting_definition_id)?;
            let option = def
                .options
                .iter()
                .find(|o| o.item_id.eq_ignore_ascii_case(&choice.value))?;
            option
                .depended_on_by
                .iter()
                .filter(|d| d.required)
                .find(|d| {
                    !choice
                        .children
                        .iter()
                        .any(|c| c.setting_definition_id.eq_ignore_ascii_case(&d.id))
                })
                .map(|d| {
                    let name = catalog
                        .definition(&d.id)
                        .map(|c| format!(" ({})", c.name))
                        .unwrap_or_default();
                    format!(
                        "{} requires {}{name}, which the GPO does not set",
                        option.item_id, d.id
                    )
                })
        })
}

/// The settings an instance must sit under: (parent definition, option) pairs, any of which
/// will do. Empty for a root definition.
pub fn parents_required(def: &SettingDefinition) -> Vec<(String, String)> {
    if def
        .root_definition_id
        .as_deref()
        .is_none_or(|root| root.eq_ignore_ascii_case(&def.id))
    {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let all = def
        .dependent_on
        .iter()
        .chain(def.options.iter().flat_map(|o| &o.dependent_on));
    for d in all {
        let pair = (
            d.parent_setting_id.to_ascii_lowercase(),
            d.dependent_on.to_ascii_lowercase(),
        );
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    out
}
