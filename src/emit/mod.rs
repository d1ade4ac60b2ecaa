//! Output for Intune: settings catalog policy JSON written from an analysis ([`convert`], from the
//! instances matching decided), and [`validate`], which checks such JSON (ours or anyone's)
//! against the catalog before it is uploaded.

pub mod convert;
pub mod out_dir;
pub mod validate;
