//! Reading PolicyDefinitions-like folders and resolving names and references across files.
//!
//! Strings and presentations resolve in each file's own ADML; categories and supportedOn
//! definitions resolve globally by (namespace, name), because a policy's parent category and
//! support text usually live in another file (`windows:Network` is in Windows.admx).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::parse::{AdmlDocument, AdmxDocument, parse_adml, parse_admx, reference_id};
use super::{AdmxCatalog, AdmxDefinitions, AdmxFile, ElementKind};
use crate::input::InputError;
use crate::input::text::decode;

/// The preferred ADML culture; any case of it matches a folder name.
const PREFERRED_CULTURE: &str = "en-US";

/// How deep [`discover_template_folders`] descends; PolicyDefinitions trees are shallow.
const MAX_DISCOVERY_DEPTH: usize = 12;

/// A loaded catalog and what went wrong on the way.
#[derive(Debug, Clone, Default)]
pub struct AdmxLoad {
    pub catalog: AdmxCatalog,
    /// Files that could not be read at all (the other files still loaded).
    pub errors: Vec<InputError>,
    /// Files that loaded with something skipped or unresolved.
    pub warnings: Vec<InputError>,
}

/// One ADMX file and its ADML given as text, for callers that do not read from folders.
#[derive(Debug, Clone, Copy)]
pub struct AdmxSource<'a> {
    /// The file name without `.admx` (`WCM`).
    pub file_base: &'a str,
    /// What the file is called in messages and in [`AdmxFile::path`].
    pub path: &'a str,
    pub admx: &'a str,
    pub adml: Option<&'a str>,
}

/// A file parsed, waiting for cross-file resolution.
struct ParsedFile {
    base: String,
    path: String,
    admx: AdmxDocument,
    adml_path: Option<String>,
    adml: Option<AdmlDocument>,
}

impl AdmxCatalog {
    /// Loads every `*.admx` directly inside each folder (in the order given, files by name), each
    /// with its ADML: from a culture folder named `en-US` in any case, else the file's
    /// `fallbackCulture` folder, else beside the ADMX, else any other culture folder (by name).
    pub fn load_folders<P: AsRef<Path>>(folders: &[P]) -> AdmxLoad {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for folder in folders {
            read_folder(folder.as_ref(), &mut parsed, &mut errors, &mut warnings);
        }
        build(parsed, errors, warnings)
    }

    /// Loads the folders as [`AdmxCatalog::load_folders`] does, onto the definitions of a catalog
    /// already built (the embedded one, or the default templates of a build). The base stands:
    /// its files, categories and policies keep their positions and content, and a template of
    /// the folders adds only what it lacks:
    /// * a file whose target namespace is new adds its categories and policies (less any policy
    ///   whose file name and policy name the base already has);
    /// * a file whose namespace the base already defines (a newer or older revision of one of its
    ///   templates: an organisation's chrome.admx beside the embedded one) adds the categories
    ///   and policies of that namespace the base lacks, by name; a policy the base has keeps the
    ///   base's definition, and so its links;
    /// * a second file of the folders with a namespace another file of the folders defined is
    ///   skipped, as GPMC does.
    ///
    /// References of the added files resolve against the base's categories too (an added
    /// policy's `windows:WindowsComponents` parent is the base's).
    pub fn load_folders_onto<P: AsRef<Path>>(base: AdmxDefinitions, folders: &[P]) -> AdmxLoad {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for folder in folders {
            read_folder(folder.as_ref(), &mut parsed, &mut errors, &mut warnings);
        }
        build_onto(base, parsed, errors, warnings)
    }

    /// Builds a catalog from texts already in memory.
    pub fn from_sources(sources: &[AdmxSource]) -> AdmxLoad {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        for source in sources {
            let admx = match parse_admx(source.admx) {
                Ok(doc) => doc,
                Err(reason) => {
                    errors.push(InputError::new(source.path, reason));
                    continue;
                }
            };
            let adml_path = format!("{}.adml", source.file_base);
            let adml = source.adml.and_then(|text| match parse_adml(text) {
                Ok(doc) => Some(doc),
                Err(reason) => {
                    errors.push(InputError::new(&adml_path, reason));
                    None
                }
            });
            parsed.push(ParsedFile {
                base: source.file_base.to_string(),
                path: source.path.to_string(),
                admx,
                adml_path: adml.as_ref().map(|_| adml_path),
                adml,
            });
        }
        build(parsed, errors, Vec::new())
    }
}

