//! Matching GPO settings to what MDM can set. The first stage, [`admx_state`], turns a GPO's raw
//! registry settings (or, without them, its report's policy names) back into Administrative
//! Templates policies with their state and element values.

pub mod admx_state;
pub mod analyze;
pub mod assemble;
pub mod compare;
pub mod decision;
pub mod deprecation;
pub mod native_values;
mod owners;
pub mod replay;
pub mod report_route;
pub mod security;
pub mod translate;

pub use admx_state::{
    AdmxState, Ambiguity, Decision, ElementValue, ElementValueData, Evidence, ExtraRegistrySetting,
    RecoveredPolicy, Route, UnresolvedReportPolicy, recover_admx_state, recover_admx_state_with,
};
pub use report_route::resolve_report_policy;

#[cfg(test)]
mod tests;
