//! `--admx DIR`: ADMX templates read at run time and joined onto a built catalog, so that an
//! organisation's central store, a vendor's template or a newer revision of one is recognised
//! without rebuilding the catalog.
//!
//! The templates load onto the catalog's own ADMX definitions
//! ([`AdmxCatalog::load_folders_onto`]): the catalog's files, categories and policies stand, and
//! the templates add the policies and categories it lacks (a policy is the same when its ADMX
//! namespace or file name, and its name, are). The whole ADMX side is then joined again with the
//! catalog's DDF nodes, setting definitions and curated rows by the rules of the build
//! ([`join::join`]); the links of the catalog's own policies are kept as built, and the links of
//! the added policies are added. So a policy of a template the catalog lacks gets the settings
//! catalog definition the build would have given it (an ingested Chrome or Office definition, an
//! `ADMX_` Policy CSP node), and a policy no node names is still known, which makes its registry
//! values an ADMX-ingestion case (Custom OMA-URI) instead of an unknown extra registry value.

use std::path::{Path, PathBuf};

use super::admx::{AdmxCatalog, discover_template_folders};
use super::{Catalog, CatalogData, LinkIndex, join};
use crate::input::InputError;

/// A catalog with templates joined onto it, and what happened on the way.
#[derive(Debug, Clone, Default)]
pub struct AdmxOverlay {
    pub catalog: Catalog,
    /// Template folders read (each `--admx` folder, or the folders under it holding templates).
    pub folders: Vec<PathBuf>,
    /// Files or folders that could not be read (the rest still loaded).
    pub errors: Vec<InputError>,
    /// Files that loaded with something skipped, or that revise a template the catalog has.
    pub warnings: Vec<InputError>,
    /// ADMX files loaded from the folders.
    pub files: usize,
    /// Policies of those files the catalog lacked.
    pub policies_added: usize,
    /// Links of those policies to a CSP node (with a settings catalog definition, or not).
    pub links_added: usize,
    pub links_with_definition: usize,
}

impl AdmxOverlay {
    /// One line for stderr: what the templates added.
    pub fn summary(&self) -> String {
        format!(
            "--admx: {} template file{} in {} folder{}: {} polic{} the catalog lacked, {} linked \
             to a settings catalog definition, {} to a CSP node only",
            self.files,
            plural(self.files, "", "s"),
            self.folders.len(),
            plural(self.folders.len(), "", "s"),
            self.policies_added,
            plural(self.policies_added, "y", "ies"),
            self.links_with_definition,
            self.links_added - self.links_with_definition,
        )
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The folders of templates under each path given: the path itself when it holds `*.admx`, else
/// every folder below it that does (a root of several vendors' template folders).
pub fn template_folders(dirs: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut folders = Vec::new();
    let mut errors = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            errors.push(InputError::new(dir, "not a folder of ADMX templates"));
            continue;
        }
        let found = discover_template_folders(dir);
        if found.is_empty() {
            errors.push(InputError::new(dir, "no .admx file in it or below it"));
        }
        folders.extend(found);
    }
    (folders, errors)
}

/// Joins the templates under `dirs` onto `base` (see the module documentation).
pub fn overlay_admx(base: &Catalog, dirs: &[PathBuf]) -> AdmxOverlay {
    let (folders, mut errors) = template_folders(dirs);
    let base_files = base.admx().files().len();
    let base_policies = base.admx().policies().len();
    let load = AdmxCatalog::load_folders_onto(base.admx().definitions().clone(), &folders);
    errors.extend(load.errors);
    let admx = load.catalog;
    let joined = join::join(
        &admx,
        base.ddf().nodes(),
        base.definitions(),
        base.curated(),
    );
    let added: Vec<join::CatalogLink> = joined
        .links
        .into_iter()
        .filter(|l| l.policy >= base_policies)
        .collect();
    let links_added = added.len();
    let links_with_definition = added.iter().filter(|l| l.definition_id.is_some()).count();
    let mut links = base.links().to_vec();
    links.extend(added);

    let mut build = base.build_info().clone();
    build.admx_folders.extend(folders.iter().map(|f| label(f)));
    build.admx_files = admx.files().len();
    build.admx_policies = admx.policies().len();
    build.links = links.len();
    let files = admx.files().len() - base_files;
    let policies_added = admx.policies().len() - base_policies;
    let catalog = Catalog::from_data(CatalogData {
        build,
        admx,
        ddf: base.data.ddf.clone(),
        definitions: base.data.definitions.clone(),
        links: LinkIndex::new(links),
        // What the build could not resolve stays as built: the join of the added templates
        // resolves what it can through the links above.
        unresolved: base.data.unresolved.clone(),
        curated: base.data.curated.clone(),
    });
    AdmxOverlay {
        catalog,
        folders,
        errors,
        warnings: load.warnings,
        files,
        policies_added,
        links_added,
        links_with_definition,
    }
}

fn label(path: &Path) -> String {
    path.display().to_string()
}
