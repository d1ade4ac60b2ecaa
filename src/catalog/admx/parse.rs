//! One ADMX or ADML document, read into the catalog's types with its references still as written
//! (`$(string.…)`, `prefix:name`). [`super::load`] resolves them across files.
//!
//! Elements are matched by local name only: in-box files use the 2006/07 PolicyDefinitions
//! namespace, some third-party files another one or none.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::{
    AdmxCategory, AdmxElement, AdmxPolicy, AdmxValue, ElementKind, EnumItem, NamespaceBinding,
    PolicyClass, PresentationControl, PresentationPart, SupportedOnDefinition, ValueList,
    ValueListItem,
};
use crate::input::xml::{self, Element};

/// An ADMX file as written, before any cross-file resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdmxDocument {
    pub target: NamespaceBinding,
    pub using: Vec<NamespaceBinding>,
    pub fallback_culture: Option<String>,
    pub superseded_adm: Vec<String>,
    /// Categories with raw display names and parent references; `file` and `namespace` unset.
    pub categories: Vec<AdmxCategory>,
    /// supportedOn definitions, products and versions with raw display names.
    pub supported_on: Vec<SupportedOnDefinition>,
    /// Policies with raw names and references; file fields, categories and presentation unset.
    pub policies: Vec<AdmxPolicy>,
    /// What was skipped or could not be read, one line each.
    pub warnings: Vec<String>,
}

/// An ADML file: its string table and presentations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdmlDocument {
    /// String id → text as written (untrimmed).
    pub strings: BTreeMap<String, String>,
    /// Presentation id → its parts in order.
    pub presentations: BTreeMap<String, Vec<PresentationPart>>,
    pub warnings: Vec<String>,
}

impl AdmlDocument {
    /// A string by id; ids compare exactly first, then ignoring ASCII case.
    pub fn string(&self, id: &str) -> Option<&str> {
        self.strings
            .get(id)
            .or_else(|| {
                self.strings
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }

    /// A presentation by id; exact first, then ignoring ASCII case.
    pub fn presentation(&self, id: &str) -> Option<&[PresentationPart]> {
        self.presentations
            .get(id)
            .or_else(|| {
                self.presentations
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id))
                    .map(|(_, v)| v)
            })
            .map(Vec::as_slice)
    }
}

/// Parses an ADMX document already decoded to text.
pub fn parse_admx(text: &str) -> Result<AdmxDocument, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if root.name != "policyDefinitions" {
        return Err(format!(
            "not an ADMX file: root element is <{}>, not <policyDefinitions>",
            root.name
        ));
    }
    let mut doc = AdmxDocument::default();
    let namespaces = root
        .child("policyNamespaces")
        .ok_or("no <policyNamespaces>")?;
    let target = namespaces
        .child("target")
        .ok_or("no <policyNamespaces><target>")?;
    doc.target = binding(target).ok_or("<target> lacks a prefix or namespace")?;
    for using in namespaces.children_named("using") {
        match binding(using) {
            Some(b) => doc.using.push(b),
            None => doc
                .warnings
                .push("<using> without prefix or namespace skipped".into()),
        }
    }
    doc.fallback_culture = root
        .child("resources")
        .and_then(|r| r.attr_ignore_case("fallbackCulture"))
        .map(str::to_string);
    doc.superseded_adm = root
        .children_named("supersededAdm")
        .filter_map(|s| s.attr_ignore_case("fileName"))
        .map(str::to_string)
        .collect();
    if let Some(supported) = root.child("supportedOn") {
        read_supported_on(supported, &mut doc);
    }
    if let Some(categories) = root.child("categories") {
        for category in categories.children_named("category") {
            let Some(name) = category.attr_ignore_case("name") else {
                doc.warnings
                    .push("<category> without a name skipped".into());
                continue;
            };
            doc.categories.push(AdmxCategory {
                name: name.to_string(),
                display_name: category
                    .attr_ignore_case("displayName")
                    .unwrap_or(name)
                    .to_string(),
                explain_text: category.attr_ignore_case("explainText").map(str::to_string),
                parent_ref: category
                    .child("parentCategory")
                    .and_then(|p| p.attr_ignore_case("ref"))
                    .map(str::to_string),
                ..AdmxCategory::default()
            });
        }
    }
    if let Some(policies) = root.child("policies") {
        for policy in policies.children_named("policy") {
            if let Some(p) = read_policy(policy, &mut doc.warnings) {
                doc.policies.push(p);
            }
        }
    }
    Ok(doc)
}

