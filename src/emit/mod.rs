//! Output for Intune: settings catalog policy JSON, and [`validate`], which checks such JSON (ours
//! or anyone's) against the catalog before it is uploaded.

pub mod validate;
