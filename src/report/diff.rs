//! `gpa diff OLD.json NEW.json`: what changed between two `gpa analyze --json` reports.
//!
//! It lives with the reports because it reads nothing but them: the report's own field names
//! (`src/report/json.rs`) are its input schema, so the writer and the one reader of that schema
//! change together. It runs no analysis and needs no catalog: two reports from different gpa or
//! catalog versions compare as they were written, which is the point (what a new baseline, a new
//! catalog or a fixed GPO changed).
//!
//! GPOs pair by `groupPolicyObjectId` (the GPO GUID, or the GUID derived for a `.PolicyRules`
//! policy or LGPO text file), or by display name when a GPO has none; GPOs left unpaired then
//! pair by display name when the name is on one GPO of each side (the same baseline GPO in two
//! releases' `.PolicyRules` files, whose derived GUIDs differ). Settings pair, within a GPO,
//! by the row `identity` (language independent, scope included); a report written before rows
//! carried one pairs by scope, category and name. When one GPO has several rows of one identity,
//! they pair in order. A paired setting has changed when its value, its migration readiness or its
//! target (settings catalog definition, else CSP URI) differs.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The part of an analyze JSON report the diff reads.
#[derive(Debug, Deserialize)]
struct Report {
    gpos: Vec<GpoIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GpoIn {
    group_policy_object_id: Option<String>,
    display_name: String,
    #[serde(default)]
    settings: Vec<SettingIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingIn {
    #[serde(default)]
    identity: Option<String>,
    setting_name: String,
    #[serde(default)]
    setting_category: String,
    setting_scope: String,
    #[serde(default)]
    setting_value: String,
    migration_readiness: String,
    #[serde(default)]
    intune_setting_definition_id: Option<String>,
    #[serde(default)]
    mdm_setting_uri: Option<String>,
}

impl SettingIn {
    fn key(&self) -> String {
        match &self.identity {
            Some(identity) => identity.clone(),
            None => format!(
                "{}|{}|{}",
                self.setting_scope, self.setting_category, self.setting_name
            ),
        }
    }

    fn target(&self) -> Option<&str> {
        self.intune_setting_definition_id
            .as_deref()
            .or(self.mdm_setting_uri.as_deref())
    }

    fn brief(&self, identity: String) -> SettingBrief {
        SettingBrief {
            identity,
            name: self.setting_name.clone(),
            scope: self.setting_scope.clone(),
            value: self.setting_value.clone(),
            readiness: self.migration_readiness.clone(),
            target: self.target().map(str::to_string),
        }
    }
}

/// Everything that changed; empty lists when nothing did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diff {
    pub gpos_added: Vec<GpoRef>,
    pub gpos_removed: Vec<GpoRef>,
    /// GPOs in both reports with a setting added, removed or changed, or a new name.
    pub gpos_changed: Vec<GpoChanges>,
    pub summary: Summary,
}

/// A GPO by its identity and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GpoRef {
    /// `groupPolicyObjectId`, or null when the report has none.
    pub id: Option<String>,
    pub name: String,
    pub settings: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GpoChanges {
    pub id: Option<String>,
    pub name: String,
    /// The old name, when the GPO was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The old id, when the GPO was paired by name across a new id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_was: Option<String>,
    pub settings_added: Vec<SettingBrief>,
    pub settings_removed: Vec<SettingBrief>,
    pub settings_changed: Vec<SettingChange>,
}

/// A setting as a report row shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingBrief {
    pub identity: String,
    pub name: String,
    pub scope: String,
    pub value: String,
    pub readiness: String,
    /// The settings catalog definition id, else the CSP URI.
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingChange {
    pub identity: String,
    pub name: String,
    pub scope: String,
    pub changes: Vec<FieldChange>,
}

/// One field of a setting, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// `value`, `readiness` or `target`.
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub gpos_added: usize,
    pub gpos_removed: usize,
    pub gpos_changed: usize,
    pub settings_added: usize,
    pub settings_removed: usize,
    pub settings_changed: usize,
    pub value_changes: usize,
    pub readiness_changes: usize,
    pub target_changes: usize,
}

