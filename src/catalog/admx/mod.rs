//! ADMX and ADML templates, formats.md §5: what each Administrative Templates policy writes to the
//! registry, how it is named and presented in English, and where it sits in the category tree.
//!
//! [`parse`] reads one ADMX or ADML document; [`load`] reads PolicyDefinitions-like folders and
//! resolves names and references across files; [`AdmxCatalog`] holds the result with the lookups
//! the matcher needs (registry value → policy, report names → policy, file and name → policy).

mod index;
pub mod load;
pub mod parse;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use index::{ClaimRole, RegistryClaim};
pub use load::{AdmxLoad, AdmxSource, discover_template_folders};

use super::packed::{self, Fields, IndexedList};
use crate::model::{RegistryData, Scope};
use index::AdmxLookups;

/// Every policy of a set of ADMX files, with its names resolved, and the lookups over them.
///
/// Serialized, it is its [`AdmxDefinitions`] only. In the embedded catalog the policies stay
/// packed, each decoded on first use (see [`crate::catalog::packed`]), and the lookups are stored
/// beside them; elsewhere the lookups are built from the policies.
#[derive(Debug, Clone, Default)]
pub struct AdmxCatalog {
    head: AdmxHead,
    policies: IndexedList<AdmxPolicy, AdmxLookups>,
    /// [`AdmxCatalog::definitions`], assembled on first call.
    definitions: OnceLock<AdmxDefinitions>,
}

/// The resolved content of the loaded ADMX files, in load order (folders as given, files by name
/// within a folder, policies in source order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdmxDefinitions {
    pub files: Vec<AdmxFile>,
    pub categories: Vec<AdmxCategory>,
    pub supported_on: Vec<SupportedOnDefinition>,
    pub policies: Vec<AdmxPolicy>,
}

/// [`AdmxDefinitions`] without its policies.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AdmxHead {
    files: Vec<AdmxFile>,
    categories: Vec<AdmxCategory>,
    supported_on: Vec<SupportedOnDefinition>,
}

/// [`AdmxDefinitions`] by reference, to serialize an [`AdmxCatalog`] without assembling one.
#[derive(Serialize)]
struct AdmxDefinitionsRef<'a> {
    files: &'a [AdmxFile],
    categories: &'a [AdmxCategory],
    supported_on: &'a [SupportedOnDefinition],
    policies: &'a [AdmxPolicy],
}

/// One loaded ADMX file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmxFile {
    /// The file name without `.admx`, case as on disk (`WCM`, `VolumeEncryption`, `msedge`).
    pub base: String,
    /// The path the file was read from, as the caller gave the folder.
    pub path: String,
    /// The `target` policy namespace and its prefix.
    pub namespace: String,
    pub prefix: String,
    /// `using` declarations: prefix → namespace, in source order.
    pub using: Vec<NamespaceBinding>,
    /// The ADML the strings and presentations came from, when one was found.
    pub adml: Option<String>,
    pub fallback_culture: Option<String>,
    /// `supersededAdm fileName` values.
    pub superseded_adm: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceBinding {
    pub prefix: String,
    pub namespace: String,
}

/// A category of the Administrative Templates tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmxCategory {
    /// Index into [`AdmxDefinitions::files`].
    pub file: usize,
    pub namespace: String,
    pub name: String,
    /// English display name; the raw `$(string.…)` reference when the ADML lacks it.
    pub display_name: String,
    pub explain_text: Option<String>,
    /// The `parentCategory ref` as written (`windows:Network`, `WCM_Category`).
    pub parent_ref: Option<String>,
    /// The parent, resolved by (namespace, name) across files.
    pub parent: Option<usize>,
}

/// A `supportedOn` definition, product, major or minor version that policies can reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedOnDefinition {
    pub file: usize,
    pub namespace: String,
    pub name: String,
    /// English text; the raw `$(string.…)` reference when the ADML lacks it.
    pub display_name: String,
}

/// `class`: which half of a GPO the policy lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PolicyClass {
    Machine,
    User,
    /// One logical policy per scope (`./Device/…` and `./User/…` in MDM).
    Both,
}

impl PolicyClass {
    /// Parses the attribute, ignoring ASCII case.
    pub fn parse(text: &str) -> Option<PolicyClass> {
        match text.trim().to_ascii_lowercase().as_str() {
            "machine" => Some(PolicyClass::Machine),
            "user" => Some(PolicyClass::User),
            "both" => Some(PolicyClass::Both),
            _ => None,
        }
    }

