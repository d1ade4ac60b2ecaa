//! The settings catalog instance a matched row writes: the value a GPO gives a setting, written in
//! the type its definition declares, or the precise reason it cannot be. Option ids are always
//! looked up in the definition, never composed.

use crate::catalog::Catalog;
use crate::catalog::admx::{
    AdmxElement, AdmxPolicy, AdmxValue, ElementKind, settings_catalog_child_id,
};
use crate::catalog::curated::{CuratedKey, ValueTranslationKind};
use crate::catalog::definitions::{
    ChoiceOption, DefinitionKind, SettingDefinition, ValueDefinition, option_for_value,
};
use crate::catalog::instance::{
    CHOICE_VALUE, ChoiceValue, GROUP_VALUE, GroupValue, InstanceValue, SettingInstance,
    SimpleValue, unmet_requirement,
};
use crate::catalog::join::CatalogLink;
use crate::matching::admx_state::{ElementValueData, RecoveredPolicy};
use crate::matching::native_values::{NativeValueRow, NativeValueTable};
use crate::matching::security::SecurityMatch;
use crate::model::{PolicyState, RegistryData, RegistryOp, SettingValue, fold_registry_key};

/// A row written as an instance, with what the conversion did not carry over.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    pub instance: SettingInstance,
    pub notes: Vec<String>,
}

/// The instance an Administrative Templates policy writes into `def`, the definition of the
/// row's target (`link`, when a catalog link reaches it), or why the value has no form there.
pub fn translate_policy(
    catalog: &Catalog,
    def: &SettingDefinition,
    recovered: &RecoveredPolicy,
    link: Option<&CatalogLink>,
) -> Result<Translated, String> {
    usable_in_policy(def)?;
    admx_instance(catalog, def, recovered, link)
}

/// The instance a setting matched by a curated row writes into `def`, or why it cannot.
pub fn translate_security(
    catalog: &Catalog,
    def: &SettingDefinition,
    m: &SecurityMatch,
    value: &SettingValue,
) -> Result<Translated, String> {
    usable_in_policy(def)?;
    Ok(Translated {
        instance: security_instance(catalog, def, m, value)?,
        notes: Vec::new(),
    })
}

/// A configuration policy for Windows MDM takes only definitions that apply to MDM on Windows
/// and that the settings catalog shows (some exist only inside templates).
fn usable_in_policy(def: &SettingDefinition) -> Result<(), String> {
    let applicability = &def.applicability;
    if let Some(platform) = &applicability.platform
        && !platform.eq_ignore_ascii_case("windows10")
    {
        return Err(format!("{} applies to {platform}, not windows10", def.id));
    }
    if let Some(technologies) = &applicability.technologies
        && !technologies
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("mdm"))
    {
        return Err(format!(
            "{} applies to {technologies}, not to MDM policies",
            def.id
        ));
    }
    if let Some(visibility) = &def.visibility
        && !visibility
            .split(',')
            .any(|v| v.trim().eq_ignore_ascii_case("settingsCatalog"))
    {
        return Err(format!(
            "{} exists only in Intune templates (visibility {visibility}), not in settings catalog policies; set it in the matching Endpoint security profile",
            def.id
        ));
    }
    Ok(())
}

/// A GPO value before it meets a definition.
#[derive(Debug, Clone, PartialEq)]
enum GpoValue {
    Integer(i64),
    Text(String),
    Boolean(bool),
    Lines(Vec<String>),
    /// An explicit-value list: value names and data.
    Pairs(Vec<(String, String)>),
}

impl GpoValue {
    fn describe(&self) -> String {
        match self {
            GpoValue::Integer(n) => n.to_string(),
            GpoValue::Text(s) => format!("\"{s}\""),
            GpoValue::Boolean(b) => b.to_string(),
            GpoValue::Lines(lines) => format!("a list of {}", lines.len()),
            GpoValue::Pairs(pairs) => format!("a list of {} name/value pairs", pairs.len()),
        }
    }
}

fn instance(def: &SettingDefinition, value: InstanceValue) -> Result<SettingInstance, String> {
    let odata_type = def.kind.instance_odata_type().ok_or_else(|| {
        format!(
            "{} is a {:?} definition, which no policy instance takes",
            def.id, def.kind
        )
    })?;
    Ok(SettingInstance {
        odata_type,
        setting_definition_id: def.id.clone(),
        setting_instance_template_reference: (),
        value,
    })
}

