//! The MDM catalog: what ADMX templates write, what the Policy CSP and other CSPs can set, and the
//! Intune settings catalog definitions, joined into one index that the binary embeds.

pub mod admx;
pub mod build;
pub mod curated;
pub mod ddf;
pub mod definitions;
pub mod join;
pub mod lookup;
pub mod stats;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::model::Scope;
use admx::{AdmxCatalog, RegistryClaim};
use curated::{CuratedKey, CuratedLink};
use ddf::{DdfIndex, DdfNode};
use definitions::{DefinitionIndex, SettingDefinition};
use join::{CatalogLink, Unresolved};

pub use build::{CatalogSources, build_catalog};

/// The file of a catalog build inside its folder (`admx-catalog/`).
pub const CATALOG_FILE: &str = "catalog.bin";
/// The human-readable summary written beside it.
pub const BUILD_INFO_FILE: &str = "build-info.json";

/// What a catalog was built from, and how much of each it holds. Folder names are relative to the
/// corpus root; no absolute path and no time, so a rebuild is byte for byte the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    pub admx_folders: Vec<String>,
    pub ddf_folders: Vec<String>,
    pub definitions_folder: String,
    pub curated_folder: String,
    pub admx_files: usize,
    pub admx_policies: usize,
    /// DDF nodes read, and those kept (settable leaves: no `…/Policy/Result/…`, no interior node).
    pub ddf_nodes_read: usize,
    pub ddf_nodes_kept: usize,
    pub definitions: usize,
    pub curated_rows: usize,
    pub links: usize,
    /// Files that could not be read, and files read with something skipped.
    pub read_errors: usize,
    pub read_warnings: usize,
}

/// Everything the catalog holds.
#[derive(Debug, Clone, Default)]
struct CatalogData {
    build: BuildInfo,
    admx: AdmxCatalog,
    ddf: DdfIndex,
    definitions: DefinitionIndex,
    links: Vec<CatalogLink>,
    unresolved: Vec<Unresolved>,
    curated: Vec<CuratedLink>,
}

/// The first bytes of a catalog file; the number changes with the layout.
const FILE_MAGIC: &[u8] = b"gpa-catalog 1\n";
const SECTIONS: usize = 5;

/// The small section of a catalog file.
#[derive(Deserialize)]
struct CatalogMeta {
    build: BuildInfo,
    links: Vec<CatalogLink>,
    unresolved: Vec<Unresolved>,
    curated: Vec<CuratedLink>,
}

#[derive(Serialize)]
struct CatalogMetaRef<'a> {
    build: &'a BuildInfo,
    links: &'a [CatalogLink],
    unresolved: &'a [Unresolved],
    curated: &'a [CuratedLink],
}

fn encode_section<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let raw = rmp_serde::to_vec_named(value).map_err(|e| e.to_string())?;
    Ok(lz4_flex::compress_prepend_size(&raw))
}

fn decode_section<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    // LZ4 expands at most ~255 times: a larger prepended size is corruption, and trusting it
    // would allocate up to 4 GiB before failing.
    let (size, block) = bytes
        .split_first_chunk::<4>()
        .ok_or("truncated LZ4 section")?;
    let size = u32::from_le_bytes(*size) as usize;
    if size > block.len().saturating_mul(255).saturating_add(64) {
        return Err(format!(
            "corrupt LZ4 section: {size} bytes claimed from {}",
            block.len()
        ));
    }
    let raw = lz4_flex::decompress_size_prepended(bytes)
        .map_err(|e| format!("corrupt LZ4 section: {e}"))?;
    rmp_serde::from_slice(&raw).map_err(|e| format!("malformed section: {e}"))
}

/// Splits `len (u32 LE) + bytes` sections; an overlong length is an error, not a panic.
fn split_sections(mut rest: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut sections = Vec::new();
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or("truncated section length")?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > tail.len() {
            return Err(format!("section of {len} bytes, only {} left", tail.len()));
        }
        let (section, tail) = tail.split_at(len);
        sections.push(section);
        rest = tail;
    }
    Ok(sections)
}

/// The joined catalog with the lookups the matcher needs.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    data: CatalogData,
    /// (policy, scope) → positions in `links`.
    links_by_policy: BTreeMap<(usize, Scope), Vec<usize>>,
    /// Lower-case definition id → positions in `links`.
    links_by_definition: BTreeMap<String, Vec<usize>>,
    /// Lower-cased curated key → positions in `curated`.
    curated_by_key: BTreeMap<CuratedKey, Vec<usize>>,
}

static EMBEDDED: OnceLock<Result<Catalog, String>> = OnceLock::new();
static EMBEDDED_BYTES: &[u8] = include_bytes!("../../admx-catalog/catalog.bin");

