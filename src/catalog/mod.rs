//! The MDM catalog: what ADMX templates write, what the Policy CSP and other CSPs can set, and the
//! Intune settings catalog definitions, joined into one index that the binary embeds.

pub mod admx;
pub mod build;
pub mod curated;
pub mod ddf;
pub mod definitions;
pub mod family;
pub mod instance;
pub mod join;
pub mod lookup;
pub mod overlay;
mod packed;
pub mod snapshot;
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
use packed::{IndexedList, Lookups, Positions};

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
    links: LinkIndex,
    unresolved: Vec<Unresolved>,
    curated: Vec<CuratedLink>,
}

/// The links, with lookups by policy and by definition. In the embedded catalog the links stay
/// packed, each decoded on first use; the lookups are stored beside them.
type LinkIndex = IndexedList<CatalogLink, LinkLookups>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct LinkLookups {
    /// (policy, scope, position in the links), sorted; one policy's links stay in build order.
    by_policy: Vec<(usize, Scope, usize)>,
    /// By lower-case definition id.
    by_definition: Positions,
}

impl Lookups<CatalogLink> for LinkLookups {
    fn build(links: &[CatalogLink]) -> Self {
        let mut by_policy: Vec<(usize, Scope, usize)> = links
            .iter()
            .enumerate()
            .map(|(i, link)| (link.policy, link.scope, i))
            .collect();
        by_policy.sort();
        let by_definition = links
            .iter()
            .enumerate()
            .filter_map(|(i, link)| Some((link.definition_id.as_deref()?.to_lowercase(), i)));
        LinkLookups {
            by_policy,
            by_definition: Positions::new(by_definition),
        }
    }
}

/// The first bytes of a catalog file; the number changes with the layout.
const FILE_MAGIC: &[u8] = b"gpa-catalog 2\n";
const SECTIONS: usize = 10;

/// The small section of a catalog file.
#[derive(Deserialize)]
struct CatalogMeta {
    build: BuildInfo,
    unresolved: Vec<Unresolved>,
    curated: Vec<CuratedLink>,
}

#[derive(Serialize)]
struct CatalogMetaRef<'a> {
    build: &'a BuildInfo,
    unresolved: &'a [Unresolved],
    curated: &'a [CuratedLink],
}

/// An LZ4 block (size-prepended) of MessagePack with named fields.
fn encode_section<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let raw = rmp_serde::to_vec_named(value).map_err(|e| e.to_string())?;
    Ok(lz4_flex::compress_prepend_size(&raw))
}

fn decode_section<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let raw = packed::decompress(bytes)?;
    rmp_serde::from_slice(&raw).map_err(|e| format!("malformed section: {e}"))
}

/// The sections of a catalog file, in file order (see [`Catalog::to_bytes`]).
struct Sections<B> {
    meta: B,
    admx_head: B,
    admx_lookups: B,
    admx_policies: B,
    ddf_lookups: B,
    ddf: B,
    definition_lookups: B,
    definitions: B,
    link_lookups: B,
    links: B,
}

impl<'a> Sections<&'a [u8]> {
    /// The sections of a catalog file, after its magic line.
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let rest = bytes
            .strip_prefix(FILE_MAGIC)
            .ok_or("not a gpa catalog file of this version (bad magic)")?;
        let sections = split_sections(rest)?;
        let found = sections.len();
        let Ok(
            [
                meta,
                admx_head,
                admx_lookups,
                admx_policies,
                ddf_lookups,
                ddf,
                definition_lookups,
                definitions,
                link_lookups,
                links,
            ],
        ) = <[&[u8]; SECTIONS]>::try_from(sections)
        else {
            return Err(format!("expected {SECTIONS} sections, found {found}"));
        };
        Ok(Sections {
            meta,
            admx_head,
            admx_lookups,
            admx_policies,
            ddf_lookups,
            ddf,
            definition_lookups,
            definitions,
            link_lookups,
            links,
        })
    }
}

impl Sections<Vec<u8>> {
    /// The magic line, then each section as a little-endian u32 length and its bytes.
    fn write(self) -> Result<Vec<u8>, String> {
        let mut out = FILE_MAGIC.to_vec();
        let sections = [
            self.meta,
            self.admx_head,
            self.admx_lookups,
            self.admx_policies,
            self.ddf_lookups,
            self.ddf,
            self.definition_lookups,
            self.definitions,
            self.link_lookups,
            self.links,
        ];
        for section in sections {
            let len = u32::try_from(section.len()).map_err(|_| "section over 4 GiB")?;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&section);
        }
        Ok(out)
    }
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
    /// Lower-cased curated key → positions in `curated`.
    curated_by_key: BTreeMap<CuratedKey, Vec<usize>>,
}

