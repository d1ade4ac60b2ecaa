//! Output for Intune: settings catalog policy JSON written from an analysis ([`convert`], with
//! [`translate`] for the values), and [`validate`], which checks such JSON (ours or anyone's)
//! against the catalog before it is uploaded.

pub mod convert;
pub mod translate;
pub mod validate;