fn binding(element: &Element) -> Option<NamespaceBinding> {
    Some(NamespaceBinding {
        prefix: element.attr_ignore_case("prefix")?.trim().to_string(),
        namespace: element.attr_ignore_case("namespace")?.trim().to_string(),
    })
}

/// Definitions, products and versions share one name space of references (`windows:Win8`,
/// `windows:SUPPORTED_Win8`), so they are collected together.
fn read_supported_on(supported: &Element, doc: &mut AdmxDocument) {
    let push = |e: &Element, doc: &mut AdmxDocument| {
        if let Some(name) = e.attr_ignore_case("name") {
            doc.supported_on.push(SupportedOnDefinition {
                name: name.to_string(),
                display_name: e
                    .attr_ignore_case("displayName")
                    .unwrap_or(name)
                    .to_string(),
                ..SupportedOnDefinition::default()
            });
        } else {
            doc.warnings
                .push(format!("supportedOn <{}> without a name skipped", e.name));
        }
    };
    if let Some(products) = supported.child("products") {
        for product in products.children_named("product") {
            push(product, doc);
            for major in product.children_named("majorVersion") {
                push(major, doc);
                for minor in major.children_named("minorVersion") {
                    push(minor, doc);
                }
            }
        }
    }
    if let Some(definitions) = supported.child("definitions") {
        for definition in definitions.children_named("definition") {
            push(definition, doc);
        }
    }
}

const POLICY_ATTRIBUTES: &[&str] = &[
    "name",
    "class",
    "displayName",
    "explainText",
    "presentation",
    "key",
    "valueName",
    "clientExtension",
];

fn read_policy(policy: &Element, warnings: &mut Vec<String>) -> Option<AdmxPolicy> {
    let Some(name) = policy.attr_ignore_case("name").map(str::to_string) else {
        warnings.push("<policy> without a name skipped".into());
        return None;
    };
    let Some(class) = policy
        .attr_ignore_case("class")
        .and_then(PolicyClass::parse)
    else {
        warnings.push(format!(
            "policy {name}: class {:?} is not Machine, User or Both; policy skipped",
            policy.attr_ignore_case("class").unwrap_or("")
        ));
        return None;
    };
    let Some(key) = policy.attr_ignore_case("key").map(str::to_string) else {
        warnings.push(format!("policy {name}: no key; policy skipped"));
        return None;
    };
    let ctx = format!("policy {name}");
    let mut out = AdmxPolicy {
        file: 0,
        file_base: String::new(),
        namespace: String::new(),
        display_name: policy
            .attr_ignore_case("displayName")
            .unwrap_or(&name)
            .to_string(),
        explain_text: policy.attr_ignore_case("explainText").map(str::to_string),
        presentation_id: policy
            .attr_ignore_case("presentation")
            .map(|p| reference_id(p, "presentation").unwrap_or(p).to_string()),
        value_name: policy.attr_ignore_case("valueName").map(str::to_string),
        enabled_value: policy
            .child("enabledValue")
            .and_then(|v| read_value(v, warnings, &ctx)),
        disabled_value: policy
            .child("disabledValue")
            .and_then(|v| read_value(v, warnings, &ctx)),
        enabled_list: policy
            .child("enabledList")
            .map(|l| read_value_list(l, &key, warnings, &ctx)),
        disabled_list: policy
            .child("disabledList")
            .map(|l| read_value_list(l, &key, warnings, &ctx)),
        supported_on_ref: policy
            .child("supportedOn")
            .and_then(|s| s.attr_ignore_case("ref"))
            .map(str::to_string),
        supported_on: None,
        category_ref: policy
            .child("parentCategory")
            .and_then(|s| s.attr_ignore_case("ref"))
            .map(str::to_string),
        category_names: Vec::new(),
        category_path: Vec::new(),
        category_unresolved: None,
        client_extension: policy
            .attr_ignore_case("clientExtension")
            .map(str::to_string),
        see_also: policy
            .children_named("seeAlso")
            .map(|s| s.text.trim().to_string())
            .collect(),
        elements: Vec::new(),
        presentation: Vec::new(),
        extra_attributes: policy
            .attrs
            .iter()
            .filter(|a| a.ns.is_empty())
            .filter(|a| {
                !POLICY_ATTRIBUTES
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(&a.name))
            })
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect(),
        name,
        class,
        key,
    };
    if let Some(elements) = policy.child("elements") {
        for element in &elements.children {
            if let Some(e) = read_element(element, &out.key, warnings, &ctx) {
                out.elements.push(e);
            }
        }
    }
    for child in &policy.children {
        if !matches!(
            child.name.as_str(),
            "parentCategory"
                | "supportedOn"
                | "enabledValue"
                | "disabledValue"
                | "enabledList"
                | "disabledList"
                | "elements"
                | "seeAlso"
        ) {
            warnings.push(format!("{ctx}: unknown child <{}> ignored", child.name));
        }
    }
    Some(out)
}