    /// The scopes the policy answers for.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            PolicyClass::Machine => &[Scope::Device],
            PolicyClass::User => &[Scope::User],
            PolicyClass::Both => &[Scope::Device, Scope::User],
        }
    }

    pub fn applies_to(self, scope: Scope) -> bool {
        self.scopes().contains(&scope)
    }
}

/// One Administrative Templates policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmxPolicy {
    /// Index into [`AdmxDefinitions::files`].
    pub file: usize,
    /// The ADMX file name without extension, case as on disk.
    pub file_base: String,
    pub namespace: String,
    pub name: String,
    pub class: PolicyClass,
    /// English display name; the raw `$(string.…)` reference when the ADML lacks it.
    pub display_name: String,
    pub explain_text: Option<String>,
    /// The `$(presentation.…)` id.
    pub presentation_id: Option<String>,
    pub key: String,
    pub value_name: Option<String>,
    pub enabled_value: Option<AdmxValue>,
    pub disabled_value: Option<AdmxValue>,
    pub enabled_list: Option<ValueList>,
    pub disabled_list: Option<ValueList>,
    /// The `supportedOn ref` as written, and its English text when it resolves.
    pub supported_on_ref: Option<String>,
    pub supported_on: Option<String>,
    /// The `parentCategory ref` as written.
    pub category_ref: Option<String>,
    /// ADMX category names, root first (`["Network", "WCM_Category"]`).
    pub category_names: Vec<String>,
    /// English category display names, root first (`["Network", "Windows Connection Manager"]`).
    pub category_path: Vec<String>,
    /// The first category reference that did not resolve; the chain above it is then incomplete.
    pub category_unresolved: Option<String>,
    pub client_extension: Option<String>,
    pub see_also: Vec<String>,
    pub elements: Vec<AdmxElement>,
    /// The ADML presentation's parts in order; empty without a presentation.
    pub presentation: Vec<PresentationPart>,
    /// Attributes of `<policy>` outside the ADMX schema (SecGuide's `Area`, `AreaCategory`).
    pub extra_attributes: Vec<(String, String)>,
}

/// A value form of `enabledValue`, `trueValue`, list items and enum items.
///
/// Serialized externally tagged (`{"decimal": 1}`, `"delete"`), as the catalog file's positional
/// records need (see [`AdmxCatalog::to_sections`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdmxValue {
    /// `<decimal value="n"/>`: REG_DWORD (REG_SZ when the element stores as text).
    Decimal(u32),
    /// `<longDecimal value="n"/>`: REG_QWORD.
    LongDecimal(u64),
    /// `<string>…</string>`: REG_SZ.
    String(String),
    /// `<delete/>`: a `**del.` instruction.
    Delete,
    /// A form this reader does not know or a number that does not parse, kept as written.
    Unparsed { form: String, text: String },
}

impl AdmxValue {
    /// True when registry data is this value as a Group Policy writer stores it: `decimal` as a
    /// DWORD or, for elements with `storeAsText`, as its decimal text; `longDecimal` as a QWORD or
    /// its text; `string` as REG_SZ or REG_EXPAND_SZ with the same text. `delete` is an
    /// instruction, not data, and matches nothing; neither does an unparsed value.
    pub fn matches_data(&self, data: &RegistryData) -> bool {
        match (self, data) {
            (AdmxValue::Decimal(n), RegistryData::Dword(d)) => n == d,
            (AdmxValue::Decimal(n), RegistryData::String(s)) => s.trim().parse() == Ok(*n),
            (AdmxValue::LongDecimal(n), RegistryData::Qword(q)) => n == q,
            (AdmxValue::LongDecimal(n), RegistryData::String(s)) => s.trim().parse() == Ok(*n),
            (AdmxValue::String(v), RegistryData::String(s) | RegistryData::ExpandString(s)) => {
                v == s
            }
            _ => false,
        }
    }
}

/// `enabledList`, `disabledList`, `trueList`, `falseList` or an enum item's `valueList`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueList {
    pub default_key: Option<String>,
    pub items: Vec<ValueListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueListItem {
    /// The item's key, else the list's `defaultKey`, else the owning element's or policy's key.
    pub key: String,
    pub value_name: String,
    pub value: Option<AdmxValue>,
}

