//! The whole match of an estate: every setting of every GPO gets a row with its MDM target, its
//! readiness in Intune's words, and the evidence for it. GPOs are matched in parallel; rows keep
//! the GPO's settings order, so the output does not depend on the thread count.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use super::admx_state::{
    AdmxState, Decision, ElementValueData, RecoveredPolicy, Route as PolicyRoute,
    recover_admx_state,
};
use super::security::{
    SecurityMatch, SecurityMatches, firewall_registry_value, match_security_settings,
};
use crate::catalog::admx::{AdmxPolicy, AdmxValue, PolicyClass};
use crate::catalog::curated::Evidence as CuratedEvidence;
use crate::catalog::join::{CatalogLink, Route as LinkRoute};
use crate::catalog::{Catalog, csp_name, csp_path};
use crate::inventory::{identity_text, value_text};
use crate::model::{
    Gpo, Inventory, PolicyState, PreferenceType, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue, fold_registry_key,
};

/// The analysis of every GPO of an inventory, in inventory order.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub gpos: Vec<GpoAnalysis>,
    /// Settings that several GPOs set, the same way (duplicates) or not (conflicts).
    pub overlaps: Vec<Overlap>,
}

/// One GPO's rows, and the stage results they were made from (kept for conversion).
#[derive(Debug, Clone, Serialize)]
pub struct GpoAnalysis {
    /// Index into [`Inventory::gpos`].
    pub gpo: usize,
    pub rows: Vec<MatchedSetting>,
    #[serde(skip)]
    pub admx: AdmxState,
    #[serde(skip)]
    pub security: SecurityMatches,
}

/// Where a GPO setting stands for a move to Intune; the first three are Intune's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Readiness {
    /// A settings catalog definition exists for it.
    #[serde(rename = "Ready")]
    Ready,
    /// A mapping exists but the node, template or product it targets is obsolete.
    #[serde(rename = "Deprecated")]
    Deprecated,
    /// No MDM equivalent is known.
    #[serde(rename = "Not supported")]
    NotSupported,
    /// No settings catalog definition, but a CSP node (or ADMX ingestion) reaches it.
    #[serde(rename = "Custom OMA-URI")]
    CustomOmaUri,
    /// Means nothing on a cloud-managed device; the row names the cloud-native replacement.
    #[serde(rename = "Not applicable")]
    NotApplicable,
    /// Set by a client-side extension gpa does not read.
    #[serde(rename = "Unknown extension")]
    UnknownExtension,
}

impl Readiness {
    pub const ALL: [Readiness; 6] = [
        Readiness::Ready,
        Readiness::Deprecated,
        Readiness::CustomOmaUri,
        Readiness::NotSupported,
        Readiness::NotApplicable,
        Readiness::UnknownExtension,
    ];

    pub fn text(self) -> &'static str {
        match self {
            Readiness::Ready => "Ready",
            Readiness::Deprecated => "Deprecated",
            Readiness::NotSupported => "Not supported",
            Readiness::CustomOmaUri => "Custom OMA-URI",
            Readiness::NotApplicable => "Not applicable",
            Readiness::UnknownExtension => "Unknown extension",
        }
    }

    /// Intune's "MDM Support" column: some MDM node can set it.
    pub fn mdm_supported(self) -> bool {
        matches!(
            self,
            Readiness::Ready | Readiness::Deprecated | Readiness::CustomOmaUri
        )
    }

    /// Graph's `mdmSupportedState`.
    pub fn mdm_supported_state(self) -> &'static str {
        match self {
            Readiness::Ready | Readiness::CustomOmaUri => "supported",
            Readiness::Deprecated => "deprecated",
            Readiness::NotSupported | Readiness::NotApplicable => "unsupported",
            Readiness::UnknownExtension => "unknown",
        }
    }
}

/// How far the evidence of a row goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Language-independent keys all the way, the link confirmed by Microsoft data.
    High,
    /// One route only, or a tie broken by catalog order.
    Medium,
    /// English display names, or a curated row without evidence.
    Low,
}

impl Confidence {
    pub fn text(self) -> &'static str {
        match self {
            Confidence::High => "High",
            Confidence::Medium => "Medium",
            Confidence::Low => "Low",
        }
    }
}

/// What a row was made from, for conversion and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "index", rename_all = "snake_case")]
pub enum RowOrigin {
    /// Index into [`AdmxState::policies`].
    AdmxPolicy(usize),
    /// Index into [`SecurityMatches::matches`].
    Security(usize),
    /// Index into [`Gpo::settings`]: a setting no stage matched.
    Setting(usize),
    /// Index into [`Gpo::unsupported_extensions`].
    Extension(usize),
}

/// The file, registry key and value name a row stands on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub file: String,
    pub key: String,
    pub value_name: String,
}

