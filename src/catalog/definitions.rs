//! Intune settings catalog definitions (Graph settingDefinition JSON), formats.md §7.
//!
//! One JSON file per `deviceManagementConfiguration…SettingDefinition`, as `GET
//! /beta/deviceManagement/configurationSettings` returns them. Only what the join, the emitter and
//! the validator need is kept: ids, URIs, keywords, applicability, options and their values,
//! value constraints, children and dependencies. Descriptions and help text are dropped.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::packed::{IndexedList, Lookups, Positions};
use crate::input::InputError;
use crate::input::text;
use crate::model::Scope;

const GRAPH_PREFIX: &str = "#microsoft.graph.deviceManagementConfiguration";

/// The `@odata.type` of a definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DefinitionKind {
    Choice,
    ChoiceCollection,
    Simple,
    SimpleCollection,
    SettingGroup,
    SettingGroupCollection,
    Redirect,
    /// A type this reader does not know, with its full `@odata.type`.
    Other(String),
}

impl DefinitionKind {
    pub fn from_odata_type(odata_type: &str) -> Self {
        match odata_type
            .strip_prefix(GRAPH_PREFIX)
            .and_then(|t| t.strip_suffix("Definition"))
        {
            Some("ChoiceSetting") => DefinitionKind::Choice,
            Some("ChoiceSettingCollection") => DefinitionKind::ChoiceCollection,
            Some("SimpleSetting") => DefinitionKind::Simple,
            Some("SimpleSettingCollection") => DefinitionKind::SimpleCollection,
            Some("SettingGroup") => DefinitionKind::SettingGroup,
            Some("SettingGroupCollection") => DefinitionKind::SettingGroupCollection,
            Some("RedirectSetting") => DefinitionKind::Redirect,
            _ => DefinitionKind::Other(odata_type.to_string()),
        }
    }

    /// The `@odata.type` of the setting instance a policy uses for this definition, when there is
    /// one (formats.md §7.3).
    pub fn instance_odata_type(&self) -> Option<&'static str> {
        Some(match self {
            DefinitionKind::Choice => {
                "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"
            }
            DefinitionKind::ChoiceCollection => {
                "#microsoft.graph.deviceManagementConfigurationChoiceSettingCollectionInstance"
            }
            DefinitionKind::Simple => {
                "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance"
            }
            DefinitionKind::SimpleCollection => {
                "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance"
            }
            DefinitionKind::SettingGroup => {
                "#microsoft.graph.deviceManagementConfigurationGroupSettingInstance"
            }
            DefinitionKind::SettingGroupCollection => {
                "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance"
            }
            DefinitionKind::Redirect | DefinitionKind::Other(_) => return None,
        })
    }
}

/// A setting value: an option's `optionValue` or a definition's `defaultValue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingValue {
    /// `…IntegerSettingValue`.
    Integer(Option<i64>),
    /// `…StringSettingValue`.
    String(Option<String>),
    /// `…SecretSettingValue`.
    Secret(Option<String>),
    /// Another type, with its `@odata.type` and its value as JSON text.
    Other { odata_type: String, value: String },
}

impl SettingValue {
    fn from_raw(raw: RawValue) -> Self {
        let odata_type = raw.odata_type.unwrap_or_default();
        let kind = odata_type
            .strip_prefix(GRAPH_PREFIX)
            .and_then(|t| t.strip_suffix("SettingValue"));
        match (kind, raw.value) {
            (Some("Integer"), serde_json::Value::Null) => SettingValue::Integer(None),
            (Some("Integer"), serde_json::Value::Number(n)) if n.as_i64().is_some() => {
                SettingValue::Integer(n.as_i64())
            }
            (Some("String"), serde_json::Value::Null) => SettingValue::String(None),
            (Some("String"), serde_json::Value::String(s)) => SettingValue::String(Some(s)),
            (Some("Secret"), serde_json::Value::Null) => SettingValue::Secret(None),
            (Some("Secret"), serde_json::Value::String(s)) => SettingValue::Secret(Some(s)),
            (_, value) => SettingValue::Other {
                odata_type,
                value: value.to_string(),
            },
        }
    }

