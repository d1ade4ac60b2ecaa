//! Intune settings catalog policies written from an analysis.

pub mod convert;
pub mod translate;
