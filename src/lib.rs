//! gpa: offline Group Policy analytics. Reads GPO exports, indexes what MDM can set, matches the
//! two, reports coverage and writes Intune settings catalog policies.

pub mod catalog;
pub mod emit;
pub mod gate;
pub mod input;
pub mod inventory;
pub mod matching;
pub mod model;
pub mod output;
pub mod report;
pub mod run_info;
pub mod safe_text;