fn choice_instance(
    def: &SettingDefinition,
    option: &ChoiceOption,
    children: Vec<SettingInstance>,
) -> Result<SettingInstance, String> {
    instance(
        def,
        InstanceValue::ChoiceSettingValue(ChoiceValue {
            odata_type: CHOICE_VALUE,
            value: option.item_id.clone(),
            setting_value_template_reference: (),
            children,
        }),
    )
}

/// Writes a value in the form the definition declares.
fn write_value(
    catalog: &Catalog,
    def: &SettingDefinition,
    value: &GpoValue,
) -> Result<SettingInstance, String> {
    match def.kind {
        DefinitionKind::Choice => choice_instance(def, choose(def, value)?, Vec::new()),
        DefinitionKind::Simple => instance(
            def,
            InstanceValue::SimpleSettingValue(simple_value(def, value)?),
        ),
        DefinitionKind::SimpleCollection => {
            let GpoValue::Lines(lines) = value else {
                return Err(format!(
                    "{} takes a list; the GPO gives {}",
                    def.id,
                    value.describe()
                ));
            };
            check_count(def, lines.len())?;
            let values = lines
                .iter()
                .map(|line| simple_value(def, &GpoValue::Text(line.clone())))
                .collect::<Result<Vec<_>, _>>()?;
            instance(def, InstanceValue::SimpleSettingCollectionValue(values))
        }
        DefinitionKind::SettingGroupCollection => {
            let GpoValue::Pairs(pairs) = value else {
                return Err(format!(
                    "{} takes name/value pairs; the GPO gives {}",
                    def.id,
                    value.describe()
                ));
            };
            let (key_def, value_def) = key_value_children(catalog, def)?;
            check_count(def, pairs.len())?;
            let groups = pairs
                .iter()
                .map(|(name, data)| {
                    Ok(GroupValue {
                        odata_type: GROUP_VALUE,
                        setting_value_template_reference: (),
                        children: vec![
                            write_value(catalog, key_def, &GpoValue::Text(name.clone()))?,
                            write_value(catalog, value_def, &GpoValue::Text(data.clone()))?,
                        ],
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            instance(def, InstanceValue::GroupSettingCollectionValue(groups))
        }
        ref other => Err(format!(
            "gpa does not write {other:?} settings ({})",
            def.id
        )),
    }
}

/// The option of a choice whose value is the GPO's. A DWORD 1 or 0 also selects the `true` or
/// `false` option of a node whose values are those words: that is how Windows stores a boolean
/// node's value in the registry.
fn choose<'d>(def: &'d SettingDefinition, value: &GpoValue) -> Result<&'d ChoiceOption, String> {
    let (text, flag) = match value {
        GpoValue::Integer(n) => (n.to_string(), matches!(n, 0 | 1).then_some(*n == 1)),
        GpoValue::Boolean(b) => (i64::from(*b).to_string(), Some(*b)),
        GpoValue::Text(s) => (s.clone(), None),
        GpoValue::Lines(_) | GpoValue::Pairs(_) => {
            return Err(format!(
                "{} takes one option; the GPO gives {}",
                def.id,
                value.describe()
            ));
        }
    };
    option_for_value(def, &text)
        .or_else(|| flag.and_then(|f| option_for_value(def, if f { "true" } else { "false" })))
        .ok_or_else(|| {
            let options: Vec<String> = def
                .options
                .iter()
                .filter_map(|o| o.value.as_ref().and_then(|v| v.as_text()))
                .collect();
            format!(
                "{} is not an option of {} (options: {})",
                value.describe(),
                def.id,
                options.join(", ")
            )
        })
}

fn simple_value(def: &SettingDefinition, value: &GpoValue) -> Result<SimpleValue, String> {
    match &def.value_definition {
        Some(ValueDefinition::Integer { minimum, maximum }) => {
            let n = match value {
                GpoValue::Integer(n) => *n,
                GpoValue::Boolean(b) => i64::from(*b),
                GpoValue::Text(s) => s.trim().parse().map_err(|_| {
                    format!("{} takes a whole number; the GPO gives \"{s}\"", def.id)
                })?,
                other => {
                    return Err(format!(
                        "{} takes a whole number; the GPO gives {}",
                        def.id,
                        other.describe()
                    ));
                }
            };
            if minimum.is_some_and(|m| n < m) || maximum.is_some_and(|m| n > m) {
                return Err(format!(
                    "{n} is outside the range {}–{} that {} allows",
                    minimum.map_or("…".to_string(), |m| m.to_string()),
                    maximum.map_or("…".to_string(), |m| m.to_string()),
                    def.id
                ));
            }
            Ok(SimpleValue::Integer {
                value: n,
                setting_value_template_reference: (),
            })
        }
        Some(ValueDefinition::String {
            minimum_length,
            maximum_length,
            is_secret,
            ..
        }) => {
            if *is_secret {
                return Err(format!(
                    "{} is a secret; gpa writes no secrets into policy files",
                    def.id
                ));
            }
            let text = match value {
                GpoValue::Text(s) => s.clone(),
                GpoValue::Integer(n) => n.to_string(),
                other => {
                    return Err(format!(
                        "{} takes text; the GPO gives {}",
                        def.id,
                        other.describe()
                    ));
                }
            };
            let length = i64::try_from(text.chars().count()).unwrap_or(i64::MAX);
            // Many definitions declare a maximum length of 0, meaning no limit.
            let too_long = maximum_length.is_some_and(|m| m > 0 && length > m);
            if too_long || minimum_length.is_some_and(|m| length < m) {
                return Err(format!(
                    "the text is {length} characters long; {} allows {}–{}",
                    def.id,
                    minimum_length.unwrap_or(0),
                    maximum_length.map_or("…".to_string(), |m| m.to_string())
                ));
            }
            Ok(SimpleValue::String {
                value: text,
                setting_value_template_reference: (),
            })
        }
        Some(ValueDefinition::Other(odata_type)) => Err(format!(
            "{} takes a {odata_type} value, which gpa does not write",
            def.id
        )),
        None => Err(format!("{} declares no value type", def.id)),
    }
}

fn check_count(def: &SettingDefinition, count: usize) -> Result<(), String> {
    if count == 0 {
        return Err(format!(
            "the GPO sets an empty list; a settings catalog collection ({}) takes at least one value",
            def.id
        ));
    }
    let n = i64::try_from(count).unwrap_or(i64::MAX);
    if def.minimum_count.is_some_and(|m| n < m) || def.maximum_count.is_some_and(|m| n > m) {
        return Err(format!(
            "the GPO's list has {count} entries; {} takes {}–{}",
            def.id,
            def.minimum_count.unwrap_or(0),
            def.maximum_count.map_or("…".to_string(), |m| m.to_string())
        ));
    }
    Ok(())
}

/// The `…_key` and `…_value` members of a group collection that holds an ADMX list's pairs.
fn key_value_children<'c>(
    catalog: &'c Catalog,
    def: &SettingDefinition,
) -> Result<(&'c SettingDefinition, &'c SettingDefinition), String> {
    let members: Vec<&SettingDefinition> = def
        .child_ids
        .iter()
        .filter_map(|id| catalog.definition(id))
        .collect();
    let find = |suffix: &str| {
        members
            .iter()
            .copied()
            .find(|m| m.id.to_ascii_lowercase().ends_with(suffix))
    };
    match (members.len(), find("_key"), find("_value")) {
        (2, Some(key), Some(value)) => Ok((key, value)),
        _ => Err(format!(
            "{} groups settings other than a key and a value; gpa cannot fill it from a list",
            def.id
        )),
    }
}

/// The option a state takes on an ADMX-backed definition: two options named Disabled (0) and
/// Enabled (1), as every ADMX-backed definition and some native nodes have.
fn state_option(def: &SettingDefinition, enabled: bool) -> Option<&ChoiceOption> {
    if def.kind != DefinitionKind::Choice || def.options.len() != 2 {
        return None;
    }
    let find = |name: &str, value: &str| {
        def.options.iter().find(|o| {
            o.name.eq_ignore_ascii_case(name)
                && o.value.as_ref().and_then(|v| v.as_text()).as_deref() == Some(value)
        })
    };
    let (disabled, on) = (find("Disabled", "0")?, find("Enabled", "1")?);
    Some(if enabled { on } else { disabled })
}

fn admx_instance(
    catalog: &Catalog,
    def: &SettingDefinition,
    recovered: &RecoveredPolicy,
    link: Option<&CatalogLink>,
) -> Result<Translated, String> {
    let policy = catalog
        .admx()
        .policy(recovered.policy)
        .ok_or("the row's ADMX policy is missing from the catalog")?;
    let enabled = match recovered.state {
        PolicyState::Enabled => true,
        PolicyState::Disabled => false,
        PolicyState::Unknown => {
            return Err(
                "the GPO's registry data shows the policy neither Enabled nor Disabled".to_string(),
            );
        }
    };
    let mirrors_element = link.and_then(|l| l.gp_element.as_deref());
    // A node the native-value table translates takes its value from the table, even where its
    // options happen to be named Disabled and Enabled.
    let native_values = NativeValueTable::embedded().rows_for(&def.id, policy);
    match state_option(def, enabled) {
        Some(option) if mirrors_element.is_none() && native_values.is_empty() => {
            state_instance(catalog, def, option, policy, recovered, link)
        }
        _ => {
            let (value, note) = mirrored_value(
                catalog,
                def,
                policy,
                recovered,
                mirrors_element,
                &native_values,
            )?;
            Ok(Translated {
                instance: write_value(catalog, def, &value)?,
                notes: note.into_iter().collect(),
            })
        }
    }
}

/// An ADMX-backed policy: its state as the option, and when Enabled one child per element the
/// GPO sets that has a child definition.
fn state_instance(
    catalog: &Catalog,
    def: &SettingDefinition,
    option: &ChoiceOption,
    policy: &AdmxPolicy,
    recovered: &RecoveredPolicy,
    link: Option<&CatalogLink>,
) -> Result<Translated, String> {
    let mut children = Vec::new();
    let mut notes = Vec::new();
    if recovered.state == PolicyState::Enabled {
        for element in &policy.elements {
            let Some(set) = recovered
                .elements
                .iter()
                .find(|e| e.id.eq_ignore_ascii_case(&element.id))
            else {
                continue;
            };
            let Some(value) = element_value(element, &set.value)
                .map_err(|why| format!("element {}: {why}", element.id))?
            else {
                continue;
            };
            let Some(child) = child_definition(catalog, def, option, element, link) else {
                notes.push(format!(
                    "element {} ({}) has no settings catalog child definition; not written",
                    element.id,
                    value.describe()
                ));
                continue;
            };
            children.push(
                write_value(catalog, child, &value)
                    .map_err(|why| format!("element {}: {why}", element.id))?,
            );
        }
    }
    let instance = choice_instance(def, option, children)?;
    match unmet_requirement(catalog, &instance) {
        Some(why) => Err(why),
        None => Ok(Translated { instance, notes }),
    }
}

/// The child definition of an element: the link's, else `{parent}_{element}` when the catalog
/// has it; either way one that depends on the chosen option.
fn child_definition<'c>(
    catalog: &'c Catalog,
    def: &SettingDefinition,
    option: &ChoiceOption,
    element: &AdmxElement,
    link: Option<&CatalogLink>,
) -> Option<&'c SettingDefinition> {
    let linked = link
        .and_then(|l| {
            l.elements
                .iter()
                .find(|e| e.element.eq_ignore_ascii_case(&element.id))
        })
        .and_then(|e| e.definition_id.clone());
    // The link's child belongs to the link's definition; written into another one (an Office
    // root beside its `_v2`), the child is that definition's own.
    linked
        .into_iter()
        .chain(std::iter::once(settings_catalog_child_id(
            &def.id,
            &element.id,
        )))
        .filter_map(|id| catalog.definition(&id))
        .find(|child| {
            option
                .depended_on_by
                .iter()
                .any(|d| d.id.eq_ignore_ascii_case(&child.id))
        })
}

