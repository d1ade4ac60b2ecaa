//! The CSV report: one row per setting per GPO, Intune's column names first, for review in Excel.

use std::collections::BTreeMap;

use crate::matching::analyze::{Analysis, OverlapKind, RowIdentity};
use crate::model::Inventory;

use super::{mdm_support_text, scope_text};

/// Intune's Group Policy analytics columns, then gpa's evidence columns, then the extras.
pub const COLUMNS: [&str; 22] = [
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
    "GPO Source",
    "Damaged Source",
];

/// The report as bytes: UTF-8 with a byte order mark (Excel reads it as UTF-8 only then), CRLF
/// line ends, every field that a spreadsheet would run as a formula neutralised.
pub fn write(inventory: &Inventory, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut overlap_by_identity: BTreeMap<&RowIdentity, String> = BTreeMap::new();
    for o in &analysis.overlaps {
        let kind = match o.kind {
            OverlapKind::Duplicate => "Duplicate",
            OverlapKind::Conflict => "Conflict",
        };
        let names: Vec<&str> = o.gpos.iter().map(|e| e.gpo_name.as_str()).collect();
        overlap_by_identity.insert(&o.identity, format!("{kind}: {}", names.join("; ")));
    }
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for a in &analysis.gpos {
            let Some(gpo) = inventory.gpos.get(a.gpo) else {
                continue;
            };
            for row in &a.rows {
                let match_route = row.match_route.to_string();
                let reason = row.reason();
                let damage = super::damage_of(gpo, &row.source.file).map(|d| d.describe());
                let record: [&str; 22] = [
                    &gpo.display_name,
                    gpo.guid.as_deref().unwrap_or_default(),
                    &row.name,
                    &row.category,
                    scope_text(row),
                    &row.value,
                    mdm_support_text(row.readiness),
                    row.readiness.text(),
                    row.csp_name.as_deref().unwrap_or_default(),
                    row.csp_uri.as_deref().unwrap_or_default(),
                    row.min_os_version.as_deref().unwrap_or_default(),
                    row.definition_id.as_deref().unwrap_or_default(),
                    &match_route,
                    row.confidence.text(),
                    &row.source.file,
                    &row.source.key,
                    &row.source.value_name,
                    &reason,
                    row.setting_type,
                    overlap_by_identity
                        .get(&row.identity)
                        .map_or("", String::as_str),
                    &gpo.origin,
                    damage.as_deref().unwrap_or_default(),
                ];
                writer
                    .write_record(record.iter().map(|f| excel_safe(f).into_owned()))
                    .map_err(|e| e.to_string())?;
            }
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A field a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab or CR first) gets a leading
/// apostrophe, which Excel shows as text and does not display. Plain numbers such as `-1` are
/// left alone: they are values, not formulas.
pub fn excel_safe(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = field
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && field.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::excel_safe;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(excel_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(excel_safe("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(excel_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(excel_safe("-2+3"), "'-2+3");
        assert_eq!(excel_safe("-1"), "-1");
        assert_eq!(excel_safe("Enabled"), "Enabled");
        assert_eq!(excel_safe(""), "");
    }
}
