//! The join of ADMX policies, CSP nodes and settings catalog definitions (formats.md §6–§7,
//! mapping-notes "Joining ADMX, DDF and the catalog").
//!
//! Every route that ties a policy to a node or definition is tried on its own; a link records all
//! the routes that produced it, and when routes give different definitions for the same policy
//! and scope both links are kept and each names the other. Nothing is resolved silently.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::admx::{AdmxCatalog, AdmxPolicy, normalize_name, settings_catalog_child_id};
use super::curated::CuratedLink;
use super::ddf::{DdfNode, GpMapping, uri_scope};
use super::definitions::{DefinitionIndex, SettingDefinition};
use crate::model::Scope;

/// How a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Route {
    /// The DDF node's `MSFT:AdmxBacked File` + `Name` names the policy.
    DdfAdmxBacked,
    /// A native DDF node's `MSFT:GpMapping` names the policy (ADMX or display form).
    DdfGpMapping,
    /// A native DDF node's `MSFT:GpMapping` names no policy of the templates by its name: the
    /// policy was renamed or moved since the DDF was written, and the mapping's name is what the
    /// one policy of the area's file writes or holds: its registry value
    /// (`Update/SetDisablePauseUXAccess` names `SetDisablePauseUXAccess`, the value that
    /// WindowsUpdate.admx's `DisablePauseUXAccess` writes), an element id (the Kerberos PKInit
    /// hash nodes name the elements of `PKInitHashAlgorithmConfiguration`), or the policy's name
    /// after a prefix (`DisplayConfigureMultipleDisplayMode`). When the area's file is not among
    /// the templates, the one policy of that name in another file (WindowsAI.admx became
    /// WindowsCopilot.admx).
    DdfGpMappingRenamed,
    /// A `…/Vendor/MSFT/Policy/Config/…` definition's `name` is the policy name and its keywords
    /// hold the policy's registry key.
    CatalogKeywords,
    /// An ingested third-party template definition (`/Config/{app}~Policy~{cat}…/{Name}`) whose
    /// category chain and name are the policy's, confirmed by a keyword equal to the policy key
    /// or, for Office (whose keywords mostly hold no key), to its English category path. The
    /// `{app}` part is not compared: Office policies also come as later template revisions
    /// (`outlk16v6`, `outlk16v2.Updates.4`), and a policy found in two is two links that name
    /// each other. A deprecated definition is passed over for a current one of the same name at
    /// the same node.
    CatalogIngested,
    /// A row of a curated table (admx-catalog/curated) names the policy and the node.
    Curated,
}

impl Route {
    pub const ALL: [Route; 6] = [
        Route::DdfAdmxBacked,
        Route::DdfGpMapping,
        Route::DdfGpMappingRenamed,
        Route::CatalogKeywords,
        Route::CatalogIngested,
        Route::Curated,
    ];

    /// The route's name as reports write it (`DdfAdmxBacked`).
    pub fn name(self) -> &'static str {
        match self {
            Route::DdfAdmxBacked => "DdfAdmxBacked",
            Route::DdfGpMapping => "DdfGpMapping",
            Route::DdfGpMappingRenamed => "DdfGpMappingRenamed",
            Route::CatalogKeywords => "CatalogKeywords",
            Route::CatalogIngested => "CatalogIngested",
            Route::Curated => "Curated",
        }
    }

    /// True for the routes read from the DDF: each DDF node that names a policy backs it, so two
    /// DDF nodes for one policy are not a disagreement (mapping-notes: 6 policies have two).
    pub fn is_ddf(self) -> bool {
        matches!(
            self,
            Route::DdfAdmxBacked | Route::DdfGpMapping | Route::DdfGpMappingRenamed
        )
    }
}

