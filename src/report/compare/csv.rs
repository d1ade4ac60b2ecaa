//! The CSV report of `gpa compare`: one row per setting per GPO, then one row per setting only
//! Intune sets (Comparison `intuneOnly`, no GPO), so one sheet filters both. The conventions of
//! the analysis CSV: UTF-8 with a byte order mark, CRLF, formulas neutralised.

use crate::matching::compare::Compared;
use crate::model::{Inventory, Scope};

use super::super::csv::excel_safe;
use super::policies_text;

pub const COLUMNS: [&str; 11] = [
    "GPO Name",
    "GPO GUID",
    "Setting Name",
    "Scope",
    "Migration Readiness",
    "Settings Catalog ID",
    "Comparison",
    "GPO Value",
    "Intune Value",
    "Intune Policies",
    "Reason",
];

/// The Comparison cell of a setting only Intune sets.
pub const INTUNE_ONLY: &str = "intuneOnly";

pub fn write(inventory: &Inventory, compared: &Compared) -> Result<Vec<u8>, String> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        let mut record = |fields: [&str; 11]| {
            writer
                .write_record(fields.iter().map(|f| excel_safe(f).into_owned()))
                .map_err(|e| e.to_string())
        };
        for g in &compared.gpos {
            let Some(gpo) = inventory.gpos.get(g.gpo) else {
                continue;
            };
            for s in &g.settings {
                let policies = policies_text(&s.intune_policies);
                record([
                    &gpo.display_name,
                    gpo.guid.as_deref().unwrap_or_default(),
                    &s.name,
                    match s.scope {
                        Scope::Device => "Device",
                        Scope::User => "User",
                    },
                    s.readiness.text(),
                    s.definition_id.as_deref().unwrap_or_default(),
                    s.comparison.text(),
                    &s.gpo_value,
                    &s.intune_value,
                    &policies,
                    &s.reason,
                ])?;
            }
        }
        for only in &compared.intune_only {
            record([
                "",
                "",
                "",
                "",
                "",
                &only.setting_definition_id,
                INTUNE_ONLY,
                "",
                &only.value,
                &only.policy,
                "no GPO sets this definition",
            ])?;
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
