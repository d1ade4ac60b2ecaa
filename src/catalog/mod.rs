//! The MDM catalog: what ADMX templates write, what the Policy CSP and other CSPs can set, and the
//! Intune settings catalog definitions, joined into one index that the binary embeds.

pub mod admx;
pub mod curated;
pub mod ddf;
pub mod definitions;