/// An element's value as the GPO sets it; None when the GPO deletes it (nothing to write).
fn element_value(
    element: &AdmxElement,
    value: &ElementValueData,
) -> Result<Option<GpoValue>, String> {
    Ok(Some(match value {
        ElementValueData::Number { value } => {
            GpoValue::Integer(i64::try_from(*value).map_err(|_| format!("{value} is too large"))?)
        }
        ElementValueData::Text { value } => GpoValue::Text(value.clone()),
        ElementValueData::MultiText { values } => GpoValue::Lines(values.clone()),
        ElementValueData::Boolean { value } => GpoValue::Boolean(*value),
        ElementValueData::Enum {
            value: Some(value), ..
        } => admx_value(value, &element.id)?,
        ElementValueData::Enum {
            display_name,
            value: None,
            ..
        } => {
            return Err(format!(
                "the item \"{display_name}\" has no value of its own (it writes a value list), so no option can be looked up by value"
            ));
        }
        ElementValueData::List { entries } => {
            let explicit = matches!(
                element.kind,
                ElementKind::List {
                    explicit_value: true,
                    ..
                }
            );
            // Explicit-value entries are registry values of one key, named by the admin: a set,
            // written sorted so that GPOs listing them in another order write one value.
            if explicit {
                let mut pairs: Vec<(String, String)> = entries
                    .iter()
                    .map(|e| (e.name.clone(), e.data.clone().unwrap_or_default()))
                    .collect();
                pairs.sort();
                GpoValue::Pairs(pairs)
            } else {
                GpoValue::Lines(
                    entries
                        .iter()
                        .map(|e| e.data.clone().unwrap_or_else(|| e.name.clone()))
                        .collect(),
                )
            }
        }
        ElementValueData::Deleted => return Ok(None),
        ElementValueData::Unrecognized { raw } => {
            return Err(format!(
                "the GPO writes {raw}, which the ADMX element does not explain"
            ));
        }
    }))
}

