//! Figures over a built catalog (`gpa catalog stats`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use super::Catalog;
use super::curated::Evidence;
use super::family::{family_of_app, ingested_app};
use super::join::{Route, is_element_child, scope_of_uri};

/// Counts over one catalog build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CatalogStats {
    pub admx_files: usize,
    pub admx_policies: usize,
    /// (policy, scope) pairs: `Both` policies count twice.
    pub admx_policy_scopes: usize,
    pub admx_policy_scopes_linked: usize,
    pub csp_nodes: usize,
    pub definitions: usize,
    pub links: usize,
    pub links_by_route: BTreeMap<String, usize>,
    /// Links that two or more routes produced.
    pub links_confirmed_by_two_routes: usize,
    /// Links that both the DDF `AdmxBacked` route and the catalog-keywords route produced.
    pub ddf_and_keywords_agree: usize,
    /// Catalog-keywords links that disagree with a DDF link for the same policy and scope.
    pub ddf_and_keywords_disagree: usize,
    /// Links that record at least one disagreement.
    pub links_with_disagreement: usize,
    pub links_superseded_by_curated: usize,
    /// Links with a definition, and element links whose child definition exists.
    pub links_with_definition: usize,
    pub element_links: usize,
    pub element_links_with_definition: usize,
    /// Settable DDF nodes with `AdmxBacked`, and how many resolve.
    pub admx_backed_nodes: usize,
    pub admx_backed_nodes_to_policy: usize,
    pub admx_backed_nodes_to_definition: usize,
    /// The `AdmxBacked` URIs (ignoring scope) that have no definition, in order.
    pub admx_backed_uris_without_definition: Vec<String>,
    /// Root definitions under `…/Vendor/MSFT/Policy/Config/`, and how they resolve back.
    pub policy_config_definitions: usize,
    pub policy_config_definitions_to_admx: usize,
    pub policy_config_definitions_to_gp_mapping_only: usize,
    /// Deprecated in Intune and not linked (a current definition is, when there is one).
    pub policy_config_definitions_deprecated: usize,
    pub policy_config_definitions_unlinked: usize,
    /// What a route could not resolve at build time.
    pub unresolved_by_route: BTreeMap<String, usize>,
    /// The `AdmxBacked` nodes whose ADMX policy is not in the catalog (or not in that scope).
    pub unresolved_admx_backed: Vec<String>,
    /// The `GpMapping`s that name no policy of the catalog, by name nor by registry value.
    pub unresolved_gp_mapping: Vec<String>,
    pub curated_rows_by_evidence: BTreeMap<String, usize>,
    /// Per ingested template family (`chromeintune`, `microsoft_edge`, `office16`…), its root
    /// definitions and how many a link ties to an ADMX policy.
    pub ingested_families: BTreeMap<String, FamilyJoin>,
}

/// The root definitions of one ingested family (element children not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FamilyJoin {
    pub definitions: usize,
    pub linked: usize,
    pub not_linked: usize,
    /// Of those not linked, the ones the catalog names deprecated.
    pub not_linked_deprecated: usize,
}