/// One setting of one GPO and where it goes in MDM.
#[derive(Debug, Clone, Serialize)]
pub struct MatchedSetting {
    pub name: String,
    pub category: String,
    pub scope: Scope,
    pub value: String,
    /// Graph's `settingType` (`policy`, `securityOptions`, `driveMapSettings`, …).
    pub setting_type: &'static str,
    pub readiness: Readiness,
    pub csp_name: Option<String>,
    pub csp_uri: Option<String>,
    pub min_os_version: Option<String>,
    pub definition_id: Option<String>,
    /// The chain of evidence, each step a stable token (`registry.pol > ADMX wcm:WCM_MinimizeConnections > DdfAdmxBacked+CatalogKeywords`).
    pub match_route: String,
    pub confidence: Confidence,
    pub source: SourceRef,
    /// Why the row has its readiness, in words.
    pub reason: String,
    /// The language-independent identity used to compare GPOs (scope included).
    pub identity: String,
    /// The value in a form that compares across GPOs.
    pub value_key: String,
    pub origin: RowOrigin,
    /// gpa could not tell what the setting is: an extension it does not read, or a report policy
    /// of a template the catalog lacks (Intune's "Unknown Settings").
    pub unknown: bool,
    /// Index of the first setting of the GPO the row stands on; rows are in this order.
    #[serde(skip)]
    pub order: usize,
}

/// A setting set by more than one GPO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overlap {
    pub identity: String,
    pub name: String,
    pub scope: Scope,
    pub kind: OverlapKind,
    /// Every GPO that sets it, in inventory order, with its value.
    pub gpos: Vec<OverlapEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OverlapKind {
    /// Same value everywhere.
    Duplicate,
    /// Different values: Intune's Migrate refuses these.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlapEntry {
    /// Index into [`Inventory::gpos`].
    pub gpo: usize,
    pub gpo_name: String,
    pub value: String,
}

/// Matches every GPO of the inventory against the catalog.
pub fn analyze(inventory: &Inventory, catalog: &Catalog) -> Analysis {
    analyze_with_progress(inventory, catalog, &|| {})
}

/// [`analyze`], calling `gpo_done` as each GPO is matched (from any thread).
pub fn analyze_with_progress(
    inventory: &Inventory,
    catalog: &Catalog,
    gpo_done: &(dyn Fn() + Sync),
) -> Analysis {
    let gpos: Vec<GpoAnalysis> = inventory
        .gpos
        .par_iter()
        .enumerate()
        .map(|(index, gpo)| {
            let analysis = analyze_gpo(index, gpo, catalog);
            gpo_done();
            analysis
        })
        .collect();
    let overlaps = find_overlaps(inventory, &gpos);
    Analysis { gpos, overlaps }
}

/// Matches one GPO.
pub fn analyze_gpo(index: usize, gpo: &Gpo, catalog: &Catalog) -> GpoAnalysis {
    // The two stages are independent: a large GPO runs them side by side.
    let (admx, security) = rayon::join(
        || recover_admx_state(gpo, catalog.admx()),
        || match_security_settings(gpo, catalog),
    );
    let mut rows = Vec::new();
    let mut covered: BTreeSet<usize> = restated(gpo);

    let security_by_setting: BTreeMap<usize, Vec<usize>> = security
        .matches
        .iter()
        .enumerate()
        .fold(BTreeMap::new(), |mut map, (i, m)| {
            map.entry(m.setting).or_insert_with(Vec::new).push(i);
            map
        });

    for (i, policy) in admx.policies.iter().enumerate() {
        covered.extend(policy.evidence.iter().map(|e| e.setting));
        let curated = policy
            .evidence
            .iter()
            .flat_map(|e| security_by_setting.get(&e.setting).into_iter().flatten())
            .filter_map(|&m| security.matches.get(m))
            .find(|m| m.csp_uri.is_some());
        rows.push(policy_row(gpo, catalog, i, policy, curated));
    }
    for (i, m) in security.matches.iter().enumerate() {
        if covered.contains(&m.setting) {
            continue;
        }
        if let Some(setting) = gpo.settings.get(m.setting) {
            rows.push(security_row(catalog, i, m, setting));
        }
    }
    covered.extend(security.matches.iter().map(|m| m.setting));
    for (i, setting) in gpo.settings.iter().enumerate() {
        if !covered.contains(&i) {
            rows.push(unmatched_row(&admx, i, setting));
        }
    }
    for (i, extension) in gpo.unsupported_extensions.iter().enumerate() {
        let name = extension
            .name
            .clone()
            .or_else(|| extension.type_name.clone())
            .unwrap_or_else(|| "client-side extension".to_string());
        let key = extension
            .namespace
            .clone()
            .or_else(|| extension.cse_guid.clone())
            .unwrap_or_default();
        rows.push(MatchedSetting {
            name: name.clone(),
            category: "Unsupported extension".to_string(),
            scope: extension.scope,
            value: String::new(),
            setting_type: "unknown",
            readiness: Readiness::UnknownExtension,
            csp_name: None,
            csp_uri: None,
            min_os_version: None,
            definition_id: None,
            match_route: "report extension".to_string(),
            confidence: Confidence::High,
            source: SourceRef {
                file: gpo.origin.clone(),
                key: key.clone(),
                value_name: extension.type_name.clone().unwrap_or_default(),
            },
            reason: format!(
                "gpa does not read this client-side extension ({key}); review it by hand"
            ),
            identity: format!("{:?}|extension|{}", extension.scope, key.to_lowercase()),
            value_key: String::new(),
            origin: RowOrigin::Extension(i),
            unknown: true,
            order: usize::MAX,
        });
    }
    rows.sort_by_key(|r| (r.scope, r.order));
    GpoAnalysis {
        gpo: index,
        rows,
        admx,
        security,
    }
}