/// `$(string.X)` → `X` for the given kind (`string`, `presentation`).
pub fn reference_id<'a>(raw: &'a str, kind: &str) -> Option<&'a str> {
    let inner = raw.trim().strip_prefix("$(")?.strip_suffix(')')?;
    let (k, id) = inner.split_once('.')?;
    k.trim().eq_ignore_ascii_case(kind).then(|| id.trim())
}

/// The value form inside `enabledValue`, `trueValue`, `<value>` and the like.
fn read_value(container: &Element, warnings: &mut Vec<String>, ctx: &str) -> Option<AdmxValue> {
    let Some(form) = container.children.first() else {
        warnings.push(format!("{ctx}: empty <{}>", container.name));
        return None;
    };
    let value = form.attr_ignore_case("value").unwrap_or("").trim();
    let unparsed = || AdmxValue::Unparsed {
        form: form.name.clone(),
        text: form
            .attr_ignore_case("value")
            .map_or_else(|| form.text.clone(), str::to_string),
    };
    let parsed = match form.name.as_str() {
        "decimal" => value.parse().map(AdmxValue::Decimal).ok(),
        "longDecimal" => value.parse().map(AdmxValue::LongDecimal).ok(),
        "string" => Some(AdmxValue::String(form.text.clone())),
        "delete" => Some(AdmxValue::Delete),
        _ => None,
    };
    Some(parsed.unwrap_or_else(|| {
        warnings.push(format!(
            "{ctx}: value <{}> {value:?} not understood; kept as written",
            form.name
        ));
        unparsed()
    }))
}

fn read_value_list(
    list: &Element,
    owner_key: &str,
    warnings: &mut Vec<String>,
    ctx: &str,
) -> ValueList {
    let default_key = list.attr_ignore_case("defaultKey").map(str::to_string);
    let mut items = Vec::new();
    for item in list.children_named("item") {
        let Some(value_name) = item.attr_ignore_case("valueName") else {
            warnings.push(format!(
                "{ctx}: <{}> item without valueName skipped",
                list.name
            ));
            continue;
        };
        let key = item
            .attr_ignore_case("key")
            .or(default_key.as_deref())
            .unwrap_or(owner_key)
            .to_string();
        items.push(ValueListItem {
            key,
            value_name: value_name.to_string(),
            value: item
                .child("value")
                .and_then(|v| read_value(v, warnings, ctx)),
        });
    }
    ValueList { default_key, items }
}

