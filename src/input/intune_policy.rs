//! Reader of Intune settings catalog policies (formats.md §7.3): the JSON of Graph
//! `deviceManagement/configurationPolicies`, as a POST body, a `GET …?$expand=settings` answer
//! (one policy, or `{"value": [policies]}`), or an export by IntuneManagement or a Graph backup
//! tool (`@odata` annotations and read-only properties beside the settings). `gpa compare`
//! reads the policies an estate already has with it; `gpa validate` shares the file walk and the
//! test of what is a settings catalog policy.
//!
//! `settings` is read in either form tools write it: the Graph list of
//! `{"settingInstance": {…}}` entries, or a list of bare instances. The text is decoded by its
//! bytes (UTF-8 with or without BOM, UTF-16 with BOM: IntuneManagement writes UTF-16LE).

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{InputError, fs_read, text};
use crate::catalog::instance::{
    CHOICE_VALUE, ChoiceValue, GROUP_VALUE, GroupValue, InstanceKind, InstanceValue,
    SettingInstance, SimpleValue,
};

/// The `@odata.type` of a settings catalog policy.
pub const POLICY_TYPE: &str = "#microsoft.graph.deviceManagementConfigurationPolicy";

/// The file `gpa convert` writes beside its policies: it describes them and is not one, so folder
/// walks skip it.
pub const CONVERSION_SUMMARY_FILE: &str = "conversion-summary.json";

const GRAPH_PREFIX: &str = "#microsoft.graph.deviceManagementConfiguration";

/// Nesting deeper than this is refused: real policies nest three or four levels (a group
/// collection under a choice under a choice), and a hostile file must not exhaust the stack.
const MAX_DEPTH: usize = 32;

/// One settings catalog policy as read.
#[derive(Debug, Clone, PartialEq)]
pub struct IntunePolicy {
    /// The policy's `name` (IntuneManagement and Graph use `name`; older tools `displayName`),
    /// or the file name without `.json` when it has none.
    pub name: String,
    /// Graph's `id`, when the file is an export.
    pub id: Option<String>,
    /// The file it was read from.
    pub file: PathBuf,
    /// The top-level setting instances, in file order.
    pub settings: Vec<SettingInstance>,
}

/// What reading the `--intune` paths gave: the policies, in path order (folders: files sorted),
/// and the files that could not be read or are not settings catalog policies, each with why.
/// Entries of a policy that cannot be read are errors too; the policy keeps its other settings.
#[derive(Debug, Clone, Default)]
pub struct PolicyReadOutcome {
    pub policies: Vec<IntunePolicy>,
    pub errors: Vec<InputError>,
}

/// Reads every policy file under the paths, in parallel; the outcome does not depend on the
/// thread count.
pub fn read_paths(paths: &[PathBuf]) -> PolicyReadOutcome {
    let per_file: Vec<(Vec<IntunePolicy>, Vec<InputError>)> = policy_files(paths)
        .par_iter()
        .map(|found| match found {
            Ok(path) => read_file(path),
            Err(error) => (Vec::new(), vec![error.clone()]),
        })
        .collect();
    let mut outcome = PolicyReadOutcome::default();
    for (policies, errors) in per_file {
        outcome.policies.extend(policies);
        outcome.errors.extend(errors);
    }
    outcome
}

/// Reads one file: its policies, and what is wrong with it (the whole file, or single entries).
pub fn read_file(path: &Path) -> (Vec<IntunePolicy>, Vec<InputError>) {
    match fs_read::read_file(path) {
        Ok(bytes) => read_bytes(&bytes, path),
        Err(e) => (Vec::new(), vec![InputError::new(path, e)]),
    }
}

/// [`read_file`] on bytes already read; `path` names them in errors and in each policy.
pub fn read_bytes(bytes: &[u8], path: &Path) -> (Vec<IntunePolicy>, Vec<InputError>) {
    let document: Value = match serde_json::from_str(&text::decode_text(bytes)) {
        Ok(document) => document,
        Err(e) => {
            return (
                Vec::new(),
                vec![InputError::new(path, format!("not JSON: {e}"))],
            );
        }
    };
    let fallback_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match read_document(&document, &fallback_name) {
        Ok((policies, problems)) => {
            let policies = policies
                .into_iter()
                .map(|(name, id, settings)| IntunePolicy {
                    name,
                    id,
                    file: path.to_path_buf(),
                    settings,
                })
                .collect();
            let errors = problems
                .into_iter()
                .map(|p| {
                    InputError::new(path, format!("{p}; skipped, the rest of the file is read"))
                })
                .collect();
            (policies, errors)
        }
        Err(reason) => (Vec::new(), vec![InputError::new(path, reason)]),
    }
}

