//! The settings table: one record per setting per GPO, in the columns the CSV report has. The CSV,
//! the workbook's Settings sheet and the HTML page's CSV export all write these records, so they
//! have the same columns and the same values.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::matching::analyze::{Analysis, MatchedSetting, Overlap, OverlapKind, RowIdentity};
use crate::model::{Gpo, Inventory};

use super::{mdm_support_text, overlap_gpo_label, scope_text};

/// Intune's Group Policy analytics columns, then gpa's evidence columns, then the extras.
pub const COLUMNS: [&str; 23] = [
    "GPO Name",
    "GPO GUID",
    "Setting Name",
    "Category",
    "Scope",
    "Value",
    "MDM Support",
    "Migration Readiness",
    "CSP Name",
    "CSP Mapping",
    "Min OS Version",
    "Settings Catalog ID",
    "Match Route",
    "Confidence",
    "Source File",
    "Source Key",
    "Source Value Name",
    "Reason",
    "Setting Type",
    "Across GPOs",
    "Domain",
    "GPO Source",
    "Damaged Source",
];

/// A column's position in [`COLUMNS`], for writers that treat some columns apart (a coloured
/// readiness, a wrapped reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    GpoName = 0,
    GpoGuid = 1,
    SettingName = 2,
    Category = 3,
    Value = 5,
    MigrationReadiness = 7,
    CspMapping = 9,
    SettingsCatalogId = 11,
    MatchRoute = 12,
    SourceFile = 14,
    SourceKey = 15,
    Reason = 17,
    AcrossGpos = 19,
    Domain = 20,
    GpoSource = 21,
    DamagedSource = 22,
}

impl Column {
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One row of the table: the GPO (its index in the inventory), the analysis row, and the text of
/// each column.
pub struct Record<'a> {
    pub gpo: usize,
    pub row: &'a MatchedSetting,
    pub fields: [Cow<'a, str>; COLUMNS.len()],
}

/// Every record, GPOs in analysis order and each GPO's rows in order.
pub fn records<'a>(inventory: &'a Inventory, analysis: &'a Analysis) -> Vec<Record<'a>> {
    let across = across_gpos(analysis);
    let mut out = Vec::new();
    for a in &analysis.gpos {
        let Some(gpo) = inventory.gpos.get(a.gpo) else {
            continue;
        };
        for row in &a.rows {
            out.push(Record {
                gpo: a.gpo,
                row,
                fields: fields(gpo, row, across.get(&row.identity)),
            });
        }
    }
    out
}

fn fields<'a>(
    gpo: &'a Gpo,
    row: &'a MatchedSetting,
    across: Option<&String>,
) -> [Cow<'a, str>; COLUMNS.len()] {
    let text = |s: &'a str| Cow::Borrowed(s);
    let optional = |s: &'a Option<String>| Cow::Borrowed(s.as_deref().unwrap_or_default());
    [
        text(&gpo.display_name),
        optional(&gpo.guid),
        text(&row.name),
        text(&row.category),
        text(scope_text(row)),
        text(&row.value),
        text(mdm_support_text(row.readiness)),
        text(row.readiness.text()),
        optional(&row.csp_name),
        optional(&row.csp_uri),
        optional(&row.min_os_version),
        optional(&row.definition_id),
        Cow::Owned(row.match_route.to_string()),
        text(row.confidence.text()),
        text(&row.source.file),
        text(&row.source.key),
        text(&row.source.value_name),
        Cow::Owned(row.reason()),
        text(row.setting_type),
        Cow::Owned(across.cloned().unwrap_or_default()),
        optional(&gpo.domain),
        text(&gpo.origin),
        Cow::Owned(
            super::damage_of(gpo, &row.source.file)
                .map(|d| d.describe())
                .unwrap_or_default(),
        ),
    ]
}

/// The Across GPOs text of each identity several GPOs set: `Duplicate: GPO A; GPO B` or
/// `Conflict: …`.
fn across_gpos(analysis: &Analysis) -> BTreeMap<&RowIdentity, String> {
    analysis
        .overlaps
        .iter()
        .map(|o| (&o.identity, across_gpos_text(o)))
        .collect()
}

/// `Duplicate: GPO A; GPO B` or `Conflict: …`, a GPO named with its domain when another of the
/// same name is listed.
pub fn across_gpos_text(overlap: &Overlap) -> String {
    let kind = match overlap.kind {
        OverlapKind::Duplicate => "Duplicate",
        OverlapKind::Conflict => "Conflict",
    };
    let names: Vec<Cow<str>> = overlap
        .gpos
        .iter()
        .map(|e| overlap_gpo_label(overlap, e))
        .collect();
    format!("{kind}: {}", names.join("; "))
}