fn read_element(
    element: &Element,
    policy_key: &str,
    warnings: &mut Vec<String>,
    policy_ctx: &str,
) -> Option<AdmxElement> {
    let Some(id) = element.attr_ignore_case("id").map(str::to_string) else {
        warnings.push(format!(
            "{policy_ctx}: <{}> element without an id skipped",
            element.name
        ));
        return None;
    };
    let ctx = format!("{policy_ctx} element {id}");
    let key = element
        .attr_ignore_case("key")
        .unwrap_or(policy_key)
        .to_string();
    let mut attrs = Attrs {
        element,
        warnings,
        ctx: &ctx,
    };
    let kind = match element.name.as_str() {
        "boolean" => ElementKind::Boolean {
            true_value: element
                .child("trueValue")
                .and_then(|v| read_value(v, attrs.warnings, &ctx)),
            false_value: element
                .child("falseValue")
                .and_then(|v| read_value(v, attrs.warnings, &ctx)),
            true_list: element
                .child("trueList")
                .map(|l| read_value_list(l, &key, attrs.warnings, &ctx)),
            false_list: element
                .child("falseList")
                .map(|l| read_value_list(l, &key, attrs.warnings, &ctx)),
        },
        "decimal" => ElementKind::Decimal {
            required: attrs.flag("required"),
            min_value: attrs.number("minValue", 0),
            max_value: attrs.number("maxValue", 9999),
            store_as_text: attrs.flag("storeAsText"),
            soft: attrs.flag("soft"),
        },
        "longDecimal" => ElementKind::LongDecimal {
            required: attrs.flag("required"),
            min_value: attrs.number("minValue", 0),
            max_value: attrs.number("maxValue", 9999),
            store_as_text: attrs.flag("storeAsText"),
            soft: attrs.flag("soft"),
        },
        "text" => ElementKind::Text {
            required: attrs.flag("required"),
            max_length: attrs.number("maxLength", 1023),
            expandable: attrs.flag("expandable"),
            soft: attrs.flag("soft"),
        },
        "multiText" => ElementKind::MultiText {
            required: attrs.flag("required"),
            max_length: attrs.optional_number("maxLength"),
            max_strings: attrs.optional_number("maxStrings"),
        },
        "list" => ElementKind::List {
            value_prefix: element.attr_ignore_case("valuePrefix").map(str::to_string),
            additive: attrs.flag("additive"),
            expandable: attrs.flag("expandable"),
            explicit_value: attrs.flag("explicitValue"),
        },
        "enum" => {
            let required = attrs.flag("required");
            let mut items = Vec::new();
            for item in element.children_named("item") {
                let value = item
                    .child("value")
                    .and_then(|v| read_value(v, attrs.warnings, &ctx));
                if value.is_none() {
                    attrs
                        .warnings
                        .push(format!("{ctx}: enum item without a value"));
                }
                items.push(EnumItem {
                    display_name: item
                        .attr_ignore_case("displayName")
                        .unwrap_or("")
                        .to_string(),
                    value,
                    value_list: item
                        .child("valueList")
                        .map(|l| read_value_list(l, &key, attrs.warnings, &ctx)),
                });
            }
            ElementKind::Enum { required, items }
        }
        other => {
            attrs.warnings.push(format!(
                "{ctx}: unknown element type <{other}> kept by name"
            ));
            ElementKind::Unknown {
                element: other.to_string(),
            }
        }
    };
    Some(AdmxElement {
        value_name: element.attr_ignore_case("valueName").map(str::to_string),
        client_extension: element
            .attr_ignore_case("clientExtension")
            .map(str::to_string),
        id,
        key,
        kind,
    })
}

/// Typed attribute reads that warn instead of failing: one bad attribute must not lose a policy.
struct Attrs<'a> {
    element: &'a Element,
    warnings: &'a mut Vec<String>,
    ctx: &'a str,
}

