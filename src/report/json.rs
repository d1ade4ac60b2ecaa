//! The JSON report: Graph's `groupPolicyMigrationReport` and `groupPolicySettingMapping` names,
//! plus gpa's evidence (`migrationReadiness`, `matchRoute`, `confidence`, `source`).

use serde::Serialize;

use crate::inventory::scope_text;
use crate::matching::analyze::{Analysis, MatchedSetting, Overlap};
use crate::model::{Gpo, GpoLink, Inventory};
use crate::run_info::RunInfo;

use super::Generator;
use super::summary::figures;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    generator: Generator,
    /// The run: gpa version, time, inputs, catalog (gpa's).
    run: &'a RunInfo,
    gpos: Vec<GpoReport<'a>>,
    /// Settings set by several GPOs: `duplicate` (same value) or `conflict`.
    overlaps: &'a [Overlap],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GpoReport<'a> {
    group_policy_object_id: Option<&'a str>,
    display_name: &'a str,
    domain: Option<&'a str>,
    /// The linked OUs as distinguished names, `; `-separated (Graph has one).
    ou_distinguished_name: Option<String>,
    targeted_in_active_directory: bool,
    total_settings_count: usize,
    supported_settings_count: usize,
    supported_settings_percent: u32,
    /// `complete` (every setting Ready), `partial`, `none`, `notApplicable` (no settings).
    migration_readiness: &'static str,
    unknown_settings_count: usize,
    /// The file or folder the GPO was read from.
    source: &'a str,
    settings: Vec<SettingReport<'a>>,
    unsupported_group_policy_extensions: Vec<ExtensionReport<'a>>,
    /// Files of the GPO read only in part (gpa's); absent when every file was read whole.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    damaged_files: &'a [crate::model::Damage],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingReport<'a> {
    /// True when the setting comes from a file read only in part (gpa's; absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    from_damaged_file: bool,
    setting_name: &'a str,
    setting_category: &'a str,
    /// `device` or `user`.
    setting_scope: &'static str,
    setting_value: &'a str,
    setting_type: &'static str,
    is_mdm_supported: bool,
    mdm_supported_state: &'static str,
    mdm_csp_name: Option<&'a str>,
    mdm_setting_uri: Option<&'a str>,
    #[serde(rename = "mdmMinimumOSVersion")]
    mdm_minimum_os_version: Option<&'a str>,
    intune_setting_definition_id: Option<&'a str>,
    /// `Ready`, `Deprecated`, `Needs review`, `Custom OMA-URI`, `Not supported`, `Not applicable`,
    /// `Unknown`.
    migration_readiness: &'static str,
    match_route: &'a crate::matching::analyze::MatchRoute,
    /// `high`, `medium`, `low`.
    confidence: crate::matching::analyze::Confidence,
    /// The reasons as one text, as the CSV's Reason column.
    reason: String,
    /// The same, each with its kind (`target`, `deprecated`, `valueHasNoForm`, …).
    reasons: &'a [crate::matching::analyze::Reason],
    /// The row's language-independent identity, scope included (gpa's): the same setting has the
    /// same identity in every report, whatever the export's language, so `gpa diff` pairs rows
    /// by it.
    identity: String,
    source: SourceReport<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceReport<'a> {
    file: &'a str,
    key: &'a str,
    value_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionReport<'a> {
    extension_type: Option<&'a str>,
    namespace_url: Option<&'a str>,
    node_name: Option<&'a str>,
    cse_guid: Option<&'a str>,
    setting_scope: &'static str,
}

/// `contoso.com/Workstations/Kiosks` as `OU=Kiosks,OU=Workstations,DC=contoso,DC=com`; a link to
/// the domain itself is its DC components.
pub fn distinguished_name(som_path: &str) -> String {
    let mut parts = som_path.split('/').filter(|p| !p.is_empty());
    let domain = parts.next().unwrap_or_default();
    let mut rdns: Vec<String> = parts.map(|ou| format!("OU={ou}")).collect();
    rdns.reverse();
    rdns.extend(
        domain
            .split('.')
            .filter(|d| !d.is_empty())
            .map(|d| format!("DC={d}")),
    );
    rdns.join(",")
}