/// Settings that get no row of their own: registry.pol instructions on a key alone (they create
/// or secure the key and set nothing), report firewall profile values that restate a raw
/// registry.pol value (GPMC shows them again by profile and name), and raw AppLocker registry
/// values whose rule or enforcement mode the report names (its row carries the rule's name).
fn restated(gpo: &Gpo) -> BTreeSet<usize> {
    let raw: BTreeSet<(String, String)> = gpo
        .settings
        .iter()
        .filter_map(|s| match &s.id {
            SettingId::Registry {
                key, value_name, ..
            } => Some((fold_registry_key(key), value_name.to_lowercase())),
            _ => None,
        })
        .collect();
    let reported_rules: BTreeSet<String> = gpo
        .settings
        .iter()
        .filter_map(|s| match &s.id {
            SettingId::AppLockerRule { collection, id } => {
                Some(format!("{collection}\\{id}").to_lowercase())
            }
            _ => None,
        })
        .collect();
    const SRPV2: &str = "software\\policies\\microsoft\\windows\\srpv2\\";
    gpo.settings
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match (&s.id, &s.value) {
            (SettingId::Registry { value_name, .. }, SettingValue::Registry(instruction))
                if value_name.is_empty()
                    && matches!(
                        instruction.op,
                        RegistryOp::CreateKey | RegistryOp::SecureKey { .. }
                    ) =>
            {
                Some(i)
            }
            (
                SettingId::Registry {
                    key, value_name, ..
                },
                _,
            ) => {
                let rule = fold_registry_key(key).strip_prefix(SRPV2).map(|rest| {
                    if value_name.eq_ignore_ascii_case("EnforcementMode") {
                        format!("{rest}\\enforcementmode")
                    } else {
                        rest.to_string()
                    }
                })?;
                reported_rules.contains(&rule).then_some(i)
            }
            (SettingId::FirewallSetting { profile, name }, _) => {
                let (key, value_name) = firewall_registry_value(profile, name)?;
                raw.contains(&(fold_registry_key(&key), value_name.to_lowercase()))
                    .then_some(i)
            }
            _ => None,
        })
        .collect()
}