fn admx_value(value: &AdmxValue, value_name: &str) -> Result<GpoValue, String> {
    match value {
        AdmxValue::Decimal(n) => Ok(GpoValue::Integer(i64::from(*n))),
        AdmxValue::LongDecimal(n) => i64::try_from(*n)
            .map(GpoValue::Integer)
            .map_err(|_| format!("{n} is too large")),
        AdmxValue::String(s) => Ok(GpoValue::Text(s.clone())),
        AdmxValue::Delete => Err(format!(
            "the GPO deletes {value_name}; the setting has no value for that"
        )),
        AdmxValue::Unparsed { text, .. } => Err(format!(
            "the ADMX value \"{text}\" of {value_name} does not parse"
        )),
    }
}

/// What part of an ADMX policy writes a registry value.
#[derive(Clone, Copy)]
enum Writer<'p> {
    Policy,
    Element(&'p AdmxElement),
}

impl<'p> Writer<'p> {
    fn value_name(self, policy: &'p AdmxPolicy) -> Option<&'p str> {
        match self {
            Writer::Policy => policy.value_name.as_deref(),
            Writer::Element(element) => element.value_name.as_deref(),
        }
    }
}

fn writer_of<'p>(policy: &'p AdmxPolicy, key: &str, value_name: &str) -> Option<Writer<'p>> {
    let key = fold_registry_key(key);
    let writes = |k: &str, v: Option<&str>| {
        fold_registry_key(k) == key && v.is_some_and(|v| v.eq_ignore_ascii_case(value_name))
    };
    if writes(&policy.key, policy.value_name.as_deref()) {
        return Some(Writer::Policy);
    }
    policy
        .elements
        .iter()
        .find(|e| writes(&e.key, e.value_name.as_deref()))
        .map(Writer::Element)
}