impl Catalog {
    /// The catalog committed in `admx-catalog/` and compiled into the binary, read once.
    pub fn embedded() -> Result<&'static Catalog, String> {
        EMBEDDED
            .get_or_init(|| Catalog::from_bytes(EMBEDDED_BYTES))
            .as_ref()
            .map_err(|e| format!("embedded catalog: {e}"))
    }

    /// The embedded catalog file as committed (for benchmarks and size reports).
    pub fn embedded_bytes() -> &'static [u8] {
        EMBEDDED_BYTES
    }

    /// Reads a catalog build from a folder written by `gpa catalog build`.
    pub fn load_dir(dir: &Path) -> Result<Catalog, String> {
        let path = dir.join(CATALOG_FILE);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Catalog::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Decodes a catalog file (see [`Catalog::to_bytes`]). The sections decode in parallel.
    pub fn from_bytes(bytes: &[u8]) -> Result<Catalog, String> {
        let rest = bytes
            .strip_prefix(FILE_MAGIC)
            .ok_or("not a gpa catalog file (bad magic)")?;
        let sections = split_sections(rest)?;
        let [meta, admx, ddf, defs_a, defs_b] = sections.as_slice() else {
            return Err(format!(
                "expected {SECTIONS} sections, found {}",
                sections.len()
            ));
        };
        let ((meta, admx), (ddf, (defs_a, defs_b))) = rayon::join(
            || {
                rayon::join(
                    || decode_section::<CatalogMeta>(meta),
                    || decode_section::<AdmxCatalog>(admx),
                )
            },
            || {
                rayon::join(
                    || decode_section::<DdfIndex>(ddf),
                    || {
                        rayon::join(
                            || decode_section::<Vec<SettingDefinition>>(defs_a),
                            || decode_section::<Vec<SettingDefinition>>(defs_b),
                        )
                    },
                )
            },
        );
        let meta = meta?;
        let mut definitions = defs_a?;
        definitions.extend(defs_b?);
        Ok(Catalog::from_data(CatalogData {
            build: meta.build,
            admx: admx?,
            ddf: ddf?,
            definitions: DefinitionIndex::new(definitions),
            links: meta.links,
            unresolved: meta.unresolved,
            curated: meta.curated,
        }))
    }

    /// Encodes the catalog: a magic line, then five sections (links, curated rows and build info;
    /// ADMX; DDF; the definitions in two halves), each a little-endian u32 length and an LZ4 block
    /// (size-prepended) of MessagePack with named fields. Sections let a load decode on every
    /// core; named fields keep the readers' tagged enums and skipped fields readable.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let d = &self.data;
        let meta = CatalogMetaRef {
            build: &d.build,
            links: &d.links,
            unresolved: &d.unresolved,
            curated: &d.curated,
        };
        let defs = d.definitions.definitions();
        let (defs_a, defs_b) = defs.split_at(defs.len() / 2);
        let sections = [
            encode_section(&meta)?,
            encode_section(&d.admx)?,
            encode_section(&d.ddf)?,
            encode_section(defs_a)?,
            encode_section(defs_b)?,
        ];
        let mut out = FILE_MAGIC.to_vec();
        for section in sections {
            let len = u32::try_from(section.len()).map_err(|_| "section over 4 GiB")?;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&section);
        }
        Ok(out)
    }

    /// Writes the catalog file and the build summary into `dir` (created when missing).
    pub fn write_dir(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(CATALOG_FILE);
        std::fs::write(&path, self.to_bytes()?).map_err(|e| format!("{}: {e}", path.display()))?;
        let path = dir.join(BUILD_INFO_FILE);
        let mut info = serde_json::to_string_pretty(&self.data.build).map_err(|e| e.to_string())?;
        info.push('\n');
        std::fs::write(&path, info).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn from_parts(
        build: BuildInfo,
        admx: AdmxCatalog,
        ddf: DdfIndex,
        definitions: DefinitionIndex,
        join: join::JoinResult,
        curated: Vec<CuratedLink>,
    ) -> Catalog {
        Catalog::from_data(CatalogData {
            build,
            admx,
            ddf,
            definitions,
            links: join.links,
            unresolved: join.unresolved,
            curated,
        })
    }

    fn from_data(data: CatalogData) -> Catalog {
        let mut links_by_policy: BTreeMap<(usize, Scope), Vec<usize>> = BTreeMap::new();
        let mut links_by_definition: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, link) in data.links.iter().enumerate() {
            links_by_policy
                .entry((link.policy, link.scope))
                .or_default()
                .push(i);
            if let Some(id) = &link.definition_id {
                links_by_definition
                    .entry(id.to_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        let mut curated_by_key: BTreeMap<CuratedKey, Vec<usize>> = BTreeMap::new();
        for (i, row) in data.curated.iter().enumerate() {
            curated_by_key
                .entry(lower_key(&row.key))
                .or_default()
                .push(i);
        }
        Catalog {
            data,
            links_by_policy,
            links_by_definition,
            curated_by_key,
        }
    }

    pub fn build_info(&self) -> &BuildInfo {
        &self.data.build
    }

    pub fn admx(&self) -> &AdmxCatalog {
        &self.data.admx
    }

    pub fn ddf(&self) -> &DdfIndex {
        &self.data.ddf
    }

    pub fn definitions(&self) -> &DefinitionIndex {
        &self.data.definitions
    }

    pub fn links(&self) -> &[CatalogLink] {
        &self.data.links
    }

    /// What a route could not resolve when the catalog was built.
    pub fn unresolved(&self) -> &[Unresolved] {
        &self.data.unresolved
    }

    pub fn curated(&self) -> &[CuratedLink] {
        &self.data.curated
    }

    /// The ADMX policies (with the part of each) that write this registry value in this scope
    /// (see [`AdmxCatalog::registry_claims`]).
    pub fn registry_claims(&self, scope: Scope, key: &str, value_name: &str) -> Vec<RegistryClaim> {
        self.data.admx.registry_claims(scope, key, value_name)
    }

    /// The links of an ADMX policy in a scope: curated links first (they correct known DDF
    /// errors), then in build order.
    pub fn links_for(&self, policy: usize, scope: Scope) -> Vec<&CatalogLink> {
        let mut links: Vec<&CatalogLink> = self
            .links_by_policy
            .get(&(policy, scope))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.data.links.get(i))
            .collect();
        links.sort_by_key(|l| !l.has_route(join::Route::Curated));
        links
    }

    /// The links whose definition is this id (ignoring case).
    pub fn links_to_definition(&self, id: &str) -> Vec<&CatalogLink> {
        self.links_by_definition
            .get(&id.to_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.data.links.get(i))
            .collect()
    }

    /// The links to a CSP node (URI compared ignoring case).
    pub fn links_to_uri(&self, uri: &str) -> Vec<&CatalogLink> {
        self.data
            .links
            .iter()
            .filter(|l| l.csp_uri.eq_ignore_ascii_case(uri))
            .collect()
    }

    pub fn definition(&self, id: &str) -> Option<&SettingDefinition> {
        self.data.definitions.get(id)
    }

    /// The definition of a CSP URI (see [`DefinitionIndex::by_uri`]).
    pub fn definition_for_uri(&self, uri: &str, scope: Scope) -> Option<&SettingDefinition> {
        self.data.definitions.by_uri(uri, scope)
    }

    /// The settable DDF node with this URI (see [`DdfIndex::get`]).
    pub fn csp_node(&self, uri: &str) -> Option<&DdfNode> {
        self.data.ddf.get(uri)
    }

    /// The curated rows for a key; registry keys, names and GUIDs compare ignoring case.
    pub fn curated_for(&self, key: &CuratedKey) -> Vec<&CuratedLink> {
        self.curated_by_key
            .get(&lower_key(key))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.data.curated.get(i))
            .collect()
    }
}