/// One `<elements>` child.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmxElement {
    pub id: String,
    /// The element's key, else the policy's.
    pub key: String,
    pub value_name: Option<String>,
    pub client_extension: Option<String>,
    pub kind: ElementKind,
}

/// The element types of formats.md §5.3. Defaults the schema gives are applied when the attribute
/// is absent (decimal `minValue` 0 / `maxValue` 9999, text `maxLength` 1023).
///
/// Serialized externally tagged (`{"boolean": {…}}`): an internally tagged enum is buffered
/// before it is read, and that was a third of the time a catalog load spent on ADMX policies;
/// positional records cannot hold one either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    /// Without `trueValue`/`trueList` the writer sets DWORD 1; without `falseValue`/`falseList` it
    /// deletes the value.
    Boolean {
        true_value: Option<AdmxValue>,
        false_value: Option<AdmxValue>,
        true_list: Option<ValueList>,
        false_list: Option<ValueList>,
    },
    Decimal {
        required: bool,
        min_value: u32,
        max_value: u32,
        store_as_text: bool,
        soft: bool,
    },
    LongDecimal {
        required: bool,
        min_value: u64,
        max_value: u64,
        store_as_text: bool,
        soft: bool,
    },
    Text {
        required: bool,
        max_length: u32,
        expandable: bool,
        soft: bool,
    },
    MultiText {
        required: bool,
        max_length: Option<u32>,
        max_strings: Option<u32>,
    },
    /// One registry value per entry under the element's key (formats.md §5.3 "List value naming").
    List {
        value_prefix: Option<String>,
        additive: bool,
        expandable: bool,
        explicit_value: bool,
    },
    Enum {
        required: bool,
        items: Vec<EnumItem>,
    },
    /// An element type outside the schema, kept by its local name.
    Unknown { element: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumItem {
    /// English display name; the raw `$(string.…)` reference when the ADML lacks it.
    pub display_name: String,
    pub value: Option<AdmxValue>,
    pub value_list: Option<ValueList>,
}

/// The ADML presentation controls (formats.md §5.4).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PresentationControl {
    TextBox,
    ComboBox,
    DecimalTextBox,
    LongDecimalTextBox,
    CheckBox,
    DropdownList,
    ListBox,
    MultiTextBox,
    /// Static text with no element behind it.
    Text,
    /// A control outside the schema, by its local name.
    Other(String),
}

impl PresentationControl {
    pub fn from_local_name(name: &str) -> PresentationControl {
        match name {
            "textBox" => PresentationControl::TextBox,
            "comboBox" => PresentationControl::ComboBox,
            "decimalTextBox" => PresentationControl::DecimalTextBox,
            "longDecimalTextBox" => PresentationControl::LongDecimalTextBox,
            "checkBox" => PresentationControl::CheckBox,
            "dropdownList" => PresentationControl::DropdownList,
            "listBox" => PresentationControl::ListBox,
            "multiTextBox" => PresentationControl::MultiTextBox,
            "text" => PresentationControl::Text,
            other => PresentationControl::Other(other.to_string()),
        }
    }
}

/// One control of an ADML presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationPart {
    pub control: PresentationControl,
    /// The ADMX element id this control edits; None for static text.
    pub ref_id: Option<String>,
    /// The label as GPMC shows it (trimmed).
    pub label: String,
    /// `defaultValue` (textBox child, decimalTextBox attribute) or comboBox `default`.
    pub default_value: Option<String>,
    /// dropdownList `defaultItem`: a 0-based index into the enum's items.
    pub default_item: Option<u32>,
    pub default_checked: Option<bool>,
    /// comboBox `suggestion`s.
    pub suggestions: Vec<String>,
}

impl AdmxPolicy {
    /// The category display names joined by `/`, as GPMC reports show them.
    pub fn category_display_path(&self) -> String {
        self.category_path.join("/")
    }

    /// The MDM area string `{fileBase}~AT~{cat1}~{cat2}…` from the ADMX category names, or None
    /// when the category chain did not resolve to a root.
    pub fn area(&self) -> Option<String> {
        if self.category_unresolved.is_some() || self.category_names.is_empty() {
            return None;
        }
        let mut area = format!("{}~AT", self.file_base);
        for name in &self.category_names {
            area.push('~');
            area.push_str(name);
        }
        Some(area)
    }

    /// The element with this id, ignoring ASCII case.
    pub fn element(&self, id: &str) -> Option<&AdmxElement> {
        self.elements.iter().find(|e| e.id.eq_ignore_ascii_case(id))
    }