/// A policy read from a document: name, id, settings.
type ReadPolicy = (String, Option<String>, Vec<SettingInstance>);

/// The policies of one parsed document, and the entries that could not be read (`settings[3]:
/// …`). Err when the document is not a settings catalog policy (nor a list of them).
pub fn read_document(
    document: &Value,
    fallback_name: &str,
) -> Result<(Vec<ReadPolicy>, Vec<String>), String> {
    // A Graph list answer: `{"@odata.context": …, "value": [policy, …]}`.
    if let Some(Value::Array(items)) = document.get("value")
        && document.get("settings").is_none()
    {
        let mut policies = Vec::new();
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(why) = not_a_policy(item) {
                return Err(format!("value[{i}]: {why}"));
            }
            match read_policy(item, &format!("{fallback_name} #{}", i + 1)) {
                Ok((policy, item_problems)) => {
                    problems.extend(item_problems.into_iter().map(|p| format!("value[{i}].{p}")));
                    policies.push(policy);
                }
                Err(why) => problems.push(format!("value[{i}]: {why}")),
            }
        }
        return Ok((policies, problems));
    }
    if let Some(why) = not_a_policy(document) {
        return Err(why);
    }
    let (policy, problems) = read_policy(document, fallback_name)?;
    Ok((vec![policy], problems))
}

/// Why a document is not a settings catalog policy, or None when it is one: an object whose
/// `@odata.type` is [`POLICY_TYPE`], or that has no `@odata.type` but `settings` or
/// `technologies` (a POST body). A compliance policy, an Endpoint Security intent, an update
/// ring or a device configuration profile names another type.
pub fn not_a_policy(document: &Value) -> Option<String> {
    let Some(policy) = document.as_object() else {
        return Some(format!(
            "not a settings catalog policy: the document is {}, not an object",
            json_kind(document)
        ));
    };
    match policy.get("@odata.type") {
        Some(Value::String(t)) if t == POLICY_TYPE => None,
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), String::from);
            Some(format!(
                "not a settings catalog policy: @odata.type is {shown}, not {POLICY_TYPE}"
            ))
        }
        None if !policy.contains_key("settings") && !policy.contains_key("technologies") => Some(
            "not a settings catalog policy: no @odata.type, settings or technologies".to_string(),
        ),
        None => None,
    }
}

/// A policy's name, id and settings; the entries that could not be read are named by path. Err
/// when it has no `settings` array to read.
fn read_policy(policy: &Value, fallback_name: &str) -> Result<(ReadPolicy, Vec<String>), String> {
    let name = ["name", "displayName"]
        .iter()
        .find_map(|k| policy.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback_name)
        .to_string();
    let id = policy.get("id").and_then(Value::as_str).map(String::from);
    let mut settings = Vec::new();
    let mut problems = Vec::new();
    match policy.get("settings") {
        Some(Value::Array(entries)) => {
            for (i, entry) in entries.iter().enumerate() {
                // The Graph form wraps each instance; some tools write the instances bare.
                let (instance, path) = match entry.get("settingInstance") {
                    Some(instance) => (instance, format!("settings[{i}].settingInstance")),
                    None => (entry, format!("settings[{i}]")),
                };
                match read_instance(instance, 0) {
                    Ok(instance) => settings.push(instance),
                    Err(why) => problems.push(format!("{path}: {why}")),
                }
            }
        }
        None | Some(Value::Null) => {
            return Err(
                "settings is missing (a policy exported without $expand=settings?): nothing to compare"
                    .to_string(),
            );
        }
        Some(other) => return Err(format!("settings is {}, not an array", json_kind(other))),
    }
    Ok(((name, id, settings), problems))
}