    /// The value as text (`1`, `"0"` → `0`), None for a null value.
    pub fn as_text(&self) -> Option<String> {
        match self {
            SettingValue::Integer(n) => n.map(|n| n.to_string()),
            SettingValue::String(s) | SettingValue::Secret(s) => s.clone(),
            SettingValue::Other { value, .. } => Some(value.clone()),
        }
    }

    /// The Graph `@odata.type` of this value.
    pub fn odata_type(&self) -> String {
        match self {
            SettingValue::Integer(_) => format!("{GRAPH_PREFIX}IntegerSettingValue"),
            SettingValue::String(_) => format!("{GRAPH_PREFIX}StringSettingValue"),
            SettingValue::Secret(_) => format!("{GRAPH_PREFIX}SecretSettingValue"),
            SettingValue::Other { odata_type, .. } => odata_type.clone(),
        }
    }
}

/// A `valueDefinition`: the constraints on a Simple (collection) value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueDefinition {
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    String {
        minimum_length: Option<i64>,
        maximum_length: Option<i64>,
        /// `none`, `email`, `guid`, `ip`, `base64`, `url`, `version`, `xml`, `date`, `time`, …
        format: Option<String>,
        is_secret: bool,
    },
    /// Another type, with its `@odata.type`.
    Other(String),
}

/// `dependentOn`: this setting (or option) applies when `parent_setting_id` holds `dependent_on`
/// (an option itemId).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependentOn {
    pub parent_setting_id: String,
    pub dependent_on: String,
}

/// `dependedOnBy`: a setting that depends on this one (or on this option), and whether it must be
/// present when this one is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependedOnBy {
    pub id: String,
    pub required: bool,
}

/// One option of a Choice (collection) definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// `{definitionId}_{value}` by convention, but always read, never computed.
    pub item_id: String,
    pub name: String,
    pub display_name: String,
    pub value: Option<SettingValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_on: Vec<DependentOn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depended_on_by: Vec<DependedOnBy>,
}

/// `applicability` (a `…WindowsSettingApplicability` for every Windows definition).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionApplicability {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Comma list as written: `mdm`, `mdm,microsoftSense`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technologies: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_supported_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_supported_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows_skus: Vec<String>,
}

/// `occurrence`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_device_occurrence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_device_occurrence: Option<i64>,
}

/// One settings catalog definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingDefinition {
    pub kind: DefinitionKind,
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub base_uri: String,
    pub offset_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_definition_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The first of `infoUrls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_url: Option<String>,
    pub applicability: DefinitionApplicability,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_option_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_definition: Option<ValueDefinition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<SettingValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub child_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_on: Vec<DependentOn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depended_on_by: Vec<DependedOnBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<Occurrence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting_usage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
}

impl SettingDefinition {
    /// `baseUri` + `offsetUri`: the CSP URI Intune shows as "CSP Mapping".
    pub fn uri(&self) -> String {
        format!("{}{}", self.base_uri, self.offset_uri)
    }

    /// The ids of this definition's children, in order and without repeats: settings that depend
    /// on one of its options, on the definition itself, and group members (`childIds`).
    pub fn child_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let ids = self
            .options
            .iter()
            .flat_map(|o| o.depended_on_by.iter().map(|d| d.id.as_str()))
            .chain(self.depended_on_by.iter().map(|d| d.id.as_str()))
            .chain(self.child_ids.iter().map(String::as_str));
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// True when Intune marks the definition deprecated, which it does in the display name only
    /// (`Junk E-mail protection level (User) (Deprecated)`, `[Deprecated] Interactive Logon
    /// Machine Inactivity Limit (Deprecated)`). Existing profiles keep such a setting; a new one
    /// cannot add it.
    pub fn is_deprecated(&self) -> bool {
        let name = self.display_name.trim();
        name.ends_with("(Deprecated)") || name.starts_with("[Deprecated]")
    }

    /// True when the definition is a Policy CSP node built from an in-box ADMX (`…_config_admx_…`).
    pub fn is_admx_backed(&self) -> bool {
        self.offset_uri
            .to_ascii_lowercase()
            .starts_with("/config/admx_")
            && self
                .base_uri
                .to_ascii_lowercase()
                .ends_with("/vendor/msft/policy")
    }
}

