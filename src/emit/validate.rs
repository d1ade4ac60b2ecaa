//! `gpa validate`: checks an Intune settings catalog policy (the body of Graph `POST
//! /beta/deviceManagement/configurationPolicies`, or an export of one) against the catalog's
//! setting definitions, formats.md §7. Graph answers a bad POST with a bare 400; this names the
//! instance that is wrong (by its JSON path) and what is wrong with it.
//!
//! A definition id the catalog does not have is reported apart from real errors: it is most often a
//! setting newer than the catalog build, and its instance cannot be checked.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::catalog::definitions::{
    ChoiceOption, DefinitionKind, DependedOnBy, SettingDefinition, ValueDefinition,
};
use crate::catalog::instance::InstanceKind;
use crate::input::intune_policy::{json_kind, not_a_policy};
use crate::input::{InputError, text};

const GRAPH_PREFIX: &str = "#microsoft.graph.deviceManagementConfiguration";
const SETTING_TYPE: &str = "#microsoft.graph.deviceManagementConfigurationSetting";

/// The properties of `deviceManagementConfigurationPolicy` a POST carries.
const POLICY_PROPERTIES: &[&str] = &[
    "name",
    "description",
    "platforms",
    "technologies",
    "roleScopeTagIds",
    "templateReference",
    "settings",
];

/// Read-only properties and relationships that exports carry (formats.md §7.3: stripped before a
/// POST, harmless in a file).
const EXPORT_PROPERTIES: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "settingCount",
    "creationSource",
    "isAssigned",
    "priorityMetaData",
    "assignments",
];

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A setting definition id the catalog does not have: most often a setting newer than the
    /// catalog build, sometimes a typo. Its instance is not checked further.
    NotInCatalog,
    /// Something Graph rejects, or that Intune would not apply as written.
    Invalid,
    /// The document is not a settings catalog policy (a compliance policy, an Endpoint Security
    /// intent, an update ring, …).
    NotAPolicy,
}

/// One problem, at one place in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON path, such as `settings[3].settingInstance.choiceSettingValue.children[0]`; empty for
    /// the document as a whole.
    pub path: String,
    pub kind: ProblemKind,
    pub message: String,
    /// The definition id a [`ProblemKind::NotInCatalog`] problem is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition_id: Option<String>,
}

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Valid,
    /// At least one [`ProblemKind::Invalid`] problem.
    Invalid,
    /// No error found, but some definitions are not in the catalog, so their settings are unchecked.
    DefinitionsNotInCatalog,
    NotAPolicy,
    /// The file could not be read or is not JSON.
    Unreadable,
}

/// What checking one policy document found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// Entries in the top-level `settings` array.
    pub settings: usize,
    pub problems: Vec<Problem>,
}

impl Validation {
    pub fn status(&self) -> Status {
        let worst = self.problems.iter().map(|p| p.kind).max();
        match worst {
            None => Status::Valid,
            Some(ProblemKind::NotInCatalog) => Status::DefinitionsNotInCatalog,
            Some(ProblemKind::Invalid) => Status::Invalid,
            Some(ProblemKind::NotAPolicy) => Status::NotAPolicy,
        }
    }

