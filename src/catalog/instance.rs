//! Settings catalog setting instances (formats.md §7.3): the `settingInstance` objects of a
//! configuration policy, as gpa writes them, and the rules of the catalog's definitions that
//! decide how instances fit together (required children, the parent a dependent sits under).
//! Shared by matching (which decides each row's instance) and emit (which assembles policies).

use serde::Serialize;

use super::Catalog;
use super::definitions::SettingDefinition;

pub const CHOICE_VALUE: &str = "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue";
pub const GROUP_VALUE: &str = "#microsoft.graph.deviceManagementConfigurationGroupSettingValue";

/// The six instance types (formats.md §7.3), as the `@odata.type` of a `settingInstance`.
pub const CHOICE_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance";
pub const CHOICE_COLLECTION_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationChoiceSettingCollectionInstance";
pub const SIMPLE_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance";
pub const SIMPLE_COLLECTION_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance";
pub const GROUP_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationGroupSettingInstance";
pub const GROUP_COLLECTION_INSTANCE: &str =
    "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance";

/// The six kinds of setting instance, by `@odata.type` and value property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    Choice,
    ChoiceCollection,
    Simple,
    SimpleCollection,
    Group,
    GroupCollection,
}

impl InstanceKind {
    pub const ALL: [InstanceKind; 6] = [
        InstanceKind::Choice,
        InstanceKind::ChoiceCollection,
        InstanceKind::Simple,
        InstanceKind::SimpleCollection,
        InstanceKind::Group,
        InstanceKind::GroupCollection,
    ];

    /// The kind a full `@odata.type` names.
    pub fn from_odata_type(odata_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.odata_type() == odata_type)
    }

    /// The kind whose value property this is (`choiceSettingValue`, …).
    pub fn from_value_property(property: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.value_property() == property)
    }

    /// The full `@odata.type`.
    pub fn odata_type(self) -> &'static str {
        match self {
            InstanceKind::Choice => CHOICE_INSTANCE,
            InstanceKind::ChoiceCollection => CHOICE_COLLECTION_INSTANCE,
            InstanceKind::Simple => SIMPLE_INSTANCE,
            InstanceKind::SimpleCollection => SIMPLE_COLLECTION_INSTANCE,
            InstanceKind::Group => GROUP_INSTANCE,
            InstanceKind::GroupCollection => GROUP_COLLECTION_INSTANCE,
        }
    }

    /// The `@odata.type` without the `#microsoft.graph.deviceManagementConfiguration` prefix.
    pub fn type_name(self) -> &'static str {
        self.odata_type()
            .trim_start_matches("#microsoft.graph.deviceManagementConfiguration")
    }

    /// The property that holds the instance's value.
    pub fn value_property(self) -> &'static str {
        match self {
            InstanceKind::Choice => "choiceSettingValue",
            InstanceKind::ChoiceCollection => "choiceSettingCollectionValue",
            InstanceKind::Simple => "simpleSettingValue",
            InstanceKind::SimpleCollection => "simpleSettingCollectionValue",
            InstanceKind::Group => "groupSettingValue",
            InstanceKind::GroupCollection => "groupSettingCollectionValue",
        }
    }
}

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

/// The value property of an instance, named by its type. gpa writes the first four; policies
/// read from Intune (`gpa compare --intune`) may hold any of the six.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum InstanceValue {
    ChoiceSettingValue(ChoiceValue),
    SimpleSettingValue(SimpleValue),
    SimpleSettingCollectionValue(Vec<SimpleValue>),
    GroupSettingCollectionValue(Vec<GroupValue>),
    ChoiceSettingCollectionValue(Vec<ChoiceValue>),
    GroupSettingValue(GroupValue),
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
    /// A secret as an Intune export holds it: an encrypted token (`valueState`
    /// `encryptedValueToken`), which no other value can be compared with. gpa never writes one.
    #[serde(
        rename = "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        rename_all = "camelCase"
    )]
    Secret {
        value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value_state: Option<String>,
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

    /// The instances right below this one: a choice's children (of every chosen option, for a
    /// choice collection), a group's members.
    pub fn children(&self) -> Vec<&SettingInstance> {
        match &self.value {
            InstanceValue::ChoiceSettingValue(choice) => choice.children.iter().collect(),
            InstanceValue::ChoiceSettingCollectionValue(choices) => {
                choices.iter().flat_map(|c| &c.children).collect()
            }
            InstanceValue::GroupSettingCollectionValue(groups) => {
                groups.iter().flat_map(|g| &g.children).collect()
            }
            InstanceValue::GroupSettingValue(group) => group.children.iter().collect(),
            InstanceValue::SimpleSettingValue(_)
            | InstanceValue::SimpleSettingCollectionValue(_) => Vec::new(),
        }
    }

    /// Every instance below this one (choice children, group members), depth first.
    pub fn descendants(&self) -> Vec<&SettingInstance> {
        self.children()
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

/// A readable form of an instance's value, the one every report of `gpa compare` shows: the
/// chosen option's display name (its id when the catalog lacks the definition), the integer, the
/// string, collection items joined with `, `, children as ` [Name: value; …]` after their
/// option, and each group's members as `{Name: value; …}`. A secret shows as `(secret)`.
pub fn value_text(catalog: &Catalog, instance: &SettingInstance) -> String {
    let def = catalog.definition(&instance.setting_definition_id);
    let chosen = |choice: &ChoiceValue| {
        let option = def
            .and_then(|d| {
                d.options
                    .iter()
                    .find(|o| o.item_id.eq_ignore_ascii_case(&choice.value))
            })
            .map(|o| {
                [&o.display_name, &o.name]
                    .into_iter()
                    .find(|n| !n.trim().is_empty())
                    .unwrap_or(&o.item_id)
                    .clone()
            })
            .unwrap_or_else(|| choice.value.clone());
        if choice.children.is_empty() {
            option
        } else {
            format!("{option} [{}]", members_text(catalog, &choice.children))
        }
    };
    let simple = |value: &SimpleValue| match value {
        SimpleValue::Integer { value, .. } => value.to_string(),
        SimpleValue::String { value, .. } => value.clone(),
        SimpleValue::Secret { .. } => "(secret)".to_string(),
    };
    let group = |group: &GroupValue| format!("{{{}}}", members_text(catalog, &group.children));
    match &instance.value {
        InstanceValue::ChoiceSettingValue(choice) => chosen(choice),
        InstanceValue::ChoiceSettingCollectionValue(choices) => {
            choices.iter().map(chosen).collect::<Vec<_>>().join(", ")
        }
        InstanceValue::SimpleSettingValue(value) => simple(value),
        InstanceValue::SimpleSettingCollectionValue(values) => {
            values.iter().map(simple).collect::<Vec<_>>().join(", ")
        }
        InstanceValue::GroupSettingValue(value) => group(value),
        InstanceValue::GroupSettingCollectionValue(values) => {
            values.iter().map(group).collect::<Vec<_>>().join(", ")
        }
    }
}

/// `Name: value; Name: value` for the instances under an option or in a group.
fn members_text(catalog: &Catalog, members: &[SettingInstance]) -> String {
    members
        .iter()
        .map(|m| {
            let name = catalog
                .definition(&m.setting_definition_id)
                // ADMX element labels often end in a colon (`Hardened UNC Paths:`).
                .map(|d| d.display_name.trim().trim_end_matches(':').trim_end())
                .filter(|n| !n.is_empty())
                .unwrap_or(&m.setting_definition_id);
            format!("{name}: {}", value_text(catalog, m))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