/// The option whose value equals `value`: numerically for an IntegerSettingValue (`"1"` and
/// `"01"` match 1), as exact text otherwise (`"1"` matches StringSettingValue "1"). Never
/// synthesizes an itemId: None when no option has that value.
pub fn option_for_value<'a>(def: &'a SettingDefinition, value: &str) -> Option<&'a ChoiceOption> {
    let value = value.trim();
    let number = value.parse::<i64>().ok();
    def.options.iter().find(|o| match &o.value {
        Some(SettingValue::Integer(Some(n))) => number == Some(*n),
        Some(other) => other.as_text().is_some_and(|v| v == value),
        None => false,
    })
}

/// The settings catalog id formats.md §7.1 computes from a CSP URI: lower case, leading `./`
/// removed, every `/` turned into `_`. A candidate only: confirm it with [`DefinitionIndex`].
pub fn definition_id_candidate(uri: &str) -> String {
    let trimmed = uri.trim();
    let rest = trimmed.strip_prefix("./").unwrap_or(trimmed);
    rest.trim_end_matches('/').to_lowercase().replace('/', "_")
}

/// The key of the URI index: lower case, no `./`, no trailing `/`, and every `{placeholder}`
/// written `{}` (the DDF writes `{FirewallRuleName}`, the catalog's URIs `{0}`).
fn uri_key(uri: &str) -> String {
    let candidate = definition_id_candidate(uri);
    let mut out = String::with_capacity(candidate.len());
    let mut in_placeholder = false;
    for c in candidate.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                out.push_str("{}");
            }
            '}' if in_placeholder => in_placeholder = false,
            _ if in_placeholder => {}
            _ => out.push(c),
        }
    }
    out
}

/// All definitions, sorted by id, with lookups by id and by CSP URI. Serialized as the sorted list
/// of definitions. In the embedded catalog the definitions stay packed, each decoded on first use
/// (see [`super::packed`]); the lookups are stored beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<SettingDefinition>", into = "Vec<SettingDefinition>")]
pub struct DefinitionIndex {
    index: IndexedList<SettingDefinition, DefinitionLookups>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DefinitionLookups {
    by_id: Positions,
    /// By [`uri_key`] of baseUri+offsetUri.
    by_uri_key: Positions,
}

impl Lookups<SettingDefinition> for DefinitionLookups {
    fn build(definitions: &[SettingDefinition]) -> Self {
        let entries = || definitions.iter().enumerate();
        DefinitionLookups {
            by_id: Positions::new(entries().map(|(i, def)| (def.id.as_str(), i))),
            by_uri_key: Positions::new(entries().map(|(i, def)| (uri_key(&def.uri()), i))),
        }
    }
}

impl From<Vec<SettingDefinition>> for DefinitionIndex {
    fn from(definitions: Vec<SettingDefinition>) -> Self {
        DefinitionIndex::new(definitions)
    }
}

impl From<DefinitionIndex> for Vec<SettingDefinition> {
    fn from(index: DefinitionIndex) -> Self {
        index.index.into_items()
    }
}

impl DefinitionIndex {
    /// Sorts by id (stable: of two definitions with the same id, the first given comes first).
    pub fn new(mut definitions: Vec<SettingDefinition>) -> Self {
        definitions.sort_by(|a, b| a.id.cmp(&b.id));
        DefinitionIndex {
            index: IndexedList::new(definitions),
        }
    }

    /// The catalog file's two sections: the lookups, and the definitions packed.
    pub(super) fn to_sections(&self) -> Result<[Vec<u8>; 2], String> {
        self.index.to_sections()
    }

    /// Every definition decoded from the packed section (written sorted), the lookups rebuilt.
    pub(super) fn decode(packed: &[u8]) -> Result<Self, String> {
        IndexedList::decode(packed).map(|index| DefinitionIndex { index })
    }

