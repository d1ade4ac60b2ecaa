//! The whole match of an estate: every setting of every GPO gets a row with its MDM target, its
//! readiness in Intune's words, and the evidence for it. This is the one place where a row is
//! decided: its target, readiness, confidence, reasons, and, for a Ready row, the settings
//! catalog instance `gpa convert` writes. A row is Ready exactly when that instance exists and
//! fits beside the GPO's other Ready rows in one policy. GPOs are matched in parallel; rows keep
//! the GPO's settings order, so the output does not depend on the thread count.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use super::admx_state::{
    AdmxState, Decision, ElementValueData, RecoveredPolicy, Route as PolicyRoute,
    recover_admx_state_with,
};
use super::assemble::{Piece, assemble};
pub use super::decision::{
    Confidence, MatchRoute, Readiness, Reason, ReasonKind, RouteStep, RowIdentity, reasons_text,
};
use super::deprecation;
use super::security::{
    SecurityMatch, SecurityMatches, firewall_registry_value, match_security_settings,
};
use super::translate::{Translated, translate_policy, translate_security};
use crate::catalog::admx::{AdmxPolicy, AdmxValue, PolicyClass};
use crate::catalog::curated::{Evidence as CuratedEvidence, ValueTranslationKind};
use crate::catalog::instance::{SettingInstance, parents_required};
use crate::catalog::join::{CatalogLink, Route as LinkRoute};
use crate::catalog::{Catalog, csp_name, csp_path};
use crate::inventory::{identity_text, value_text};
use crate::model::{
    Gpo, GpoIdentity, Inventory, PolicyState, PreferenceType, RegistryOp, Scope, Setting,
    SettingId, SettingKind, SettingValue, fold_registry_key,
};

/// The analysis of every GPO of an inventory, in inventory order.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub gpos: Vec<GpoAnalysis>,
    /// Settings that several GPOs set, the same way (duplicates) or not (conflicts).
    pub overlaps: Vec<Overlap>,
}

/// One GPO's rows, and the stage results they were made from.
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

/// What a row was made from, for tests and for the evidence columns.
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

/// One setting of one GPO and where it goes in MDM: the decision.
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
    pub match_route: MatchRoute,
    pub confidence: Confidence,
    pub source: SourceRef,
    /// Why the row has its target and readiness, in order.
    pub reasons: Vec<Reason>,
    /// The language-independent identity used to compare GPOs (scope included).
    pub identity: RowIdentity,
    /// The value in a form that compares across GPOs.
    pub value_key: String,
    pub origin: RowOrigin,
    /// The settings catalog instance `gpa convert` writes: Some exactly when the row is Ready.
    #[serde(skip)]
    pub instance: Option<SettingInstance>,
    /// Index of the first setting of the GPO the row stands on; rows are in this order.
    #[serde(skip)]
    pub order: usize,
}

impl MatchedSetting {
    /// The reasons as one text, `; `-separated.
    pub fn reason(&self) -> String {
        reasons_text(&self.reasons)
    }

    /// gpa could not tell what the setting is (Intune's "Unknown Settings").
    pub fn is_unknown(&self) -> bool {
        self.readiness == Readiness::Unknown
    }

    fn because(&mut self, kind: ReasonKind, text: impl Into<String>) {
        self.reasons.push(Reason::new(kind, text));
    }

    /// Takes the row out of Ready: its value cannot be written as it is.
    fn needs_review(&mut self, kind: ReasonKind, text: impl Into<String>) {
        self.readiness = Readiness::NeedsReview;
        self.instance = None;
        self.because(kind, text);
    }
}