impl CatalogStats {
    pub fn of(catalog: &Catalog) -> CatalogStats {
        let links = catalog.links();
        let admx = catalog.admx();
        let mut s = CatalogStats {
            admx_files: admx.files().len(),
            admx_policies: admx.policies().len(),
            admx_policy_scopes: admx.policies().iter().map(|p| p.class.scopes().len()).sum(),
            csp_nodes: catalog.ddf().nodes().len(),
            definitions: catalog.definitions().len(),
            links: links.len(),
            ..CatalogStats::default()
        };
        for route in Route::ALL {
            let n = links.iter().filter(|l| l.has_route(route)).count();
            s.links_by_route.insert(format!("{route:?}"), n);
        }
        let linked: BTreeSet<_> = links.iter().map(|l| (l.policy, l.scope)).collect();
        s.admx_policy_scopes_linked = linked.len();
        s.links_confirmed_by_two_routes = links.iter().filter(|l| l.routes.len() >= 2).count();
        s.ddf_and_keywords_agree = links
            .iter()
            .filter(|l| l.has_route(Route::DdfAdmxBacked) && l.has_route(Route::CatalogKeywords))
            .count();
        s.ddf_and_keywords_disagree = links
            .iter()
            .filter(|l| {
                l.has_route(Route::CatalogKeywords)
                    && l.disagrees_with
                        .iter()
                        .any(|d| d.routes.iter().any(|r| r.is_ddf()))
            })
            .count();
        s.links_with_disagreement = links
            .iter()
            .filter(|l| !l.disagrees_with.is_empty())
            .count();
        s.links_superseded_by_curated = links.iter().filter(|l| l.superseded_by_curated).count();
        s.links_with_definition = links.iter().filter(|l| l.definition_id.is_some()).count();
        s.element_links = links.iter().map(|l| l.elements.len()).sum();
        s.element_links_with_definition = links
            .iter()
            .flat_map(|l| &l.elements)
            .filter(|e| e.definition_id.is_some())
            .count();

        let backed_linked: BTreeSet<String> = links
            .iter()
            .filter(|l| l.has_route(Route::DdfAdmxBacked))
            .map(|l| l.csp_uri.to_lowercase())
            .collect();
        let mut without: BTreeSet<String> = BTreeSet::new();
        for node in catalog
            .ddf()
            .nodes()
            .iter()
            .filter(|n| n.admx_backed.is_some())
        {
            s.admx_backed_nodes += 1;
            if backed_linked.contains(&node.uri.to_lowercase()) {
                s.admx_backed_nodes_to_policy += 1;
            }
            if catalog
                .definition_for_uri(&node.uri, scope_of_uri(&node.uri))
                .is_some()
            {
                s.admx_backed_nodes_to_definition += 1;
            } else {
                without.insert(uri_without_scope(&node.uri));
            }
        }
        s.admx_backed_uris_without_definition = without.into_iter().collect();

        let linked_definitions: BTreeSet<&str> = links
            .iter()
            .filter_map(|l| l.definition_id.as_deref())
            .collect();
        for def in catalog.definitions().definitions() {
            let is_root = def
                .root_definition_id
                .as_deref()
                .is_none_or(|r| r == def.id);
            let base = def.base_uri.to_ascii_lowercase();
            let under_policy =
                base == "./device/vendor/msft/policy" || base == "./user/vendor/msft/policy";
            if !(is_root
                && under_policy
                && def.offset_uri.to_ascii_lowercase().starts_with("/config/"))
            {
                continue;
            }
            s.policy_config_definitions += 1;
            if linked_definitions.contains(def.id.as_str()) {
                s.policy_config_definitions_to_admx += 1;
            } else if catalog
                .csp_node(&def.uri())
                .is_some_and(|n| !n.gp_mappings.is_empty())
            {
                s.policy_config_definitions_to_gp_mapping_only += 1;
            } else if def.is_deprecated() {
                s.policy_config_definitions_deprecated += 1;
            } else {
                s.policy_config_definitions_unlinked += 1;
            }
        }
        for def in catalog.definitions().definitions() {
            let Some(app) = ingested_app(def) else {
                continue;
            };
            if is_element_child(def, catalog.definitions()) {
                continue;
            }
            let family = s.ingested_families.entry(family_of_app(app)).or_default();
            family.definitions += 1;
            if linked_definitions.contains(def.id.as_str()) {
                family.linked += 1;
            } else {
                family.not_linked += 1;
                if def.is_deprecated() {
                    family.not_linked_deprecated += 1;
                }
            }
        }
        for u in catalog.unresolved() {
            *s.unresolved_by_route
                .entry(format!("{:?}", u.route))
                .or_default() += 1;
            match u.route {
                Route::DdfAdmxBacked => s
                    .unresolved_admx_backed
                    .push(format!("{}: {}", u.from, u.reason)),
                Route::DdfGpMapping => s
                    .unresolved_gp_mapping
                    .push(format!("{}: {}", u.from, u.reason)),
                _ => {}
            }
        }
        for row in catalog.curated() {
            let evidence = match row.evidence {
                Evidence::Full => "full",
                Evidence::Partial => "partial",
                Evidence::None => "none",
            };
            *s.curated_rows_by_evidence
                .entry(evidence.to_string())
                .or_default() += 1;
        }
        s
    }