    /// The stored lookups, the definitions left packed until used.
    pub(super) fn packed(lookups: &[u8], packed: &'static [u8]) -> Result<Self, String> {
        IndexedList::packed(lookups, packed).map(|index| DefinitionIndex { index })
    }

    pub fn definitions(&self) -> &[SettingDefinition] {
        self.index.items.all()
    }

    pub fn len(&self) -> usize {
        self.index.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The definition with this id (ids are lower case; the query is lower-cased).
    pub fn get(&self, id: &str) -> Option<&SettingDefinition> {
        let id = id.to_lowercase();
        self.index
            .lookups
            .by_id
            .candidates(&id)
            .filter_map(|i| self.index.items.get(i))
            .find(|def| def.id == id)
    }

    /// The definition of a CSP URI, confirmed in the catalog (mapping-notes: 113 ids do not follow
    /// the §7.1 rule). Tries, in order: the computed id; for a URI without `./Device`/`./User`,
    /// the id with the scope's prefix (`./Vendor/MSFT/Defender/…` is `device_vendor_msft_defender_…`);
    /// for a URI with one, the id without it; then the definitions whose baseUri+offsetUri equal
    /// the URI (case and placeholder names ignored): the only one, or the only root definition
    /// among several. ADMX element children share their parent's URI, so the URI route returns
    /// the parent; it returns None rather than pick among several roots.
    pub fn by_uri(&self, uri: &str, scope: Scope) -> Option<&SettingDefinition> {
        let candidate = definition_id_candidate(uri);
        if let Some(def) = self.get(&candidate) {
            return Some(def);
        }
        let prefix = match scope {
            Scope::Device => "device_",
            Scope::User => "user_",
        };
        let alternative = match crate::catalog::ddf::uri_scope(uri) {
            None => format!("{prefix}{candidate}"),
            Some(_) => candidate
                .split_once('_')
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_default(),
        };
        if let Some(def) = self.get(&alternative) {
            return Some(def);
        }
        let key = uri_key(uri);
        let scoped_key = match crate::catalog::ddf::uri_scope(uri) {
            None => Some(format!("{}{key}", prefix)),
            Some(_) => None,
        };
        [Some(key), scoped_key]
            .into_iter()
            .flatten()
            .find_map(|k| self.unique_for_key(&k))
    }

    /// The only definition with this URI key, or, when several share it (an ADMX policy and its
    /// element children), the only root definition among them.
    fn unique_for_key(&self, key: &str) -> Option<&SettingDefinition> {
        let hits = self.with_uri_key(key);
        if let [only] = hits.as_slice() {
            return Some(only);
        }
        let mut roots = hits
            .into_iter()
            .filter(|d| d.root_definition_id.as_deref() == Some(d.id.as_str()));
        let first = roots.next()?;
        roots.next().is_none().then_some(first)
    }

    /// Every definition whose baseUri+offsetUri equal `uri` (case and placeholder names ignored),
    /// in id order: a parent and its ADMX element children, or the settings that share a node.
    pub fn all_by_uri(&self, uri: &str) -> Vec<&SettingDefinition> {
        self.with_uri_key(&uri_key(uri))
    }

    /// The definitions whose [`uri_key`] is `key`, in id order.
    fn with_uri_key(&self, key: &str) -> Vec<&SettingDefinition> {
        self.index
            .lookups
            .by_uri_key
            .candidates(key)
            .filter_map(|i| self.index.items.get(i))
            .filter(|def| uri_key(&def.uri()) == key)
            .collect()
    }

    /// The children of a definition that are in the catalog, in [`SettingDefinition::child_ids`]
    /// order. Ids missing from the catalog are left out; compare with `child_ids` to find them.
    pub fn children(&self, def: &SettingDefinition) -> Vec<&SettingDefinition> {
        def.child_ids()
            .into_iter()
            .filter_map(|id| self.get(id))
            .collect()
    }
}

// The Graph JSON as written. Every field is optional so that one missing or null field does not
// lose a definition; unknown fields are ignored.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDefinition {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    base_uri: Option<String>,
    offset_uri: Option<String>,
    root_definition_id: Option<String>,
    category_id: Option<String>,
    keywords: Option<Vec<Option<String>>>,
    info_urls: Option<Vec<Option<String>>>,
    applicability: Option<RawApplicability>,
    options: Option<Vec<RawOption>>,
    default_option_id: Option<String>,
    value_definition: Option<RawValueDefinition>,
    default_value: Option<RawValue>,
    child_ids: Option<Vec<String>>,
    minimum_count: Option<i64>,
    maximum_count: Option<i64>,
    dependent_on: Option<Vec<RawDependentOn>>,
    depended_on_by: Option<Vec<RawDependedOnBy>>,
    occurrence: Option<RawOccurrence>,
    setting_usage: Option<String>,
    visibility: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawApplicability {
    platform: Option<String>,
    technologies: Option<String>,
    minimum_supported_version: Option<String>,
    maximum_supported_version: Option<String>,
    windows_skus: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOption {
    item_id: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    option_value: Option<RawValue>,
    dependent_on: Option<Vec<RawDependentOn>>,
    depended_on_by: Option<Vec<RawDependedOnBy>>,
}

#[derive(Deserialize)]
struct RawValue {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawValueDefinition {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    minimum_value: Option<i64>,
    maximum_value: Option<i64>,
    minimum_length: Option<i64>,
    maximum_length: Option<i64>,
    format: Option<String>,
    is_secret: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDependentOn {
    dependent_on: Option<String>,
    parent_setting_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDependedOnBy {
    depended_on_by: Option<String>,
    required: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOccurrence {
    min_device_occurrence: Option<i64>,
    max_device_occurrence: Option<i64>,
}

fn dependent_on(raw: Option<Vec<RawDependentOn>>) -> Vec<DependentOn> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|d| DependentOn {
            parent_setting_id: d.parent_setting_id.unwrap_or_default(),
            dependent_on: d.dependent_on.unwrap_or_default(),
        })
        .collect()
}

fn depended_on_by(raw: Option<Vec<RawDependedOnBy>>) -> Vec<DependedOnBy> {
    raw.unwrap_or_default()
        .into_iter()
        .filter_map(|d| {
            Some(DependedOnBy {
                id: d.depended_on_by?,
                required: d.required.unwrap_or(false),
            })
        })
        .collect()
}

fn value_definition(raw: RawValueDefinition) -> ValueDefinition {
    let odata_type = raw.odata_type.unwrap_or_default();
    match odata_type
        .strip_prefix(GRAPH_PREFIX)
        .and_then(|t| t.strip_suffix("SettingValueDefinition"))
    {
        Some("Integer") => ValueDefinition::Integer {
            minimum: raw.minimum_value,
            maximum: raw.maximum_value,
        },
        Some("String") => ValueDefinition::String {
            minimum_length: raw.minimum_length,
            maximum_length: raw.maximum_length,
            format: raw.format,
            is_secret: raw.is_secret.unwrap_or(false),
        },
        _ => ValueDefinition::Other(odata_type),
    }
}

/// Reads one definition file's bytes (UTF-8, with or without BOM, or UTF-16).
pub fn read_definition(bytes: &[u8]) -> Result<SettingDefinition, String> {
    let text = text::decode_text(bytes);
    let raw: RawDefinition = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let id = raw
        .id
        .filter(|s| !s.is_empty())
        .ok_or("definition without an id")?;
    let odata_type = raw
        .odata_type
        .ok_or_else(|| format!("definition {id} without @odata.type"))?;
    let applicability = raw
        .applicability
        .map_or_else(DefinitionApplicability::default, |a| {
            DefinitionApplicability {
                platform: a.platform,
                technologies: a.technologies,
                minimum_supported_version: a.minimum_supported_version,
                maximum_supported_version: a.maximum_supported_version,
                windows_skus: a.windows_skus.unwrap_or_default(),
            }
        });
    let options = raw
        .options
        .unwrap_or_default()
        .into_iter()
        .map(|o| ChoiceOption {
            item_id: o.item_id.unwrap_or_default(),
            name: o.name.unwrap_or_default(),
            display_name: o.display_name.unwrap_or_default(),
            value: o.option_value.map(SettingValue::from_raw),
            dependent_on: dependent_on(o.dependent_on),
            depended_on_by: depended_on_by(o.depended_on_by),
        })
        .collect();
    Ok(SettingDefinition {
        kind: DefinitionKind::from_odata_type(&odata_type),
        id,
        name: raw.name.unwrap_or_default(),
        display_name: raw.display_name.unwrap_or_default(),
        base_uri: raw.base_uri.unwrap_or_default(),
        offset_uri: raw.offset_uri.unwrap_or_default(),
        root_definition_id: raw.root_definition_id,
        category_id: raw.category_id,
        keywords: raw
            .keywords
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .collect(),
        info_url: raw
            .info_urls
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .next(),
        applicability,
        options,
        default_option_id: raw.default_option_id,
        value_definition: raw.value_definition.map(value_definition),
        default_value: raw.default_value.map(SettingValue::from_raw),
        child_ids: raw.child_ids.unwrap_or_default(),
        minimum_count: raw.minimum_count,
        maximum_count: raw.maximum_count,
        dependent_on: dependent_on(raw.dependent_on),
        depended_on_by: depended_on_by(raw.depended_on_by),
        occurrence: raw.occurrence.map(|o| Occurrence {
            min_device_occurrence: o.min_device_occurrence,
            max_device_occurrence: o.max_device_occurrence,
        }),
        setting_usage: raw.setting_usage,
        visibility: raw.visibility,
    })
}

/// Reads every `*.json` file directly in `dir` in parallel. Returns the definitions sorted by id
/// and the files that could not be read, sorted by path.
pub fn read_definitions_dir(dir: &Path) -> (Vec<SettingDefinition>, Vec<InputError>) {
    let files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .collect(),
        Err(e) => return (Vec::new(), vec![InputError::new(dir, e.to_string())]),
    };
    let results: Vec<Result<SettingDefinition, InputError>> = files
        .par_iter()
        .map(|path| {
            std::fs::read(path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| read_definition(&bytes))
                .map_err(|reason| InputError::new(path, reason))
        })
        .collect();
    let mut definitions = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(def) => definitions.push(def),
            Err(e) => errors.push(e),
        }
    }
    definitions.sort_by(|a, b| a.id.cmp(&b.id));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (definitions, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(
        id: &str,
        uri: (&str, &str),
        root: &str,
        values: &[(&str, serde_json::Value)],
    ) -> String {
        let options: Vec<serde_json::Value> = values
            .iter()
            .map(|(suffix, v)| {
                let t = if v.is_string() { "String" } else { "Integer" };
                serde_json::json!({
                    "itemId": format!("{id}_{suffix}"), "name": suffix, "displayName": suffix,
                    "optionValue": {"@odata.type": format!("{GRAPH_PREFIX}{t}SettingValue"), "value": v},
                    "dependentOn": [], "dependedOnBy": []
                })
            })
            .collect();
        serde_json::json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
            "id": id, "name": "N", "displayName": "D", "description": "dropped",
            "baseUri": uri.0, "offsetUri": uri.1, "rootDefinitionId": root,
            "keywords": ["k"], "infoUrls": ["https://a", "https://b"], "options": options,
            "somethingNew": {"x": 1}
        })
        .to_string()
    }

