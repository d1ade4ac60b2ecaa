//! `gpa convert`: Intune settings catalog policies, one JSON file each, that Graph's
//! `POST /beta/deviceManagement/configurationPolicies` takes as they are (formats.md §7.3), and a
//! summary of what was written and what was left out, and why.
//!
//! Every row `gpa analyze` marks Ready is translated ([`super::translate`]); the rest are left
//! out with their readiness. Within one policy a definition is used once: rows that give it the
//! same value are written once, rows (or GPOs) that give it different values are a conflict and
//! left out, never decided.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::catalog::instance::SettingInstance;
use crate::matching::analyze::{Analysis, MatchedSetting, Readiness, ReasonKind, RowIdentity};
use crate::matching::assemble::{Piece, assemble};
use crate::model::{Gpo, Inventory, Scope};
use crate::report::Generator;
use crate::report::summary::{one_line, table};

/// The file written beside the policies.
pub const SUMMARY_FILE: &str = crate::input::intune_policy::CONVERSION_SUMMARY_FILE;

/// How GPOs are grouped into policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Merge {
    /// One policy per GPO, device and user settings together.
    None,
    /// One policy for every GPO's device settings, one for their user settings.
    Scope,
    /// One policy for everything.
    All,
}

/// Every policy of a conversion, in a fixed order: GPOs in inventory order, or device then user.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub merge: Merge,
    pub policies: Vec<ConvertedPolicy>,
}

#[derive(Debug, Clone)]
pub struct ConvertedPolicy {
    pub name: String,
    pub description: String,
    /// The GPOs whose settings it holds, as indexes into [`Inventory::gpos`].
    pub gpos: Vec<usize>,
    /// The file name in the output folder; None when nothing could be written (no file).
    pub file: Option<String>,
    /// The top-level instances, by definition id.
    pub settings: Vec<SettingInstance>,
    /// One entry per definition written (top level or nested under another), by definition id.
    pub written: Vec<WrittenSetting>,
    pub left_out: Vec<LeftOut>,
    pub conflicts: Vec<Conflict>,
}

/// A row of a GPO that a policy entry stands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Index into [`Inventory::gpos`].
    pub gpo: usize,
    pub setting: String,
    pub scope: Scope,
    pub value: String,
    pub definition_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WrittenSetting {
    pub definition_id: String,
    /// Every row that gives this definition its (one) value.
    pub sources: Vec<SourceRow>,
    /// What the conversion did not carry over (elements without a child definition), and rows
    /// written once for several.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum LeftOutReason {
    /// Not Ready in the analysis (no definition, custom OMA-URI, not applicable, …).
    #[serde(rename = "not ready")]
    NotReady,
    #[serde(rename = "deprecated")]
    Deprecated,
    /// Ready, but the GPO's value does not fit the definition, or a required part is missing.
    #[serde(rename = "not convertible")]
    NotConvertible,
}

impl LeftOutReason {
    pub const ALL: [LeftOutReason; 3] = [
        LeftOutReason::NotReady,
        LeftOutReason::Deprecated,
        LeftOutReason::NotConvertible,
    ];

    pub fn text(self) -> &'static str {
        match self {
            LeftOutReason::NotReady => "not ready",
            LeftOutReason::Deprecated => "deprecated",
            LeftOutReason::NotConvertible => "not convertible",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LeftOut {
    pub source: SourceRow,
    pub reason: LeftOutReason,
    pub detail: String,
}

/// A setting that GPOs (or two rows of one GPO) give different values: none is written.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub setting: String,
    pub definition_id: Option<String>,
    pub values: Vec<SourceRow>,
}

/// One row of one GPO.
struct RowRef<'a> {
    gpo: usize,
    row: &'a MatchedSetting,
}

impl RowRef<'_> {
    fn source(&self) -> SourceRow {
        SourceRow {
            gpo: self.gpo,
            setting: self.row.name.clone(),
            scope: self.row.scope,
            value: self.row.value.clone(),
            definition_id: self.row.definition_id.clone(),
        }
    }
}