/// The part of a policy that writes a value with this name, under any key.
fn named_writer<'p>(policy: &'p AdmxPolicy, value_name: &str) -> Option<Writer<'p>> {
    let named = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(value_name));
    if named(policy.value_name.as_deref()) {
        return Some(Writer::Policy);
    }
    policy
        .elements
        .iter()
        .find(|e| named(e.value_name.as_deref()))
        .map(Writer::Element)
}

/// The value of a native CSP node that mirrors an ADMX policy (or one of its elements). The
/// DDF's `GpMapping` says which policy a node mirrors, not how the values correspond
/// (mapping-notes.md: some are inverted), so the node takes the registry data the policy writes
/// only where that correspondence is evident: a curated row says so, or the node bears the
/// registry value's own name.
fn mirrored_value(
    catalog: &Catalog,
    def: &SettingDefinition,
    policy: &AdmxPolicy,
    recovered: &RecoveredPolicy,
    gp_element: Option<&str>,
    table: &[&NativeValueRow],
) -> Result<(GpoValue, Option<String>), String> {
    if let Some(first) = table.first() {
        let writer = match first.admx_element.as_deref() {
            None => Writer::Policy,
            Some(id) => Writer::Element(policy.element(id).ok_or_else(|| {
                format!(
                    "the native-value table names element {id}, which {} does not have",
                    policy.name
                )
            })?),
        };
        let value_name = writer.value_name(policy).unwrap_or(&policy.name);
        let data = match written_value(writer, policy, recovered)? {
            GpoValue::Integer(n) => n.to_string(),
            GpoValue::Text(s) => s,
            other => {
                return Err(format!(
                    "{value_name} holds {}, which the native-value table does not translate",
                    other.describe()
                ));
            }
        };
        let node = def.offset_uri.rsplit('/').next().unwrap_or(&def.name);
        let Some(row) = table
            .iter()
            .find(|r| r.registry_data.eq_ignore_ascii_case(&data))
        else {
            return Err(format!(
                "the GPO writes {data} to {value_name}; the curated native-value table gives no value of {node} for it"
            ));
        };
        let value = match row.node_value.parse::<i64>() {
            Ok(n) => GpoValue::Integer(n),
            Err(_) => GpoValue::Text(row.node_value.clone()),
        };
        let source = row.source.split(';').next().unwrap_or_default();
        let note = format!(
            "{value_name} = {data} is {node} = {} by the curated native-value table ({}{source})",
            row.node_value,
            if row.note.is_empty() {
                String::new()
            } else {
                format!("{}; ", row.note)
            }
        );
        return Ok((value, Some(note)));
    }
    let curated = catalog.curated().iter().find_map(|row| {
        let CuratedKey::Registry { key, value_name } = &row.key else {
            return None;
        };
        row.definition_id
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(&def.id))
            .then(|| writer_of(policy, key, value_name).map(|w| (w, row)))
            .flatten()
    });
    let writer = match curated {
        Some((writer, row)) => {
            if ValueTranslationKind::of(&row.value_translation) == ValueTranslationKind::Unverified
            {
                return Err(format!(
                    "the curated table has no verified value translation for {}: {}",
                    def.id, row.value_translation
                ));
            }
            writer
        }
        None => {
            let node = def.offset_uri.rsplit('/').next().unwrap_or(&def.name);
            // Some DDF mappings name the policy itself as the element it mirrors.
            let writer = gp_element
                .and_then(|id| policy.element(id))
                .map(Writer::Element)
                .or_else(|| named_writer(policy, node))
                .unwrap_or(Writer::Policy);
            match writer.value_name(policy) {
                Some(name) if name.eq_ignore_ascii_case(node) => writer,
                Some(name) => {
                    let element = match writer {
                        Writer::Policy => None,
                        Writer::Element(element) => Some(element),
                    };
                    if let Err(why) = super::native_values::same_values(def, policy, element, name)
                    {
                        return Err(format!(
                            "{} is a native CSP node with values of its own: no source gpa reads states how the node {node} corresponds to the registry value {name} of {} ({why})",
                            def.id, policy.name
                        ));
                    }
                    writer
                }
                None => {
                    // A policy that writes nothing itself and one value through its only
                    // element (Sudo's `EnableSudo`, the `SudoModes` enum): that element's values.
                    let only = match policy.elements.as_slice() {
                        [element] if policy.value_name.is_none() => Some(element),
                        _ => None,
                    };
                    let why = match only.and_then(|e| Some((e, e.value_name.as_deref()?))) {
                        Some((element, name)) => {
                            super::native_values::same_values(def, policy, Some(element), name)
                                .err()
                        }
                        None => Some("no element of its own carries the value".to_string()),
                    };
                    match (why, only) {
                        (None, Some(element)) => Writer::Element(element),
                        (why, _) => {
                            return Err(format!(
                                "{} is a native CSP node with values of its own, and {} writes no value named {node}: no source gpa reads states how they correspond ({})",
                                def.id,
                                policy.name,
                                why.unwrap_or_default()
                            ));
                        }
                    }
                }
            }
        }
    };
    Ok((written_value(writer, policy, recovered)?, None))
}