impl Diff {
    /// True when the two reports say the same of every GPO and setting.
    pub fn is_empty(&self) -> bool {
        self.gpos_added.is_empty() && self.gpos_removed.is_empty() && self.gpos_changed.is_empty()
    }
}

/// Reads one analyze JSON report; the error names what is wrong with it.
fn read_report(path: &Path) -> Result<Report, String> {
    let bytes = crate::input::fs_read::read_file(path)?;
    let text = crate::input::text::decode_text(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(text).map_err(|e| {
        format!("not a gpa analyze JSON report (its \"gpos\" and their settings): {e}")
    })
}

/// Compares two report files. The error names the file that could not be read.
pub fn diff_files(old: &Path, new: &Path) -> Result<Diff, crate::input::InputError> {
    let read = |path: &Path| {
        read_report(path).map_err(|reason| crate::input::InputError::new(path, reason))
    };
    Ok(diff(&read(old)?, &read(new)?))
}

/// A GPO's key: its id, else its name.
fn gpo_key(gpo: &GpoIn) -> String {
    match &gpo.group_policy_object_id {
        Some(id) if !id.is_empty() => format!("id:{}", id.to_ascii_uppercase()),
        _ => format!("name:{}", gpo.display_name),
    }
}

fn gpo_ref(gpo: &GpoIn) -> GpoRef {
    GpoRef {
        id: gpo.group_policy_object_id.clone(),
        name: gpo.display_name.clone(),
        settings: gpo.settings.len(),
    }
}

/// Rows by key; several rows of one key are numbered in order (`key#2`), so they pair in order.
fn keyed(settings: &[SettingIn]) -> Vec<(String, &SettingIn)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    settings
        .iter()
        .map(|s| {
            let key = s.key();
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            let key = if *n == 1 { key } else { format!("{key}#{n}") };
            (key, s)
        })
        .collect()
}

/// Pairs the GPOs of two reports: by key, then, among those left, by display name when one GPO on
/// each side has it (a baseline's GPO keeps its name from one release's `.PolicyRules` file to
/// the next, while its derived GUID follows the file name). Returns, for each new GPO, the index
/// of its old one.
fn pair_gpos(old: &[GpoIn], new: &[GpoIn]) -> Vec<Option<usize>> {
    let old_by_key: BTreeMap<String, usize> = old
        .iter()
        .enumerate()
        .map(|(i, g)| (gpo_key(g), i))
        .collect();
    let mut pairs: Vec<Option<usize>> = new
        .iter()
        .map(|g| old_by_key.get(&gpo_key(g)).copied())
        .collect();
    let taken: Vec<bool> = (0..old.len()).map(|i| pairs.contains(&Some(i))).collect();
    let unpaired_old = |name: &str| -> Vec<usize> {
        (0..old.len())
            .filter(|&i| !taken[i] && old[i].display_name == name)
            .collect()
    };
    for (n, gpo) in new.iter().enumerate() {
        if pairs[n].is_some() {
            continue;
        }
        let same_name_new = new
            .iter()
            .enumerate()
            .filter(|(m, g)| pairs[*m].is_none() && g.display_name == gpo.display_name)
            .count();
        if let [only] = unpaired_old(&gpo.display_name)[..]
            && same_name_new == 1
        {
            pairs[n] = Some(only);
        }
    }
    pairs
}