/// One `settingInstance`, with its children. Err says what is wrong (and where below it).
pub fn read_instance(value: &Value, depth: usize) -> Result<SettingInstance, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested more than {MAX_DEPTH} levels deep"));
    }
    let object = value
        .as_object()
        .ok_or_else(|| format!("a setting instance is {}, not an object", json_kind(value)))?;
    let id = object
        .get("settingDefinitionId")
        .and_then(Value::as_str)
        .filter(|id| !id.trim().is_empty())
        .ok_or("settingDefinitionId is missing")?
        .to_string();
    // Graph infers the type from the value property when `@odata.type` is absent; so does this.
    let kind = match object.get("@odata.type").and_then(Value::as_str) {
        Some(t) => InstanceKind::from_odata_type(t)
            .ok_or_else(|| format!("{id}: {t} is not a setting instance type"))?,
        None => object
            .keys()
            .find_map(|k| InstanceKind::from_value_property(k))
            .ok_or_else(|| format!("{id}: no @odata.type and no value property"))?,
    };
    let property = kind.value_property();
    let raw = object
        .get(property)
        .ok_or_else(|| format!("{id}: {property} is missing"))?;
    let within = |why: String| format!("{id}: {property}: {why}");
    let value = match kind {
        InstanceKind::Choice => {
            InstanceValue::ChoiceSettingValue(choice(raw, depth).map_err(within)?)
        }
        InstanceKind::ChoiceCollection => InstanceValue::ChoiceSettingCollectionValue(
            items(raw, |item| choice(item, depth)).map_err(within)?,
        ),
        InstanceKind::Simple => InstanceValue::SimpleSettingValue(simple(raw).map_err(within)?),
        InstanceKind::SimpleCollection => {
            InstanceValue::SimpleSettingCollectionValue(items(raw, simple).map_err(within)?)
        }
        InstanceKind::Group => InstanceValue::GroupSettingValue(group(raw, depth).map_err(within)?),
        InstanceKind::GroupCollection => InstanceValue::GroupSettingCollectionValue(
            items(raw, |item| group(item, depth)).map_err(within)?,
        ),
    };
    Ok(SettingInstance {
        odata_type: kind.odata_type(),
        setting_definition_id: id,
        setting_instance_template_reference: (),
        value,
    })
}

/// Each item of a collection value (null reads as no item).
fn items<T>(raw: &Value, read: impl Fn(&Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    match raw {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| read(item).map_err(|why| format!("[{i}]: {why}")))
            .collect(),
        other => Err(format!("{}, not an array", json_kind(other))),
    }
}

fn choice(raw: &Value, depth: usize) -> Result<ChoiceValue, String> {
    let object = raw
        .as_object()
        .ok_or_else(|| format!("{}, not an object", json_kind(raw)))?;
    let value = object
        .get("value")
        .and_then(Value::as_str)
        .ok_or("the chosen option (value) is missing")?
        .to_string();
    Ok(ChoiceValue {
        odata_type: CHOICE_VALUE,
        value,
        setting_value_template_reference: (),
        children: children(object, depth)?,
    })
}

fn group(raw: &Value, depth: usize) -> Result<GroupValue, String> {
    let object = raw
        .as_object()
        .ok_or_else(|| format!("{}, not an object", json_kind(raw)))?;
    Ok(GroupValue {
        odata_type: GROUP_VALUE,
        setting_value_template_reference: (),
        children: children(object, depth)?,
    })
}

fn children(object: &Map<String, Value>, depth: usize) -> Result<Vec<SettingInstance>, String> {
    match object.get("children") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(children)) => children
            .iter()
            .enumerate()
            .map(|(i, child)| {
                read_instance(child, depth + 1).map_err(|why| format!("children[{i}]: {why}"))
            })
            .collect(),
        Some(other) => Err(format!("children is {}, not an array", json_kind(other))),
    }
}

/// A simple value: by its `@odata.type`, or without one by its JSON type. A reference value (a
/// string subtype) reads as a string.
fn simple(raw: &Value) -> Result<SimpleValue, String> {
    let object = raw
        .as_object()
        .ok_or_else(|| format!("{}, not an object", json_kind(raw)))?;
    let value = object.get("value").unwrap_or(&Value::Null);
    let kind = object.get("@odata.type").and_then(Value::as_str).map(|t| {
        t.strip_prefix(GRAPH_PREFIX)
            .and_then(|t| t.strip_suffix("SettingValue"))
            .unwrap_or(t)
    });
    match (kind, value) {
        (Some("Integer") | None, Value::Number(n)) => n
            .as_i64()
            .map(|value| SimpleValue::Integer {
                value,
                setting_value_template_reference: (),
            })
            .ok_or_else(|| format!("{n} is not an integer")),
        (Some("String" | "Reference") | None, Value::String(s)) => Ok(SimpleValue::String {
            value: s.clone(),
            setting_value_template_reference: (),
        }),
        (Some("Secret"), Value::String(s)) => Ok(SimpleValue::Secret {
            value: s.clone(),
            value_state: object
                .get("valueState")
                .and_then(Value::as_str)
                .map(String::from),
            setting_value_template_reference: (),
        }),
        (Some(kind), value) => Err(format!(
            "a {kind} value holding {}, which gpa cannot read",
            json_kind(value)
        )),
        (None, value) => Err(format!(
            "a value holding {}, without @odata.type",
            json_kind(value)
        )),
    }
}

