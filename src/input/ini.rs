//! scripts.ini, psscripts.ini and fdeploy*.ini, formats.md §1.4.

use crate::model::{Scope, Setting};

/// Reads a decoded scripts.ini (`powershell` false) or psscripts.ini (true).
pub fn read_scripts(text: &str, scope: Scope, powershell: bool, file: &str) -> Vec<Setting> {
    let _ = (text, scope, powershell, file);
    Vec::new()
}

/// Reads a decoded fdeploy.ini or fdeploy1.ini (User scope).
pub fn read_folder_redirection(text: &str, file: &str) -> Vec<Setting> {
    let _ = (text, file);
    Vec::new()
}