/// The CSP a URI belongs to: the segment after `Vendor/MSFT/` (`Policy`, `BitLocker`, `Firewall`).
pub fn csp_name(uri: &str) -> Option<&str> {
    let lower = uri.to_ascii_lowercase();
    let at = lower.find("vendor/msft/")? + "vendor/msft/".len();
    uri.get(at..)?.split('/').next().filter(|s| !s.is_empty())
}

fn lower_key(key: &CuratedKey) -> CuratedKey {
    match key {
        CuratedKey::Registry { key, value_name } => CuratedKey::Registry {
            key: key.to_lowercase(),
            value_name: value_name.to_lowercase(),
        },
        CuratedKey::SecurityTemplate { section, name } => CuratedKey::SecurityTemplate {
            section: section.to_lowercase(),
            name: name.to_lowercase(),
        },
        CuratedKey::Privilege { constant } => CuratedKey::Privilege {
            constant: constant.to_lowercase(),
        },
        CuratedKey::AuditSubcategory { guid } => CuratedKey::AuditSubcategory {
            guid: guid.to_lowercase(),
        },
        CuratedKey::Service { name } => CuratedKey::Service {
            name: name.to_lowercase(),
        },
        CuratedKey::Unkeyed => CuratedKey::Unkeyed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_name_is_the_segment_after_vendor_msft() {
        assert_eq!(
            csp_name("./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections"),
            Some("Policy")
        );
        assert_eq!(
            csp_name("./Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall"),
            Some("Firewall")
        );
        assert_eq!(csp_name("./Device/Vendor/MSFT/"), None);
        assert_eq!(csp_name("HKLM\\Software"), None);
    }

    #[test]
    fn curated_keys_compare_ignoring_case() {
        let a = CuratedKey::Registry {
            key: "SOFTWARE\\Policies\\Microsoft\\FVE".into(),
            value_name: "EncryptionMethodWithXtsOs".into(),
        };
        let b = CuratedKey::Registry {
            key: "Software\\policies\\microsoft\\fve".into(),
            value_name: "encryptionmethodwithxtsos".into(),
        };
        assert_eq!(lower_key(&a), lower_key(&b));
    }

    #[test]
    fn a_truncated_or_foreign_catalog_is_an_error_not_a_panic() {
        assert!(Catalog::from_bytes(b"").is_err());
        assert!(Catalog::from_bytes(b"{\"build\":{}}").is_err());
        assert!(Catalog::from_bytes(b"gpa-catalog 1\n\xff\xff\xff\xff").is_err());
        let bytes = Catalog::default().to_bytes().unwrap_or_default();
        assert!(Catalog::from_bytes(&bytes).is_ok());
        if let Some(cut) = bytes.get(..bytes.len() / 2) {
            assert!(Catalog::from_bytes(cut).is_err());
        }
    }
}