    /// The definition ids not in the catalog, sorted, each once.
    pub fn missing_definitions(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .problems
            .iter()
            .filter_map(|p| p.definition_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Checks one parsed policy document.
pub fn validate_policy(catalog: &Catalog, policy: &Value) -> Validation {
    let mut checker = Checker {
        catalog,
        platforms: Vec::new(),
        technologies: Vec::new(),
        problems: Vec::new(),
    };
    let settings = checker.policy(policy);
    Validation {
        settings,
        problems: checker.problems,
    }
}

/// Decodes (UTF-8 with or without BOM, UTF-16 LE/BE) and checks one policy file's bytes. Err when
/// the text is not JSON.
pub fn validate_bytes(catalog: &Catalog, bytes: &[u8]) -> Result<Validation, String> {
    let text = text::decode_text(bytes);
    let policy: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    Ok(validate_policy(catalog, &policy))
}

/// The verdict on one file, as `gpa validate` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub path: String,
    pub status: Status,
    pub settings: usize,
    pub missing_definitions: Vec<String>,
    pub problems: Vec<Problem>,
    /// Why the file could not be read, for [`Status::Unreadable`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileReport {
    fn unreadable(error: &InputError) -> Self {
        FileReport {
            path: error.path.display().to_string(),
            status: Status::Unreadable,
            settings: 0,
            missing_definitions: Vec::new(),
            problems: Vec::new(),
            error: Some(error.reason.clone()),
        }
    }

    /// The report's lines for stdout: one per problem (`file: path: what is wrong`), then one
    /// listing the definitions not in the catalog; or one line saying the file is valid. Nothing
    /// for an unreadable file, whose error goes to stderr.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match self.status {
            Status::Unreadable => {}
            Status::Valid => {
                let _ = writeln!(
                    out,
                    "{}: valid ({})",
                    self.path,
                    counted(self.settings, "setting")
                );
            }
            _ => {
                for problem in &self.problems {
                    if problem.path.is_empty() {
                        let _ = writeln!(out, "{}: {}", self.path, problem.message);
                    } else {
                        let _ =
                            writeln!(out, "{}: {}: {}", self.path, problem.path, problem.message);
                    }
                }
                if !self.missing_definitions.is_empty() {
                    let _ = writeln!(
                        out,
                        "{}: {} not in the catalog, probably newer than it: {}",
                        self.path,
                        counted(self.missing_definitions.len(), "definition"),
                        self.missing_definitions.join(", ")
                    );
                }
            }
        }
        out
    }
}

/// Reads and checks one file.
pub fn validate_file(catalog: &Catalog, path: &Path) -> FileReport {
    // Through the size-limited reader that refuses FIFOs, sockets and devices before opening
    // them for reading: a named pipe given by name must not hang the run.
    let outcome =
        crate::input::fs_read::read_file(path).and_then(|bytes| validate_bytes(catalog, &bytes));
    match outcome {
        Ok(validation) => FileReport {
            path: path.display().to_string(),
            status: validation.status(),
            settings: validation.settings,
            missing_definitions: validation.missing_definitions(),
            problems: validation.problems,
            error: None,
        },
        Err(reason) => FileReport::unreadable(&InputError::new(path, reason)),
    }
}

/// Counts of files by [`Status`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub valid: usize,
    pub invalid: usize,
    pub definitions_not_in_catalog: usize,
    pub not_a_policy: usize,
    pub unreadable: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Self {
        let mut summary = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for report in reports {
            *match report.status {
                Status::Valid => &mut summary.valid,
                Status::Invalid => &mut summary.invalid,
                Status::DefinitionsNotInCatalog => &mut summary.definitions_not_in_catalog,
                Status::NotAPolicy => &mut summary.not_a_policy,
                Status::Unreadable => &mut summary.unreadable,
            } += 1;
        }
        summary
    }

    pub fn render(&self) -> String {
        format!(
            "{}: {} valid, {} invalid, {} with definitions not in the catalog, {} not settings \
             catalog policies, {} unreadable\n",
            counted(self.files, "file"),
            self.valid,
            self.invalid,
            self.definitions_not_in_catalog,
            self.not_a_policy,
            self.unreadable
        )
    }

    /// 0 when every file is valid, 2 when a file could not be read (or none was found), else 1.
    pub fn exit_code(&self) -> u8 {
        if self.unreadable > 0 || self.files == 0 {
            2
        } else if self.valid < self.files {
            1
        } else {
            0
        }
    }
}

/// Every file's report, in the order the paths were given (folders: sorted), and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationRun {
    pub files: Vec<FileReport>,
    pub summary: Summary,
}

/// Checks the files given, and every `*.json` file under each folder given. Files are checked in
/// parallel; the result does not depend on the thread count.
pub fn validate_paths(catalog: &Catalog, paths: &[PathBuf]) -> ValidationRun {
    let files: Vec<FileReport> = policy_files(paths)
        .par_iter()
        .map(|found| match found {
            Ok(path) => validate_file(catalog, path),
            Err(error) => FileReport::unreadable(error),
        })
        .collect();
    let summary = Summary::of(&files);
    ValidationRun { files, summary }
}

/// Each path that is a file, and every `*.json` file below each folder: shared with `gpa
/// compare`'s reader of Intune policies.
pub use crate::input::intune_policy::policy_files;

/// The six setting instance types of formats.md §7.3, shared with the policy reader.
const INSTANCE_KINDS: [InstanceKind; 6] = InstanceKind::ALL;