/// The registry data that `writer` of the policy holds in the GPO, as a value.
fn written_value(
    writer: Writer<'_>,
    policy: &AdmxPolicy,
    recovered: &RecoveredPolicy,
) -> Result<GpoValue, String> {
    let value_name = writer.value_name(policy).unwrap_or_default();
    let enabled = recovered.state == PolicyState::Enabled;
    let written = match writer {
        Writer::Policy if enabled => policy
            .enabled_value
            .clone()
            .unwrap_or(AdmxValue::Decimal(1)),
        Writer::Policy => policy.disabled_value.clone().unwrap_or(AdmxValue::Delete),
        Writer::Element(element) => {
            let set = recovered
                .elements
                .iter()
                .find(|e| e.id.eq_ignore_ascii_case(&element.id));
            match (&element.kind, set.map(|e| &e.value)) {
                (
                    ElementKind::Boolean {
                        true_value,
                        false_value,
                        ..
                    },
                    Some(ElementValueData::Boolean { value: checked }),
                ) if enabled => {
                    if *checked {
                        true_value.clone().unwrap_or(AdmxValue::Decimal(1))
                    } else {
                        false_value.clone().unwrap_or(AdmxValue::Delete)
                    }
                }
                // Disabled writes a check box's falseValue, or deletes it.
                (ElementKind::Boolean { false_value, .. }, _) if !enabled => {
                    false_value.clone().unwrap_or(AdmxValue::Delete)
                }
                (_, Some(value)) if enabled => {
                    return element_value(element, value)
                        .map_err(|why| format!("element {}: {why}", element.id))?
                        .ok_or_else(|| {
                            format!(
                                "the GPO deletes {value_name}; the setting has no value for that"
                            )
                        });
                }
                (_, None) if enabled => {
                    return Err(format!("the GPO sets no value for element {}", element.id));
                }
                _ => AdmxValue::Delete,
            }
        }
    };
    admx_value(&written, value_name)
}