/// One ADMX policy, in one scope, tied to a CSP node and, when the catalog has it, a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogLink {
    /// Index into the ADMX policies.
    pub policy: usize,
    pub scope: Scope,
    /// The node URI as the DDF spells it, else as the definition's baseUri+offsetUri give it.
    pub csp_uri: String,
    /// The settings catalog definition; None when the catalog has none for the node (a custom
    /// OMA-URI profile would be needed).
    pub definition_id: Option<String>,
    /// Every route that produced this link, in [`Route`] order.
    pub routes: Vec<Route>,
    /// `GpElement` of the mapping, when the node mirrors one element of the policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gp_element: Option<String>,
    /// Per ADMX element (in policy order), its child definition when the catalog has it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ElementLink>,
    /// Other links that a different route gave for the same policy and scope, or that a curated
    /// row gives for the same node with another policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagrees_with: Vec<Disagreement>,
    /// True when a curated row ties this node to another policy: the DDF metadata is known wrong
    /// there (BitLocker `EncryptionMethodByDriveType`), and the curated link is to be used.
    #[serde(default, skip_serializing_if = "is_false")]
    pub superseded_by_curated: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementLink {
    /// The ADMX element id.
    pub element: String,
    /// `settings_catalog_child_id(definition, element)` when that id is in the catalog.
    pub definition_id: Option<String>,
}

/// The other side of a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    pub policy: usize,
    pub csp_uri: String,
    pub definition_id: Option<String>,
    pub routes: Vec<Route>,
}

impl CatalogLink {
    pub fn has_route(&self, route: Route) -> bool {
        self.routes.contains(&route)
    }

    fn has_ddf_route(&self) -> bool {
        self.routes.iter().any(|r| r.is_ddf())
    }

    /// The key two routes must share to be one link: the definition, else the node.
    fn target(&self) -> String {
        match &self.definition_id {
            Some(id) => id.clone(),
            None => format!("uri:{}", self.csp_uri.to_lowercase()),
        }
    }
}

/// Something a route could not resolve: kept so `gpa catalog stats` can show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unresolved {
    pub route: Route,
    /// The node URI, definition id or curated key that did not resolve.
    pub from: String,
    pub reason: String,
}

/// The links and what stayed unresolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinResult {
    pub links: Vec<CatalogLink>,
    pub unresolved: Vec<Unresolved>,
}

/// The scope of a CSP URI; `./Vendor/…` and other roots are device settings.
pub fn scope_of_uri(uri: &str) -> Scope {
    uri_scope(uri).unwrap_or(Scope::Device)
}

/// ADMX policies by lower-case name and by normalized display name.
struct PolicyNames {
    by_name: BTreeMap<String, Vec<usize>>,
    by_display: BTreeMap<String, Vec<usize>>,
}

impl PolicyNames {
    fn new(admx: &AdmxCatalog) -> Self {
        let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_display: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in admx.policies().iter().enumerate() {
            by_name.entry(p.name.to_lowercase()).or_default().push(i);
            by_display
                .entry(normalize_name(&p.display_name))
                .or_default()
                .push(i);
        }
        PolicyNames {
            by_name,
            by_display,
        }
    }