/// Converts every GPO of an analysis into policies grouped as `merge` says.
pub fn convert(
    inventory: &Inventory,
    analysis: &Analysis,
    catalog: &Catalog,
    merge: Merge,
) -> Conversion {
    let all_gpos: Vec<usize> = analysis.gpos.iter().map(|a| a.gpo).collect();
    let groups: Vec<(String, Vec<usize>, Option<Scope>)> = match merge {
        Merge::None => analysis
            .gpos
            .iter()
            .map(|a| {
                let name = inventory
                    .gpos
                    .get(a.gpo)
                    .map(policy_name)
                    .unwrap_or_default();
                (name, vec![a.gpo], None)
            })
            .collect(),
        Merge::Scope => vec![
            (
                "gpa merged device settings".to_string(),
                all_gpos.clone(),
                Some(Scope::Device),
            ),
            (
                "gpa merged user settings".to_string(),
                all_gpos,
                Some(Scope::User),
            ),
        ],
        Merge::All => vec![("gpa merged settings".to_string(), all_gpos, None)],
    };
    let mut policies: Vec<ConvertedPolicy> = groups
        .into_iter()
        .map(|(name, gpos, scope)| {
            let rows: Vec<RowRef> = analysis
                .gpos
                .iter()
                .filter(|a| gpos.contains(&a.gpo))
                .flat_map(|a| {
                    a.rows
                        .iter()
                        .filter(move |r| scope.is_none_or(|s| r.scope == s))
                        .map(move |row| RowRef { gpo: a.gpo, row })
                })
                .collect();
            // A merged policy names the GPOs that have settings in its scope.
            let gpos = if merge == Merge::None {
                gpos
            } else {
                let mut with_rows: Vec<usize> = rows.iter().map(|r| r.gpo).collect();
                with_rows.dedup();
                with_rows
            };
            let description = description(inventory, &gpos);
            build_policy(catalog, name, description, gpos, &rows)
        })
        .collect();
    assign_file_names(inventory, &mut policies);
    Conversion { merge, policies }
}

/// The GPO's display name, else its GUID: Intune wants a name.
fn policy_name(gpo: &Gpo) -> String {
    let name = one_line(&gpo.display_name);
    if !name.is_empty() {
        return name;
    }
    gpo.guid.clone().unwrap_or_else(|| "GPO".to_string())
}

fn gpo_label(gpo: &Gpo) -> String {
    match &gpo.guid {
        Some(guid) => format!("{guid} ({})", one_line(&gpo.display_name)),
        None => one_line(&gpo.display_name),
    }
}

fn description(inventory: &Inventory, gpos: &[usize]) -> String {
    let labels: Vec<String> = gpos
        .iter()
        .filter_map(|&g| inventory.gpos.get(g))
        .map(gpo_label)
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    match labels.as_slice() {
        [one] => format!("Converted from GPO {one} by gpa {version}"),
        many => format!(
            "Converted from {} GPOs by gpa {version}: {}",
            many.len(),
            many.join(", ")
        ),
    }
}