    /// The figures as `gpa catalog stats` prints them.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |label: &str, value: String| {
            let _ = writeln!(out, "{label:<58} {value}");
        };
        line("ADMX files", self.admx_files.to_string());
        line("ADMX policies", self.admx_policies.to_string());
        line(
            "ADMX policy scopes (Both counts twice), linked",
            format!(
                "{} / {}",
                self.admx_policy_scopes_linked, self.admx_policy_scopes
            ),
        );
        line("CSP nodes (settable leaves)", self.csp_nodes.to_string());
        line("settings catalog definitions", self.definitions.to_string());
        line("links", self.links.to_string());
        for (route, n) in &self.links_by_route {
            line(&format!("  by route {route}"), n.to_string());
        }
        line(
            "  confirmed by two or more routes",
            self.links_confirmed_by_two_routes.to_string(),
        );
        line(
            "  DDF AdmxBacked and catalog keywords agree",
            self.ddf_and_keywords_agree.to_string(),
        );
        line(
            "  catalog keywords disagree with the DDF",
            self.ddf_and_keywords_disagree.to_string(),
        );
        line(
            "  with a recorded disagreement",
            self.links_with_disagreement.to_string(),
        );
        line(
            "  superseded by a curated row",
            self.links_superseded_by_curated.to_string(),
        );
        line(
            "  with a definition",
            self.links_with_definition.to_string(),
        );
        line(
            "  element links with a child definition",
            format!(
                "{} / {}",
                self.element_links_with_definition, self.element_links
            ),
        );
        line("AdmxBacked DDF nodes", self.admx_backed_nodes.to_string());
        line(
            "  resolving to an ADMX policy",
            self.admx_backed_nodes_to_policy.to_string(),
        );
        line(
            "  resolving to a definition",
            self.admx_backed_nodes_to_definition.to_string(),
        );
        line(
            "  URIs without a definition (scope ignored)",
            self.admx_backed_uris_without_definition.len().to_string(),
        );
        for uri in &self.admx_backed_uris_without_definition {
            line("    ", uri.clone());
        }
        line(
            "Policy/Config root definitions",
            self.policy_config_definitions.to_string(),
        );
        line(
            "  linked to an ADMX policy",
            self.policy_config_definitions_to_admx.to_string(),
        );
        line(
            "  with a GP mapping only (no ADMX policy found)",
            self.policy_config_definitions_to_gp_mapping_only
                .to_string(),
        );
        line(
            "  deprecated, not linked",
            self.policy_config_definitions_deprecated.to_string(),
        );
        line(
            "  unlinked (MDM-only or not resolved)",
            self.policy_config_definitions_unlinked.to_string(),
        );
        for (route, n) in &self.unresolved_by_route {
            line(
                &format!("unresolved at build, route {route}"),
                n.to_string(),
            );
            let listed = match route.as_str() {
                "DdfAdmxBacked" => &self.unresolved_admx_backed,
                "DdfGpMapping" => &self.unresolved_gp_mapping,
                _ => continue,
            };
            for u in listed {
                line("    ", u.clone());
            }
        }
        line(
            "ingested families: definitions, linked, not linked",
            "(of them deprecated)".to_string(),
        );
        for (family, f) in &self.ingested_families {
            line(
                &format!("  {family}"),
                format!(
                    "{:>5} {:>5} {:>5} ({})",
                    f.definitions, f.linked, f.not_linked, f.not_linked_deprecated
                ),
            );
        }
        for (evidence, n) in &self.curated_rows_by_evidence {
            line(&format!("curated rows, evidence {evidence}"), n.to_string());
        }
        out
    }
}

/// `./Device/Vendor/MSFT/Policy/…` → `Policy/…` (the part after `Vendor/MSFT/`).
fn uri_without_scope(uri: &str) -> String {
    let lower = uri.to_ascii_lowercase();
    match lower.find("vendor/msft/") {
        Some(at) => uri
            .get(at + "vendor/msft/".len()..)
            .unwrap_or(uri)
            .to_string(),
        None => uri.to_string(),
    }
}