/// Makes the row of an Administrative Templates policy from its best catalog link.
fn policy_row(
    gpo: &Gpo,
    catalog: &Catalog,
    index: usize,
    recovered: &RecoveredPolicy,
    curated: Option<&SecurityMatch>,
) -> MatchedSetting {
    let policy = catalog.admx().policy(recovered.policy);
    let links = policy_links(catalog, recovered);
    let link = best_link(&links);
    let first = recovered.evidence.first().map(|e| e.setting);
    let source_setting = first.and_then(|i| gpo.settings.get(i));
    let from_registry = recovered.route == PolicyRoute::RegistryPol;
    let mut route = vec![
        if from_registry {
            "registry.pol".to_string()
        } else {
            "report display name".to_string()
        },
        format!("ADMX {}:{}", recovered.file_base, recovered.name),
    ];
    let mut reasons = Vec::new();
    let mut confidence = if from_registry {
        Confidence::High
    } else {
        Confidence::Low
    };
    if recovered
        .ambiguities
        .iter()
        .any(|a| a.decided_by == Decision::CatalogOrder)
    {
        confidence = confidence.max(Confidence::Medium);
        reasons.push("the registry value is claimed by several templates; the first in catalog order was taken".to_string());
    }
    reasons.extend(recovered.notes.iter().cloned());

    let (readiness, csp_uri, definition_id) = match (link, curated) {
        (Some(link), _) => {
            route.push(
                link.routes
                    .iter()
                    .map(|r| format!("{r:?}"))
                    .collect::<Vec<_>>()
                    .join("+"),
            );
            if link.routes.len() < 2
                && !link
                    .routes
                    .iter()
                    .any(|r| r.is_ddf() || *r == LinkRoute::Curated)
            {
                confidence = confidence.max(Confidence::Medium);
            }
            if !link.disagrees_with.is_empty() {
                confidence = confidence.max(Confidence::Medium);
                reasons.push(format!(
                    "another route links this policy to {}",
                    link.disagrees_with
                        .iter()
                        .map(|d| d.csp_uri.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let per_element: Vec<&str> = links
                .iter()
                .filter(|l| l.gp_element.is_some() && l.csp_uri != link.csp_uri)
                .map(|l| l.csp_uri.as_str())
                .collect();
            if link.gp_element.is_some() && !per_element.is_empty() {
                reasons.push(format!(
                    "each element of this policy has its own node; also {}",
                    per_element.join(", ")
                ));
            }
            match &link.definition_id {
                Some(id) => {
                    reasons.push(format!("the settings catalog has {id}"));
                    (
                        Readiness::Ready,
                        Some(link.csp_uri.clone()),
                        Some(id.clone()),
                    )
                }
                None => {
                    reasons.push(format!(
                        "the CSP node exists but the settings catalog has no definition for it; use a custom profile with {}",
                        link.csp_uri
                    ));
                    (Readiness::CustomOmaUri, Some(link.csp_uri.clone()), None)
                }
            }
        }
        (None, Some(m)) => {
            route.push(format!("curated {}", m.table.file_name()));
            confidence = confidence.max(curated_confidence(m));
            let uri = m.csp_uri.clone();
            match &m.definition_id {
                Some(id) if catalog.definition(id).is_some() => {
                    reasons.push(format!("curated row \"{}\" gives {id}", m.gp_english_name));
                    (Readiness::Ready, uri, Some(id.clone()))
                }
                _ => {
                    reasons.push(format!(
                        "curated row \"{}\" gives a CSP node the settings catalog has no definition for",
                        m.gp_english_name
                    ));
                    (Readiness::CustomOmaUri, uri, None)
                }
            }
        }
        (None, None) => match policy.and_then(ingestion_uri) {
            Some(uri) => {
                route.push("ADMX ingestion".to_string());
                reasons.push(format!(
                    "no MDM node mirrors this template; ingest {}.admx and set {uri} (the app name is yours to choose at ingestion)",
                    recovered.file_base
                ));
                (Readiness::CustomOmaUri, Some(uri), None)
            }
            None => {
                reasons.push(
                    "no CSP node or settings catalog definition mirrors this policy, and Windows blocks ADMX ingestion for its registry key"
                        .to_string(),
                );
                (Readiness::NotSupported, None, None)
            }
        },
    };
    let mut readiness = readiness;
    if readiness != Readiness::NotSupported
        && let Some(why) = deprecation(catalog, policy, csp_uri.as_deref())
            .or_else(|| definition_deprecation(catalog, definition_id.as_deref()))
    {
        readiness = Readiness::Deprecated;
        reasons.push(why);
    }
    let min_os_version = min_os_version(catalog, csp_uri.as_deref(), definition_id.as_deref());
    let category = policy
        .map(|p| p.category_path.join("/"))
        .unwrap_or_default();
    let (key, value_name) = match source_setting.map(|s| &s.id) {
        Some(SettingId::Registry {
            key, value_name, ..
        }) => (key.clone(), value_name.clone()),
        _ => policy
            .map(|p| (p.key.clone(), p.value_name.clone().unwrap_or_default()))
            .unwrap_or_default(),
    };
    MatchedSetting {
        name: recovered.display_name.clone(),
        category,
        scope: recovered.scope,
        value: policy_value_text(recovered),
        setting_type: "policy",
        readiness,
        csp_name: csp_uri.as_deref().and_then(csp_name).map(str::to_string),
        csp_uri,
        min_os_version,
        definition_id,
        match_route: route.join(" > "),
        confidence,
        source: SourceRef {
            file: source_setting
                .map(|s| s.source.file.clone())
                .unwrap_or_default(),
            key,
            value_name,
        },
        reason: reasons.join("; "),
        identity: format!(
            "{:?}|admx|{}:{}",
            recovered.scope,
            recovered.file_base.to_lowercase(),
            recovered.name.to_lowercase()
        ),
        value_key: policy_value_key(recovered),
        origin: RowOrigin::AdmxPolicy(index),
        unknown: false,
        order: first.unwrap_or(usize::MAX),
    }
}

/// The catalog links of a recovered policy. Several template folders may define the same policy;
/// the join links the copy the catalog indexes by file and name, so another copy (found by a
/// report's display names) borrows that copy's links.
pub fn policy_links<'c>(catalog: &'c Catalog, recovered: &RecoveredPolicy) -> Vec<&'c CatalogLink> {
    let links = catalog.links_for(recovered.policy, recovered.scope);
    if !links.is_empty() {
        return links;
    }
    match catalog
        .admx()
        .policy_index(&recovered.file_base, &recovered.name)
    {
        Some(canonical) if canonical != recovered.policy => {
            catalog.links_for(canonical, recovered.scope)
        }
        _ => links,
    }
}

/// The link to use: one with a definition first, then one confirmed by more routes; a link the
/// curated tables supersede is used only when nothing else is there. `links` comes curated first.
pub fn best_link<'a>(links: &[&'a CatalogLink]) -> Option<&'a CatalogLink> {
    links
        .iter()
        .copied()
        .enumerate()
        .min_by_key(|(i, l)| {
            (
                l.superseded_by_curated,
                l.definition_id.is_none(),
                std::cmp::Reverse(l.routes.len()),
                *i,
            )
        })
        .map(|(_, l)| l)
}

fn curated_confidence(m: &SecurityMatch) -> Confidence {
    match m.evidence {
        CuratedEvidence::Full => Confidence::High,
        CuratedEvidence::Partial => Confidence::Medium,
        CuratedEvidence::None => Confidence::Low,
    }
}

/// Registry roots Windows refuses to ADMX ingestion, and the Office keys it allows back in
/// ("Win32 and Desktop Bridge app ADMX policy ingestion", peers.md: "ingested ADMX may not write
/// to System, Software\Microsoft or Software\Policies\Microsoft except listed paths").
const INGESTION_BLOCKED: [&str; 3] = [
    "system\\",
    "software\\microsoft\\",
    "software\\policies\\microsoft\\",
];
const INGESTION_ALLOWED: [&str; 2] = [
    "software\\policies\\microsoft\\office\\",
    "software\\microsoft\\office\\",
];