fn build_policy(
    catalog: &Catalog,
    name: String,
    description: String,
    gpos: Vec<usize>,
    rows: &[RowRef],
) -> ConvertedPolicy {
    let mut left_out = Vec::new();
    let mut conflicts = Vec::new();
    let mut ready: Vec<&RowRef> = Vec::new();
    for r in rows {
        let reason = match r.row.readiness {
            Readiness::Ready if r.row.instance.is_some() => {
                ready.push(r);
                continue;
            }
            Readiness::Deprecated => LeftOutReason::Deprecated,
            Readiness::NeedsReview => LeftOutReason::NotConvertible,
            _ => LeftOutReason::NotReady,
        };
        left_out.push(LeftOut {
            source: r.source(),
            reason,
            detail: format!("{}: {}", r.row.readiness.text(), r.row.reason()),
        });
    }
    let conflicting = identity_conflicts(&ready, &mut conflicts);
    let pieces: Vec<Piece<usize>> = ready
        .iter()
        .enumerate()
        .filter(|(i, _)| !conflicting.contains(i))
        .filter_map(|(i, r)| {
            Some(Piece {
                instance: r.row.instance.clone()?,
                source: i,
            })
        })
        .collect();
    let source = |i: usize| ready.get(i).map(|r| r.source());
    let assembled = assemble(catalog, pieces);
    for conflict in assembled.conflicts {
        let values: Vec<SourceRow> = conflict.sources.iter().filter_map(|&i| source(i)).collect();
        conflicts.push(Conflict {
            setting: values
                .first()
                .map(|v| v.setting.clone())
                .unwrap_or_default(),
            definition_id: Some(conflict.definition_id),
            values,
        });
    }
    for refused in assembled.refused {
        if let Some(source) = source(refused.source) {
            left_out.push(LeftOut {
                source,
                reason: LeftOutReason::NotConvertible,
                detail: refused.detail,
            });
        }
    }
    let mut settings = Vec::new();
    let mut written = Vec::new();
    for entry in assembled.entries {
        settings.push(entry.instance);
        for w in entry.written {
            let rows: Vec<&RowRef> = w
                .sources
                .iter()
                .filter_map(|&i| ready.get(i).copied())
                .collect();
            let mut notes: Vec<String> = Vec::new();
            for reason in rows
                .iter()
                .flat_map(|r| &r.row.reasons)
                .filter(|r| r.kind == ReasonKind::Conversion)
            {
                if !notes.contains(&reason.text) {
                    notes.push(reason.text.clone());
                }
            }
            if rows.len() > 1 && rows.iter().any(|r| r.gpo != rows[0].gpo) {
                notes.push(format!(
                    "{} rows give this definition the same value; written once",
                    rows.len()
                ));
            }
            written.push(WrittenSetting {
                definition_id: w.definition_id,
                sources: rows.iter().map(|r| r.source()).collect(),
                notes,
            });
        }
    }
    written.sort_by(|a, b| a.definition_id.cmp(&b.definition_id));
    ConvertedPolicy {
        name,
        description,
        gpos,
        file: None,
        settings,
        written,
        left_out,
        conflicts,
    }
}

/// Identities that several GPOs set to different values: each becomes a conflict, and the
/// positions (in `ready`) of its rows are returned so that none is written.
fn identity_conflicts(ready: &[&RowRef], conflicts: &mut Vec<Conflict>) -> Vec<usize> {
    let mut by_identity: BTreeMap<&RowIdentity, Vec<usize>> = BTreeMap::new();
    for (i, r) in ready.iter().enumerate() {
        by_identity.entry(&r.row.identity).or_default().push(i);
    }
    let mut out = Vec::new();
    for positions in by_identity.values() {
        let rows: Vec<&RowRef> = positions
            .iter()
            .filter_map(|&i| ready.get(i).copied())
            .collect();
        let gpos: Vec<usize> = rows.iter().map(|r| r.gpo).collect();
        let several_gpos = gpos.iter().any(|g| Some(g) != gpos.first());
        let differ = rows
            .iter()
            .any(|r| Some(&r.row.value_key) != rows.first().map(|f| &f.row.value_key));
        let Some(first) = rows.first() else { continue };
        if several_gpos && differ {
            conflicts.push(Conflict {
                setting: first.row.name.clone(),
                definition_id: first.row.definition_id.clone(),
                values: rows.iter().map(|r| r.source()).collect(),
            });
            out.extend(positions);
        }
    }
    out
}

/// File names from policy names, safe on every OS; names that collide (ignoring case) get the
/// GPO GUID, and any that still collide a number.
fn assign_file_names(inventory: &Inventory, policies: &mut [ConvertedPolicy]) {
    let stems: Vec<Option<String>> = policies
        .iter()
        .map(|p| (!p.settings.is_empty()).then(|| safe_file_stem(&p.name)))
        .collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for stem in stems.iter().flatten() {
        *count.entry(stem.to_lowercase()).or_default() += 1;
    }
    let reserved = SUMMARY_FILE.trim_end_matches(".json").to_lowercase();
    let mut taken: Vec<String> = vec![reserved];
    for (policy, stem) in policies.iter_mut().zip(stems) {
        let Some(mut stem) = stem else { continue };
        let guid = match policy.gpos.as_slice() {
            [one] => inventory.gpos.get(*one).and_then(|g| g.guid.clone()),
            _ => None,
        };
        if count.get(&stem.to_lowercase()).is_some_and(|&n| n > 1)
            && let Some(guid) = guid
        {
            stem = format!("{stem} {guid}");
        }
        let mut candidate = stem.clone();
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            candidate = format!("{stem} ({n})");
            n += 1;
        }
        taken.push(candidate.to_lowercase());
        policy.file = Some(format!("{candidate}.json"));
    }
}