fn diff(old: &Report, new: &Report) -> Diff {
    let mut result = Diff::default();
    let pairs = pair_gpos(&old.gpos, &new.gpos);
    for (i, gpo) in old.gpos.iter().enumerate() {
        if !pairs.contains(&Some(i)) {
            result.gpos_removed.push(gpo_ref(gpo));
        }
    }
    for (gpo, pair) in new.gpos.iter().zip(&pairs) {
        match pair.and_then(|i| old.gpos.get(i)) {
            None => result.gpos_added.push(gpo_ref(gpo)),
            Some(before) => {
                if let Some(changes) = gpo_changes(before, gpo) {
                    result.gpos_changed.push(changes);
                }
            }
        }
    }
    let s = &mut result.summary;
    s.gpos_added = result.gpos_added.len();
    s.gpos_removed = result.gpos_removed.len();
    s.gpos_changed = result.gpos_changed.len();
    for g in &result.gpos_changed {
        s.settings_added += g.settings_added.len();
        s.settings_removed += g.settings_removed.len();
        s.settings_changed += g.settings_changed.len();
        for change in g.settings_changed.iter().flat_map(|c| &c.changes) {
            match change.field {
                "value" => s.value_changes += 1,
                "readiness" => s.readiness_changes += 1,
                _ => s.target_changes += 1,
            }
        }
    }
    result
}

fn gpo_changes(old: &GpoIn, new: &GpoIn) -> Option<GpoChanges> {
    let old_rows = keyed(&old.settings);
    let new_rows = keyed(&new.settings);
    let old_map: BTreeMap<&str, &SettingIn> =
        old_rows.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    let new_map: BTreeMap<&str, &SettingIn> =
        new_rows.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    let mut changes = GpoChanges {
        id: new.group_policy_object_id.clone(),
        name: new.display_name.clone(),
        renamed_from: (old.display_name != new.display_name).then(|| old.display_name.clone()),
        id_was: (gpo_key(old) != gpo_key(new))
            .then(|| old.group_policy_object_id.clone())
            .flatten(),
        settings_added: Vec::new(),
        settings_removed: Vec::new(),
        settings_changed: Vec::new(),
    };
    for (key, setting) in &old_rows {
        if !new_map.contains_key(key.as_str()) {
            changes.settings_removed.push(setting.brief(setting.key()));
        }
    }
    for (key, setting) in &new_rows {
        let Some(before) = old_map.get(key.as_str()) else {
            changes.settings_added.push(setting.brief(setting.key()));
            continue;
        };
        let mut fields = Vec::new();
        let mut compare = |field: &'static str, a: Option<&str>, b: Option<&str>| {
            if a != b {
                fields.push(FieldChange {
                    field,
                    old: a.map(str::to_string),
                    new: b.map(str::to_string),
                });
            }
        };
        compare(
            "value",
            Some(&before.setting_value),
            Some(&setting.setting_value),
        );
        compare(
            "readiness",
            Some(&before.migration_readiness),
            Some(&setting.migration_readiness),
        );
        compare("target", before.target(), setting.target());
        if !fields.is_empty() {
            changes.settings_changed.push(SettingChange {
                identity: setting.key(),
                name: setting.setting_name.clone(),
                scope: setting.setting_scope.clone(),
                changes: fields,
            });
        }
    }
    // A GPO paired by name across a new id is the same GPO: the id alone is no change (a
    // `.PolicyRules` GPO's derived GUID follows the file name).
    let unchanged = changes.renamed_from.is_none()
        && changes.settings_added.is_empty()
        && changes.settings_removed.is_empty()
        && changes.settings_changed.is_empty();
    (!unchanged).then_some(changes)
}

fn gpo_label(id: &Option<String>, name: &str) -> String {
    match id {
        Some(id) => format!("{name} {id}"),
        None => name.to_string(),
    }
}

fn setting_line(sign: char, s: &SettingBrief) -> String {
    format!(
        "  {sign} {} ({}): {} [{}{}]",
        s.name,
        s.scope,
        s.value,
        s.readiness,
        s.target
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default()
    )
}

fn or_none(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(none)")
}