/// Every folder under `root` (itself included) that directly holds an `*.admx` file, sorted.
/// Symbolic links are not followed.
pub fn discover_template_folders(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut has_admx = false;
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() && depth < MAX_DISCOVERY_DEPTH {
                stack.push((path, depth + 1));
            } else if kind.is_file() && has_extension(&path, "admx") {
                has_admx = true;
            }
        }
        if has_admx {
            found.push(dir);
        }
    }
    found.sort();
    found
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
}

/// The `*.adml` files of one directory by lower-case file name.
fn adml_files(dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && has_extension(p, "adml"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_lowercase();
            Some((name, p))
        })
        .collect()
}

fn read_folder(
    folder: &Path,
    parsed: &mut Vec<ParsedFile>,
    errors: &mut Vec<InputError>,
    warnings: &mut Vec<InputError>,
) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(InputError::new(folder, format!("cannot list folder: {e}")));
            return;
        }
    };
    let mut admx_paths = Vec::new();
    let mut cultures: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            cultures.push((entry.file_name().to_string_lossy().into_owned(), path));
        } else if path.is_file() && has_extension(&path, "admx") {
            admx_paths.push(path);
        }
    }
    admx_paths.sort();
    cultures.sort();
    let beside = adml_files(folder);
    let culture_files: Vec<(String, BTreeMap<String, PathBuf>)> = cultures
        .iter()
        .map(|(name, path)| (name.clone(), adml_files(path)))
        .collect();

    for path in admx_paths {
        let base = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let admx = match crate::input::fs_read::read_file(&path) {
            Ok(bytes) => parse_admx(&decode(&bytes).0),
            Err(e) => Err(format!("cannot read: {e}")),
        };
        let admx = match admx {
            Ok(doc) => doc,
            Err(reason) => {
                errors.push(InputError::new(&path, reason));
                continue;
            }
        };
        let adml_name = format!("{}.adml", base.to_lowercase());
        let in_culture = |culture: &str| {
            culture_files
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(culture))
                .and_then(|(_, files)| files.get(&adml_name))
        };
        let adml_path = in_culture(PREFERRED_CULTURE)
            .or_else(|| admx.fallback_culture.as_deref().and_then(in_culture))
            .or_else(|| beside.get(&adml_name))
            .or_else(|| {
                culture_files
                    .iter()
                    .find_map(|(_, files)| files.get(&adml_name))
            })
            .cloned();
        let adml = match &adml_path {
            None => {
                warnings.push(InputError::new(
                    &path,
                    "no ADML found; names stay as $(string.…) references",
                ));
                None
            }
            Some(adml_path) => {
                let doc = match crate::input::fs_read::read_file(adml_path) {
                    Ok(bytes) => parse_adml(&decode(&bytes).0),
                    Err(e) => Err(format!("cannot read: {e}")),
                };
                match doc {
                    Ok(doc) => Some(doc),
                    Err(reason) => {
                        errors.push(InputError::new(adml_path, reason));
                        None
                    }
                }
            }
        };
        parsed.push(ParsedFile {
            base,
            path: path.display().to_string(),
            admx,
            adml_path: adml
                .as_ref()
                .and(adml_path)
                .map(|p| p.display().to_string()),
            adml,
        });
    }
}

/// Resolves `$(string.…)` references in one file's ADML, remembering the ones it lacks.
struct Strings<'a> {
    adml: Option<&'a AdmlDocument>,
    missing: BTreeSet<String>,
}

impl Strings<'_> {
    fn resolve(&mut self, raw: &str) -> String {
        let Some(id) = reference_id(raw, "string") else {
            return raw.trim().to_string();
        };
        match self.adml.and_then(|a| a.string(id)) {
            Some(text) => text.trim().to_string(),
            None => {
                self.missing.insert(id.to_string());
                raw.trim().to_string()
            }
        }
    }
}