/// A security, BitLocker, LAPS or firewall setting matched by a curated row.
fn security_instance(
    catalog: &Catalog,
    def: &SettingDefinition,
    m: &SecurityMatch,
    value: &SettingValue,
) -> Result<SettingInstance, String> {
    let value = setting_value(value)?;
    // A collection definition holds a list item by item, so the unverified question of how a
    // list is joined into one CSP string does not arise there.
    let as_items =
        def.kind == DefinitionKind::SimpleCollection && matches!(value, GpoValue::Lines(_));
    if ValueTranslationKind::of(&m.value_translation) == ValueTranslationKind::Unverified
        && !as_items
    {
        return Err(format!(
            "the curated table has no verified value translation for {}: {}",
            def.id, m.value_translation
        ));
    }
    write_value(catalog, def, &value)
}

fn setting_value(value: &SettingValue) -> Result<GpoValue, String> {
    Ok(match value {
        SettingValue::Number { value } => GpoValue::Integer(*value),
        SettingValue::Text { value } => GpoValue::Text(value.clone()),
        SettingValue::Boolean { value } => GpoValue::Boolean(*value),
        SettingValue::TextList { values } => GpoValue::Lines(values.clone()),
        // UserRights takes SIDs with a leading `*`, as security templates write them. A name
        // would be resolved on the device, in its language, so an account the readers could not
        // give a SID (not a well-known one, see `input::accounts`) is not written as a name.
        // The accounts are a set: sorted, GPOs that list them in another order write one value.
        SettingValue::Principals { members } => {
            let unresolved: Vec<&str> = members
                .iter()
                .filter(|p| p.sid.is_none())
                .filter_map(|p| p.name.as_deref())
                .collect();
            if !unresolved.is_empty() {
                return Err(format!(
                    "needs the account's SID: {} is not a well-known account and the GPO gives no SID for it",
                    unresolved.join(", ")
                ));
            }
            let mut accounts: Vec<String> = members
                .iter()
                .filter_map(|p| p.sid.as_ref().map(|sid| format!("*{sid}")))
                .collect();
            accounts.sort();
            GpoValue::Lines(accounts)
        }
        SettingValue::Audit {
            success, failure, ..
        } => GpoValue::Integer(i64::from(*success) | (i64::from(*failure) << 1)),
        // A service's startup mode: GptTmpl's StartType numbers (2 Automatic, 3 Manual,
        // 4 Disabled) are the SystemServices node values. Its permissions have no MDM form, so a
        // service that also sets them is not converted rather than converted in part.
        SettingValue::Properties { properties }
            if properties.iter().any(|p| p.name == "StartType") =>
        {
            let property = |name: &str| {
                properties
                    .iter()
                    .find(|p| p.name == name)
                    .map(|p| p.value.trim())
            };
            if property("SecurityDescriptor").is_some_and(|sddl| !sddl.is_empty()) {
                return Err(
                    "the GPO also sets the service's permissions, which MDM cannot".to_string(),
                );
            }
            let start = property("StartType").unwrap_or_default();
            GpoValue::Integer(
                start
                    .parse()
                    .map_err(|_| format!("service start type {start:?} is not a number"))?,
            )
        }
        SettingValue::Registry(instruction) => match (&instruction.op, &instruction.data) {
            (RegistryOp::Set | RegistryOp::SoftSet, data) => match data {
                RegistryData::Dword(n) | RegistryData::DwordBigEndian(n) => {
                    GpoValue::Integer(i64::from(*n))
                }
                RegistryData::Qword(n) => {
                    GpoValue::Integer(i64::try_from(*n).map_err(|_| format!("{n} is too large"))?)
                }
                RegistryData::String(s) | RegistryData::ExpandString(s) => {
                    GpoValue::Text(s.clone())
                }
                RegistryData::MultiString(items) => GpoValue::Lines(items.clone()),
                other => {
                    return Err(format!(
                        "registry data of type {} has no settings catalog form",
                        other.type_code()
                    ));
                }
            },
            (RegistryOp::DeleteValue, _) => {
                return Err(
                    "the GPO deletes the value; a settings catalog setting cannot".to_string(),
                );
            }
            (op, _) => return Err(format!("the registry instruction {op:?} sets no value")),
        },
        other => {
            return Err(format!(
                "a {} value has no settings catalog form",
                crate::inventory::value_text(other)
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Principal;

    fn definition(id: &str) -> &'static SettingDefinition {
        let catalog = Catalog::embedded().expect("embedded catalog");
        catalog.definition(id).expect("definition in the catalog")
    }

    fn chosen(instance: &SettingInstance) -> &str {
        instance.chosen_option().expect("a choice")
    }

    #[test]
    fn a_number_outside_the_definition_range_is_not_convertible() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        let def = definition("device_vendor_msft_policy_config_devicelock_passwordhistorysize");
        let ok = write_value(catalog, def, &GpoValue::Integer(24)).expect("24 fits");
        assert_eq!(
            ok.value,
            InstanceValue::SimpleSettingValue(SimpleValue::Integer {
                value: 24,
                setting_value_template_reference: ()
            })
        );
        assert_eq!(
            write_value(catalog, def, &GpoValue::Integer(25)),
            Err("25 is outside the range 0–24 that device_vendor_msft_policy_config_devicelock_passwordhistorysize allows".to_string())
        );
        assert!(write_value(catalog, def, &GpoValue::Text("x".into())).is_err());
    }

    #[test]
    fn a_dword_selects_the_true_or_false_option_of_a_boolean_node() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        let def = definition("vendor_msft_firewall_mdmstore_domainprofile_enablefirewall");
        let on = write_value(catalog, def, &GpoValue::Integer(1)).expect("1");
        assert_eq!(
            chosen(&on),
            "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall_true"
        );
        let off = write_value(catalog, def, &GpoValue::Boolean(false)).expect("false");
        assert_eq!(
            chosen(&off),
            "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall_false"
        );
        assert_eq!(
            write_value(catalog, def, &GpoValue::Integer(2)),
            Err("2 is not an option of vendor_msft_firewall_mdmstore_domainprofile_enablefirewall (options: false, true)".to_string())
        );
    }

    #[test]
    fn choice_options_are_found_by_value_not_position() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        let def = definition(
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_minimumsessionsecurityforntlmsspbasedclients",
        );
        let instance = write_value(catalog, def, &GpoValue::Integer(537_395_200)).expect("flags");
        assert_eq!(
            chosen(&instance),
            "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_minimumsessionsecurityforntlmsspbasedclients_537395200"
        );
    }

    #[test]
    fn an_empty_list_is_not_convertible() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        let def = definition("device_vendor_msft_policy_config_userrights_accessfromnetwork");
        let err = write_value(catalog, def, &GpoValue::Lines(Vec::new())).unwrap_err();
        assert!(err.starts_with("the GPO sets an empty list"), "{err}");
        assert!(write_value(catalog, def, &GpoValue::Integer(1)).is_err());
    }

    #[test]
    fn principals_are_starred_sids_and_audit_flags_the_node_value() {
        let admins = Principal {
            sid: Some("S-1-5-32-544".into()),
            name: Some("BUILTIN\\Administrators".into()),
        };
        let helpdesk = Principal {
            sid: None,
            name: Some("CONTOSO\\Helpdesk".into()),
        };
        let service = Principal {
            sid: Some("S-1-5-19".into()),
            name: None,
        };
        assert_eq!(
            setting_value(&SettingValue::Principals {
                members: vec![admins.clone(), service]
            }),
            Ok(GpoValue::Lines(vec![
                "*S-1-5-19".into(),
                "*S-1-5-32-544".into()
            ]))
        );
        // A name without a SID is not written as a name.
        assert_eq!(
            setting_value(&SettingValue::Principals {
                members: vec![admins, helpdesk]
            }),
            Err("needs the account's SID: CONTOSO\\Helpdesk is not a well-known account and the GPO gives no SID for it".to_string())
        );
        let audit = |success, failure| SettingValue::Audit {
            success,
            failure,
            raw: String::new(),
        };
        assert_eq!(setting_value(&audit(true, false)), Ok(GpoValue::Integer(1)));
        assert_eq!(setting_value(&audit(false, true)), Ok(GpoValue::Integer(2)));
        assert_eq!(setting_value(&audit(true, true)), Ok(GpoValue::Integer(3)));
        assert_eq!(
            setting_value(&audit(false, false)),
            Ok(GpoValue::Integer(0))
        );
    }

    #[test]
    fn a_deleted_registry_value_is_not_a_value() {
        let deleted = SettingValue::Registry(crate::model::RegistryInstruction {
            op: RegistryOp::DeleteValue,
            data: RegistryData::String(" ".into()),
        });
        assert!(setting_value(&deleted).is_err());
        assert_eq!(
            admx_value(&AdmxValue::Delete, "NoControlPanel"),
            Err("the GPO deletes NoControlPanel; the setting has no value for that".to_string())
        );
    }
}