/// What a children array hangs under, which decides the children it may and must hold.
#[derive(Clone, Copy)]
enum Under<'a> {
    /// The chosen option of a choice: its `dependedOnBy`.
    Option(&'a ChoiceOption),
    /// A choice whose value is not one of its options: any option's children are accepted.
    AnyOption,
    /// A group: its `childIds` and `dependedOnBy`.
    Group,
}

/// The ids met among the entries of one array, each with the path of its first entry (letter case
/// ignored, as in the catalog's id lookups).
#[derive(Default)]
struct Seen<'v>(Vec<(&'v str, String)>);

impl<'v> Seen<'v> {
    /// Where `id` was met before; None, recording `path`, the first time.
    fn earlier(&mut self, id: &'v str, path: &str) -> Option<String> {
        if let Some((_, earlier)) = self.0.iter().find(|(s, _)| s.eq_ignore_ascii_case(id)) {
            return Some(earlier.clone());
        }
        self.0.push((id, path.to_string()));
        None
    }

    fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|(s, _)| s.eq_ignore_ascii_case(id))
    }
}

struct Checker<'a> {
    catalog: &'a Catalog,
    /// The policy's `platforms` and `technologies`, split at commas; empty when the policy's own
    /// are wrong, so that one line says so rather than one per setting.
    platforms: Vec<String>,
    technologies: Vec<String>,
    problems: Vec<Problem>,
}

/// OData annotations (`@odata.context`, `settings@odata.context`) and the action links exports
/// carry (`#microsoft.graph.assign`).
fn is_annotation(key: &str) -> bool {
    key.starts_with('#') || key.contains('@')
}

/// `1 setting`, `2 settings`.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn lists(links: &[DependedOnBy], id: &str) -> bool {
    links.iter().any(|l| l.id.eq_ignore_ascii_case(id))
}

/// At most `limit` ids, then how many more.
fn some_of(ids: &[&str], limit: usize) -> String {
    let mut text = ids
        .iter()
        .take(limit)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > limit {
        let _ = write!(text, " and {} more", ids.len() - limit);
    }
    text
}

