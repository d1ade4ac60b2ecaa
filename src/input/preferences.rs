//! Group Policy Preferences XML (`Preferences/<Type>/<Type>.xml`), formats.md §1.5.
//!
//! The same item shape appears in two places: the Preferences files of a backup (no namespace) and
//! the GPP extensions of a GPMC report (namespaced, with a report-only `GPOSettingOrder`). Both go
//! through [`read_items`] and [`item_setting`] so that the two paths give equal settings.

use crate::input::xml::{self, Element};
use crate::model::{
    PreferenceItem, PreferenceType, Property, REDACTED, Scope, Setting, SettingId, SettingKind,
    SettingValue, Source, TargetingFilter,
};

/// RSoP reports attribute settings with elements in this namespace; they are not item data.
const BASE_NS: &str = "http://www.microsoft.com/GroupPolicy/Settings/Base";

/// Real GPP nesting is under 20 levels (task XML is the deepest). Deeper input is hostile or
/// broken; it is cut off with a marker rather than recursed into until the stack runs out.
const MAX_DEPTH: usize = 64;
const TOO_DEEP: &str = "[nested too deep: not read]";

/// Reads a decoded Preferences XML file. `cpassword` values are redacted here.
pub fn read_settings(text: &str, scope: Scope, file: &str) -> Result<Vec<Setting>, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    let preference_type = preference_type_of_root(&root.name).ok_or_else(|| {
        format!(
            "root element <{}> is not a Group Policy Preferences collection",
            root.name
        )
    })?;
    Ok(read_items(&root)
        .into_iter()
        .enumerate()
        .map(|(entry, found)| {
            let source = Source {
                file: file.to_string(),
                entry: u32::try_from(entry).ok(),
                line: None,
            };
            item_setting(preference_type, scope, &found, source)
        })
        .collect())
}

/// The preference type a Preferences file's root element (or a report's GPP root) stands for.
pub fn preference_type_of_root(name: &str) -> Option<PreferenceType> {
    use PreferenceType as T;
    Some(match name {
        "RegistrySettings" => T::Registry,
        "Groups" | "LocalUsersAndGroups" => T::LocalUsersAndGroups,
        "Drives" | "DriveMapSettings" => T::DriveMaps,
        "Files" | "FilesSettings" => T::Files,
        "Folders" => T::Folders,
        "Shortcuts" | "ShortcutSettings" => T::Shortcuts,
        "EnvironmentVariables" => T::EnvironmentVariables,
        "IniFiles" => T::IniFiles,
        "Printers" => T::Printers,
        "NTServices" => T::Services,
        "ScheduledTasks" => T::ScheduledTasks,
        "NetworkShareSettings" | "NetworkShares" => T::NetworkShares,
        "DataSources" | "DataSourcesSettings" => T::DataSources,
        "Devices" | "DevicesSettings" => T::Devices,
        "FolderOptions" => T::FolderOptions,
        "NetworkOptions" => T::NetworkOptions,
        "PowerOptions" => T::PowerOptions,
        "RegionalOptions" => T::RegionalOptions,
        "InternetSettings" => T::InternetSettings,
        "StartMenuTaskbar" | "StartMenu" => T::StartMenu,
        _ => return None,
    })
}

/// One preference item found under a collection root, with its parsed content.
#[derive(Debug, Clone)]
pub struct FoundItem<'a> {
    pub element: &'a Element,
    pub item: PreferenceItem,
}

/// Every item under `root`, walking nested `<Collection>`s depth first in document order. A
/// collection's targeting applies to everything inside it, so its filters are carried into each
/// item as one `Collection` filter (attributes = the collection's, children = its filters), and a
/// disabled collection disables its items.
pub fn read_items(root: &Element) -> Vec<FoundItem<'_>> {
    let mut out = Vec::new();
    walk(root, &[], false, 0, &mut out);
    out
}

fn walk<'a>(
    container: &'a Element,
    inherited: &[TargetingFilter],
    inherited_disabled: bool,
    depth: usize,
    out: &mut Vec<FoundItem<'a>>,
) {
    for child in &container.children {
        if is_bookkeeping(child) || child.name == "Filters" {
            continue;
        }
        // A collection nested too deep is kept as one item holding everything below it.
        if child.name == "Collection" && depth < MAX_DEPTH {
            let mut filters = inherited.to_vec();
            let own = child.child("Filters").map(read_filters).unwrap_or_default();
            if !own.is_empty() {
                filters.push(TargetingFilter {
                    filter: "Collection".to_string(),
                    bool_op: None,
                    negate: false,
                    attributes: attributes(child),
                    children: own,
                });
            }
            walk(
                child,
                &filters,
                inherited_disabled || is_disabled(child),
                depth + 1,
                out,
            );
            continue;
        }
        let mut item = read_item(child);
        item.disabled |= inherited_disabled;
        if !inherited.is_empty() {
            let own = std::mem::take(&mut item.filters);
            item.filters = inherited.iter().cloned().chain(own).collect();
        }
        out.push(FoundItem {
            element: child,
            item,
        });
    }
}