/// Each path that is a file, and every `*.json` file below each folder (sorted by path; links to
/// folders are not followed; [`CONVERSION_SUMMARY_FILE`] is skipped in folders). A missing path,
/// or a folder without any `*.json` file, is an error.
pub fn policy_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, InputError>> {
    let mut out = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = out.len();
                json_files_under(path, &mut out);
                if out.len() == before {
                    out.push(Err(InputError::new(path, "no *.json file in this folder")));
                }
            }
            Ok(_) => out.push(Ok(path.clone())),
            Err(e) => out.push(Err(InputError::new(path, e.to_string()))),
        }
    }
    out
}

fn json_files_under(dir: &Path, out: &mut Vec<Result<PathBuf, InputError>>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.push(Err(InputError::new(
                dir,
                format!("cannot list folder: {e}"),
            )));
            return;
        }
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            json_files_under(&path, out);
        } else if entry.file_name() == CONVERSION_SUMMARY_FILE {
            // `gpa convert` writes it beside its policies: it describes them and is not one.
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            && path.is_file()
        {
            out.push(Ok(path));
        }
    }
}

pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bare_instances_without_odata_types_are_read_by_their_value_property() {
        let document = json!({
            "name": "bare",
            "settings": [{
                "settingDefinitionId": "device_vendor_msft_policy_config_abovelock_allowtoasts",
                "choiceSettingValue": {"value": "device_vendor_msft_policy_config_abovelock_allowtoasts_0"}
            }, {
                "settingDefinitionId": "device_vendor_msft_policy_config_devicelock_maxinactivitytimedevicelock",
                "simpleSettingValue": {"value": 15}
            }]
        });
        let (policies, problems) = read_document(&document, "file").expect("a policy");
        assert!(problems.is_empty(), "{problems:?}");
        let (name, _, settings) = &policies[0];
        assert_eq!(name, "bare");
        assert_eq!(settings[0].odata_type, InstanceKind::Choice.odata_type());
        assert_eq!(
            settings[0].chosen_option(),
            Some("device_vendor_msft_policy_config_abovelock_allowtoasts_0")
        );
        assert_eq!(
            settings[1].value,
            InstanceValue::SimpleSettingValue(SimpleValue::Integer {
                value: 15,
                setting_value_template_reference: ()
            })
        );
    }

    #[test]
    fn a_bad_entry_is_named_and_the_others_are_kept() {
        let document = json!({
            "@odata.type": POLICY_TYPE,
            "name": "p",
            "settings": [
                {"settingInstance": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                    "settingDefinitionId": "a", "simpleSettingValue": {"value": [1]}}},
                {"settingInstance": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": "b", "choiceSettingValue": {"value": "b_1", "children": null}}}
            ]
        });
        let (policies, problems) = read_document(&document, "file").expect("a policy");
        assert_eq!(policies[0].2.len(), 1);
        assert_eq!(policies[0].2[0].setting_definition_id, "b");
        assert_eq!(
            problems,
            [
                "settings[0].settingInstance: a: simpleSettingValue: a value holding an array, without @odata.type"
            ]
        );
    }

    #[test]
    fn other_intune_objects_and_graph_lists() {
        let compliance = json!({"@odata.type": "#microsoft.graph.windows10CompliancePolicy"});
        assert_eq!(
            read_document(&compliance, "f").err().as_deref(),
            Some(
                "not a settings catalog policy: @odata.type is #microsoft.graph.windows10CompliancePolicy, not #microsoft.graph.deviceManagementConfigurationPolicy"
            )
        );
        assert!(read_document(&json!("text"), "f").is_err());
        let list = json!({"value": [
            {"@odata.type": POLICY_TYPE, "name": "one", "settings": []},
            {"@odata.type": POLICY_TYPE, "settings": []}
        ]});
        let (policies, _) = read_document(&list, "export").expect("a list of policies");
        let names: Vec<&str> = policies.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(names, ["one", "export #2"]);
        let unexpanded = json!({"@odata.type": POLICY_TYPE, "name": "listed", "settingCount": 3});
        assert_eq!(
            read_document(&unexpanded, "f").err().as_deref(),
            Some(
                "settings is missing (a policy exported without $expand=settings?): nothing to compare"
            )
        );
        let list = json!({"value": [unexpanded, {"@odata.type": POLICY_TYPE, "name": "full", "settings": []}]});
        let (policies, problems) = read_document(&list, "f").expect("a list of policies");
        assert_eq!(policies.len(), 1);
        assert_eq!(
            problems,
            [
                "value[0]: settings is missing (a policy exported without $expand=settings?): nothing to compare"
            ]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let mut instance = json!({"settingDefinitionId": "x", "simpleSettingValue": {"value": 1}});
        for _ in 0..40 {
            instance =
                json!({"settingDefinitionId": "x", "groupSettingValue": {"children": [instance]}});
        }
        let why = read_instance(&instance, 0).expect_err("too deep");
        assert!(why.contains("nested more than 32 levels deep"), "{why}");
    }
}