type QualifiedName = (String, String);

fn qualified(namespace: &str, name: &str) -> QualifiedName {
    (namespace.to_ascii_lowercase(), name.to_ascii_lowercase())
}

fn build(parsed: Vec<ParsedFile>, errors: Vec<InputError>, warnings: Vec<InputError>) -> AdmxLoad {
    build_onto(AdmxDefinitions::default(), parsed, errors, warnings)
}

/// Lower-case (namespace, name) and (file base, name) of the base's policies: what an added
/// template cannot redefine.
struct BasePolicies {
    by_namespace: BTreeSet<QualifiedName>,
    by_file: BTreeSet<QualifiedName>,
}

impl BasePolicies {
    fn knows(&self, namespace: &str, file_base: &str, name: &str) -> bool {
        self.by_namespace.contains(&qualified(namespace, name))
            || self.by_file.contains(&qualified(file_base, name))
    }
}

fn build_onto(
    base: AdmxDefinitions,
    parsed: Vec<ParsedFile>,
    errors: Vec<InputError>,
    mut warnings: Vec<InputError>,
) -> AdmxLoad {
    let base_files = base.files.len();
    let base_categories = base.categories.len();
    let base_policies = base.policies.len();
    let known = BasePolicies {
        by_namespace: base
            .policies
            .iter()
            .map(|p| qualified(&p.namespace, &p.name))
            .collect(),
        by_file: base
            .policies
            .iter()
            .map(|p| qualified(&p.file_base, &p.name))
            .collect(),
    };
    let mut known_categories: BTreeSet<QualifiedName> = base
        .categories
        .iter()
        .map(|c| qualified(&c.namespace, &c.name))
        .collect();
    let mut known_supported: BTreeSet<QualifiedName> = base
        .supported_on
        .iter()
        .map(|s| qualified(&s.namespace, &s.name))
        .collect();
    // Namespace (lower case) → (path of the file defining it, whether that file is the base's).
    let mut namespaces: BTreeMap<String, (String, bool)> = BTreeMap::new();
    // Per loaded file: prefix (lower case) → namespace, the target's prefix included.
    let mut prefixes: Vec<BTreeMap<String, String>> = Vec::new();
    for file in &base.files {
        namespaces
            .entry(file.namespace.to_ascii_lowercase())
            .or_insert_with(|| (file.path.clone(), true));
        let mut bindings: BTreeMap<String, String> = file
            .using
            .iter()
            .map(|b| (b.prefix.to_ascii_lowercase(), b.namespace.clone()))
            .collect();
        bindings.insert(file.prefix.to_ascii_lowercase(), file.namespace.clone());
        prefixes.push(bindings);
    }
    let mut defs = base;

    for file in parsed {
        let warn = |warnings: &mut Vec<InputError>, message: String| {
            warnings.push(InputError::new(&file.path, message));
        };
        for w in &file.admx.warnings {
            warn(&mut warnings, w.clone());
        }
        if let (Some(adml_path), Some(adml)) = (&file.adml_path, &file.adml) {
            for w in &adml.warnings {
                warnings.push(InputError::new(adml_path, w.clone()));
            }
        }
        let namespace = file.admx.target.namespace.clone();
        let revision_of = match namespaces.get(&namespace.to_ascii_lowercase()) {
            Some((other, true)) => Some(other.clone()),
            Some((other, false)) => {
                // GPMC refuses a second file with the same target namespace; so do we, keeping
                // the first one loaded so the catalog never holds the same policy twice.
                warn(
                    &mut warnings,
                    format!("namespace {namespace} is already defined by {other}; file skipped"),
                );
                continue;
            }
            None => {
                namespaces.insert(namespace.to_ascii_lowercase(), (file.path.clone(), false));
                None
            }
        };
        let file_index = defs.files.len();
        let mut bindings = BTreeMap::new();
        for b in &file.admx.using {
            bindings.insert(b.prefix.to_ascii_lowercase(), b.namespace.clone());
        }
        bindings.insert(
            file.admx.target.prefix.to_ascii_lowercase(),
            namespace.clone(),
        );
        prefixes.push(bindings);

        let mut strings = Strings {
            adml: file.adml.as_ref(),
            missing: BTreeSet::new(),
        };
        for mut category in file.admx.categories {
            if !known_categories.insert(qualified(&namespace, &category.name)) {
                // The base's category of this name stands (its display name, its parent).
                continue;
            }
            category.file = file_index;
            category.namespace = namespace.clone();
            category.display_name = strings.resolve(&category.display_name);
            category.explain_text = category.explain_text.map(|t| strings.resolve(&t));
            defs.categories.push(category);
        }
        for mut supported in file.admx.supported_on {
            if !known_supported.insert(qualified(&namespace, &supported.name)) {
                continue;
            }
            supported.file = file_index;
            supported.namespace = namespace.clone();
            supported.display_name = strings.resolve(&supported.display_name);
            defs.supported_on.push(supported);
        }
        let mut missing_presentations = Vec::new();
        let mut kept_from_base = 0usize;
        let mut added = 0usize;
        for mut policy in file.admx.policies {
            if known.knows(&namespace, &file.base, &policy.name) {
                kept_from_base += 1;
                continue;
            }
            added += 1;
            policy.file = file_index;
            policy.file_base = file.base.clone();
            policy.namespace = namespace.clone();
            policy.display_name = strings.resolve(&policy.display_name);
            policy.explain_text = policy.explain_text.map(|t| strings.resolve(&t));
            for element in &mut policy.elements {
                if let ElementKind::Enum { items, .. } = &mut element.kind {
                    for item in items {
                        item.display_name = strings.resolve(&item.display_name);
                    }
                }
            }
            if let Some(id) = &policy.presentation_id {
                match file.adml.as_ref().and_then(|a| a.presentation(id)) {
                    Some(parts) => policy.presentation = parts.to_vec(),
                    None => missing_presentations.push(id.clone()),
                }
            }
            defs.policies.push(policy);
        }
        if let Some(other) = &revision_of {
            // A revision that adds nothing (the same template again) is not worth a line.
            if added > 0 {
                warn(
                    &mut warnings,
                    format!(
                        "namespace {namespace} is already defined by {other}: {added} polic{} it \
                         lacks added; for the other {kept_from_base}, the loaded definitions stand",
                        if added == 1 { "y" } else { "ies" }
                    ),
                );
            }
        } else if kept_from_base > 0 {
            warn(
                &mut warnings,
                format!(
                    "{kept_from_base} polic{} of the same file and name already loaded: those \
                     stand",
                    if kept_from_base == 1 { "y" } else { "ies" }
                ),
            );
        }
        if file.adml.is_some() && !strings.missing.is_empty() {
            warn(
                &mut warnings,
                format!(
                    "{} string reference(s) not in the ADML, kept as written: {}",
                    strings.missing.len(),
                    first_few(strings.missing.iter())
                ),
            );
        }
        if file.adml.is_some() && !missing_presentations.is_empty() {
            warn(
                &mut warnings,
                format!(
                    "{} presentation(s) not in the ADML: {}",
                    missing_presentations.len(),
                    first_few(missing_presentations.iter())
                ),
            );
        }
        defs.files.push(AdmxFile {
            base: file.base,
            path: file.path,
            namespace,
            prefix: file.admx.target.prefix,
            using: file.admx.using,
            adml: file.adml_path,
            fallback_culture: file.admx.fallback_culture,
            superseded_adm: file.admx.superseded_adm,
        });
    }

    let added_from = Added {
        files: base_files,
        categories: base_categories,
        policies: base_policies,
    };
    resolve_references(&mut defs, &prefixes, &added_from, &mut warnings);
    AdmxLoad {
        catalog: AdmxCatalog::from_definitions(defs),
        errors,
        warnings,
    }
}