impl Attrs<'_> {
    fn flag(&mut self, name: &str) -> bool {
        let Some(raw) = self.element.attr_ignore_case(name) else {
            return false;
        };
        parse_bool(raw).unwrap_or_else(|| {
            self.warnings.push(format!(
                "{}: {name}={raw:?} is not a boolean; false",
                self.ctx
            ));
            false
        })
    }

    fn number<T: FromStr + Copy + std::fmt::Display>(&mut self, name: &str, default: T) -> T {
        let Some(raw) = self.element.attr_ignore_case(name) else {
            return default;
        };
        raw.trim().parse().unwrap_or_else(|_| {
            self.warnings.push(format!(
                "{}: {name}={raw:?} is not a number; schema default {default}",
                self.ctx
            ));
            default
        })
    }

    fn optional_number<T: FromStr>(&mut self, name: &str) -> Option<T> {
        let raw = self.element.attr_ignore_case(name)?;
        let parsed = raw.trim().parse().ok();
        if parsed.is_none() {
            self.warnings.push(format!(
                "{}: {name}={raw:?} is not a number; ignored",
                self.ctx
            ));
        }
        parsed
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Parses an ADML document already decoded to text.
pub fn parse_adml(text: &str) -> Result<AdmlDocument, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if root.name != "policyDefinitionResources" {
        return Err(format!(
            "not an ADML file: root element is <{}>, not <policyDefinitionResources>",
            root.name
        ));
    }
    let mut doc = AdmlDocument::default();
    let resources = root.child("resources").ok_or("no <resources>")?;
    for table in resources.children_named("stringTable") {
        for string in table.children_named("string") {
            match string.attr_ignore_case("id") {
                Some(id) if doc.strings.contains_key(id) => doc
                    .warnings
                    .push(format!("string {id} defined twice; the first is kept")),
                Some(id) => {
                    doc.strings.insert(id.to_string(), string.text.clone());
                }
                None => doc.warnings.push("<string> without an id skipped".into()),
            }
        }
    }
    for table in resources.children_named("presentationTable") {
        for presentation in table.children_named("presentation") {
            let Some(id) = presentation.attr_ignore_case("id") else {
                doc.warnings
                    .push("<presentation> without an id skipped".into());
                continue;
            };
            let parts = presentation
                .children
                .iter()
                .map(|c| read_part(c, &mut doc.warnings, id))
                .collect();
            if doc.presentations.contains_key(id) {
                doc.warnings.push(format!(
                    "presentation {id} defined twice; the first is kept"
                ));
            } else {
                doc.presentations.insert(id.to_string(), parts);
            }
        }
    }
    Ok(doc)
}

fn read_part(
    control: &Element,
    warnings: &mut Vec<String>,
    presentation: &str,
) -> PresentationPart {
    let kind = PresentationControl::from_local_name(&control.name);
    if let PresentationControl::Other(name) = &kind {
        warnings.push(format!(
            "presentation {presentation}: unknown control <{name}> kept by name"
        ));
    }
    let labelled = matches!(
        kind,
        PresentationControl::TextBox | PresentationControl::ComboBox
    );
    let label = if labelled {
        control.child_text("label").unwrap_or("")
    } else {
        control.text.trim()
    };
    let default_value = match kind {
        PresentationControl::TextBox => control.child_text("defaultValue").map(str::to_string),
        PresentationControl::ComboBox => control.child_text("default").map(str::to_string),
        _ => control
            .attr_ignore_case("defaultValue")
            .map(|v| v.trim().to_string()),
    };
    let default_item = control.attr_ignore_case("defaultItem").and_then(|raw| {
        let parsed = raw.trim().parse().ok();
        if parsed.is_none() {
            warnings.push(format!(
                "presentation {presentation}: defaultItem={raw:?} is not a number; ignored"
            ));
        }
        parsed
    });
    let default_checked = control.attr_ignore_case("defaultChecked").and_then(|raw| {
        let parsed = parse_bool(raw);
        if parsed.is_none() {
            warnings.push(format!(
                "presentation {presentation}: defaultChecked={raw:?} is not a boolean; ignored"
            ));
        }
        parsed
    });
    PresentationPart {
        ref_id: control.attr_ignore_case("refId").map(str::to_string),
        label: label.to_string(),
        default_value,
        default_item,
        default_checked,
        suggestions: control
            .children_named("suggestion")
            .map(|s| s.text.trim().to_string())
            .collect(),
        control: kind,
    }
}
