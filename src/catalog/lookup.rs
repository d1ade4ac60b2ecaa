//! `gpa catalog lookup`: everything the catalog knows about one query, as text.

use std::fmt::Write;

use super::Catalog;
use super::curated::CuratedKey;
use super::join::{CatalogLink, scope_of_uri};
use crate::model::Scope;

/// What a query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A CSP URI (`./Device/Vendor/MSFT/…`, `./Vendor/MSFT/…`).
    Uri(String),
    /// A registry value; `scope` None when the path names no hive.
    Registry {
        scope: Option<Scope>,
        key: String,
        value_name: String,
    },
    /// `File:Name`.
    Policy { file: String, name: String },
    /// A definition id or an ADMX policy name: both are tried.
    Name(String),
}

/// Reads a query: a URI, a registry path (`HKLM\Software\…\Value`, or a key with `value`), an
/// ADMX `File:Name`, else a definition id or policy name.
pub fn parse_query(query: &str, value: Option<&str>) -> Query {
    let query = query.trim();
    if query.starts_with("./") || query.to_ascii_lowercase().contains("vendor/msft/") {
        return Query::Uri(query.to_string());
    }
    if query.contains('\\') {
        let (scope, path) = strip_hive(query);
        let (key, value_name) = match value {
            Some(v) => (path.trim_end_matches('\\').to_string(), v.to_string()),
            None => match path.rsplit_once('\\') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (path.to_string(), String::new()),
            },
        };
        return Query::Registry {
            scope,
            key,
            value_name,
        };
    }
    if let Some((file, name)) = query.split_once(':') {
        return Query::Policy {
            file: file.to_string(),
            name: name.to_string(),
        };
    }
    Query::Name(query.to_string())
}

fn strip_hive(path: &str) -> (Option<Scope>, &str) {
    let Some((first, rest)) = path.split_once('\\') else {
        return (None, path);
    };
    match first.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" | "MACHINE" => (Some(Scope::Device), rest),
        "HKCU" | "HKEY_CURRENT_USER" | "USER" => (Some(Scope::User), rest),
        _ => (None, path),
    }
}

/// Everything known about the query; empty when nothing matches.
pub fn lookup(catalog: &Catalog, query: &str, value: Option<&str>) -> String {
    let mut out = String::new();
    match parse_query(query, value) {
        Query::Uri(uri) => describe_uri(catalog, &uri, &mut out),
        Query::Registry {
            scope,
            key,
            value_name,
        } => {
            let scopes = match scope {
                Some(s) => vec![s],
                None => vec![Scope::Device, Scope::User],
            };
            let mut policies = Vec::new();
            for scope in scopes {
                for claim in catalog.registry_claims(scope, &key, &value_name) {
                    let _ = writeln!(
                        out,
                        "{scope:?} {key}\\{value_name}: claimed by policy #{} as {:?}",
                        claim.policy, claim.role
                    );
                    if !policies.contains(&claim.policy) {
                        policies.push(claim.policy);
                    }
                }
            }
            for policy in policies {
                describe_policy(catalog, policy, &mut out);
            }
            let curated_key = CuratedKey::Registry {
                key: key.clone(),
                value_name,
            };
            for row in catalog.curated_for(&curated_key) {
                let _ = writeln!(
                    out,
                    "curated ({:?}, evidence {:?}): {} → {} definition {}\n  translation: {}\n  note: {}",
                    row.table,
                    row.evidence,
                    row.gp_english_name,
                    row.csp_uri.as_deref().unwrap_or("(no node)"),
                    row.definition_id.as_deref().unwrap_or("(none)"),
                    row.value_translation,
                    row.note
                );
            }
        }
        Query::Policy { file, name } => {
            if let Some(i) = catalog.admx().policy_index(&file, &name) {
                describe_policy(catalog, i, &mut out);
            }
        }
        Query::Name(name) => {
            if catalog.definition(&name).is_some() {
                describe_definition(catalog, &name, &mut out);
            }
            for i in catalog.admx().policies_named(&name) {
                describe_policy(catalog, i, &mut out);
            }
        }
    }
    out
}

fn policy_label(catalog: &Catalog, policy: usize) -> String {
    catalog
        .admx()
        .policy(policy)
        .map(|p| format!("{}:{}", p.file_base, p.name))
        .unwrap_or_else(|| format!("#{policy}"))
}

fn describe_policy(catalog: &Catalog, policy: usize, out: &mut String) {
    let Some(p) = catalog.admx().policy(policy) else {
        return;
    };
    let _ = writeln!(
        out,
        "ADMX policy {}:{} ({:?})\n  display name: {}\n  category: {}\n  registry: {}\\{}",
        p.file_base,
        p.name,
        p.class,
        p.display_name,
        p.category_display_path(),
        p.key,
        p.value_name
            .as_deref()
            .unwrap_or("(no value; see elements)")
    );
    if let Some(area) = p.area() {
        let _ = writeln!(out, "  area: {area}");
    }
    for e in &p.elements {
        let _ = writeln!(
            out,
            "  element {}: {}\\{}",
            e.id,
            e.key,
            e.value_name.as_deref().unwrap_or("")
        );
    }
    let mut any = false;
    for &scope in p.class.scopes() {
        for link in catalog.links_for(policy, scope) {
            any = true;
            describe_link(catalog, link, out);
        }
    }
    if !any {
        let _ = writeln!(out, "  no CSP node or definition linked");
    }
}

