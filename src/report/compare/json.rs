//! The JSON report of `gpa compare`: per GPO its figures and every setting with its comparison,
//! then the settings only Intune sets. Names follow the analysis report's (Graph's) where they
//! mean the same: `groupPolicyObjectId`, `displayName`, `settingName`, `settingScope`,
//! `intuneSettingDefinitionId`, `migrationReadiness`.

use serde::Serialize;

use crate::inventory::scope_text;
use crate::matching::compare::{Compared, ComparedSetting, IntuneOnly};
use crate::model::Inventory;

use super::super::Generator;
use super::CompareFigures;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    generator: Generator,
    gpos: Vec<GpoReport<'a>>,
    intune_only: &'a [IntuneOnly],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GpoReport<'a> {
    group_policy_object_id: Option<&'a str>,
    display_name: &'a str,
    /// Every row; the Ready ones (translatable) compare; `coveredPercent` is `same` over them.
    settings_count: usize,
    translatable_settings_count: usize,
    same_settings_count: usize,
    covered_percent: u32,
    settings: Vec<SettingReport<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingReport<'a> {
    setting_name: &'a str,
    /// `device` or `user`.
    setting_scope: &'static str,
    intune_setting_definition_id: Option<&'a str>,
    /// `same`, `different`, `notInIntune`, `notComparable`.
    comparison: &'static str,
    gpo_value: &'a str,
    intune_value: &'a str,
    intune_policies: &'a [String],
    reason: &'a str,
    migration_readiness: &'static str,
}

fn setting(s: &ComparedSetting) -> SettingReport<'_> {
    SettingReport {
        setting_name: &s.name,
        setting_scope: scope_text(s.scope),
        intune_setting_definition_id: s.definition_id.as_deref(),
        comparison: s.comparison.text(),
        gpo_value: &s.gpo_value,
        intune_value: &s.intune_value,
        intune_policies: &s.intune_policies,
        reason: &s.reason,
        migration_readiness: s.readiness.text(),
    }
}

/// The report as pretty-printed JSON bytes, ending in a newline.
pub fn write(inventory: &Inventory, compared: &Compared) -> Result<Vec<u8>, String> {
    let report = Report {
        generator: Generator::GPA,
        gpos: compared
            .gpos
            .iter()
            .filter_map(|g| {
                let gpo = inventory.gpos.get(g.gpo)?;
                let f = CompareFigures::of(g);
                Some(GpoReport {
                    group_policy_object_id: gpo.guid.as_deref(),
                    display_name: &gpo.display_name,
                    settings_count: f.settings,
                    translatable_settings_count: f.translatable,
                    same_settings_count: f.same,
                    covered_percent: f.covered_percent,
                    settings: g.settings.iter().map(setting).collect(),
                })
            })
            .collect(),
        intune_only: &compared.intune_only,
    };
    let mut bytes = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}