    /// The first presentation part shown with this label (compared as [`normalize_name`] does),
    /// the one a report's `<Name>` of a part names. Labels are not unique: 93 policies of the
    /// 25H2 set repeat one (Office leaves many empty), so when several parts share a label, match
    /// by position in [`AdmxPolicy::presentation`] (reports seem to list parts in that order; not
    /// checked against gpreport samples here).
    pub fn part_by_label(&self, label: &str) -> Option<&PresentationPart> {
        let wanted = normalize_name(label);
        self.presentation
            .iter()
            .find(|p| p.ref_id.is_some() && normalize_name(&p.label) == wanted)
    }

    /// The element a report part with this label edits.
    pub fn element_by_label(&self, label: &str) -> Option<&AdmxElement> {
        self.part_by_label(label)
            .and_then(|p| p.ref_id.as_deref())
            .and_then(|id| self.element(id))
    }

    /// The presentation part that edits this element.
    pub fn part_for_element(&self, element_id: &str) -> Option<&PresentationPart> {
        self.presentation.iter().find(|p| {
            p.ref_id
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(element_id))
        })
    }
}

impl AdmxElement {
    /// The enum item shown with this display name (compared as [`normalize_name`] does).
    pub fn enum_item_by_display_name(&self, display_name: &str) -> Option<&EnumItem> {
        let ElementKind::Enum { items, .. } = &self.kind else {
            return None;
        };
        let wanted = normalize_name(display_name);
        items
            .iter()
            .find(|i| normalize_name(&i.display_name) == wanted)
    }
}