/// `GPOSettingOrder` exists only in reports and the RSoP `GPO`/`Precedence` wrappers only in RSoP
/// reports: leaving them out keeps report and Preferences file items equal.
fn is_bookkeeping(e: &Element) -> bool {
    e.name == "GPOSettingOrder" || e.ns == BASE_NS
}

fn is_disabled(e: &Element) -> bool {
    matches!(e.attr("disabled"), Some("1") | Some("true"))
}

/// Turns one GPP item element (`Registry`, `Drive`, `TaskV2`, …) into its model form.
pub fn read_item(element: &Element) -> PreferenceItem {
    let properties_element = element.child("Properties");
    let mut details = Vec::new();
    for attr in &element.attrs {
        if matches!(attr.name.as_str(), "clsid" | "name" | "uid" | "disabled") {
            continue;
        }
        details.push(Property {
            name: format!("@{}", attr.name),
            value: redact(&attr.name, &attr.value),
        });
    }
    if let Some(props) = properties_element {
        for child in props.children.iter().filter(|c| !is_bookkeeping(c)) {
            flatten(child, &child.name, &mut details);
        }
    }
    for child in &element.children {
        if is_bookkeeping(child) || matches!(child.name.as_str(), "Properties" | "Filters") {
            continue;
        }
        flatten(child, &child.name, &mut details);
    }
    PreferenceItem {
        element: element.name.clone(),
        clsid: element.attr("clsid").map(str::to_string),
        action: properties_element
            .and_then(|p| p.attr("action"))
            .map(str::to_string),
        disabled: is_disabled(element),
        properties: properties_element.map(attributes).unwrap_or_default(),
        details,
        filters: element
            .child("Filters")
            .map(read_filters)
            .unwrap_or_default(),
    }
}

/// The setting for one found item: identity `Preference { type, uid, name }`.
pub fn item_setting(
    preference_type: PreferenceType,
    scope: Scope,
    found: &FoundItem<'_>,
    source: Source,
) -> Setting {
    let name = found.element.attr("name").unwrap_or_default().to_string();
    Setting {
        scope,
        kind: SettingKind::Preference,
        id: SettingId::Preference {
            preference_type,
            uid: found.element.attr("uid").map(str::to_string),
            name: name.clone(),
        },
        value: SettingValue::Preference(found.item.clone()),
        display_name: (!name.is_empty()).then_some(name),
        category: None,
        display_value: None,
        source,
    }
}

fn read_filters(filters: &Element) -> Vec<TargetingFilter> {
    filters
        .children
        .iter()
        .filter(|c| !is_bookkeeping(c))
        .map(|c| read_filter(c, 0))
        .collect()
}

fn read_filter(e: &Element, depth: usize) -> TargetingFilter {
    let mut attributes: Vec<Property> = e
        .attrs
        .iter()
        .filter(|a| a.name != "bool" && a.name != "not")
        .map(|a| Property {
            name: a.name.clone(),
            value: redact(&a.name, &a.value),
        })
        .collect();
    let children = if depth < MAX_DEPTH {
        e.children
            .iter()
            .map(|c| read_filter(c, depth + 1))
            .collect()
    } else {
        if !e.children.is_empty() {
            attributes.push(Property {
                name: "children".to_string(),
                value: TOO_DEEP.to_string(),
            });
        }
        Vec::new()
    };
    TargetingFilter {
        filter: e.name.clone(),
        bool_op: e.attr("bool").map(str::to_string),
        negate: matches!(e.attr("not"), Some("1") | Some("true")),
        attributes,
        children,
    }
}

/// An element's attributes in source order, `cpassword` redacted.
fn attributes(e: &Element) -> Vec<Property> {
    e.attrs
        .iter()
        .map(|a| Property {
            name: a.name.clone(),
            value: redact(&a.name, &a.value),
        })
        .collect()
}

fn redact(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("cpassword") {
        REDACTED.to_string()
    } else {
        value.to_string()
    }
}

/// Flattens an element below `path` into `path@attribute` and `path` (text) properties, children
/// as `path/child`, in document order. `cpassword` attributes are redacted at any depth.
pub(crate) fn flatten(e: &Element, path: &str, out: &mut Vec<Property>) {
    flatten_at(e, path, 0, out);
}