impl Diff {
    /// The text `gpa diff` prints: GPOs added and removed, then per changed GPO its settings
    /// (`+` added, `-` removed, `~` changed, with each field before and after), then one line of
    /// totals.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (title, list, sign) in [
            ("GPOs added", &self.gpos_added, '+'),
            ("GPOs removed", &self.gpos_removed, '-'),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title} ({}):", list.len());
            for g in list {
                let _ = writeln!(
                    out,
                    "  {sign} {} ({} settings)",
                    gpo_label(&g.id, &g.name),
                    g.settings
                );
            }
        }
        for g in &self.gpos_changed {
            let _ = writeln!(out, "GPO {}:", gpo_label(&g.id, &g.name));
            if let Some(old) = &g.renamed_from {
                let _ = writeln!(out, "  renamed from {old}");
            }
            if let Some(old) = &g.id_was {
                let _ = writeln!(out, "  paired by name; its id was {old}");
            }
            for s in &g.settings_removed {
                let _ = writeln!(out, "{}", setting_line('-', s));
            }
            for s in &g.settings_added {
                let _ = writeln!(out, "{}", setting_line('+', s));
            }
            for c in &g.settings_changed {
                let fields = c
                    .changes
                    .iter()
                    .map(|f| format!("{}: {} -> {}", f.field, or_none(&f.old), or_none(&f.new)))
                    .collect::<Vec<_>>()
                    .join("; ");
                let _ = writeln!(out, "  ~ {} ({}): {fields}", c.name, c.scope);
            }
        }
        let s = &self.summary;
        if self.is_empty() {
            out.push_str("No change.\n");
        } else {
            let _ = writeln!(
                out,
                "{} GPO(s) added, {} removed, {} changed; settings: {} added, {} removed, {} \
                 changed (value {}, readiness {}, target {})",
                s.gpos_added,
                s.gpos_removed,
                s.gpos_changed,
                s.settings_added,
                s.settings_removed,
                s.settings_changed,
                s.value_changes,
                s.readiness_changes,
                s.target_changes
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(json: &str) -> Report {
        serde_json::from_str(json).unwrap()
    }

    const OLD: &str = r#"{"gpos": [
      {"groupPolicyObjectId": "{A}", "displayName": "One", "settings": [
        {"identity": "Device|r|x", "settingName": "X", "settingScope": "device", "settingValue": "1",
         "migrationReadiness": "Ready", "intuneSettingDefinitionId": "def_x"},
        {"identity": "Device|r|y", "settingName": "Y", "settingScope": "device", "settingValue": "2",
         "migrationReadiness": "Ready"}]},
      {"groupPolicyObjectId": "{B}", "displayName": "Two", "settings": []}]}"#;

    #[test]
    fn gpos_and_settings_pair_by_identity() {
        let same = diff(&report(OLD), &report(OLD));
        assert!(same.is_empty());
        assert_eq!(same.render(), "No change.\n");
        let new = OLD
            .replace(r#""settingValue": "1""#, r#""settingValue": "0""#)
            .replace(
                r#",
      {"groupPolicyObjectId": "{B}", "displayName": "Two", "settings": []}"#,
                "",
            );
        let d = diff(&report(OLD), &report(&new));
        assert_eq!(d.gpos_removed.len(), 1);
        assert_eq!(d.gpos_removed[0].name, "Two");
        assert_eq!(d.gpos_changed.len(), 1);
        let change = &d.gpos_changed[0].settings_changed[0];
        assert_eq!(change.name, "X");
        assert_eq!(change.changes[0].field, "value");
        assert_eq!(change.changes[0].old.as_deref(), Some("1"));
        assert_eq!(change.changes[0].new.as_deref(), Some("0"));
        assert!(d.render().contains("  ~ X (device): value: 1 -> 0\n"));
    }

    #[test]
    fn gpos_left_unpaired_pair_by_a_name_each_side_has_once() {
        let renamed_file = OLD.replace("{A}", "{C}");
        let d = diff(&report(OLD), &report(&renamed_file));
        assert!(d.is_empty(), "{d:?}");
        let changed = renamed_file.replace(r#""settingValue": "2""#, r#""settingValue": "3""#);
        let d = diff(&report(OLD), &report(&changed));
        assert_eq!(d.gpos_changed.len(), 1);
        assert_eq!(d.gpos_changed[0].id_was.as_deref(), Some("{A}"));
        assert!(d.render().contains("  paired by name; its id was {A}\n"));
    }
}