/// A setting set by more than one GPO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overlap {
    pub identity: RowIdentity,
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
    /// The GPO's domain, when its export names one: two GPOs of one name (the Default Domain
    /// Policy) are told apart by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
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
        || {
            recover_admx_state_with(gpo, catalog.admx(), &|policy, scope| {
                catalog
                    .links_for(policy, scope)
                    .iter()
                    .any(|l| l.definition_id.is_some() && !l.superseded_by_curated)
            })
        },
        || match_security_settings(gpo, catalog),
    );
    let mut rows = Vec::new();
    let mut covered: BTreeSet<usize> = restated(gpo);
    covered.extend(admx.superseded_report_settings.iter().copied());

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
        rows.extend(policy_rows(gpo, catalog, i, policy, curated));
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
            let mut row = unmatched_row(&admx, i, setting);
            // A report policy among a backup's settings stands in for a registry.pol that could
            // not be read whole (input::reconcile).
            if setting.kind == SettingKind::AdmxPolicy && !gpo.report_policies.is_empty() {
                row.reasons.insert(
                    0,
                    Reason::new(
                        ReasonKind::LostFromDamagedFile,
                        "the GPO's registry.pol for this half could not be read whole and lost this policy; it is taken from gpreport.xml",
                    ),
                );
            }
            rows.push(row);
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
            readiness: Readiness::Unknown,
            csp_name: None,
            csp_uri: None,
            min_os_version: None,
            definition_id: None,
            match_route: MatchRoute(vec![RouteStep::ReportExtension]),
            confidence: Confidence::High,
            source: SourceRef {
                file: gpo.origin.clone(),
                key: key.clone(),
                value_name: extension.type_name.clone().unwrap_or_default(),
            },
            reasons: vec![Reason::new(
                ReasonKind::NoTarget,
                format!("gpa does not read this client-side extension ({key}); review it by hand"),
            )],
            identity: RowIdentity::Extension {
                scope: extension.scope,
                key: key.to_lowercase(),
            },
            value_key: String::new(),
            origin: RowOrigin::Extension(i),
            instance: None,
            order: usize::MAX,
        });
    }
    rows.sort_by_key(|r| (r.scope, r.order));
    settle(catalog, gpo, &admx, &security, &mut rows);
    GpoAnalysis {
        gpo: index,
        rows,
        admx,
        security,
    }
}