impl<'a> Checker<'a> {
    fn report(&mut self, kind: ProblemKind, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_string(),
            kind,
            message: message.into(),
            definition_id: None,
        });
    }

    fn invalid(&mut self, path: &str, message: impl Into<String>) {
        self.report(ProblemKind::Invalid, path, message);
    }

    /// Checks the top level and every setting; returns the number of settings.
    fn policy(&mut self, document: &Value) -> usize {
        if let Some(why) = not_a_policy(document) {
            self.report(ProblemKind::NotAPolicy, "", why);
            return 0;
        }
        let Some(policy) = document.as_object() else {
            return 0;
        };
        for key in policy.keys() {
            if !POLICY_PROPERTIES.contains(&key.as_str())
                && !EXPORT_PROPERTIES.contains(&key.as_str())
                && !is_annotation(key)
            {
                self.invalid(
                    key,
                    format!(
                        "{key} is not a property of a settings catalog policy; Graph rejects it"
                    ),
                );
            }
        }
        self.top_level_fields(policy);
        let settings = match policy.get("settings") {
            Some(Value::Array(settings)) => settings,
            Some(other) => {
                self.invalid(
                    "settings",
                    format!("settings is {}, not an array", json_kind(other)),
                );
                return 0;
            }
            None => {
                self.invalid("settings", "settings is missing");
                return 0;
            }
        };
        let mut seen = Seen::default();
        for (i, setting) in settings.iter().enumerate() {
            let path = format!("settings[{i}]");
            let Some(setting) = self.object(setting, &path, "a setting") else {
                continue;
            };
            if let Some(t) = setting.get("@odata.type")
                && t != SETTING_TYPE
            {
                self.invalid(&path, format!("@odata.type is {t}, not {SETTING_TYPE}"));
            }
            let Some(instance) = setting.get("settingInstance") else {
                self.invalid(&path, "settingInstance is missing");
                continue;
            };
            let instance_path = format!("{path}.settingInstance");
            if let Some(id) = instance.get("settingDefinitionId").and_then(Value::as_str) {
                self.once(&mut seen, id, &instance_path, "already set");
            }
            self.instance(instance, &instance_path, true);
        }
        settings.len()
    }

    fn top_level_fields(&mut self, policy: &Map<String, Value>) {
        match policy.get("name") {
            Some(Value::String(name)) if !name.trim().is_empty() => {}
            Some(Value::String(_)) => self.invalid("name", "name is empty"),
            Some(other) => self.invalid(
                "name",
                format!("name is {}, not a string", json_kind(other)),
            ),
            None => self.invalid("name", "name is missing"),
        }
        if let Some(description) = policy.get("description")
            && !(description.is_string() || description.is_null())
        {
            self.invalid(
                "description",
                format!("description is {}, not a string", json_kind(description)),
            );
        }
        self.platforms = self.flags(policy, "platforms", "windows10");
        self.technologies = self.flags(policy, "technologies", "mdm");
        match policy.get("roleScopeTagIds") {
            None | Some(Value::Null) => {}
            Some(Value::Array(tags)) => {
                for (i, tag) in tags.iter().enumerate() {
                    if !tag.is_string() {
                        self.invalid(
                            &format!("roleScopeTagIds[{i}]"),
                            format!("a scope tag id is {}, not a string", json_kind(tag)),
                        );
                    }
                }
            }
            Some(other) => self.invalid(
                "roleScopeTagIds",
                format!("roleScopeTagIds is {}, not an array", json_kind(other)),
            ),
        }
        if let Some(reference) = policy.get("templateReference")
            && !(reference.is_object() || reference.is_null())
        {
            self.invalid(
                "templateReference",
                format!(
                    "templateReference is {}, not an object",
                    json_kind(reference)
                ),
            );
        }
    }

    /// `platforms` or `technologies`, a comma list that must hold `needed`; empty when it does
    /// not (said once here).
    fn flags(&mut self, policy: &Map<String, Value>, key: &str, needed: &str) -> Vec<String> {
        match policy.get(key) {
            Some(Value::String(text)) => {
                let list = comma_list(text);
                if list.iter().any(|item| item == needed) {
                    return list;
                }
                self.invalid(key, format!("{key} is {text:?}, without {needed:?}"));
            }
            Some(other) => {
                self.invalid(key, format!("{key} is {}, not a string", json_kind(other)))
            }
            None => self.invalid(key, format!("{key} is missing ({needed:?})")),
        }
        Vec::new()
    }

    /// Checks one setting instance against its definition. `top` is true for the instance of a
    /// top-level setting; a child's place under its parent is checked by [`Checker::children`].
    fn instance(&mut self, instance: &Value, path: &str, top: bool) {
        let Some(instance) = self.object(instance, path, "a setting instance") else {
            return;
        };
        let Some(odata_type) = instance.get("@odata.type").and_then(Value::as_str) else {
            self.invalid(
                path,
                "@odata.type is missing: Graph needs the instance type (…ChoiceSettingInstance, …SimpleSettingInstance, …)",
            );
            return;
        };
        let Some(kind) = InstanceKind::from_odata_type(odata_type) else {
            self.invalid(path, format!("{odata_type} is not a setting instance type"));
            return;
        };
        let Some(id) = instance.get("settingDefinitionId").and_then(Value::as_str) else {
            self.invalid(path, "settingDefinitionId is missing");
            return;
        };
        let catalog = self.catalog;
        let Some(def) = catalog.definition(id) else {
            self.problems.push(Problem {
                path: path.to_string(),
                kind: ProblemKind::NotInCatalog,
                message: format!(
                    "{id} is not in the catalog (probably newer than it); this instance is not checked"
                ),
                definition_id: Some(id.to_string()),
            });
            return;
        };
        if top {
            let parents = parent_ids(def);
            if !parents.is_empty() {
                self.invalid(
                    path,
                    format!(
                        "{id} is a child setting of {}: it goes in its parent's children, not at the top level",
                        parents.join(" or ")
                    ),
                );
            }
        }
        self.applicability(path, def);
        let Some(expected) = def
            .kind
            .instance_odata_type()
            .and_then(InstanceKind::from_odata_type)
        else {
            let why = match &def.kind {
                DefinitionKind::Other(odata_type) => {
                    format!("{id} is a {odata_type}, which gpa cannot check")
                }
                _ => format!("{id} is a redirect definition: the settings catalog cannot set it"),
            };
            self.invalid(path, why);
            return;
        };
        if expected != kind {
            self.invalid(
                path,
                format!(
                    "{odata_type} does not fit {id}, whose instance is a {GRAPH_PREFIX}{}",
                    expected.type_name()
                ),
            );
            return;
        }
        for other in INSTANCE_KINDS {
            let property = other.value_property();
            if other != kind && instance.contains_key(property) {
                self.invalid(
                    &format!("{path}.{property}"),
                    format!("{property} does not belong on a {}", kind.type_name()),
                );
            }
        }
        let property = kind.value_property();
        let value_path = format!("{path}.{property}");
        let Some(value) = instance.get(property) else {
            self.invalid(path, format!("{property} is missing"));
            return;
        };
        match kind {
            InstanceKind::Choice => self.choice_value(value, &value_path, def),
            InstanceKind::Simple => self.simple_value(value, &value_path, def),
            InstanceKind::Group => self.group_value(value, &value_path, def),
            InstanceKind::ChoiceCollection
            | InstanceKind::SimpleCollection
            | InstanceKind::GroupCollection => {
                let Some(items) = value.as_array() else {
                    self.invalid(
                        &value_path,
                        format!("{property} is {}, not an array", json_kind(value)),
                    );
                    return;
                };
                self.count(&value_path, items.len(), def);
                let mut chosen = Seen::default();
                for (j, item) in items.iter().enumerate() {
                    let item_path = format!("{value_path}[{j}]");
                    match kind {
                        InstanceKind::ChoiceCollection => {
                            if let Some(option) = item.get("value").and_then(Value::as_str) {
                                self.once(&mut chosen, option, &item_path, "already chosen");
                            }
                            self.choice_value(item, &item_path, def);
                        }
                        InstanceKind::SimpleCollection => self.simple_value(item, &item_path, def),
                        _ => self.group_value(item, &item_path, def),
                    }
                }
            }
        }
    }

    /// The definition must be for the policy's platform and one of its technologies.
    fn applicability(&mut self, path: &str, def: &SettingDefinition) {
        let checks = [
            ("platform", &def.applicability.platform, &self.platforms),
            (
                "technologies",
                &def.applicability.technologies,
                &self.technologies,
            ),
        ];
        let mut wrong = Vec::new();
        for (what, of_definition, of_policy) in checks {
            if let Some(list) = of_definition
                && !of_policy.is_empty()
                && !comma_list(list).iter().any(|item| of_policy.contains(item))
            {
                wrong.push(format!(
                    "{} is for {what} {list}, not {}",
                    def.id,
                    of_policy.join(",")
                ));
            }
        }
        for message in wrong {
            self.invalid(path, message);
        }
    }

    fn count(&mut self, path: &str, count: usize, def: &SettingDefinition) {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        if let Some(minimum) = def.minimum_count
            && count < minimum
        {
            self.invalid(
                path,
                format!("{count} values; {} takes at least {minimum}", def.id),
            );
        }
        if let Some(maximum) = def.maximum_count
            && count > maximum
        {
            self.invalid(
                path,
                format!("{count} values; {} takes at most {maximum}", def.id),
            );
        }
    }

    /// Reports the second use of `id` among the entries of one array.
    fn once<'v>(&mut self, seen: &mut Seen<'v>, id: &'v str, path: &str, what: &str) {
        if let Some(earlier) = seen.earlier(id, path) {
            self.invalid(path, format!("{id} is {what} at {earlier}"));
        }
    }

    /// The value as an object; None, after saying what it is instead, when it is not one.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.invalid(
                path,
                format!("{what} is {}, not an object", json_kind(value)),
            );
        }
        object
    }

    /// Checks the `@odata.type` of a choice or group value, which Graph can infer when it is absent.
    fn value_type(&mut self, value: &Map<String, Value>, path: &str, expected: &str) {
        if let Some(t) = value.get("@odata.type")
            && t.as_str() != Some(format!("{GRAPH_PREFIX}{expected}").as_str())
        {
            self.invalid(
                path,
                format!("@odata.type is {t}, not {GRAPH_PREFIX}{expected}"),
            );
        }
    }

    fn choice_value(&mut self, value: &Value, path: &str, def: &'a SettingDefinition) {
        let Some(object) = self.object(value, path, "a choice value") else {
            return;
        };
        self.value_type(object, path, "ChoiceSettingValue");
        let under = match object.get("value") {
            Some(Value::String(chosen)) => {
                match def
                    .options
                    .iter()
                    .find(|o| o.item_id.eq_ignore_ascii_case(chosen))
                {
                    Some(option) => Under::Option(option),
                    None => {
                        let options: Vec<&str> =
                            def.options.iter().map(|o| o.item_id.as_str()).collect();
                        self.invalid(
                            &format!("{path}.value"),
                            format!(
                                "{chosen} is not an option of {} (options: {})",
                                def.id,
                                some_of(&options, 6)
                            ),
                        );
                        Under::AnyOption
                    }
                }
            }
            Some(other) => {
                self.invalid(
                    &format!("{path}.value"),
                    format!(
                        "the chosen option is {}, not an option id",
                        json_kind(other)
                    ),
                );
                Under::AnyOption
            }
            None => {
                self.invalid(path, "value (the chosen option id) is missing");
                Under::AnyOption
            }
        };
        self.children(object, path, def, under);
    }

    fn group_value(&mut self, value: &Value, path: &str, def: &'a SettingDefinition) {
        let Some(object) = self.object(value, path, "a group value") else {
            return;
        };
        self.value_type(object, path, "GroupSettingValue");
        self.children(object, path, def, Under::Group);
    }

    /// Checks the `children` of a choice or group value: each child belongs under this parent (and
    /// this option), no definition twice, every required child present, then each child itself.
    fn children(
        &mut self,
        value: &Map<String, Value>,
        value_path: &str,
        parent: &'a SettingDefinition,
        under: Under<'a>,
    ) {
        let path = format!("{value_path}.children");
        let children: &[Value] = match value.get("children") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(children)) => children,
            Some(other) => {
                self.invalid(
                    &path,
                    format!("children is {}, not an array", json_kind(other)),
                );
                return;
            }
        };
        let mut seen = Seen::default();
        for (i, child) in children.iter().enumerate() {
            let child_path = format!("{path}[{i}]");
            if let Some(id) = child.get("settingDefinitionId").and_then(Value::as_str) {
                self.once(&mut seen, id, &child_path, "already set");
                self.placement(&child_path, id, parent, under);
            }
            self.instance(child, &child_path, false);
        }
        let required: &[DependedOnBy] = match under {
            Under::Option(option) => &option.depended_on_by,
            Under::Group => &parent.depended_on_by,
            Under::AnyOption => &[],
        };
        for link in required.iter().filter(|l| l.required) {
            if !seen.contains(&link.id) {
                let when = match under {
                    Under::Option(option) => {
                        format!(" (required when {} is chosen)", option.item_id)
                    }
                    _ => format!(" (required in every {} entry)", parent.id),
                };
                self.invalid(
                    &path,
                    format!("required child {} is missing{when}", link.id),
                );
            }
        }
    }

    /// A child must depend on its parent (the parent's `dependedOnBy`/`childIds`, or the child's
    /// `dependentOn`), and for a choice on the option chosen.
    fn placement(&mut self, path: &str, id: &str, parent: &SettingDefinition, under: Under<'_>) {
        let mut anywhere = lists(&parent.depended_on_by, id)
            || parent.child_ids.iter().any(|c| c.eq_ignore_ascii_case(id));
        let mut options: Vec<&str> = parent
            .options
            .iter()
            .filter(|o| lists(&o.depended_on_by, id))
            .map(|o| o.item_id.as_str())
            .collect();
        if let Some(child) = self.catalog.definition(id) {
            for dependency in dependencies(child) {
                if dependency
                    .parent_setting_id
                    .eq_ignore_ascii_case(&parent.id)
                {
                    if dependency.dependent_on.eq_ignore_ascii_case(&parent.id) {
                        anywhere = true;
                    } else {
                        options.push(&dependency.dependent_on);
                    }
                }
            }
        }
        options.sort_unstable();
        options.dedup();
        if anywhere {
            return;
        }
        if options.is_empty() {
            self.invalid(path, format!("{id} is not a child of {}", parent.id));
            return;
        }
        if let Under::Option(chosen) = under
            && !options
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&chosen.item_id))
        {
            self.invalid(
                path,
                format!(
                    "{id} applies when {} is {}, but {} is chosen",
                    parent.id,
                    options.join(" or "),
                    chosen.item_id
                ),
            );
        }
    }

    /// Says that a simple value's `value` is not the JSON type its `@odata.type` takes.
    fn wrong_json(&mut self, path: &str, raw: &Value, value_type: &str, wanted: &str) {
        let found = match raw {
            Value::String(s) => format!("the string {s:?}"),
            Value::Number(n) => format!("the number {n}"),
            other => json_kind(other).to_string(),
        };
        self.invalid(
            path,
            format!("{found} given for {value_type}, which takes a JSON {wanted}"),
        );
    }

    fn simple_value(&mut self, value: &Value, path: &str, def: &SettingDefinition) {
        let Some(object) = self.object(value, path, "a simple value") else {
            return;
        };
        let expected = match &def.value_definition {
            Some(ValueDefinition::Integer { .. }) => "IntegerSettingValue",
            Some(ValueDefinition::String {
                is_secret: true, ..
            }) => "SecretSettingValue",
            Some(ValueDefinition::String { .. }) => "StringSettingValue",
            // Nothing to compare a value with.
            Some(ValueDefinition::Other(_)) | None => return,
        };
        let Some(odata_type) = object.get("@odata.type").and_then(Value::as_str) else {
            self.invalid(
                path,
                format!("@odata.type is missing: Graph needs {GRAPH_PREFIX}{expected} here"),
            );
            return;
        };
        let given = odata_type
            .strip_prefix(GRAPH_PREFIX)
            .and_then(|t| t.strip_suffix("SettingValue"));
        let value_path = format!("{path}.value");
        let raw = object.get("value").unwrap_or(&Value::Null);
        match &def.value_definition {
            Some(ValueDefinition::Integer { minimum, maximum }) => {
                if given != Some("Integer") {
                    self.invalid(
                        path,
                        format!(
                            "{odata_type} given for an integer setting: {} takes {GRAPH_PREFIX}IntegerSettingValue",
                            def.id
                        ),
                    );
                    return;
                }
                let Some(number) = raw.as_i64() else {
                    self.wrong_json(&value_path, raw, "an IntegerSettingValue", "integer");
                    return;
                };
                if minimum.is_some_and(|m| number < m) || maximum.is_some_and(|m| number > m) {
                    let bound = |b: &Option<i64>| b.map_or_else(String::new, |b| b.to_string());
                    self.invalid(
                        &value_path,
                        format!(
                            "{number} is outside {}..{}, the range of {}",
                            bound(minimum),
                            bound(maximum),
                            def.id
                        ),
                    );
                }
            }
            Some(ValueDefinition::String {
                minimum_length,
                maximum_length,
                is_secret,
                ..
            }) => {
                match given {
                    // A ReferenceSettingValue is a StringSettingValue subtype. A secret setting
                    // given in clear text is accepted too: nothing says Graph refuses it.
                    Some("String" | "Reference") => {}
                    // Exports carry the secret as an encrypted token: no length to check.
                    Some("Secret") if *is_secret => return,
                    _ => {
                        self.invalid(
                            path,
                            format!(
                                "{odata_type} given for a {}string setting: {} takes {GRAPH_PREFIX}{expected}",
                                if *is_secret { "secret " } else { "" },
                                def.id
                            ),
                        );
                        return;
                    }
                }
                let Some(text) = raw.as_str() else {
                    self.wrong_json(&value_path, raw, "a StringSettingValue", "string");
                    return;
                };
                let length = i64::try_from(text.chars().count()).unwrap_or(i64::MAX);
                if let Some(minimum) = minimum_length
                    && length < *minimum
                {
                    self.invalid(
                        &value_path,
                        format!(
                            "{length} characters, fewer than the {minimum} {} needs",
                            def.id
                        ),
                    );
                }
                // The catalog writes 0 for "no limit" (ADMX list keys and values).
                if let Some(maximum) = maximum_length.filter(|m| *m > 0)
                    && length > maximum
                {
                    self.invalid(
                        &value_path,
                        format!(
                            "{length} characters, more than the {maximum} {} allows",
                            def.id
                        ),
                    );
                }
            }
            Some(ValueDefinition::Other(_)) | None => {}
        }
    }
}

/// The definition's own `dependentOn` and its options'.
fn dependencies(
    def: &SettingDefinition,
) -> impl Iterator<Item = &crate::catalog::definitions::DependentOn> {
    def.dependent_on
        .iter()
        .chain(def.options.iter().flat_map(|o| o.dependent_on.iter()))
}

/// The settings a definition depends on (other than itself): non-empty for a child definition.
fn parent_ids(def: &SettingDefinition) -> Vec<&str> {
    let mut ids: Vec<&str> = dependencies(def)
        .map(|d| d.parent_setting_id.as_str())
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case(&def.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