    #[test]
    fn candidate_ids() {
        assert_eq!(
            definition_id_candidate(
                "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections"
            ),
            "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections"
        );
        assert_eq!(
            definition_id_candidate("./Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall"),
            "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall"
        );
        assert_eq!(
            uri_key("./Vendor/MSFT/Firewall/MdmStore/FirewallRules/{FirewallRuleName}/Enabled"),
            "vendor_msft_firewall_mdmstore_firewallrules_{}_enabled"
        );
        assert_eq!(
            uri_key("./Vendor/MSFT/Firewall/MdmStore/FirewallRules/{0}/Enabled"),
            "vendor_msft_firewall_mdmstore_firewallrules_{}_enabled"
        );
    }

    #[test]
    fn reads_and_looks_up() {
        let a = choice(
            "device_vendor_msft_defender_configuration_x",
            ("./Vendor/MSFT/Defender", "/Configuration/X"),
            "device_vendor_msft_defender_configuration_x",
            &[("0", serde_json::json!(0)), ("1", serde_json::json!(1))],
        );
        let b = choice(
            "device_vendor_msft_policy_config_a_b_opts",
            ("./Device/Vendor/MSFT/Policy", "/Config/A/B"),
            "device_vendor_msft_policy_config_a_b",
            &[("0", serde_json::json!("0")), ("3", serde_json::json!("3"))],
        );
        let a = read_definition(a.as_bytes()).unwrap();
        let b = read_definition(b.as_bytes()).unwrap();
        assert_eq!(a.kind, DefinitionKind::Choice);
        assert_eq!(a.info_url.as_deref(), Some("https://a"));
        assert_eq!(
            option_for_value(&a, "1").unwrap().item_id,
            "device_vendor_msft_defender_configuration_x_1"
        );
        assert_eq!(
            option_for_value(&b, "3").unwrap().item_id,
            "device_vendor_msft_policy_config_a_b_opts_3"
        );
        assert!(option_for_value(&b, "2").is_none());
        assert_eq!(
            option_for_value(&a, " 01 ").unwrap().item_id,
            "device_vendor_msft_defender_configuration_x_1"
        );
        assert!(option_for_value(&b, "03").is_none());
        let index = DefinitionIndex::new(vec![b, a]);
        assert_eq!(
            index.definitions()[0].id,
            "device_vendor_msft_defender_configuration_x"
        );
        let found = index
            .by_uri("./Vendor/MSFT/Defender/Configuration/X", Scope::Device)
            .unwrap();
        assert_eq!(found.id, "device_vendor_msft_defender_configuration_x");
        // The only definition with that URI, though not a root.
        assert_eq!(
            index
                .by_uri("./Device/Vendor/MSFT/Policy/Config/A/B", Scope::Device)
                .map(|d| d.id.as_str()),
            Some("device_vendor_msft_policy_config_a_b_opts")
        );
        assert_eq!(
            index
                .all_by_uri("./device/vendor/msft/policy/config/a/b")
                .len(),
            1
        );
        let json = serde_json::to_string(&index).unwrap();
        let back: DefinitionIndex = serde_json::from_str(&json).unwrap();
        assert_eq!(back, index);
    }