fn flatten_at(e: &Element, path: &str, depth: usize, out: &mut Vec<Property>) {
    if depth >= MAX_DEPTH {
        out.push(Property {
            name: path.to_string(),
            value: TOO_DEEP.to_string(),
        });
        return;
    }
    for attr in &e.attrs {
        out.push(Property {
            name: format!("{path}@{}", attr.name),
            value: redact(&attr.name, &attr.value),
        });
    }
    // An empty element (`<Values/>`, which reports add and Preferences files leave out) says
    // nothing, so it gives no property.
    let text = e.text.trim();
    if !text.is_empty() {
        out.push(Property {
            name: path.to_string(),
            value: text.to_string(),
        });
    }
    for child in e.children.iter().filter(|c| c.ns != BASE_NS) {
        flatten_at(child, &format!("{path}/{}", child.name), depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Hive;

    const REGISTRY_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<RegistrySettings clsid="{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}">
  <Registry clsid="{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}" name="NoAutoUpdate" status="NoAutoUpdate" image="12" changed="2024-01-10 09:12:33" uid="{D6E6}">
    <Properties action="U" displayDecimal="1" default="0" hive="HKEY_LOCAL_MACHINE" key="SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU" name="NoAutoUpdate" type="REG_DWORD" value="00000001"/>
  </Registry>
  <Collection clsid="{53B533F5-224C-47e3-B01B-CA3B3F3FF4BF}" name="Folder" disabled="1">
    <Filters><FilterGroup bool="AND" not="1" name="CONTOSO\Admins" sid="S-1-5-21-1"/></Filters>
    <Registry clsid="{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}" name="Multi" uid="{E1}">
      <Properties action="R" hive="HKEY_CURRENT_USER" key="Software\X" name="Multi" type="REG_MULTI_SZ" value="a b">
        <Values><Value>a</Value><Value>b</Value></Values>
      </Properties>
      <Filters>
        <FilterCollection bool="OR" not="0">
          <FilterComputer bool="AND" not="0" type="NETBIOS" name="PC1"/>
        </FilterCollection>
      </Filters>
    </Registry>
  </Collection>
</RegistrySettings>"#;

    #[test]
    fn reads_items_and_nested_collections() {
        let settings = read_settings(REGISTRY_XML, Scope::Device, "Registry.xml").unwrap();
        assert_eq!(settings.len(), 2);
        let first = &settings[0];
        assert_eq!(
            first.id,
            SettingId::Preference {
                preference_type: PreferenceType::Registry,
                uid: Some("{D6E6}".into()),
                name: "NoAutoUpdate".into()
            }
        );
        let SettingValue::Preference(item) = &first.value else {
            panic!("not a preference")
        };
        assert_eq!(item.action.as_deref(), Some("U"));
        assert_eq!(item.properties[6].name, "type");
        assert_eq!(item.properties[7].value, "00000001");
        assert!(!item.disabled);
        assert_eq!(first.source.entry, Some(0));

        let SettingValue::Preference(multi) = &settings[1].value else {
            panic!("not a preference")
        };
        assert!(multi.disabled, "a disabled collection disables its items");
        let values: Vec<_> = multi
            .details
            .iter()
            .filter(|d| d.name == "Values/Value")
            .map(|d| d.value.as_str())
            .collect();
        assert_eq!(values, ["a", "b"]);
        assert_eq!(multi.filters.len(), 2);
        assert_eq!(multi.filters[0].filter, "Collection");
        assert_eq!(multi.filters[0].children[0].filter, "FilterGroup");
        assert!(multi.filters[0].children[0].negate);
        assert_eq!(multi.filters[1].filter, "FilterCollection");
        assert_eq!(multi.filters[1].bool_op.as_deref(), Some("OR"));
        assert_eq!(multi.filters[1].children[0].attributes[1].value, "PC1");
        assert_eq!(Scope::Device.hive(), Hive::Hklm);
    }

    #[test]
    fn cpassword_is_redacted_everywhere() {
        let doc = r#"<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}">
          <User clsid="{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}" name="Administrator (built-in)" uid="{U1}" cpassword="top">
            <Properties action="U" userName="Administrator" cpassword="j1Uyj3Vx8TY9LtLZil2uAuZkFQA/4latT76ZwgdHdhw">
              <Nested cPassword="deep"/>
            </Properties>
          </User>
        </Groups>"#;
        let settings = read_settings(doc, Scope::Device, "Groups.xml").unwrap();
        let json = serde_json::to_string(&settings).unwrap();
        assert!(!json.contains("j1Uyj3Vx8TY9"));
        assert!(!json.contains("deep"));
        assert!(!json.contains("\"top\""));
        assert_eq!(json.matches(REDACTED).count(), 3);
    }

    #[test]
    fn deep_nesting_is_cut_off_not_recursed() {
        let depth = 100;
        let doc = format!(
            "<RegistrySettings>{}<Registry name=\"deep\"><Properties>{}{}</Properties><Filters>{}{}</Filters></Registry>{}</RegistrySettings>",
            "<Collection>".repeat(depth),
            "<a>".repeat(depth),
            "</a>".repeat(depth),
            "<FilterCollection>".repeat(depth),
            "</FilterCollection>".repeat(depth),
            "</Collection>".repeat(depth),
        );
        let settings = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || read_settings(&doc, Scope::Device, "deep.xml").map(|s| s.len()))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(settings, Ok(1));
    }

    #[test]
    fn unknown_root_is_an_error() {
        let err = read_settings("<Foo/>", Scope::User, "x.xml").unwrap_err();
        assert!(err.contains("<Foo>"), "{err}");
        assert!(read_settings("<Groups", Scope::User, "x.xml").is_err());
    }
}