/// Whether Windows lets an ingested ADMX template write under this registry key.
fn ingestion_allowed(key: &str) -> bool {
    let key = format!("{}\\", fold_registry_key(key));
    !INGESTION_BLOCKED.iter().any(|p| key.starts_with(p))
        || INGESTION_ALLOWED.iter().any(|p| key.starts_with(p))
}

/// The OMA-URI an ingested copy of the policy's template would give it
/// (`./Device/Vendor/MSFT/Policy/Config/{app}~Policy~{category~path}/{policy}`), or None when
/// Windows blocks ingestion for its key.
fn ingestion_uri(policy: &AdmxPolicy) -> Option<String> {
    if !ingestion_allowed(&policy.key) || policy.category_names.is_empty() {
        return None;
    }
    let base = match policy.class {
        PolicyClass::User => "./User",
        _ => "./Device",
    };
    Some(format!(
        "{base}/Vendor/MSFT/Policy/Config/{}~Policy~{}/{}",
        policy.file_base.to_lowercase(),
        policy.category_names.join("~"),
        policy.name
    ))
}

/// Why a mapped policy is obsolete: the DDF deprecates its node, or it belongs to a retired
/// product (Internet Explorer, the legacy Edge) or only to Windows releases before Windows 10.
fn deprecation(
    catalog: &Catalog,
    policy: Option<&AdmxPolicy>,
    uri: Option<&str>,
) -> Option<String> {
    if let Some(node) = uri.and_then(|u| catalog.csp_node(u))
        && let Some(deprecated) = &node.deprecated
    {
        return Some(match &deprecated.os_build {
            Some(build) => format!("the DDF marks {} deprecated as of build {build}", node.uri),
            None => format!("the DDF marks {} deprecated", node.uri),
        });
    }
    let policy = policy?;
    let file = policy.file_base.to_lowercase();
    if file == "inetres"
        || policy
            .category_path
            .first()
            .is_some_and(|c| c == "Internet Explorer")
    {
        return Some(
            "Internet Explorer 11 is retired; use Microsoft Edge (IE mode) policies".to_string(),
        );
    }
    if file == "microsoftedge" {
        return Some(
            "the legacy (EdgeHTML) Microsoft Edge is retired; use the msedge.admx policies"
                .to_string(),
        );
    }
    let supported = policy.supported_on.as_deref()?;
    super::supported_on::only_before_windows_10(supported)
        .then(|| format!("the template supports it only on \"{supported}\""))
}

/// The settings catalog marks a retired definition in its display name
/// (`[Deprecated] Interactive Logon Machine Inactivity Limit (Deprecated)`).
fn definition_deprecation(catalog: &Catalog, id: Option<&str>) -> Option<String> {
    let def = catalog.definition(id?)?;
    def.is_deprecated().then(|| {
        format!(
            "the settings catalog marks {} deprecated (\"{}\")",
            def.id, def.display_name
        )
    })
}

/// The lowest OS build the node or definition applies to.
fn min_os_version(
    catalog: &Catalog,
    uri: Option<&str>,
    definition: Option<&str>,
) -> Option<String> {
    uri.and_then(|u| catalog.csp_node(u))
        .and_then(|n| n.applicability.min_os_build())
        .map(str::to_string)
        .or_else(|| {
            definition
                .and_then(|d| catalog.definition(d))
                .and_then(|d| d.applicability.minimum_supported_version.clone())
        })
}

fn state_text(state: PolicyState) -> &'static str {
    match state {
        PolicyState::Enabled => "Enabled",
        PolicyState::Disabled => "Disabled",
        PolicyState::Unknown => "Unknown",
    }
}