/// Windows device names, reserved as a file name's stem whatever the extension.
const RESERVED_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Bytes kept of a name, leaving room for a GUID, a counter and `.json` within the 255 bytes
/// file systems allow.
const MAX_STEM_BYTES: usize = 150;

/// A file name stem from an untrusted GPO name: no path separators, characters Windows forbids
/// or control characters, no leading or trailing dots and spaces, not a device name, not empty.
pub fn safe_file_stem(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut stem = replaced
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if stem.len() > MAX_STEM_BYTES {
        let mut end = MAX_STEM_BYTES;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
        stem = stem
            .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
            .to_string();
    }
    if stem.is_empty() {
        return "GPO".to_string();
    }
    let device = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_ascii_uppercase();
    if RESERVED_NAMES.contains(&device.as_str()) {
        stem.insert(0, '_');
    }
    stem
}

/// The body of `POST /beta/deviceManagement/configurationPolicies`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyBody<'a> {
    name: &'a str,
    description: &'a str,
    platforms: &'static str,
    technologies: &'static str,
    role_scope_tag_ids: [&'static str; 1],
    template_reference: TemplateReference,
    settings: Vec<PolicySetting<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateReference {
    template_id: &'static str,
    template_family: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicySetting<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    setting_instance: &'a SettingInstance,
}

impl ConvertedPolicy {
    /// The policy file's bytes: pretty JSON, UTF-8 without BOM.
    pub fn to_json(&self) -> Result<Vec<u8>, String> {
        let body = PolicyBody {
            name: &self.name,
            description: &self.description,
            platforms: "windows10",
            technologies: "mdm",
            role_scope_tag_ids: ["0"],
            template_reference: TemplateReference {
                template_id: "",
                template_family: "none",
            },
            settings: self
                .settings
                .iter()
                .map(|instance| PolicySetting {
                    odata_type: "#microsoft.graph.deviceManagementConfigurationSetting",
                    setting_instance: instance,
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Writes every policy that has settings, and the summary, into `dir` (created when missing):
/// all staged first, then renamed together, so a failure leaves the folder as it was. A folder
/// holding files gpa did not write is refused unless `replace`; the policies of gpa's earlier run
/// there that this run does not write are removed afterwards (with `replace`, the foreign
/// `*.json` files too; see [`super::out_dir`]). Returns one message per problem; empty when
/// everything was written.
pub fn write_files(
    conversion: &Conversion,
    inventory: &Inventory,
    dir: &Path,
    replace: bool,
) -> Vec<String> {
    let shown = || crate::safe_text::escape_control(&dir.display().to_string());
    let before = match super::out_dir::survey(dir) {
        Ok(before) => before,
        Err(e) => return vec![format!("{}: {e}", shown())],
    };
    if !before.foreign.is_empty() && !replace {
        let names: Vec<String> = before
            .foreign
            .iter()
            .take(5)
            .map(|n| crate::safe_text::excerpt(n, crate::safe_text::EXCERPT_CHARS))
            .collect();
        return vec![format!(
            "{}: holds {} file(s) gpa did not write ({}{}): give an empty or new folder, or \
             --replace to remove its *.json files",
            shown(),
            before.foreign.len(),
            names.join(", "),
            if before.foreign.len() > 5 {
                ", …"
            } else {
                ""
            }
        )];
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return vec![format!("{}: {e}", shown())];
    }
    let mut outputs = crate::output::Outputs::new();
    let mut written = std::collections::BTreeSet::new();
    let mut errors = Vec::new();
    for policy in &conversion.policies {
        let Some(file) = &policy.file else { continue };
        let path = dir.join(file);
        if let Err(e) = policy
            .to_json()
            .and_then(|bytes| outputs.stage(&path, bytes))
        {
            errors.push(e);
        }
        written.insert(file.clone());
    }
    let path = dir.join(SUMMARY_FILE);
    if let Err(e) =
        summary_json(conversion, inventory).and_then(|bytes| outputs.stage(&path, bytes))
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return errors;
    }
    if let Err(e) = outputs.commit() {
        return vec![e];
    }
    let stale = super::out_dir::to_remove(&before, &written, replace);
    super::out_dir::remove(dir, &stale)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    generator: Generator,
    merge: Merge,
    totals: Totals,
    policies: Vec<PolicySummary<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Totals {
    policies_written: usize,
    settings_written: usize,
    /// Rows left out, by reason.
    left_out: BTreeMap<&'static str, usize>,
    conflicts: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicySummary<'a> {
    /// None when nothing could be written.
    file: Option<&'a str>,
    name: &'a str,
    source_gpos: Vec<GpoRef<'a>>,
    settings_written: usize,
    settings: Vec<WrittenSummary<'a>>,
    left_out: Vec<LeftOutSummary<'a>>,
    conflicts: Vec<ConflictSummary<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GpoRef<'a> {
    name: &'a str,
    guid: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowSummary<'a> {
    gpo: &'a str,
    gpo_guid: Option<&'a str>,
    setting: &'a str,
    /// `device` or `user`.
    scope: Scope,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WrittenSummary<'a> {
    definition_id: &'a str,
    sources: Vec<RowSummary<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LeftOutSummary<'a> {
    gpo: &'a str,
    gpo_guid: Option<&'a str>,
    setting: &'a str,
    scope: Scope,
    definition_id: Option<&'a str>,
    reason: LeftOutReason,
    detail: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConflictSummary<'a> {
    setting: &'a str,
    definition_id: Option<&'a str>,
    /// Each GPO's value.
    values: Vec<RowSummary<'a>>,
}

fn row_summary<'a>(inventory: &'a Inventory, source: &'a SourceRow) -> RowSummary<'a> {
    let gpo = inventory.gpos.get(source.gpo);
    RowSummary {
        gpo: gpo.map_or("", |g| g.display_name.as_str()),
        gpo_guid: gpo.and_then(|g| g.guid.as_deref()),
        setting: &source.setting,
        scope: source.scope,
        value: &source.value,
    }
}

/// `conversion-summary.json`: per policy, its file, source GPOs and settings written; every row
/// left out with its reason; every conflict with each GPO's value.
pub fn summary_json(conversion: &Conversion, inventory: &Inventory) -> Result<Vec<u8>, String> {
    let gpo = |i: usize| inventory.gpos.get(i);
    let policies = conversion
        .policies
        .iter()
        .map(|p| PolicySummary {
            file: p.file.as_deref(),
            name: &p.name,
            source_gpos: p
                .gpos
                .iter()
                .filter_map(|&i| gpo(i))
                .map(|g| GpoRef {
                    name: &g.display_name,
                    guid: g.guid.as_deref(),
                })
                .collect(),
            settings_written: p.written.len(),
            settings: p
                .written
                .iter()
                .map(|w| WrittenSummary {
                    definition_id: &w.definition_id,
                    sources: w
                        .sources
                        .iter()
                        .map(|s| row_summary(inventory, s))
                        .collect(),
                    notes: &w.notes,
                })
                .collect(),
            left_out: p
                .left_out
                .iter()
                .map(|l| LeftOutSummary {
                    gpo: gpo(l.source.gpo).map_or("", |g| g.display_name.as_str()),
                    gpo_guid: gpo(l.source.gpo).and_then(|g| g.guid.as_deref()),
                    setting: &l.source.setting,
                    scope: l.source.scope,
                    definition_id: l.source.definition_id.as_deref(),
                    reason: l.reason,
                    detail: &l.detail,
                })
                .collect(),
            conflicts: p
                .conflicts
                .iter()
                .map(|c| ConflictSummary {
                    setting: &c.setting,
                    definition_id: c.definition_id.as_deref(),
                    values: c.values.iter().map(|s| row_summary(inventory, s)).collect(),
                })
                .collect(),
        })
        .collect();
    let totals = conversion.totals();
    let summary = Summary {
        generator: Generator::GPA,
        merge: conversion.merge,
        totals: Totals {
            policies_written: totals.policies_written,
            settings_written: totals.settings_written,
            left_out: LeftOutReason::ALL
                .iter()
                .zip(totals.left_out)
                .map(|(r, n)| (r.text(), n))
                .collect(),
            conflicts: totals.conflicts,
        },
        policies,
    };
    let mut bytes = serde_json::to_vec_pretty(&summary).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Figures over a whole conversion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConversionTotals {
    pub policies_written: usize,
    pub settings_written: usize,
    /// Rows left out, in [`LeftOutReason::ALL`] order.
    pub left_out: [usize; 3],
    pub conflicts: usize,
}

impl ConvertedPolicy {
    /// Rows left out for this reason.
    pub fn left_out_count(&self, reason: LeftOutReason) -> usize {
        self.left_out.iter().filter(|l| l.reason == reason).count()
    }
}

impl Conversion {
    pub fn totals(&self) -> ConversionTotals {
        let mut totals = ConversionTotals::default();
        for p in &self.policies {
            totals.policies_written += usize::from(p.file.is_some());
            totals.settings_written += p.written.len();
            for (n, reason) in totals.left_out.iter_mut().zip(LeftOutReason::ALL) {
                *n += p.left_out_count(reason);
            }
            totals.conflicts += p.conflicts.len();
        }
        totals
    }
}

/// The table printed after `gpa convert`: one line per policy, then totals.
pub fn render_table(conversion: &Conversion) -> String {
    let mut lines: Vec<[String; 4]> = vec![[
        "Policy".into(),
        "Settings written".into(),
        "Left out".into(),
        "Conflicts".into(),
    ]];
    for p in &conversion.policies {
        lines.push([
            match &p.file {
                Some(file) => file.clone(),
                None => format!("{} (no file: nothing to write)", one_line(&p.name)),
            },
            p.written.len().to_string(),
            p.left_out.len().to_string(),
            p.conflicts.len().to_string(),
        ]);
    }
    let totals = conversion.totals();
    lines.push([
        format!("Total ({} policy files)", totals.policies_written),
        totals.settings_written.to_string(),
        totals.left_out.iter().sum::<usize>().to_string(),
        totals.conflicts.to_string(),
    ]);
    let mut out = table(&lines);
    let reasons: Vec<String> = LeftOutReason::ALL
        .iter()
        .zip(totals.left_out)
        .map(|(r, n)| format!("{n} {}", r.text()))
        .collect();
    let _ = writeln!(
        out,
        "\nLeft out: {}; {SUMMARY_FILE} names each setting and why.",
        reasons.join(", ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::analyze::analyze;
    use crate::model::{
        Hive, RegistryData, RegistryInstruction, RegistryOp, Setting, SettingId, SettingKind,
        SettingValue, Source,
    };

    /// `Network security: Do not store LAN Manager hash value on next password change`, with
    /// the key spelled as given.
    fn no_lm_hash(key: &str, data: u32) -> Setting {
        Setting::new(
            Scope::Device,
            SettingKind::SecurityOption,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: key.into(),
                value_name: "NoLMHash".into(),
            },
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::Set,
                data: RegistryData::Dword(data),
            }),
            Source::default(),
        )
    }

    const LSA: &str = "System\\CurrentControlSet\\Control\\Lsa";
    const NO_LM_HASH: &str = "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange";

    fn gpo(name: &str, guid: &str, settings: Vec<Setting>) -> Gpo {
        Gpo {
            guid: Some(guid.into()),
            display_name: name.into(),
            settings,
            ..Gpo::default()
        }
    }

    fn run(gpos: Vec<Gpo>, merge: Merge) -> Conversion {
        let inventory = Inventory { gpos };
        let catalog = Catalog::embedded().expect("embedded catalog");
        let analysis = analyze(&inventory, catalog);
        convert(&inventory, &analysis, catalog, merge)
    }

    #[test]
    fn file_stems_are_safe_on_every_os() {
        assert_eq!(
            safe_file_stem("a/b\\c:d*e?f\"g<h>i|j"),
            "a_b_c_d_e_f_g_h_i_j"
        );
        assert_eq!(safe_file_stem("tab\there\u{7}"), "tab_here_");
        assert_eq!(
            safe_file_stem("  ..Baseline (SHB v10.1.0). . "),
            "Baseline (SHB v10.1.0)"
        );
        assert_eq!(safe_file_stem("CON"), "_CON");
        assert_eq!(safe_file_stem("com1.backup"), "_com1.backup");
        assert_eq!(safe_file_stem("Lpt9 "), "_Lpt9");
        assert_eq!(safe_file_stem("CONSOLE"), "CONSOLE");
        assert_eq!(safe_file_stem(" ... "), "GPO");
        assert_eq!(safe_file_stem("../../etc/passwd"), "_.._etc_passwd");
        let long = "é".repeat(200);
        let stem = safe_file_stem(&long);
        assert_eq!(stem.len(), 150);
        assert!(stem.chars().all(|c| c == 'é'));
    }

    #[test]
    fn names_that_collide_ignoring_case_take_their_guids() {
        let conversion = run(
            vec![
                gpo("CON", "{A}", vec![no_lm_hash(LSA, 1)]),
                gpo("con", "{B}", vec![no_lm_hash(LSA, 1)]),
                gpo("conversion-summary", "{C}", vec![no_lm_hash(LSA, 1)]),
                gpo("Empty", "{D}", Vec::new()),
            ],
            Merge::None,
        );
        let files: Vec<Option<&str>> = conversion
            .policies
            .iter()
            .map(|p| p.file.as_deref())
            .collect();
        assert_eq!(
            files,
            vec![
                Some("_CON {A}.json"),
                Some("_con {B}.json"),
                Some("conversion-summary (2).json"),
                None,
            ]
        );
        assert_eq!(
            conversion.policies[0].description,
            format!(
                "Converted from GPO {{A}} (CON) by gpa {}",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn one_gpo_setting_a_definition_twice_alike_writes_it_once() {
        let conversion = run(
            vec![gpo(
                "Twice",
                "{A}",
                vec![
                    no_lm_hash(LSA, 1),
                    no_lm_hash("SYSTEM\\CurrentControlSet\\Control\\LSA", 1),
                ],
            )],
            Merge::None,
        );
        let policy = &conversion.policies[0];
        assert_eq!(policy.settings.len(), 1);
        assert_eq!(policy.settings[0].setting_definition_id, NO_LM_HASH);
        assert_eq!(
            policy.settings[0].chosen_option(),
            Some(format!("{NO_LM_HASH}_1").as_str())
        );
        assert_eq!(policy.written.len(), 1);
        assert_eq!(policy.written[0].sources.len(), 2);
        assert_eq!(
            policy.written[0].notes,
            vec![format!(
                "2 settings of this GPO give {NO_LM_HASH} the same value; written once"
            )]
        );
        assert!(policy.conflicts.is_empty());
    }

    #[test]
    fn one_gpo_setting_a_definition_two_ways_is_left_out_as_the_analysis_decided() {
        let conversion = run(
            vec![gpo(
                "Two ways",
                "{A}",
                vec![
                    no_lm_hash(LSA, 1),
                    no_lm_hash("SYSTEM\\CurrentControlSet\\Control\\LSA", 0),
                ],
            )],
            Merge::None,
        );
        let policy = &conversion.policies[0];
        assert!(policy.settings.is_empty());
        assert_eq!(policy.file, None);
        // Two settings of one GPO that give one definition different values are decided in the
        // analysis (Needs review), so convert leaves both out and has no conflict to report.
        assert!(policy.conflicts.is_empty());
        let values: Vec<&str> = policy
            .left_out
            .iter()
            .map(|l| {
                assert_eq!(l.reason, LeftOutReason::NotConvertible);
                assert!(l.detail.contains("different values"), "{}", l.detail);
                l.source.value.as_str()
            })
            .collect();
        assert_eq!(values, vec!["REG_DWORD 1", "REG_DWORD 0"]);
    }

    #[test]
    fn merged_gpos_setting_one_value_two_ways_conflict_and_alike_merge() {
        let gpos = || {
            vec![
                gpo("A", "{A}", vec![no_lm_hash(LSA, 1)]),
                gpo("B", "{B}", vec![no_lm_hash(LSA, 0)]),
            ]
        };
        let merged = run(gpos(), Merge::All);
        let policy = &merged.policies[0];
        assert!(policy.settings.is_empty());
        assert_eq!(policy.conflicts.len(), 1);
        assert_eq!(
            policy.conflicts[0].definition_id.as_deref(),
            Some(NO_LM_HASH)
        );
        assert_eq!(
            policy.conflicts[0]
                .values
                .iter()
                .map(|v| v.gpo)
                .collect::<Vec<_>>(),
            vec![0, 1]
        );
        let separate = run(gpos(), Merge::None);
        assert!(separate.policies.iter().all(|p| p.settings.len() == 1));
    }
}