/// The last step of the decision: the Ready rows of one GPO must make one settings catalog
/// policy together, as `gpa convert --merge none` writes it. Rows that give one definition
/// different values, dependents whose parent the GPO does not set as required, and instances
/// missing a required child leave Ready, each with its reason. An Office `_v2` definition that
/// Intune nests under a setting the GPO does not set is written as its root definition instead.
fn settle(
    catalog: &Catalog,
    gpo: &Gpo,
    admx: &AdmxState,
    security: &SecurityMatches,
    rows: &mut [MatchedSetting],
) {
    // Each pass that changes something takes a row out of Ready or moves it to its root
    // definition (which has no parent), so the loop ends.
    loop {
        let pieces: Vec<Piece<usize>> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, row)| {
                let instance = row.instance.clone()?;
                Some(Piece {
                    instance,
                    source: i,
                })
            })
            .collect();
        let assembled = assemble(catalog, pieces);
        let mut changed = false;
        for conflict in &assembled.conflicts {
            let names: Vec<String> = conflict
                .sources
                .iter()
                .filter_map(|&i| rows.get(i))
                .map(|r| format!("\"{}\" = {}", r.name, r.value))
                .collect();
            for &i in &conflict.sources {
                if let Some(row) = rows.get_mut(i) {
                    row.needs_review(
                        ReasonKind::ConflictInGpo,
                        format!(
                            "settings of this GPO give {} different values ({}); neither is written",
                            conflict.definition_id,
                            names.join(", ")
                        ),
                    );
                    changed = true;
                }
            }
        }
        for refused in &assembled.refused {
            let Some(row) = rows.get_mut(refused.source) else {
                continue;
            };
            if refused.kind == ReasonKind::ParentNotSet
                && let Some(written) = root_instead(catalog, gpo, admx, security, row)
            {
                let (id, instance, note) = written;
                row.definition_id = Some(id);
                row.instance = Some(instance);
                row.because(ReasonKind::Conversion, note);
            } else {
                row.needs_review(refused.kind, refused.detail.clone());
            }
            changed = true;
        }
        if !changed {
            for entry in &assembled.entries {
                for written in &entry.written {
                    if written.sources.len() > 1 {
                        for &i in &written.sources {
                            if let Some(row) = rows.get_mut(i) {
                                row.because(
                                    ReasonKind::Conversion,
                                    format!(
                                        "{} settings of this GPO give {} the same value; written once",
                                        written.sources.len(),
                                        written.definition_id
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            return;
        }
    }
}

/// For an Office `_v2` definition whose parent the GPO does not set: the root definition of the
/// same node, written at top level. Intune names that root "(Deprecated)" since it nested the
/// setting under another, but still takes it, and Microsoft's own Microsoft 365 Apps security
/// baseline sets the root at top level beside the nested `_v2`.
fn root_instead(
    catalog: &Catalog,
    gpo: &Gpo,
    admx: &AdmxState,
    security: &SecurityMatches,
    row: &MatchedSetting,
) -> Option<(String, SettingInstance, String)> {
    let current = catalog.definition(row.definition_id.as_deref()?)?;
    let root_id = current.id.strip_suffix("_v2")?;
    let root = catalog.definition(root_id)?;
    if !root.offset_uri.eq_ignore_ascii_case(&current.offset_uri)
        || !parents_required(root).is_empty()
    {
        return None;
    }
    let translated = translate_row(catalog, gpo, admx, security, row, root).ok()?;
    let note = format!(
        "Intune nests {} under a setting this GPO does not set; written as the root definition {} at top level, as Microsoft's Microsoft 365 Apps baseline does",
        current.id, root.id
    );
    Some((root.id.clone(), translated.instance, note))
}

/// The instance of a row for a definition: the value writing, never a decision.
fn translate_row(
    catalog: &Catalog,
    gpo: &Gpo,
    admx: &AdmxState,
    security: &SecurityMatches,
    row: &MatchedSetting,
    def: &crate::catalog::definitions::SettingDefinition,
) -> Result<Translated, String> {
    match row.origin {
        RowOrigin::AdmxPolicy(i) => {
            let recovered = admx
                .policies
                .get(i)
                .ok_or("the row's policy is missing from the analysis")?;
            let links = policy_links(catalog, recovered);
            let link = links.iter().copied().find(|l| {
                l.csp_uri
                    .eq_ignore_ascii_case(row.csp_uri.as_deref().unwrap_or_default())
            });
            translate_policy(catalog, def, recovered, link)
        }
        RowOrigin::Security(i) => {
            let m = security
                .matches
                .get(i)
                .ok_or("the row's curated match is missing from the analysis")?;
            let setting = gpo
                .settings
                .get(m.setting)
                .ok_or("the row's setting is missing from the GPO")?;
            translate_security(catalog, def, m, &setting.value)
        }
        RowOrigin::Setting(_) | RowOrigin::Extension(_) => {
            Err("no stage matched the row to a definition".to_string())
        }
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

/// The MDM targets of a recovered policy, one row each: the best link; or, where the DDF maps
/// the policy's elements to nodes of their own (DeviceGuard's *Turn On Virtualization Based
/// Security* → six nodes), the policy's own node and one node per element the GPO sets.
fn row_targets<'c>(
    links: &[&'c CatalogLink],
    policy: Option<&AdmxPolicy>,
    recovered: &RecoveredPolicy,
) -> Vec<(&'c CatalogLink, Option<String>)> {
    let Some(best) = best_link(links) else {
        return Vec::new();
    };
    let element_of = |link: &CatalogLink| {
        let id = link.gp_element.as_deref()?;
        policy.and_then(|p| p.element(id)).map(|e| e.id.clone())
    };
    let per_element: Vec<&CatalogLink> = links
        .iter()
        .copied()
        .filter(|l| {
            !l.superseded_by_curated
                && l.routes.iter().any(|r| r.is_ddf())
                && element_of(l).is_some()
        })
        .collect();
    let own: Vec<&CatalogLink> = links
        .iter()
        .copied()
        .filter(|l| !l.superseded_by_curated && element_of(l).is_none())
        .collect();
    let main = best_link(&own);
    let mut nodes: Vec<&str> = per_element.iter().map(|l| l.csp_uri.as_str()).collect();
    nodes.extend(main.map(|l| l.csp_uri.as_str()));
    nodes.sort_unstable();
    nodes.dedup();
    // One node, even one the DDF ties to an element, is the policy's one target.
    if nodes.len() < 2 {
        return vec![(best, None)];
    }
    let mut out: Vec<(&CatalogLink, Option<String>)> = Vec::new();
    if let Some(main) = main {
        out.push((main, None));
    }
    let mut per_element = per_element;
    per_element.sort_by(|a, b| a.csp_uri.cmp(&b.csp_uri));
    for link in per_element {
        let Some(element) = element_of(link) else {
            continue;
        };
        let set = recovered
            .elements
            .iter()
            .any(|e| e.id.eq_ignore_ascii_case(&element));
        let seen = out.iter().any(|(l, _)| l.csp_uri == link.csp_uri);
        if set && !seen {
            out.push((link, Some(element)));
        }
    }
    if out.is_empty() {
        out.push((best, None));
    }
    out
}

/// The rows of an Administrative Templates policy: one per MDM target ([`row_targets`]), or
/// one with the curated, ingestion or unsupported verdict when no link reaches it.
fn policy_rows(
    gpo: &Gpo,
    catalog: &Catalog,
    index: usize,
    recovered: &RecoveredPolicy,
    curated: Option<&SecurityMatch>,
) -> Vec<MatchedSetting> {
    let policy = catalog.admx().policy(recovered.policy);
    let links = policy_links(catalog, recovered);
    let targets = row_targets(&links, policy, recovered);
    let others: Vec<&str> = targets.iter().map(|(l, _)| l.csp_uri.as_str()).collect();
    // Elements with a row of their own are shown there, not again in the policy's own row.
    let split: Vec<&str> = targets.iter().filter_map(|(_, e)| e.as_deref()).collect();
    if targets.is_empty() {
        return vec![policy_row(
            gpo,
            catalog,
            index,
            recovered,
            Target::default(),
            curated,
        )];
    }
    targets
        .iter()
        .map(|(link, element)| {
            let siblings: Vec<&str> = others
                .iter()
                .copied()
                .filter(|u| *u != link.csp_uri)
                .collect();
            policy_row(
                gpo,
                catalog,
                index,
                recovered,
                Target {
                    link: Some(link),
                    element: element.as_deref(),
                    siblings: &siblings,
                    shown_apart: &split,
                },
                curated,
            )
        })
        .collect()
}

/// One MDM target of a policy's row.
#[derive(Default)]
struct Target<'a> {
    link: Option<&'a CatalogLink>,
    /// The element whose own node the link is, for a policy split by element.
    element: Option<&'a str>,
    /// The nodes of the policy's other rows.
    siblings: &'a [&'a str],
    /// Elements that have rows of their own.
    shown_apart: &'a [&'a str],
}

/// Makes the row of an Administrative Templates policy for one target (or none).
fn policy_row(
    gpo: &Gpo,
    catalog: &Catalog,
    index: usize,
    recovered: &RecoveredPolicy,
    target: Target,
    curated: Option<&SecurityMatch>,
) -> MatchedSetting {
    let Target {
        link,
        element,
        siblings,
        shown_apart,
    } = target;
    let policy = catalog.admx().policy(recovered.policy);
    let first = recovered.evidence.first().map(|e| e.setting);
    let source_setting = first.and_then(|i| gpo.settings.get(i));
    let from_registry = recovered.route == PolicyRoute::RegistryPol;
    let mut route = MatchRoute(vec![
        if from_registry {
            RouteStep::File("registry.pol".to_string())
        } else {
            RouteStep::ReportDisplayName
        },
        RouteStep::AdmxPolicy {
            file_base: recovered.file_base.clone(),
            name: recovered.name.clone(),
        },
    ]);
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
        reasons.push(Reason::new(
            ReasonKind::Ambiguity,
            "the registry value is claimed by several templates; the first in catalog order was taken",
        ));
    }
    // Registry evidence could not tell the claimants apart; the GPO's report named this one, so
    // the owner stands on display names.
    if recovered
        .ambiguities
        .iter()
        .any(|a| a.decided_by == Decision::Report)
    {
        confidence = confidence.max(Confidence::Medium);
        reasons.push(Reason::new(
            ReasonKind::Ambiguity,
            "the registry value is claimed by several templates with equal registry evidence; the GPO's report names this one",
        ));
    }
    if recovered.stands_in_for_lost_registry {
        reasons.push(Reason::new(
            ReasonKind::LostFromDamagedFile,
            "the GPO's registry.pol for this half could not be read whole and lost this policy; it is taken from gpreport.xml by its English names",
        ));
    }
    reasons.extend(
        recovered
            .notes
            .iter()
            .map(|n| Reason::new(ReasonKind::Note, n.clone())),
    );
    // A curated row corrects a DDF link known to be wrong; without the curated row's value in
    // this GPO, the wrong link is not used either.
    let (link, mistaken) = match link {
        Some(l) if l.superseded_by_curated => (None, Some(l)),
        other => (other, None),
    };

    let (readiness, csp_uri, definition_id) = match (link, curated) {
        (Some(link), _) => {
            route.push(RouteStep::CatalogLink(link.routes.clone()));
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
                reasons.push(Reason::new(
                    ReasonKind::OtherTarget,
                    format!(
                        "another route links this policy to {}",
                        link.disagrees_with
                            .iter()
                            .map(|d| d.csp_uri.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            if !siblings.is_empty() {
                reasons.push(Reason::new(
                    ReasonKind::OtherTarget,
                    format!(
                        "the DDF maps this policy's elements to nodes of their own; the other rows of this policy: {}",
                        siblings.join(", ")
                    ),
                ));
            }
            match &link.definition_id {
                Some(id) => {
                    reasons.push(Reason::new(
                        ReasonKind::Target,
                        format!("the settings catalog has {id}"),
                    ));
                    (
                        Readiness::Ready,
                        Some(link.csp_uri.clone()),
                        Some(id.clone()),
                    )
                }
                None => {
                    reasons.push(Reason::new(ReasonKind::NoTarget, format!(
                        "the CSP node exists but the settings catalog has no definition for it; use a custom profile with {}",
                        link.csp_uri
                    )));
                    (Readiness::CustomOmaUri, Some(link.csp_uri.clone()), None)
                }
            }
        }
        (None, Some(m)) => {
            route.push(RouteStep::Curated(m.table));
            confidence = confidence.max(curated_confidence(m));
            let uri = m.csp_uri.clone();
            match &m.definition_id {
                Some(id) if catalog.definition(id).is_some() => {
                    reasons.push(Reason::new(
                        ReasonKind::Target,
                        format!("curated row \"{}\" gives {id}", m.gp_english_name),
                    ));
                    (Readiness::Ready, uri, Some(id.clone()))
                }
                _ => {
                    reasons.push(Reason::new(ReasonKind::NoTarget, format!(
                        "curated row \"{}\" gives a CSP node the settings catalog has no definition for",
                        m.gp_english_name
                    )));
                    (Readiness::CustomOmaUri, uri, None)
                }
            }
        }
        (None, None) => match (mistaken, policy.and_then(ingestion_uri)) {
            (Some(wrong), _) => {
                reasons.push(Reason::new(ReasonKind::NoTarget, format!(
                    "the DDF ties this policy to {} by mistake (a curated row corrects it, keyed on a registry value this GPO does not set)",
                    wrong.csp_uri
                )));
                (Readiness::NotSupported, None, None)
            }
            (None, Some(uri)) => {
                route.push(RouteStep::AdmxIngestion);
                reasons.push(Reason::new(ReasonKind::NoTarget, format!(
                    "no MDM node mirrors this template; ingest {}.admx and set {uri} (the app name is yours to choose at ingestion)",
                    recovered.file_base
                )));
                (Readiness::CustomOmaUri, Some(uri), None)
            }
            (None, None) => {
                reasons.push(Reason::new(
                    ReasonKind::NoTarget,
                    "no CSP node or settings catalog definition mirrors this policy, and Windows blocks ADMX ingestion for its registry key",
                ));
                (Readiness::NotSupported, None, None)
            }
        },
    };
    let mut readiness = readiness;
    if readiness != Readiness::NotSupported {
        let lifecycle = deprecation::lifecycle(
            catalog,
            policy,
            csp_uri.as_deref(),
            definition_id.as_deref(),
        );
        if let Some(why) = &lifecycle.deprecated {
            readiness = Readiness::Deprecated;
            reasons.push(Reason::new(ReasonKind::Deprecated, why.text()));
        }
        if let Some(note) = lifecycle.note {
            reasons.push(Reason::new(ReasonKind::Note, note.text()));
        }
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
    let target_name = element.and_then(|_| {
        definition_id
            .as_deref()
            .and_then(|id| catalog.definition(id))
            .map(|d| d.display_name.clone())
    });
    let mut row = MatchedSetting {
        name: match &target_name {
            Some(target) => format!("{}: {target}", recovered.display_name),
            None => recovered.display_name.clone(),
        },
        category,
        scope: recovered.scope,
        value: policy_value_text(recovered, element, shown_apart),
        setting_type: "policy",
        readiness,
        csp_name: csp_uri.as_deref().and_then(csp_name).map(str::to_string),
        csp_uri,
        min_os_version,
        definition_id,
        match_route: route,
        confidence,
        source: SourceRef {
            file: source_setting
                .map(|s| s.source.file.clone())
                .unwrap_or_default(),
            key,
            value_name,
        },
        reasons,
        identity: RowIdentity::AdmxPolicy {
            scope: recovered.scope,
            file_base: recovered.file_base.to_lowercase(),
            name: recovered.name.to_lowercase(),
            target: element.map(|e| e.to_lowercase()),
        },
        value_key: policy_value_key(recovered, element),
        origin: RowOrigin::AdmxPolicy(index),
        instance: None,
        order: first.unwrap_or(usize::MAX),
    };
    if row.readiness == Readiness::Ready {
        let written = match (link, curated) {
            (Some(link), _) => row
                .definition_id
                .as_deref()
                .and_then(|id| catalog.definition(id))
                .ok_or_else(|| "the definition is missing from the catalog".to_string())
                .and_then(|def| translate_policy(catalog, def, recovered, Some(link))),
            (None, Some(m)) => gpo
                .settings
                .get(m.setting)
                .ok_or_else(|| "the row's setting is missing from the GPO".to_string())
                .and_then(|setting| {
                    let def = row
                        .definition_id
                        .as_deref()
                        .and_then(|id| catalog.definition(id))
                        .ok_or("the definition is missing from the catalog")?;
                    translate_security(catalog, def, m, &setting.value)
                }),
            (None, None) => Err("no definition".to_string()),
        };
        decide_instance(&mut row, written);
    }
    row
}

/// A Ready row keeps its instance; a value with no form in its definition makes it Needs review.
fn decide_instance(row: &mut MatchedSetting, written: Result<Translated, String>) {
    match written {
        Ok(t) => {
            row.reasons.extend(
                t.notes
                    .into_iter()
                    .map(|n| Reason::new(ReasonKind::Conversion, n)),
            );
            row.instance = Some(t.instance);
        }
        Err(why) => row.needs_review(ReasonKind::ValueHasNoForm, why),
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

/// `Enabled; WCM_MinimizeConnections_Options: 3 (Prevent Wi-Fi when on Ethernet)`; for the row of
/// one element's own node, the state and that element only, and for the policy's own row, the
/// elements without a row of their own.
fn policy_value_text(policy: &RecoveredPolicy, only: Option<&str>, apart: &[&str]) -> String {
    let mut parts = vec![state_text(policy.state).to_string()];
    for element in policy.elements.iter().filter(|e| match only {
        Some(id) => e.id.eq_ignore_ascii_case(id),
        None => !apart.iter().any(|a| e.id.eq_ignore_ascii_case(a)),
    }) {
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
fn policy_value_key(policy: &RecoveredPolicy, only: Option<&str>) -> String {
    let mut elements = policy.elements.clone();
    if let Some(id) = only {
        elements.retain(|e| e.id.eq_ignore_ascii_case(id));
    }
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
            Reason::new(
                ReasonKind::Target,
                format!("curated row \"{}\" gives {id}", m.gp_english_name),
            ),
        ),
        (Some(uri), None) => (
            Readiness::CustomOmaUri,
            Reason::new(
                ReasonKind::NoTarget,
                format!("the settings catalog has no definition for {uri}; use a custom profile"),
            ),
        ),
        (None, _) => (
            Readiness::NotSupported,
            Reason::new(
                ReasonKind::NoTarget,
                format!(
                    "curated row \"{}\": MDM has no node for it",
                    m.gp_english_name
                ),
            ),
        ),
    };
    let mut row = base_row(setting, index, RowOrigin::Security(index));
    row.reasons.push(reason);
    row.readiness = readiness;
    if readiness == Readiness::Ready
        && let Some(why) = deprecation::definition_deprecation(catalog, definition)
    {
        row.readiness = Readiness::Deprecated;
        row.because(ReasonKind::Deprecated, why.text());
    }
    if ValueTranslationKind::of(&m.value_translation) != ValueTranslationKind::Same {
        row.because(ReasonKind::Note, format!("value: {}", m.value_translation));
    }
    if let Some(note) = &m.note {
        row.because(ReasonKind::Note, note.clone());
    }
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
    row.csp_name = m.csp_uri.as_deref().and_then(csp_name).map(str::to_string);
    row.min_os_version = min_os_version(catalog, m.csp_uri.as_deref(), definition);
    row.csp_uri = m.csp_uri.clone();
    row.definition_id = definition.map(str::to_string);
    row.match_route = MatchRoute(vec![source_step(setting), RouteStep::Curated(m.table)]);
    row.confidence = curated_confidence(m);
    if row.readiness == Readiness::Ready
        && let Some(def) = definition.and_then(|id| catalog.definition(id))
    {
        decide_instance(
            &mut row,
            translate_security(catalog, def, m, &setting.value),
        );
    }
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
            (
                Readiness::Unknown,
                if known {
                    "the catalog has no Administrative Template with this category and name; give its template (ADMX and ADML) with --admx DIR".to_string()
                } else {
                    "the report policy could not be tied to a template".to_string()
                },
            )
        }
        (SettingKind::RegistryValue, SettingId::Registry { key, .. }) if ingestion_allowed(key) => (
            Readiness::NotSupported,
            "no Administrative Template of the catalog writes this registry value (extra registry setting); if its vendor ships an ADMX template, give it with --admx DIR: MDM can then set it through ADMX ingestion".to_string(),
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
            (Readiness::Unknown, "gpa does not read this client-side extension; review it by hand".to_string())
        }
        (SettingKind::Preference, SettingId::Preference { preference_type, .. }) => preference_readiness(*preference_type),
        (SettingKind::Preference, _) => (Readiness::NotSupported, "preference item".to_string()),
    };
    if row.confidence != Confidence::Low {
        row.confidence = Confidence::High;
    }
    row.match_route = MatchRoute(vec![source_step(setting)]);
    row.readiness = readiness;
    let kind = match readiness {
        Readiness::NotApplicable | Readiness::CustomOmaUri => ReasonKind::Target,
        _ => ReasonKind::NoTarget,
    };
    row.reasons.push(Reason::new(kind, reason));
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
        match_route: MatchRoute::default(),
        confidence: Confidence::High,
        source: SourceRef {
            file: setting.source.file.clone(),
            key,
            value_name,
        },
        reasons: Vec::new(),
        identity: RowIdentity::Setting {
            scope: setting.scope,
            id: setting.id.case_folded(),
        },
        value_key: setting_value_key(&setting.value),
        origin,
        instance: None,
        order: index,
    }
}

/// The raw file or report a setting came from, as the first step of a match route.
fn source_step(setting: &Setting) -> RouteStep {
    let file = setting
        .source
        .file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    if file.is_empty() {
        RouteStep::Report
    } else {
        RouteStep::File(file.to_string())
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
    let mut by_identity: BTreeMap<&RowIdentity, Vec<(usize, &MatchedSetting)>> = BTreeMap::new();
    for analysis in gpos {
        for row in &analysis.rows {
            if matches!(row.identity, RowIdentity::Extension { .. }) {
                continue;
            }
            by_identity
                .entry(&row.identity)
                .or_default()
                .push((analysis.gpo, row));
        }
    }
    by_identity
        .into_iter()
        .filter_map(|(identity, rows)| {
            // GPOs are told apart by GUID within their domain (the same GUID in two domains is
            // two GPOs); one GPO read from two exports (a backup and its report) is one.
            let distinct_gpos: BTreeSet<Result<GpoIdentity, usize>> = rows
                .iter()
                .map(|(g, _)| inventory.gpos.get(*g).and_then(Gpo::identity).ok_or(*g))
                .collect();
            if distinct_gpos.len() < 2 {
                return None;
            }
            let values: BTreeSet<&str> = rows.iter().map(|(_, r)| r.value_key.as_str()).collect();
            let (_, first) = rows.first()?;
            Some(Overlap {
                identity: identity.clone(),
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
                        domain: inventory.gpos.get(*g).and_then(|x| x.domain.clone()),
                        value: r.value.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}