static EMBEDDED: OnceLock<Result<Catalog, String>> = OnceLock::new();
static EMBEDDED_BYTES: &[u8] = include_bytes!("../../admx-catalog/catalog.bin");

impl Catalog {
    /// The catalog committed in `admx-catalog/` and compiled into the binary, read once.
    pub fn embedded() -> Result<&'static Catalog, String> {
        EMBEDDED
            .get_or_init(|| Catalog::from_embedded(EMBEDDED_BYTES))
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
        // Through the input size limit and regular-file check: a catalog folder can be anyone's.
        let bytes = crate::input::fs_read::read_file(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Catalog::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Decodes a catalog file (see [`Catalog::to_bytes`]), every entry of it: a damaged file is
    /// an error here, not a missing entry later. The lookups are rebuilt from the entries.
    pub fn from_bytes(bytes: &[u8]) -> Result<Catalog, String> {
        let s = Sections::read(bytes)?;
        let ((meta, admx), (ddf, (definitions, links))) = rayon::join(
            || {
                rayon::join(
                    || decode_section::<CatalogMeta>(s.meta),
                    || AdmxCatalog::decode(s.admx_head, s.admx_policies),
                )
            },
            || {
                rayon::join(
                    || DdfIndex::decode(s.ddf),
                    || {
                        rayon::join(
                            || DefinitionIndex::decode(s.definitions),
                            || LinkIndex::decode(s.links),
                        )
                    },
                )
            },
        );
        Ok(Catalog::from_meta(meta?, admx?, ddf?, definitions?, links?))
    }

    /// Reads the embedded catalog file: the small sections and the stored lookups. Policies,
    /// nodes, definitions and links stay packed until a lookup first reads one.
    fn from_embedded(bytes: &'static [u8]) -> Result<Catalog, String> {
        let s = Sections::read(bytes)?;
        Ok(Catalog::from_meta(
            decode_section(s.meta)?,
            AdmxCatalog::packed(s.admx_head, s.admx_lookups, s.admx_policies)?,
            DdfIndex::packed(s.ddf_lookups, s.ddf)?,
            DefinitionIndex::packed(s.definition_lookups, s.definitions)?,
            LinkIndex::packed(s.link_lookups, s.links)?,
        ))
    }

    fn from_meta(
        meta: CatalogMeta,
        admx: AdmxCatalog,
        ddf: DdfIndex,
        definitions: DefinitionIndex,
        links: LinkIndex,
    ) -> Catalog {
        Catalog::from_data(CatalogData {
            build: meta.build,
            admx,
            ddf,
            definitions,
            links,
            unresolved: meta.unresolved,
            curated: meta.curated,
        })
    }

    /// Encodes the catalog: a magic line, then ten sections, each a little-endian u32 length and
    /// its bytes: curated rows, build info and what stayed unresolved; the ADMX files and
    /// categories; then, for the ADMX policies, DDF nodes, definitions and links, their lookups
    /// and the list packed (see [`packed`]). Packed lists decode on every core, and the embedded
    /// catalog leaves them packed until used. The other sections are an LZ4 block
    /// (size-prepended) of MessagePack with named fields, which keep the readers' tagged enums
    /// and skipped fields readable.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let d = &self.data;
        let meta = CatalogMetaRef {
            build: &d.build,
            unresolved: &d.unresolved,
            curated: &d.curated,
        };
        let [admx_head, admx_lookups, admx_policies] = d.admx.to_sections()?;
        let [ddf_lookups, ddf] = d.ddf.to_sections()?;
        let [definition_lookups, definitions] = d.definitions.to_sections()?;
        let [link_lookups, links] = d.links.to_sections()?;
        Sections {
            meta: encode_section(&meta)?,
            admx_head,
            admx_lookups,
            admx_policies,
            ddf_lookups,
            ddf,
            definition_lookups,
            definitions,
            link_lookups,
            links,
        }
        .write()
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
            links: LinkIndex::new(join.links),
            unresolved: join.unresolved,
            curated,
        })
    }

    fn from_data(data: CatalogData) -> Catalog {
        let mut curated_by_key: BTreeMap<CuratedKey, Vec<usize>> = BTreeMap::new();
        for (i, row) in data.curated.iter().enumerate() {
            curated_by_key
                .entry(lower_key(&row.key))
                .or_default()
                .push(i);
        }
        Catalog {
            data,
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
        self.data.links.items.all()
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
        let by_policy = &self.data.links.lookups.by_policy;
        let start = by_policy.partition_point(|&(p, s, _)| (p, s) < (policy, scope));
        let mut links: Vec<&CatalogLink> = by_policy
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&(p, s, _)| (p, s) == (policy, scope))
            .filter_map(|&(_, _, i)| self.data.links.items.get(i))
            .collect();
        links.sort_by_key(|l| !l.has_route(join::Route::Curated));
        links
    }

    /// The links whose definition is this id (ignoring case).
    pub fn links_to_definition(&self, id: &str) -> Vec<&CatalogLink> {
        let id = id.to_lowercase();
        self.data
            .links
            .lookups
            .by_definition
            .candidates(&id)
            .filter_map(|i| self.data.links.items.get(i))
            .filter(|l| {
                l.definition_id
                    .as_deref()
                    .is_some_and(|d| d.to_lowercase() == id)
            })
            .collect()
    }

    /// The links to a CSP node (URI compared ignoring case).
    pub fn links_to_uri(&self, uri: &str) -> Vec<&CatalogLink> {
        self.links()
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
    csp_path(uri)?.split('/').next().filter(|s| !s.is_empty())
}