/// How display names, category paths and labels are compared: whitespace runs collapsed to one
/// space, trimmed, lower case. Reports and ADML disagree on line breaks and trailing spaces, not
/// on words.
pub fn normalize_name(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The settings catalog id of an ADMX element's child definition: `{parentId}_{lower(elementId)}`
/// (formats.md §7.1). A candidate to confirm in the catalog, never to emit unchecked.
pub fn settings_catalog_child_id(parent_id: &str, element_id: &str) -> String {
    format!("{parent_id}_{}", element_id.to_lowercase())
}

impl AdmxCatalog {
    /// The catalog of resolved definitions, with its lookups.
    pub fn from_definitions(definitions: AdmxDefinitions) -> AdmxCatalog {
        let AdmxDefinitions {
            files,
            categories,
            supported_on,
            policies,
        } = definitions;
        AdmxCatalog {
            head: AdmxHead {
                files,
                categories,
                supported_on,
            },
            policies: IndexedList::new(policies),
            definitions: OnceLock::new(),
        }
    }

    /// The catalog file's three sections: files, categories and supportedOn definitions; the
    /// lookups; the policies, packed as positional records (no field names: a third less to read
    /// when they are decoded). Positional records need every field written, so no ADMX type may
    /// skip a field when serializing, and every enum is externally tagged.
    pub(in crate::catalog) fn to_sections(&self) -> Result<[Vec<u8>; 3], String> {
        Ok([
            super::encode_section(&self.head)?,
            super::encode_section(&self.policies.lookups)?,
            packed::encode(self.policies(), Fields::Positional)?,
        ])
    }

    /// Reads the sections of [`AdmxCatalog::to_sections`], every policy decoded (in parallel) and
    /// the lookups rebuilt from them.
    pub(in crate::catalog) fn decode(head: &[u8], policies: &[u8]) -> Result<Self, String> {
        let (head, policies) = rayon::join(
            || super::decode_section(head),
            || IndexedList::decode(policies),
        );
        Ok(AdmxCatalog {
            head: head?,
            policies: policies?,
            definitions: OnceLock::new(),
        })
    }

    /// Reads the head and the stored lookups; the policies stay packed until used.
    pub(in crate::catalog) fn packed(
        head: &[u8],
        lookups: &[u8],
        policies: &'static [u8],
    ) -> Result<Self, String> {
        Ok(AdmxCatalog {
            head: super::decode_section(head)?,
            policies: IndexedList::packed(lookups, policies)?,
            definitions: OnceLock::new(),
        })
    }

    /// Files, categories, supportedOn definitions and policies in one struct, assembled (copied)
    /// on first call; [`AdmxCatalog::policies`] and [`AdmxCatalog::files`] copy nothing.
    pub fn definitions(&self) -> &AdmxDefinitions {
        self.definitions.get_or_init(|| AdmxDefinitions {
            files: self.head.files.clone(),
            categories: self.head.categories.clone(),
            supported_on: self.head.supported_on.clone(),
            policies: self.policies().to_vec(),
        })
    }

    pub fn into_definitions(self) -> AdmxDefinitions {
        AdmxDefinitions {
            files: self.head.files,
            categories: self.head.categories,
            supported_on: self.head.supported_on,
            policies: self.policies.into_items(),
        }
    }

    /// Every policy; in the embedded catalog the first call decodes them all (in parallel).
    pub fn policies(&self) -> &[AdmxPolicy] {
        self.policies.items.all()
    }

    pub fn files(&self) -> &[AdmxFile] {
        &self.head.files
    }

    pub fn policy(&self, index: usize) -> Option<&AdmxPolicy> {
        self.policies.items.get(index)
    }

    /// The index of a policy this catalog handed out, by identity: [`AdmxCatalog::policy`] and
    /// [`AdmxCatalog::policies`] may hand out one policy from two places in the embedded catalog,
    /// so compare through this, not by position in [`AdmxCatalog::policies`].
    pub fn index_of(&self, policy: &AdmxPolicy) -> Option<usize> {
        self.policies.items.index_of(policy)
    }

    /// Every (policy, role) that writes `value_name` under `key` in this scope: the policy's own
    /// value, enabled/disabled list items, elements and their lists, and `list` elements whose key
    /// it is (a list claims every value under its key). Exact claims come first, in policy order.
    /// Key and value name compare case-insensitively; the key is hive-less.
    pub fn registry_claims(&self, scope: Scope, key: &str, value_name: &str) -> Vec<RegistryClaim> {
        let policies = &self.policies;
        policies
            .lookups
            .registry_claims(&policies.items, scope, key, value_name)
    }

    /// Every claim on any value under `key` (for `**delvals.` and key-level instructions).
    pub fn key_claims(&self, scope: Scope, key: &str) -> Vec<RegistryClaim> {
        let policies = &self.policies;
        policies.lookups.key_claims(&policies.items, scope, key)
    }

    /// The policies a report names by scope, category display path (joined by `/`) and English
    /// display name, compared as [`normalize_name`] does.
    pub fn policies_by_display(
        &self,
        scope: Scope,
        category_path: &str,
        display_name: &str,
    ) -> Vec<&AdmxPolicy> {
        let policies = &self.policies;
        policies
            .lookups
            .by_display(&policies.items, scope, category_path, display_name)
            .into_iter()
            .filter_map(|i| self.policy(i))
            .collect()
    }

    /// The policies shown with this display name in any category, compared as [`normalize_name`]
    /// does, in policy order.
    pub fn policies_displayed(&self, display_name: &str) -> Vec<usize> {
        let policies = &self.policies;
        policies
            .lookups
            .by_bare_display(&policies.items, display_name)
    }

    /// A policy by ADMX file (`WCM`, or `WCM.admx` as DDF `File` attributes write it) and policy
    /// name, both ignoring ASCII case.
    pub fn policy_by_name(&self, file: &str, name: &str) -> Option<&AdmxPolicy> {
        self.policy_index(file, name).and_then(|i| self.policy(i))
    }

    /// The indexes of the policies with this name (ignoring ASCII case) in any file, in order.
    pub fn policies_named(&self, name: &str) -> Vec<usize> {
        let policies = &self.policies;
        policies.lookups.by_bare_name(&policies.items, name)
    }

    /// The index of a policy by file and name, as [`AdmxCatalog::policy_by_name`] finds it.
    pub fn policy_index(&self, file: &str, name: &str) -> Option<usize> {
        let policies = &self.policies;
        policies.lookups.by_name(&policies.items, file, name)
    }

    /// The MDM area string of a policy (see [`AdmxPolicy::area`]).
    pub fn area(&self, policy: &AdmxPolicy) -> Option<String> {
        policy.area()
    }
}

impl Serialize for AdmxCatalog {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AdmxDefinitionsRef {
            files: &self.head.files,
            categories: &self.head.categories,
            supported_on: &self.head.supported_on,
            policies: self.policies(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AdmxCatalog {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AdmxDefinitions::deserialize(deserializer).map(AdmxCatalog::from_definitions)
    }
}

#[cfg(test)]
mod tests;
