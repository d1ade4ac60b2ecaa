//! Building a [`Catalog`] from the source folders (`gpa catalog build`).

use std::path::{Path, PathBuf};

use super::admx::{AdmxCatalog, AdmxDefinitions, discover_template_folders};
use super::ddf::{DdfIndex, read_ddf_dir};
use super::definitions::{DefinitionIndex, read_definitions_dir};
use super::{BuildInfo, Catalog, curated, join};
use crate::input::InputError;

/// The folders a catalog is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogSources {
    /// ADMX template folders, in load order (the first file to define a namespace wins).
    pub admx: Vec<PathBuf>,
    /// Template folders loaded onto those of `admx` ([`AdmxCatalog::load_folders_onto`]): they
    /// add the policies `admx` lacks, and a policy both define keeps `admx`'s definition.
    pub admx_added: Vec<PathBuf>,
    /// DDF v2 folders.
    pub ddf: Vec<PathBuf>,
    /// The settings catalog definitions folder (`{id}.json` files).
    pub definitions: PathBuf,
    /// The curated tables folder.
    pub curated: PathBuf,
    /// Folder names in [`BuildInfo`] and ADMX file paths are written relative to this root.
    pub root: PathBuf,
}

impl CatalogSources {
    /// The sources of the committed catalog, under a corpus root: the Windows 11 25H2 ADMX set,
    /// every template folder of the NSA Secure Host Baseline, the SCT Windows 10 1909 templates;
    /// the 2025-02 DDF; the pl4nty change-tracking definitions; and the crate's curated tables.
    pub fn corpus_defaults(corpus: &Path, curated: &Path) -> CatalogSources {
        let mut admx = vec![corpus.join("admx/mxk-windows-secure-group-policy/PolicyDefinitions")];
        admx.extend(discover_template_folders(
            &corpus.join("admx/nsacyber-windows-secure-host-baseline"),
        ));
        admx.push(corpus.join("gpo-backups/msft-sct-windows10-1909/Templates"));
        CatalogSources {
            admx,
            admx_added: Vec::new(),
            ddf: vec![corpus.join("ddf/pl4nty-windows-ddf-2025-02")],
            definitions: corpus
                .join("settings-catalog/definitions/pl4nty-intune-change-tracking/DCv2/Settings"),
            curated: curated.to_path_buf(),
            root: corpus.to_path_buf(),
        }
    }

    /// A folder as the build info names it: relative to the root when inside it, else its name.
    fn label(&self, path: &Path) -> String {
        let relative = path
            .strip_prefix(&self.root)
            .ok()
            .or_else(|| path.file_name().map(Path::new));
        relative
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// A built catalog and what could not be read on the way (the paths as given).
#[derive(Debug, Clone, Default)]
pub struct CatalogBuild {
    pub catalog: Catalog,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
}

/// Reads every source, joins them and keeps what the matcher, emitter and validator read:
/// no explain texts, no Result or interior DDF nodes, no definition keywords or categories.
pub fn build_catalog(sources: &CatalogSources) -> Result<CatalogBuild, String> {
    let mut load = AdmxCatalog::load_folders(&sources.admx);
    if !sources.admx_added.is_empty() {
        let added =
            AdmxCatalog::load_folders_onto(load.catalog.into_definitions(), &sources.admx_added);
        load.catalog = added.catalog;
        load.errors.extend(added.errors);
        load.warnings.extend(added.warnings);
    }
    let mut errors = load.errors;
    let warnings = load.warnings;
    let mut admx_definitions = load.catalog.into_definitions();
    for file in &mut admx_definitions.files {
        file.path = sources.label(Path::new(&file.path));
        file.adml = file.adml.as_deref().map(|p| sources.label(Path::new(p)));
    }

    let mut nodes = Vec::new();
    for dir in &sources.ddf {
        let (read, errs) = read_ddf_dir(dir);
        nodes.extend(read);
        errors.extend(errs);
    }
    let ddf_nodes_read = nodes.len();
    nodes.retain(|n| n.is_leaf() && !n.is_policy_result());

    let (definitions, errs) = read_definitions_dir(&sources.definitions);
    errors.extend(errs);
    if definitions.is_empty() {
        return Err(format!(
            "{}: no settings catalog definition found",
            sources.definitions.display()
        ));
    }
    let definitions = DefinitionIndex::new(definitions);
    let curated = curated::read_dir(&sources.curated)?;

    let admx = AdmxCatalog::from_definitions(admx_definitions);
    let joined = join::join(&admx, &nodes, &definitions, &curated);

    let admx = AdmxCatalog::from_definitions(without_explain_texts(admx.into_definitions()));
    // Keywords stay only where the join reads them (Policy CSP `/Config/` definitions that are no
    // element child): `--admx` joins templates onto the built catalog at run time by the same
    // routes, and the keyword routes confirm a policy by its key or category path there.
    let keep_keywords: Vec<bool> = definitions
        .definitions()
        .iter()
        .map(|d| join::reads_keywords(d, &definitions))
        .collect();
    let definitions = DefinitionIndex::new(
        Vec::from(definitions)
            .into_iter()
            .zip(keep_keywords)
            .map(|(mut d, keep)| {
                if !keep {
                    d.keywords = Vec::new();
                }
                d.category_id = None;
                d
            })
            .collect(),
    );
    let build = BuildInfo {
        admx_folders: sources
            .admx
            .iter()
            .chain(&sources.admx_added)
            .map(|p| sources.label(p))
            .collect(),
        ddf_folders: sources.ddf.iter().map(|p| sources.label(p)).collect(),
        definitions_folder: sources.label(&sources.definitions),
        curated_folder: sources
            .curated
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        admx_files: admx.files().len(),
        admx_policies: admx.policies().len(),
        ddf_nodes_read,
        ddf_nodes_kept: nodes.len(),
        definitions: definitions.len(),
        curated_rows: curated.len(),
        links: joined.links.len(),
        read_errors: errors.len(),
        read_warnings: warnings.len(),
    };
    let catalog = Catalog::from_parts(
        build,
        admx,
        DdfIndex::new(nodes),
        definitions,
        joined,
        curated,
    );
    Ok(CatalogBuild {
        catalog,
        errors,
        warnings,
    })
}

fn without_explain_texts(mut definitions: AdmxDefinitions) -> AdmxDefinitions {
    for policy in &mut definitions.policies {
        policy.explain_text = None;
    }
    for category in &mut definitions.categories {
        category.explain_text = None;
    }
    definitions
}