/// `Enabled; WCM_MinimizeConnections_Options: 3 (Prevent Wi-Fi when on Ethernet)`.
fn policy_value_text(policy: &RecoveredPolicy) -> String {
    let mut parts = vec![state_text(policy.state).to_string()];
    for element in &policy.elements {
        let value = match &element.value {
            ElementValueData::Number { value } => value.to_string(),
            ElementValueData::Text { value } => value.clone(),
            ElementValueData::MultiText { values } => values.join("; "),
            ElementValueData::Boolean { value } => value.to_string(),
            ElementValueData::Enum {
                display_name,
                value,
                ..
            } => match value {
                Some(v) => format!("{} ({display_name})", admx_value_text(v)),
                None => display_name.clone(),
            },
            ElementValueData::List { entries } => entries
                .iter()
                .map(|e| match &e.data {
                    Some(data) if *data != e.name => format!("{}={data}", e.name),
                    _ => e.name.clone(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            ElementValueData::Deleted => "(deleted)".to_string(),
            ElementValueData::Unrecognized { raw } => format!("(unrecognized) {raw}"),
        };
        parts.push(format!("{}: {value}", element.id));
    }
    parts.join("; ")
}

fn admx_value_text(value: &AdmxValue) -> String {
    match value {
        AdmxValue::Decimal(n) => n.to_string(),
        AdmxValue::LongDecimal(n) => n.to_string(),
        AdmxValue::String(s) => s.clone(),
        AdmxValue::Delete => "(delete)".to_string(),
        AdmxValue::Unparsed { text, .. } => text.clone(),
    }
}

/// The value as it compares across GPOs: list entries and principals are sets, so two GPOs that
/// list the same ones in another order agree.
fn policy_value_key(policy: &RecoveredPolicy) -> String {
    let mut elements = policy.elements.clone();
    for element in &mut elements {
        if let ElementValueData::List { entries } = &mut element.value {
            entries.sort_by(|a, b| (&a.name, &a.data).cmp(&(&b.name, &b.data)));
        }
    }
    serde_json::to_string(&(policy.state, &elements)).unwrap_or_default()
}

fn setting_value_key(value: &SettingValue) -> String {
    let mut value = value.clone();
    match &mut value {
        SettingValue::Principals { members } => members.sort(),
        SettingValue::GroupMembership { members, member_of } => {
            members.sort();
            member_of.sort();
        }
        SettingValue::TextList { values } => values.sort(),
        _ => {}
    }
    serde_json::to_string(&value).unwrap_or_default()
}

/// The CSP path above a node, as a category for rows that have none
/// (`./Vendor/MSFT/Firewall/MdmStore/PrivateProfile/EnableFirewall` → `Firewall/MdmStore/PrivateProfile`).
fn csp_category(uri: &str) -> String {
    let path = csp_path(uri).unwrap_or(uri);
    path.rsplit_once('/')
        .map_or(path, |(parent, _)| parent)
        .to_string()
}

/// The row of a setting matched by a curated table.
fn security_row(
    catalog: &Catalog,
    index: usize,
    m: &SecurityMatch,
    setting: &Setting,
) -> MatchedSetting {
    let definition = m
        .definition_id
        .as_deref()
        .filter(|id| catalog.definition(id).is_some());
    let (readiness, reason) = match (&m.csp_uri, definition) {
        (Some(_), Some(id)) => (
            Readiness::Ready,
            format!("curated row \"{}\" gives {id}", m.gp_english_name),
        ),
        (Some(uri), None) => (
            Readiness::CustomOmaUri,
            format!("the settings catalog has no definition for {uri}; use a custom profile"),
        ),
        (None, _) => (
            Readiness::NotSupported,
            format!(
                "curated row \"{}\": MDM has no node for it",
                m.gp_english_name
            ),
        ),
    };
    let (readiness, mut reason) = match definition_deprecation(catalog, definition) {
        Some(why) if readiness == Readiness::Ready => {
            (Readiness::Deprecated, format!("{reason}; {why}"))
        }
        _ => (readiness, reason),
    };
    if m.value_translation != "same" && !m.value_translation.is_empty() {
        reason.push_str(&format!("; value: {}", m.value_translation));
    }
    if let Some(note) = &m.note {
        reason.push_str(&format!("; {note}"));
    }
    let mut row = base_row(setting, index, RowOrigin::Security(index));
    // A raw value without a report name is named by the curated row, else by the definition
    // (Private and Public firewall profile values have no English Group Policy name).
    if setting.display_name.is_none() {
        if !m.gp_english_name.is_empty() {
            row.name = m.gp_english_name.clone();
        } else if let Some(def) = definition.and_then(|id| catalog.definition(id)) {
            row.name = def.display_name.clone();
        }
    }
    if row.category.is_empty()
        && let Some(uri) = &m.csp_uri
    {
        row.category = csp_category(uri);
    }
    row.readiness = readiness;
    row.csp_name = m.csp_uri.as_deref().and_then(csp_name).map(str::to_string);
    row.min_os_version = min_os_version(catalog, m.csp_uri.as_deref(), definition);
    row.csp_uri = m.csp_uri.clone();
    row.definition_id = definition.map(str::to_string);
    row.match_route = format!(
        "{} > curated {}",
        source_token(setting),
        m.table.file_name()
    );
    row.confidence = curated_confidence(m);
    row.reason = reason;
    row
}

/// A row for a setting of the model with no stage's match: its readiness follows its kind.
fn unmatched_row(admx: &AdmxState, index: usize, setting: &Setting) -> MatchedSetting {
    let mut row = base_row(setting, index, RowOrigin::Setting(index));
    let (readiness, reason) = match (&setting.kind, &setting.id) {
        (SettingKind::AdmxPolicy, _) => {
            let known = admx
                .unresolved_report_policies
                .iter()
                .any(|u| u.setting == index);
            row.confidence = Confidence::Low;
            row.unknown = true;
            (
                Readiness::NotSupported,
                if known {
                    "the catalog has no Administrative Template with this category and name; add the template with --catalog".to_string()
                } else {
                    "the report policy could not be tied to a template".to_string()
                },
            )
        }
        (SettingKind::RegistryValue, SettingId::Registry { key, .. }) if ingestion_allowed(key) => (
            Readiness::NotSupported,
            "no Administrative Template of the catalog writes this registry value (extra registry setting); if its vendor ships an ADMX template, add it with `gpa catalog build --admx DIR`: MDM can then set it through ADMX ingestion".to_string(),
        ),
        (SettingKind::RegistryValue, _) => (
            Readiness::NotSupported,
            "no Administrative Template of the catalog writes this registry value (extra registry setting), and Windows blocks ADMX ingestion for its key".to_string(),
        ),
        (SettingKind::SecurityOption | SettingKind::AccountPolicy | SettingKind::UserRight | SettingKind::AdvancedAudit, _) => (
            Readiness::NotSupported,
            "no curated row ties this security setting to an MDM node".to_string(),
        ),
        (SettingKind::LegacyAudit, _) => (
            Readiness::NotSupported,
            "legacy audit categories have no MDM node; set the advanced audit subcategories (Audit CSP) instead".to_string(),
        ),
        (SettingKind::AuditOption, _) => (Readiness::NotSupported, "audit options and global SACLs have no MDM node".to_string()),
        (SettingKind::EventLog, _) => (
            Readiness::NotSupported,
            "security template event log settings have no MDM node; the EventLogService ADMX policies set log sizes".to_string(),
        ),
        (SettingKind::RestrictedGroup, _) => (
            Readiness::CustomOmaUri,
            "set group membership with the LocalUsersAndGroups or RestrictedGroups CSP (Account protection policy)".to_string(),
        ),
        (SettingKind::Service, _) => (Readiness::NotSupported, "service startup modes have no general MDM node".to_string()),
        (SettingKind::RegistryPermission | SettingKind::FilePermission, _) => {
            (Readiness::NotSupported, "permissions on files and registry keys have no MDM node".to_string())
        }
        (SettingKind::FirewallProfile | SettingKind::FirewallRule, _) => (
            Readiness::CustomOmaUri,
            "set it with the Firewall CSP (Endpoint security > Firewall rules); Group Policy analytics excludes firewall settings".to_string(),
        ),
        (SettingKind::ConnectionSecurityRule, _) => (Readiness::NotSupported, "connection security (IPsec) rules have no MDM node".to_string()),
        (SettingKind::AppLockerRule, _) => (
            Readiness::CustomOmaUri,
            "set it with the AppLocker CSP (./Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions) or App Control for Business".to_string(),
        ),
        (SettingKind::Script, _) => (
            Readiness::NotApplicable,
            "scripts run at startup or logon only on domain machines; use Intune platform scripts or Remediations".to_string(),
        ),
        (SettingKind::FolderRedirection, _) => (
            Readiness::NotApplicable,
            "folder redirection needs the domain; use OneDrive Known Folder Move".to_string(),
        ),
        (SettingKind::SoftwarePackage, _) => (
            Readiness::NotApplicable,
            "Group Policy software installation needs the domain; deploy the app as an Intune Win32 or line-of-business app".to_string(),
        ),
        (SettingKind::Certificate | SettingKind::PublicKeyPolicy, _) => (
            Readiness::NotApplicable,
            "deploy certificates with Intune trusted certificate, SCEP or PKCS profiles".to_string(),
        ),
        (SettingKind::NameResolutionPolicy, _) => (Readiness::NotSupported, "NRPT rules have no Policy CSP node; VPN profiles carry DNS rules".to_string()),
        (SettingKind::UnknownExtension, _) => {
            row.unknown = true;
            (Readiness::UnknownExtension, "gpa does not read this client-side extension; review it by hand".to_string())
        }
        (SettingKind::Preference, SettingId::Preference { preference_type, .. }) => preference_readiness(*preference_type),
        (SettingKind::Preference, _) => (Readiness::NotSupported, "preference item".to_string()),
    };
    if row.confidence != Confidence::Low {
        row.confidence = Confidence::High;
    }
    row.match_route = source_token(setting);
    row.readiness = readiness;
    row.reason = reason;
    row
}

/// Group Policy Preferences have no MDM form; the domain-bound ones are not applicable at all.
fn preference_readiness(kind: PreferenceType) -> (Readiness, String) {
    let (readiness, why) = match kind {
        PreferenceType::DriveMaps => (
            Readiness::NotApplicable,
            "drive maps need the domain network; use OneDrive / SharePoint, or a script",
        ),
        PreferenceType::Printers => (
            Readiness::NotApplicable,
            "printer preferences need print servers; use Universal Print",
        ),
        PreferenceType::DataSources | PreferenceType::NetworkShares => (
            Readiness::NotApplicable,
            "this preference targets domain resources; use a Win32 app or a script",
        ),
        PreferenceType::LocalUsersAndGroups => (
            Readiness::CustomOmaUri,
            "set local group membership with the LocalUsersAndGroups CSP (Account protection policy)",
        ),
        PreferenceType::Registry => (
            Readiness::NotSupported,
            "registry preferences have no MDM node; use a Remediation script, or an ADMX template if one exists",
        ),
        _ => (
            Readiness::NotSupported,
            "preference items have no MDM node; use a Win32 app, a platform script or Remediations",
        ),
    };
    (readiness, why.to_string())
}

/// The fields every row takes from its setting.
fn base_row(setting: &Setting, index: usize, origin: RowOrigin) -> MatchedSetting {
    let (key, value_name) = match &setting.id {
        SettingId::Registry {
            key, value_name, ..
        } => (key.clone(), value_name.clone()),
        other => (identity_text(other), String::new()),
    };
    let value = setting
        .display_value
        .clone()
        .unwrap_or_else(|| value_text(&setting.value));
    MatchedSetting {
        name: setting
            .display_name
            .clone()
            .unwrap_or_else(|| identity_text(&setting.id)),
        category: setting.category.clone().unwrap_or_default(),
        scope: setting.scope,
        value,
        setting_type: setting_type(setting),
        readiness: Readiness::NotSupported,
        csp_name: None,
        csp_uri: None,
        min_os_version: None,
        definition_id: None,
        match_route: String::new(),
        confidence: Confidence::High,
        source: SourceRef {
            file: setting.source.file.clone(),
            key,
            value_name,
        },
        reason: String::new(),
        identity: format!(
            "{:?}|{}",
            setting.scope,
            identity_text(&setting.id.case_folded())
        ),
        value_key: setting_value_key(&setting.value),
        origin,
        unknown: false,
        order: index,
    }
}

/// The raw file or report a setting came from, as the first step of a match route.
fn source_token(setting: &Setting) -> String {
    let file = setting
        .source
        .file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    if file.is_empty() {
        "report".to_string()
    } else {
        file.to_string()
    }
}

/// Graph's `settingType` for a setting.
fn setting_type(setting: &Setting) -> &'static str {
    match (&setting.kind, &setting.id) {
        (SettingKind::AdmxPolicy, _) => "policy",
        (SettingKind::RegistryValue, _) => "registrySettings",
        (SettingKind::AccountPolicy, _) => "account",
        (SettingKind::SecurityOption, _) => "securityOptions",
        (SettingKind::UserRight, _) => "userRightsAssignment",
        (SettingKind::LegacyAudit | SettingKind::AdvancedAudit | SettingKind::AuditOption, _) => {
            "auditSetting"
        }
        (
            SettingKind::FirewallProfile
            | SettingKind::FirewallRule
            | SettingKind::ConnectionSecurityRule,
            _,
        ) => "windowsFirewallSettings",
        (SettingKind::AppLockerRule, _) => "appLockerRuleCollection",
        (SettingKind::Service, _) => "ntServices",
        (
            SettingKind::Preference,
            SettingId::Preference {
                preference_type, ..
            },
        ) => match preference_type {
            PreferenceType::DataSources => "dataSourcesSettings",
            PreferenceType::Devices => "devicesSettings",
            PreferenceType::DriveMaps => "driveMapSettings",
            PreferenceType::EnvironmentVariables => "environmentVariables",
            PreferenceType::Files => "filesSettings",
            PreferenceType::FolderOptions => "folderOptions",
            PreferenceType::Folders => "folders",
            PreferenceType::IniFiles => "iniFiles",
            PreferenceType::InternetSettings => "internetOptions",
            PreferenceType::LocalUsersAndGroups => "localUsersAndGroups",
            PreferenceType::NetworkOptions => "networkOptions",
            PreferenceType::NetworkShares => "networkShares",
            PreferenceType::PowerOptions => "powerOptions",
            PreferenceType::Printers => "printers",
            PreferenceType::RegionalOptions => "regionalOptionsSettings",
            PreferenceType::Registry => "registrySettings",
            PreferenceType::ScheduledTasks => "scheduledTasks",
            PreferenceType::Services => "ntServices",
            PreferenceType::Shortcuts => "shortcutSettings",
            PreferenceType::StartMenu => "startMenuSettings",
        },
        _ => "unknown",
    }
}

/// Settings that several GPOs set, by identity, in identity order.
fn find_overlaps(inventory: &Inventory, gpos: &[GpoAnalysis]) -> Vec<Overlap> {
    let mut by_identity: BTreeMap<&str, Vec<(usize, &MatchedSetting)>> = BTreeMap::new();
    for analysis in gpos {
        for row in &analysis.rows {
            if row.readiness == Readiness::UnknownExtension {
                continue;
            }
            by_identity
                .entry(row.identity.as_str())
                .or_default()
                .push((analysis.gpo, row));
        }
    }
    by_identity
        .into_iter()
        .filter_map(|(identity, rows)| {
            let distinct_gpos: BTreeSet<usize> = rows.iter().map(|(g, _)| *g).collect();
            if distinct_gpos.len() < 2 {
                return None;
            }
            let values: BTreeSet<&str> = rows.iter().map(|(_, r)| r.value_key.as_str()).collect();
            let (_, first) = rows.first()?;
            Some(Overlap {
                identity: identity.to_string(),
                name: first.name.clone(),
                scope: first.scope,
                kind: if values.len() > 1 {
                    OverlapKind::Conflict
                } else {
                    OverlapKind::Duplicate
                },
                gpos: rows
                    .iter()
                    .map(|(g, r)| OverlapEntry {
                        gpo: *g,
                        gpo_name: inventory
                            .gpos
                            .get(*g)
                            .map(|x| x.display_name.clone())
                            .unwrap_or_default(),
                        value: r.value.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}