fn first_few<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let items: Vec<&String> = items.collect();
    let shown: Vec<&str> = items.iter().take(5).map(|s| s.as_str()).collect();
    let more = if items.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!("{}{more}", shown.join(", "))
}

/// `prefix:name` in the namespace bindings of one file; unprefixed names are the file's own.
fn resolve_reference(
    raw: &str,
    file: usize,
    namespace: &str,
    prefixes: &[BTreeMap<String, String>],
) -> Option<QualifiedName> {
    let raw = raw.trim();
    match raw.split_once(':') {
        Some((prefix, name)) => prefixes
            .get(file)
            .and_then(|p| p.get(&prefix.to_ascii_lowercase()))
            .map(|ns| qualified(ns, name)),
        None => Some(qualified(namespace, raw)),
    }
}

/// Where the files, categories and policies loaded onto a base start: the base's were resolved
/// when it was built, and are not touched again.
struct Added {
    files: usize,
    categories: usize,
    policies: usize,
}

fn resolve_references(
    defs: &mut AdmxDefinitions,
    prefixes: &[BTreeMap<String, String>],
    added: &Added,
    warnings: &mut Vec<InputError>,
) {
    let path_of = |defs: &AdmxDefinitions, file: usize| {
        defs.files
            .get(file)
            .map_or_else(String::new, |f| f.path.clone())
    };
    let mut categories: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    for (i, c) in defs.categories.iter().enumerate() {
        let key = qualified(&c.namespace, &c.name);
        match categories.entry(key) {
            Entry::Occupied(_) => warnings.push(InputError::new(
                path_of(defs, c.file),
                format!("category {} defined twice; the first is kept", c.name),
            )),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    let mut supported: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    for (i, s) in defs.supported_on.iter().enumerate() {
        supported
            .entry(qualified(&s.namespace, &s.name))
            .or_insert(i);
    }

    let mut unresolved: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut parents = Vec::with_capacity(defs.categories.len());
    for c in defs.categories.iter().skip(added.categories) {
        let parent = c.parent_ref.as_deref().and_then(|r| {
            let found = resolve_reference(r, c.file, &c.namespace, prefixes)
                .and_then(|q| categories.get(&q).copied());
            if found.is_none() {
                unresolved.entry(c.file).or_default().insert(r.to_string());
            }
            found
        });
        parents.push(parent);
    }
    for (c, parent) in defs
        .categories
        .iter_mut()
        .skip(added.categories)
        .zip(parents)
    {
        c.parent = parent;
    }

    for policy in defs.policies.iter_mut().skip(added.policies) {
        if let Some(r) = &policy.supported_on_ref {
            policy.supported_on = resolve_reference(r, policy.file, &policy.namespace, prefixes)
                .and_then(|q| supported.get(&q))
                .and_then(|&i| defs.supported_on.get(i))
                .map(|s| s.display_name.clone());
            if policy.supported_on.is_none() {
                unresolved.entry(policy.file).or_default().insert(r.clone());
            }
        }
        let Some(category_ref) = &policy.category_ref else {
            continue;
        };
        let mut current = resolve_reference(category_ref, policy.file, &policy.namespace, prefixes)
            .and_then(|q| categories.get(&q).copied());
        if current.is_none() {
            policy.category_unresolved = Some(category_ref.clone());
            unresolved
                .entry(policy.file)
                .or_default()
                .insert(category_ref.clone());
        }
        let mut names = Vec::new();
        let mut path = Vec::new();
        let mut seen = BTreeSet::new();
        while let Some(i) = current {
            let Some(category) = defs.categories.get(i) else {
                break;
            };
            if !seen.insert(i) {
                policy.category_unresolved = Some(format!("cycle at {}", category.name));
                break;
            }
            names.push(category.name.clone());
            path.push(category.display_name.clone());
            current = category.parent;
            if current.is_none()
                && let Some(r) = &category.parent_ref
            {
                policy.category_unresolved = Some(r.clone());
            }
        }
        names.reverse();
        path.reverse();
        policy.category_names = names;
        policy.category_path = path;
    }

    for (file, refs) in unresolved {
        if file < added.files {
            continue;
        }
        warnings.push(InputError::new(
            path_of(defs, file),
            format!(
                "{} reference(s) to categories or supportedOn definitions not found in the loaded files: {}",
                refs.len(),
                first_few(refs.iter())
            ),
        ));
    }
}
