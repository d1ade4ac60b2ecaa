//! The CSV report: one row per setting per GPO, Intune's column names first, for review in Excel.

pub use super::settings_table::COLUMNS;
use crate::matching::analyze::Analysis;
use crate::model::Inventory;

/// The report as bytes: UTF-8 with a byte order mark (Excel reads it as UTF-8 only then), CRLF
/// line ends, every field that a spreadsheet would run as a formula neutralised.
pub fn write(inventory: &Inventory, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for record in super::settings_table::records(inventory, analysis) {
            writer
                .write_record(record.fields.iter().map(|f| excel_safe(f).into_owned()))
                .map_err(|e| e.to_string())?;
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