/// The part of a URI after `Vendor/MSFT/` (`Firewall/MdmStore/PrivateProfile/EnableFirewall`).
pub fn csp_path(uri: &str) -> Option<&str> {
    let at = uri.to_ascii_lowercase().find("vendor/msft/")? + "vendor/msft/".len();
    uri.get(at..)
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

    /// The embedded catalog leaves its entries packed and reads its lookups from the file; a full
    /// decode of the same file rebuilds the lookups from the entries. Every lookup of every entry must
    /// answer the same in both, and every packed entry must decode on its own.
    #[test]
    fn embedded_catalog_answers_as_its_full_decode() {
        let (Ok(lazy), Ok(full)) = (
            Catalog::from_embedded(EMBEDDED_BYTES),
            Catalog::from_bytes(EMBEDDED_BYTES),
        ) else {
            panic!("the embedded catalog does not read");
        };
        let (lazy, full) = (&lazy, &full);
        let (la, fa) = (lazy.admx(), full.admx());
        let mut named: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in fa.policies().iter().enumerate() {
            named
                .entry(p.name.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        for (i, p) in fa.policies().iter().enumerate() {
            assert_eq!(la.policy(i), Some(p));
            assert_eq!(
                la.policy_index(&p.file_base, &p.name),
                fa.policy_index(&p.file_base, &p.name)
            );
            assert_eq!(
                la.policies_named(&p.name),
                named[&p.name.to_ascii_lowercase()]
            );
            for &scope in p.class.scopes() {
                let path = p.category_display_path();
                assert_eq!(
                    la.policies_by_display(scope, &path, &p.display_name),
                    fa.policies_by_display(scope, &path, &p.display_name)
                );
                let value = p.value_name.as_deref().unwrap_or_default();
                assert_eq!(
                    la.registry_claims(scope, &p.key, value),
                    fa.registry_claims(scope, &p.key, value)
                );
                assert_eq!(la.key_claims(scope, &p.key), fa.key_claims(scope, &p.key));
                assert_eq!(lazy.links_for(i, scope), full.links_for(i, scope));
            }
        }
        for def in full.definitions().definitions() {
            assert_eq!(lazy.definition(&def.id), Some(def));
            let uri = def.uri();
            assert_eq!(
                lazy.definitions().all_by_uri(&uri),
                full.definitions().all_by_uri(&uri)
            );
            assert_eq!(
                lazy.links_to_definition(&def.id),
                full.links_to_definition(&def.id)
            );
        }
        for node in full.ddf().nodes() {
            assert_eq!(lazy.csp_node(&node.uri), full.csp_node(&node.uri));
            if let Some(b) = &node.admx_backed {
                assert_eq!(
                    lazy.ddf().by_admx(&b.file, &b.name),
                    full.ddf().by_admx(&b.file, &b.name)
                );
            }
            for gp in &node.gp_mappings {
                let name = &gp.english_name;
                assert_eq!(lazy.ddf().by_gp_name(name), full.ddf().by_gp_name(name));
            }
        }
        assert_eq!(lazy.links(), full.links());
        assert_eq!(lazy.admx().policies(), full.admx().policies());
        assert_eq!(lazy.definitions(), full.definitions());
        assert_eq!(lazy.ddf(), full.ddf());
    }

    #[test]
    fn a_truncated_or_foreign_catalog_is_an_error_not_a_panic() {
        assert!(Catalog::from_bytes(b"").is_err());
        assert!(Catalog::from_bytes(b"{\"build\":{}}").is_err());
        assert!(Catalog::from_bytes(b"gpa-catalog 2\n\xff\xff\xff\xff").is_err());
        let bytes = Catalog::default().to_bytes().unwrap_or_default();
        assert!(Catalog::from_bytes(&bytes).is_ok());
        if let Some(cut) = bytes.get(..bytes.len() / 2) {
            assert!(Catalog::from_bytes(cut).is_err());
        }
    }
}