fn ou_names(links: &[GpoLink]) -> Option<String> {
    let names: Vec<String> = links
        .iter()
        .map(|l| distinguished_name(&l.som_path))
        .collect();
    (!names.is_empty()).then(|| names.join("; "))
}

fn setting<'a>(gpo: &Gpo, row: &'a MatchedSetting) -> SettingReport<'a> {
    SettingReport {
        from_damaged_file: super::damage_of(gpo, &row.source.file).is_some(),
        setting_name: &row.name,
        setting_category: &row.category,
        setting_scope: scope_text(row.scope),
        setting_value: &row.value,
        setting_type: row.setting_type,
        is_mdm_supported: row.readiness.mdm_supported(),
        mdm_supported_state: row.readiness.mdm_supported_state(),
        mdm_csp_name: row.csp_name.as_deref(),
        mdm_setting_uri: row.csp_uri.as_deref(),
        mdm_minimum_os_version: row.min_os_version.as_deref(),
        intune_setting_definition_id: row.definition_id.as_deref(),
        migration_readiness: row.readiness.text(),
        match_route: &row.match_route,
        confidence: row.confidence,
        reason: row.reason(),
        reasons: &row.reasons,
        identity: row.identity.to_string(),
        source: SourceReport {
            file: &row.source.file,
            key: &row.source.key,
            value_name: &row.source.value_name,
        },
    }
}

fn gpo_report<'a>(
    gpo: &'a Gpo,
    analysis: &'a crate::matching::analyze::GpoAnalysis,
) -> GpoReport<'a> {
    let f = figures(gpo, analysis);
    GpoReport {
        group_policy_object_id: gpo.guid.as_deref(),
        display_name: &gpo.display_name,
        domain: gpo.domain.as_deref(),
        ou_distinguished_name: ou_names(&gpo.links),
        targeted_in_active_directory: f.targeted,
        total_settings_count: f.total,
        supported_settings_count: f.supported,
        supported_settings_percent: f.supported_percent,
        migration_readiness: f.migration_readiness,
        unknown_settings_count: f.unknown,
        source: &gpo.origin,
        settings: analysis.rows.iter().map(|r| setting(gpo, r)).collect(),
        damaged_files: &gpo.damage,
        unsupported_group_policy_extensions: gpo
            .unsupported_extensions
            .iter()
            .map(|e| ExtensionReport {
                extension_type: e.type_name.as_deref(),
                namespace_url: e.namespace.as_deref(),
                node_name: e.name.as_deref(),
                cse_guid: e.cse_guid.as_deref(),
                setting_scope: scope_text(e.scope),
            })
            .collect(),
    }
}

/// The report as pretty-printed JSON bytes, ending in a newline.
pub fn write(inventory: &Inventory, analysis: &Analysis, run: &RunInfo) -> Result<Vec<u8>, String> {
    let report = Report {
        generator: Generator::GPA,
        run,
        gpos: analysis
            .gpos
            .iter()
            .filter_map(|a| inventory.gpos.get(a.gpo).map(|g| gpo_report(g, a)))
            .collect(),
        overlaps: &analysis.overlaps,
    };
    let mut bytes = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::distinguished_name;

    #[test]
    fn canonical_som_paths_become_distinguished_names() {
        assert_eq!(
            distinguished_name("contoso.com/Workstations/Kiosks"),
            "OU=Kiosks,OU=Workstations,DC=contoso,DC=com"
        );
        assert_eq!(
            distinguished_name("corp.contoso.com"),
            "DC=corp,DC=contoso,DC=com"
        );
    }
}