fn describe_link(catalog: &Catalog, link: &CatalogLink, out: &mut String) {
    let _ = writeln!(
        out,
        "  link {:?} {} → {}\n    routes: {:?}",
        link.scope,
        link.csp_uri,
        link.definition_id.as_deref().unwrap_or("(no definition)"),
        link.routes
    );
    if let Some(element) = &link.gp_element {
        let _ = writeln!(out, "    GP element: {element}");
    }
    for e in &link.elements {
        let _ = writeln!(
            out,
            "    element {} → {}",
            e.element,
            e.definition_id
                .as_deref()
                .unwrap_or("(no child definition)")
        );
    }
    for d in &link.disagrees_with {
        let _ = writeln!(
            out,
            "    DISAGREES with {} {} → {} ({:?})",
            policy_label(catalog, d.policy),
            d.csp_uri,
            d.definition_id.as_deref().unwrap_or("(no definition)"),
            d.routes
        );
    }
    if link.superseded_by_curated {
        let _ = writeln!(out, "    superseded by a curated row");
    }
}

fn describe_definition(catalog: &Catalog, id: &str, out: &mut String) {
    let Some(def) = catalog.definition(id) else {
        return;
    };
    let _ = writeln!(
        out,
        "definition {} ({:?})\n  name: {}\n  display name: {}\n  CSP URI: {}",
        def.id,
        def.kind,
        def.name,
        def.display_name,
        def.uri()
    );
    for o in &def.options {
        let _ = writeln!(
            out,
            "  option {} = {:?} ({})",
            o.item_id,
            o.value.as_ref().and_then(|v| v.as_text()),
            o.display_name
        );
    }
    for child in catalog.definitions().children(def) {
        let _ = writeln!(out, "  child {} ({})", child.id, child.name);
    }
    if let Some(node) = catalog.csp_node(&def.uri()) {
        describe_node(node, out);
    }
    for link in catalog.links_to_definition(&def.id) {
        let _ = writeln!(
            out,
            "  from ADMX policy {}",
            policy_label(catalog, link.policy)
        );
        describe_link(catalog, link, out);
    }
}

fn describe_node(node: &super::ddf::DdfNode, out: &mut String) {
    let _ = writeln!(
        out,
        "  DDF node {} (CSP {}, format {})",
        node.uri,
        node.csp,
        node.format.as_deref().unwrap_or("?")
    );
    if let Some(b) = &node.admx_backed {
        let _ = writeln!(
            out,
            "    AdmxBacked {}:{} area {}",
            b.file,
            b.name,
            b.area.as_deref().unwrap_or("")
        );
    }
    for gp in &node.gp_mappings {
        let _ = writeln!(
            out,
            "    GpMapping {:?} at {:?} element {:?}",
            gp.english_name, gp.area_path, gp.element
        );
    }
    if let Some(build) = node.applicability.min_os_build() {
        let _ = writeln!(out, "    minimum OS build {build}");
    }
    if let Some(d) = &node.deprecated {
        let _ = writeln!(out, "    deprecated {:?}", d.os_build);
    }
}

fn describe_uri(catalog: &Catalog, uri: &str, out: &mut String) {
    let scope = scope_of_uri(uri);
    if let Some(node) = catalog.csp_node(uri) {
        let _ = writeln!(out, "CSP node {}", node.uri);
        describe_node(node, out);
    }
    if let Some(def) = catalog.definition_for_uri(uri, scope) {
        let id = def.id.clone();
        describe_definition(catalog, &id, out);
    } else {
        for link in catalog.links_to_uri(uri) {
            let _ = writeln!(
                out,
                "from ADMX policy {}",
                policy_label(catalog, link.policy)
            );
            describe_link(catalog, link, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_told_apart() {
        assert_eq!(
            parse_query(
                "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections",
                None
            ),
            Query::Uri(
                "./Device/Vendor/MSFT/Policy/Config/ADMX_WCM/WCM_MinimizeConnections".into()
            )
        );
        assert_eq!(
            parse_query(
                "HKLM\\Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy\\fMinimizeConnections",
                None
            ),
            Query::Registry {
                scope: Some(Scope::Device),
                key: "Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy".into(),
                value_name: "fMinimizeConnections".into()
            }
        );
        assert_eq!(
            parse_query("Software\\Policies\\X", Some("V")),
            Query::Registry {
                scope: None,
                key: "Software\\Policies\\X".into(),
                value_name: "V".into()
            }
        );
        assert_eq!(
            parse_query("WCM.admx:WCM_MinimizeConnections", None),
            Query::Policy {
                file: "WCM.admx".into(),
                name: "WCM_MinimizeConnections".into()
            }
        );
        assert_eq!(
            parse_query(
                "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections",
                None
            ),
            Query::Name("device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections".into())
        );
    }
}