    fn named(&self, name: &str) -> &[usize] {
        self.by_name
            .get(&name.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn displayed(&self, name: &str) -> &[usize] {
        self.by_display
            .get(&normalize_name(name))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Links accumulate here keyed by (policy, scope, target) so that routes agreeing on a target
/// merge into one link.
#[derive(Default)]
struct LinkSet {
    links: BTreeMap<(usize, Scope, String), CatalogLink>,
}

impl LinkSet {
    fn add(
        &mut self,
        policy: usize,
        scope: Scope,
        csp_uri: &str,
        definition_id: Option<&str>,
        route: Route,
        gp_element: Option<&str>,
    ) {
        let link = CatalogLink {
            policy,
            scope,
            csp_uri: csp_uri.to_string(),
            definition_id: definition_id.map(str::to_string),
            routes: vec![route],
            gp_element: gp_element.map(str::to_string),
            elements: Vec::new(),
            disagrees_with: Vec::new(),
            superseded_by_curated: false,
        };
        let key = (policy, scope, link.target());
        match self.links.get_mut(&key) {
            Some(existing) => {
                if !existing.routes.contains(&route) {
                    existing.routes.push(route);
                    existing.routes.sort();
                }
                // The DDF spells node names as OMA-DM expects them: keep its spelling.
                if route.is_ddf() && !existing.has_ddf_route() {
                    existing.csp_uri = link.csp_uri;
                }
                if existing.gp_element.is_none() {
                    existing.gp_element = link.gp_element;
                }
            }
            None => {
                self.links.insert(key, link);
            }
        }
    }
}

/// Joins the sources. `nodes` are the settable DDF nodes (the caller drops Result and interior
/// nodes); `curated` rows with an ADMX policy and a node add `Curated` links.
pub fn join(
    admx: &AdmxCatalog,
    nodes: &[DdfNode],
    definitions: &DefinitionIndex,
    curated: &[CuratedLink],
) -> JoinResult {
    let names = PolicyNames::new(admx);
    let mut set = LinkSet::default();
    let mut unresolved = Vec::new();

    for node in nodes {
        let scope = scope_of_uri(&node.uri);
        let definition = definitions.by_uri(&node.uri, scope).map(|d| d.id.as_str());
        if let Some(backed) = &node.admx_backed {
            match admx.policy_index(&backed.file, &backed.name) {
                Some(i) if policy_in_scope(admx, i, scope) => {
                    set.add(i, scope, &node.uri, definition, Route::DdfAdmxBacked, None)
                }
                Some(_) => unresolved.push(Unresolved {
                    route: Route::DdfAdmxBacked,
                    from: node.uri.clone(),
                    reason: format!(
                        "{}:{} does not apply to the node's scope",
                        backed.file, backed.name
                    ),
                }),
                None => unresolved.push(Unresolved {
                    route: Route::DdfAdmxBacked,
                    from: node.uri.clone(),
                    reason: format!("no ADMX policy {}:{}", backed.file, backed.name),
                }),
            }
            continue;
        }
        for gp in &node.gp_mappings {
            let mut route = Route::DdfGpMapping;
            let mut element = gp.element.clone();
            let mut hits = resolve_gp_mapping(admx, &names, gp, scope);
            if hits.is_empty()
                && let Some((policy, renamed_element)) = renamed_gp_mapping(admx, &names, gp, scope)
            {
                hits = vec![policy];
                element = renamed_element;
                route = Route::DdfGpMappingRenamed;
            }
            if hits.is_empty() {
                unresolved.push(Unresolved {
                    route: Route::DdfGpMapping,
                    from: node.uri.clone(),
                    reason: format!(
                        "no ADMX policy {:?} at {:?}",
                        gp.english_name,
                        gp.area_path.as_deref().unwrap_or("")
                    ),
                });
            }
            for i in hits {
                set.add(i, scope, &node.uri, definition, route, element.as_deref());
            }
        }
    }

    for def in definitions.definitions() {
        let Some(config) = policy_config_offset(def) else {
            continue;
        };
        if is_element_child(def, definitions) || has_current_twin(def, definitions) {
            continue;
        }
        let scope = scope_of_uri(&def.base_uri);
        let uri = def.uri();
        let (route, hits) = match ingested_chain(config) {
            Some(chain) => (
                Route::CatalogIngested,
                ingested_policies(admx, names.named(&def.name), def, &chain, scope),
            ),
            None => (
                Route::CatalogKeywords,
                names
                    .named(&def.name)
                    .iter()
                    .copied()
                    .filter(|&i| {
                        admx.policy(i)
                            .is_some_and(|p| p.class.applies_to(scope) && has_keyword(def, &p.key))
                    })
                    .collect(),
            ),
        };
        for i in hits {
            set.add(i, scope, &uri, Some(&def.id), route, None);
        }
    }

    for row in curated {
        let (Some(policy_name), Some(uri)) = (&row.admx_policy, &row.csp_uri) else {
            continue;
        };
        let scope = scope_of_uri(uri);
        let hits = curated_policy(admx, &names, policy_name, row);
        if hits.is_empty() {
            unresolved.push(Unresolved {
                route: Route::Curated,
                from: uri.clone(),
                reason: format!("no ADMX policy {policy_name}"),
            });
        }
        let definition = definitions.by_uri(uri, scope).map(|d| d.id.as_str());
        for i in hits {
            set.add(i, scope, uri, definition, Route::Curated, None);
        }
    }

    let mut links: Vec<CatalogLink> = set.links.into_values().collect();
    for link in &mut links {
        link.elements = element_links(admx, definitions, link);
    }
    mark_disagreements(&mut links);
    unresolved.sort();
    unresolved.dedup();
    JoinResult { links, unresolved }
}

fn policy_in_scope(admx: &AdmxCatalog, policy: usize, scope: Scope) -> bool {
    admx.policy(policy)
        .is_some_and(|p| p.class.applies_to(scope))
}

/// The policies a `GpMapping` names in this scope: by ADMX name or English display name, narrowed
/// by the area path in ADMX form (`File~AT~cat~cat`) or display form (`Windows Components~…`).
/// Without an area path the name must be unique.
fn resolve_gp_mapping(
    admx: &AdmxCatalog,
    names: &PolicyNames,
    gp: &GpMapping,
    scope: Scope,
) -> Vec<usize> {
    let mut candidates: Vec<usize> = names.named(&gp.english_name).to_vec();
    for &i in names.displayed(&gp.english_name) {
        if !candidates.contains(&i) {
            candidates.push(i);
        }
    }
    candidates.retain(|&i| policy_in_scope(admx, i, scope));
    let Some(area_path) = gp.area_path.as_deref().filter(|a| !a.trim().is_empty()) else {
        return if candidates.len() == 1 {
            candidates
        } else {
            Vec::new()
        };
    };
    let mut exact = candidates.clone();
    exact.retain(|&i| admx.policy(i).is_some_and(|p| area_matches(p, area_path)));
    if exact.is_empty() {
        exact = moved_within_file(admx, &candidates, area_path);
    }
    exact.sort_unstable();
    exact
}

/// For a `GpMapping` no policy answers to by name ([`Route::DdfGpMappingRenamed`]): the one
/// policy in the node's scope, in the file its `{file}~AT~…` area path names, that writes a
/// registry value of that name, has an element of that id, or has a name ending with it; when no
/// template file has that name, the one policy of that exact name in any file. With the element
/// the mapping names, when it names one. Several policies resolve nothing: the mapping stays
/// unresolved rather than guessed.
fn renamed_gp_mapping(
    admx: &AdmxCatalog,
    names: &PolicyNames,
    gp: &GpMapping,
    scope: Scope,
) -> Option<(usize, Option<String>)> {
    let name = gp.english_name.trim();
    let file = gp
        .area_path
        .as_deref()
        .and_then(|a| a.trim().split_once('~'))
        .filter(|(_, rest)| rest.to_ascii_lowercase().starts_with("at~"))
        .map(|(file, _)| file)?;
    let same = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(name));
    let in_file: Vec<(usize, &AdmxPolicy)> = admx
        .policies()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.file_base.eq_ignore_ascii_case(file))
        .collect();
    if in_file.is_empty() {
        let moved: Vec<usize> = names
            .named(name)
            .iter()
            .copied()
            .filter(|&i| policy_in_scope(admx, i, scope))
            .collect();
        return match moved.as_slice() {
            [only] => Some((*only, gp.element.clone())),
            _ => None,
        };
    }
    let lower = name.to_ascii_lowercase();
    let hits: Vec<(usize, Option<String>)> = in_file
        .into_iter()
        .filter(|(_, p)| p.class.applies_to(scope))
        .filter_map(|(i, p)| {
            if let Some(e) = p.elements.iter().find(|e| e.id.eq_ignore_ascii_case(name)) {
                return Some((i, Some(e.id.clone())));
            }
            let writes = same(p.value_name.as_deref())
                || p.elements.iter().any(|e| same(e.value_name.as_deref()))
                || p.name.to_ascii_lowercase().ends_with(&lower);
            writes.then(|| (i, gp.element.clone()))
        })
        .collect();
    match <[_; 1]>::try_from(hits) {
        Ok([only]) => Some(only),
        Err(_) => None,
    }
}

/// Templates move policies to new categories (Windows Update's went under "Manage end user
/// experience" and "Legacy Policies" after the DDF's `GpAreaPath` was written): for an
/// `{file}~AT~…` area that names no current category, the policy of that name in that file,
/// when the file has exactly one.
fn moved_within_file(admx: &AdmxCatalog, candidates: &[usize], area_path: &str) -> Vec<usize> {
    let Some((file, rest)) = area_path.trim().split_once('~') else {
        return Vec::new();
    };
    if !rest.to_ascii_lowercase().starts_with("at~") {
        return Vec::new();
    }
    let in_file: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| {
            admx.policy(i)
                .is_some_and(|p| p.file_base.eq_ignore_ascii_case(file))
        })
        .collect();
    let distinct: BTreeSet<String> = in_file
        .iter()
        .filter_map(|&i| admx.policy(i))
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    if distinct.len() == 1 {
        in_file
    } else {
        Vec::new()
    }
}

fn area_matches(policy: &AdmxPolicy, area_path: &str) -> bool {
    if area_path.to_ascii_lowercase().contains("~at~") {
        return policy
            .area()
            .is_some_and(|a| a.eq_ignore_ascii_case(area_path.trim()));
    }
    let wanted: Vec<String> = area_path.split('~').map(normalize_name).collect();
    let have: Vec<String> = policy
        .category_path
        .iter()
        .map(|c| normalize_name(c))
        .collect();
    have.ends_with(&wanted)
}

/// True for the child definition of an ADMX element: it depends on its policy's definition, at the
/// same node. A policy that Intune nests under another setting is no element child: the Outlook
/// security policies depend on "Outlook Security Mode" (`…_l_junkemailprotectionlevel_v2` on
/// `…_l_outlooksecuritymode`), at another node.
pub(crate) fn is_element_child(def: &SettingDefinition, definitions: &DefinitionIndex) -> bool {
    let uri = def.uri();
    def.dependent_on
        .iter()
        .chain(def.options.iter().flat_map(|o| &o.dependent_on))
        .filter_map(|d| definitions.get(&d.parent_setting_id))
        .any(|parent| parent.uri().eq_ignore_ascii_case(&uri))
}

/// True for a deprecated definition when a current one of the same name sits at the same node:
/// Intune keeps `…_l_junkemailprotectionlevel` "(Deprecated)" beside the current
/// `…_l_junkemailprotectionlevel_v2`, and a new policy can only use the current one.
fn has_current_twin(def: &SettingDefinition, definitions: &DefinitionIndex) -> bool {
    def.is_deprecated()
        && definitions.all_by_uri(&def.uri()).into_iter().any(|other| {
            !other.is_deprecated()
                && other.name.eq_ignore_ascii_case(&def.name)
                && !is_element_child(other, definitions)
        })
}

/// True for a definition whose keywords the join reads ([`Route::CatalogKeywords`],
/// [`Route::CatalogIngested`]): a Policy CSP `/Config/` definition that is no element child.
pub(crate) fn reads_keywords(def: &SettingDefinition, definitions: &DefinitionIndex) -> bool {
    policy_config_offset(def).is_some() && !is_element_child(def, definitions)
}

/// The offset after `/Config/` of a definition under `./Device|User/Vendor/MSFT/Policy`.
fn policy_config_offset(def: &SettingDefinition) -> Option<&str> {
    let base = def.base_uri.to_ascii_lowercase();
    if base != "./device/vendor/msft/policy" && base != "./user/vendor/msft/policy" {
        return None;
    }
    let offset = def.offset_uri.get(..8)?;
    offset
        .eq_ignore_ascii_case("/config/")
        .then(|| def.offset_uri.get(8..))
        .flatten()
}

/// For `{app}~Policy~{cat}~{cat}/{Name}`, the category names after `Policy`.
fn ingested_chain(config: &str) -> Option<Vec<&str>> {
    let (area, _) = config.split_once('/')?;
    let mut parts = area.split('~');
    parts.next()?;
    if !parts.next()?.eq_ignore_ascii_case("Policy") {
        return None;
    }
    Some(parts.collect())
}

/// The policies an ingested definition stands for, among those of its name that apply to its
/// scope: the policy whose category chain is the definition's (or ends with it: Chrome's
/// `Cat_Google~googlechrome~Startup` is `googlechrome~Startup` in the catalog, which drops the
/// root from google.admx) and whose key, or for Office English category path, is among the
/// keywords. When none has that chain, the one policy of that name whose key is among the
/// keywords: Chrome moved policies to its `DeprecatedPolicies` / `RemovedPolicies` categories
/// after the template in the corpus was written, and the catalog files them there.
fn ingested_policies(
    admx: &AdmxCatalog,
    named: &[usize],
    def: &SettingDefinition,
    chain: &[&str],
    scope: Scope,
) -> Vec<usize> {
    let in_scope = || {
        named
            .iter()
            .copied()
            .filter_map(|i| Some((i, admx.policy(i)?)))
            .filter(|(_, p)| p.class.applies_to(scope))
    };
    let by_chain: Vec<usize> = in_scope()
        .filter(|(_, p)| {
            chain_ends_with(&p.category_names, chain)
                && (has_keyword(def, &p.key) || has_category_keyword(def, p))
        })
        .map(|(i, _)| i)
        .collect();
    if !by_chain.is_empty() {
        return by_chain;
    }
    let by_key: Vec<usize> = in_scope()
        .filter(|(_, p)| has_keyword(def, &p.key))
        .map(|(i, _)| i)
        .collect();
    if by_key.len() == 1 {
        by_key
    } else {
        Vec::new()
    }
}

/// The ADMX category chain is the definition's, or ends with it.
fn chain_ends_with(names: &[String], chain: &[&str]) -> bool {
    names.len() >= chain.len()
        && same_chain(
            names.get(names.len() - chain.len()..).unwrap_or_default(),
            chain,
        )
}

fn same_chain(names: &[String], chain: &[&str]) -> bool {
    names.len() == chain.len()
        && names
            .iter()
            .zip(chain)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Office definitions carry no registry key in their keywords, only the English category path
/// (`Microsoft Access 2016\\Application Settings\\International`), which names the product version
/// that the ADMX category names do not.
fn has_category_keyword(def: &SettingDefinition, policy: &AdmxPolicy) -> bool {
    if policy.category_path.is_empty() {
        return false;
    }
    let path = policy.category_path.join("\\");
    def.keywords
        .iter()
        .any(|k| k.trim_start_matches('\\').eq_ignore_ascii_case(&path))
}

fn has_keyword(def: &SettingDefinition, key: &str) -> bool {
    def.keywords.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The policy a curated row names: by name, narrowed to the row's registry key when several
/// policies share the name.
fn curated_policy(
    admx: &AdmxCatalog,
    names: &PolicyNames,
    policy_name: &str,
    row: &CuratedLink,
) -> Vec<usize> {
    let hits = names.named(policy_name);
    if let [only] = hits {
        return vec![*only];
    }
    let super::curated::CuratedKey::Registry { key, .. } = &row.key else {
        return Vec::new();
    };
    hits.iter()
        .copied()
        .filter(|&i| {
            admx.policy(i)
                .is_some_and(|p| p.key.eq_ignore_ascii_case(key))
        })
        .collect()
}

fn element_links(
    admx: &AdmxCatalog,
    definitions: &DefinitionIndex,
    link: &CatalogLink,
) -> Vec<ElementLink> {
    let Some(policy) = admx.policy(link.policy) else {
        return Vec::new();
    };
    policy
        .elements
        .iter()
        .map(|e| ElementLink {
            element: e.id.clone(),
            definition_id: link.definition_id.as_deref().and_then(|parent| {
                let child = settings_catalog_child_id(parent, &e.id);
                definitions.get(&child).map(|d| d.id.clone())
            }),
        })
        .collect()
}

/// Records on each link the links it disagrees with:
/// * same policy and scope, another target, and not both from the DDF nor both curated;
/// * the same target as a curated link for another policy (the curated row wins).
fn mark_disagreements(links: &mut [CatalogLink]) {
    let snapshot: Vec<CatalogLink> = links.to_vec();
    let mut by_policy: BTreeMap<(usize, Scope), Vec<usize>> = BTreeMap::new();
    let mut by_target: BTreeMap<(Scope, String), Vec<usize>> = BTreeMap::new();
    for (i, link) in snapshot.iter().enumerate() {
        by_policy
            .entry((link.policy, link.scope))
            .or_default()
            .push(i);
        by_target
            .entry((link.scope, link.target()))
            .or_default()
            .push(i);
    }
    for (i, link) in links.iter_mut().enumerate() {
        let target = link.target();
        let same_policy = by_policy.get(&(link.policy, link.scope));
        let same_target = by_target.get(&(link.scope, target.clone()));
        for &j in same_policy.into_iter().flatten() {
            let Some(other) = snapshot.get(j) else {
                continue;
            };
            let both_ddf = link.has_ddf_route() && other.has_ddf_route();
            // Curated rows tie one policy's elements to one node each (LAPS password settings).
            let both_curated = link.has_route(Route::Curated) && other.has_route(Route::Curated);
            if j != i && other.target() != target && !both_ddf && !both_curated {
                link.disagrees_with.push(disagreement(other));
            }
        }
        for &j in same_target.into_iter().flatten() {
            let Some(other) = snapshot.get(j) else {
                continue;
            };
            if other.policy != link.policy
                && other.has_route(Route::Curated) != link.has_route(Route::Curated)
            {
                link.disagrees_with.push(disagreement(other));
                if other.has_route(Route::Curated) {
                    link.superseded_by_curated = true;
                }
            }
        }
    }
}

fn disagreement(link: &CatalogLink) -> Disagreement {
    Disagreement {
        policy: link.policy,
        csp_uri: link.csp_uri.clone(),
        definition_id: link.definition_id.clone(),
        routes: link.routes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::catalog::admx::AdmxSource;
    use crate::catalog::ddf::read_ddf_dir;
    use crate::catalog::definitions::read_definitions_dir;

    const WCM_ADMX: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<policyDefinitions xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions" revision="1.0" schemaVersion="1.0">
  <policyNamespaces><target prefix="wcm" namespace="Microsoft.Policies.WindowsConnectionManager" /></policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <categories><category name="WCM_Category" displayName="Windows Connection Manager" /></categories>
  <policies>
    <policy name="WCM_MinimizeConnections" class="Machine" displayName="Minimize" key="Software\Policies\Microsoft\Windows\WcmSvc\GroupPolicy">
      <parentCategory ref="WCM_Category" />
      <elements>
        <enum id="WCM_MinimizeConnections_Options" valueName="fMinimizeConnections">
          <item displayName="0"><value><decimal value="0" /></value></item>
          <item displayName="1"><value><decimal value="1" /></value></item>
        </enum>
      </elements>
    </policy>
  </policies>
</policyDefinitions>"#;

    fn fixtures() -> (AdmxCatalog, Vec<DdfNode>, Vec<SettingDefinition>) {
        let load = AdmxCatalog::from_sources(&[AdmxSource {
            file_base: "WCM",
            path: "WCM.admx",
            admx: WCM_ADMX,
            adml: None,
        }]);
        assert!(load.errors.is_empty(), "{:?}", load.errors);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-gpos/catalog");
        let (nodes, errors) = read_ddf_dir(&root.join("ddf"));
        assert!(errors.is_empty(), "{errors:?}");
        let nodes = nodes
            .into_iter()
            .filter(|n| n.is_leaf() && !n.is_policy_result())
            .collect();
        let (definitions, errors) = read_definitions_dir(&root.join("definitions"));
        assert!(errors.is_empty(), "{errors:?}");
        (load.catalog, nodes, definitions)
    }

    #[test]
    fn ddf_and_keywords_routes_agree_on_one_link_with_its_element_child() {
        let (admx, nodes, definitions) = fixtures();
        let result = join(&admx, &nodes, &DefinitionIndex::new(definitions), &[]);
        let wcm: Vec<&CatalogLink> = result.links.iter().filter(|l| l.policy == 0).collect();
        assert_eq!(wcm.len(), 1, "{wcm:#?}");
        let link = wcm[0];
        assert_eq!(link.scope, Scope::Device);
        assert_eq!(
            link.csp_uri,
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections"
        );
        assert_eq!(link.routes, [Route::DdfAdmxBacked, Route::CatalogKeywords]);
        assert!(link.disagrees_with.is_empty());
        assert_eq!(
            link.elements[0].definition_id.as_deref(),
            Some(
                "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections_wcm_minimizeconnections_options"
            )
        );
    }

    #[test]
    fn a_second_definition_for_the_same_policy_is_a_recorded_disagreement() {
        let (admx, nodes, mut definitions) = fixtures();
        let Some(mut other) = definitions
            .iter()
            .find(|d| d.id == "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections")
            .cloned()
        else {
            panic!("WCM definition fixture missing");
        };
        other.id = "device_vendor_msft_policy_config_othercsp_wcm_minimizeconnections".into();
        other.offset_uri = "/Config/OtherCsp/WCM_MinimizeConnections".into();
        other.root_definition_id = Some(other.id.clone());
        definitions.push(other);
        let result = join(&admx, &nodes, &DefinitionIndex::new(definitions), &[]);
        let wcm: Vec<&CatalogLink> = result.links.iter().filter(|l| l.policy == 0).collect();
        assert_eq!(wcm.len(), 2, "{wcm:#?}");
        for link in &wcm {
            assert_eq!(link.disagrees_with.len(), 1);
        }
        assert!(wcm.iter().any(|l| l.routes == [Route::CatalogKeywords]
            && l.disagrees_with[0].routes == [Route::DdfAdmxBacked, Route::CatalogKeywords]));
    }

    #[test]
    fn ingested_offsets_give_the_category_chain() {
        assert_eq!(
            ingested_chain("microsoft_edge~Policy~microsoft_edge~Startup/HomepageLocation"),
            Some(vec!["microsoft_edge", "Startup"])
        );
        assert_eq!(ingested_chain("ADMX_WCM/WCM_MinimizeConnections"), None);
        assert_eq!(ingested_chain("office16v2~Preference~L_X/L_Y"), None);
        assert!(same_chain(
            &["Microsoft_Edge".to_string(), "startup".to_string()],
            &["microsoft_edge", "Startup"]
        ));
        assert!(!same_chain(
            &["microsoft_edge".to_string()],
            &["microsoft_edge", "Startup"]
        ));
    }
}