    #[test]
    fn several_roots_on_one_uri_are_not_guessed() {
        let defs = ["asr_a", "asr_b"]
            .map(|id| {
                read_definition(
                    choice(
                        id,
                        ("./Vendor/MSFT/Defender", "/Configuration/Shared"),
                        id,
                        &[],
                    )
                    .as_bytes(),
                )
                .unwrap()
            })
            .to_vec();
        let index = DefinitionIndex::new(defs);
        assert_eq!(
            index
                .all_by_uri("./Vendor/MSFT/Defender/Configuration/Shared")
                .len(),
            2
        );
        assert!(
            index
                .by_uri("./Vendor/MSFT/Defender/Configuration/Shared", Scope::Device)
                .is_none()
        );
    }

    #[test]
    fn bad_json_is_an_error() {
        assert!(read_definition(b"{").is_err());
        assert!(read_definition(b"{}").is_err());
        assert!(read_definition(br#"{"id": 5}"#).is_err());
        assert!(read_definition(b"").is_err());
    }

    #[test]
    fn kinds() {
        for (t, k) in [
            (
                "ChoiceSettingCollectionDefinition",
                DefinitionKind::ChoiceCollection,
            ),
            (
                "SimpleSettingCollectionDefinition",
                DefinitionKind::SimpleCollection,
            ),
            (
                "SettingGroupCollectionDefinition",
                DefinitionKind::SettingGroupCollection,
            ),
            ("RedirectSettingDefinition", DefinitionKind::Redirect),
        ] {
            assert_eq!(
                DefinitionKind::from_odata_type(&format!("{GRAPH_PREFIX}{t}")),
                k
            );
        }
        assert_eq!(
            DefinitionKind::from_odata_type("#x.y"),
            DefinitionKind::Other("#x.y".into())
        );
    }
}
