//! RSoP reports (`Get-GPResultantSetOfPolicy`, GPMC modelling/results): root `<Rsop>` in the
//! `…/GroupPolicy/Rsop` namespace, `ComputerResults` and `UserResults` each listing the GPOs
//! considered and then the resultant settings, every setting wrapped with the GPO it came from
//! (`<GPO xmlns="…/Settings/Base">` + `<Precedence>`).
//!
//! An admin migrating to Intune works GPO by GPO (Group Policy analytics imports one GPO per
//! file), so the RSoP is split back into one [`Gpo`] per GPO that the report names as the source
//! of a setting, with that GPO's name and links from the report's GPO list. Each such GPO only
//! holds the settings the RSoP shows for it, and a note says so. Settings (or unsupported
//! extensions) that name no GPO go to one extra `Gpo` without a GUID, named after the RSoP.

use super::{Collected, Collector, ElementIndex, Winner, non_empty, normalize_guid, parse_bool};
use crate::input::xml::Element;
use crate::model::{Gpo, GpoIdentity, GpoLink, Scope, UnsupportedExtension};

/// One entry of a results section's GPO list.
struct Listed {
    scope: Scope,
    guid: String,
    name: String,
    domain: Option<String>,
    enabled: Option<bool>,
    links: Vec<GpoLink>,
}

pub(super) fn read(root: &Element, file: &str, index: &ElementIndex) -> Vec<Gpo> {
    let data_type = root.child_text("DataType").unwrap_or_default().to_string();
    let mut listed = Vec::new();
    let mut collected: Vec<Collected> = Vec::new();
    let mut report_notes = Vec::new();
    let mut unattributed_extensions = Vec::new();
    let mut attributed_extensions: Vec<(Winner, UnsupportedExtension)> = Vec::new();
    let mut som = None;
    for (section, scope) in [
        ("ComputerResults", Scope::Device),
        ("UserResults", Scope::User),
    ] {
        let Some(results) = root.child(section) else {
            continue;
        };
        som = som.or_else(|| non_empty(results.child_text("SOM")));
        listed.extend(
            results
                .children_named("GPO")
                .filter_map(|g| read_listed(g, scope)),
        );
        for data in results.children_named("ExtensionData") {
            let mut cx = Collector::new(file, index, scope, data);
            cx.read_extension_data(data);
            collected.append(&mut cx.items);
            report_notes.append(&mut cx.notes);
            for extension in cx.unsupported {
                if cx.unsupported_winners.is_empty() {
                    unattributed_extensions.push(extension);
                } else {
                    for winner in &cx.unsupported_winners {
                        attributed_extensions.push((winner.clone(), extension.clone()));
                    }
                }
            }
        }
    }

    let mut gpos: Vec<Gpo> = Vec::new();
    let mut unattributed = Gpo {
        display_name: format!("RSoP {}", som.as_deref().unwrap_or(file)),
        origin: file.to_string(),
        computer_enabled: true,
        user_enabled: true,
        ..Gpo::default()
    };
    for item in collected {
        match &item.winner {
            Some(winner) => gpo_for(&mut gpos, winner, &listed, file)
                .settings
                .push(item.setting),
            None => unattributed.settings.push(item.setting),
        }
    }
    for (winner, extension) in attributed_extensions {
        gpo_for(&mut gpos, &winner, &listed, file)
            .unsupported_extensions
            .push(extension);
    }
    let origin = format!(
        "read from an RSoP report ({}{}): this GPO holds only the settings the report attributes to it",
        if data_type.is_empty() {
            "no DataType"
        } else {
            &data_type
        },
        som.as_deref().map(|s| format!(", {s}")).unwrap_or_default()
    );
    for gpo in &mut gpos {
        gpo.notes.push(origin.clone());
    }
    if !unattributed.settings.is_empty() || !unattributed_extensions.is_empty() || gpos.is_empty() {
        unattributed.unsupported_extensions = unattributed_extensions;
        unattributed.notes.push(format!(
            "{origin}; these settings name no source GPO in the report"
        ));
        gpos.push(unattributed);
    }
    for gpo in &mut gpos {
        gpo.notes.extend(report_notes.iter().cloned());
    }
    gpos
}

fn read_listed(gpo: &Element, scope: Scope) -> Option<Listed> {
    let path = gpo.child("Path");
    Some(Listed {
        scope,
        guid: path
            .and_then(|p| p.child_text("Identifier"))
            .and_then(normalize_guid)?,
        name: gpo.child_text("Name").unwrap_or_default().to_string(),
        domain: non_empty(path.and_then(|p| p.child_text("Domain"))),
        enabled: gpo.child_text("Enabled").and_then(parse_bool),
        links: gpo
            .children_named("Link")
            .map(|link| {
                let mut read = super::read_link(link);
                // The RSoP names only the path; its last segment is the SOM's name.
                read.som_name = read
                    .som_path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                read
            })
            .collect(),
    })
}

/// The output GPO for `winner`, created on first use from the report's GPO list.
fn gpo_for<'g>(
    gpos: &'g mut Vec<Gpo>,
    winner: &Winner,
    listed: &[Listed],
    file: &str,
) -> &'g mut Gpo {
    // A GUID within its domain: a user from another domain gets that domain's Default Domain
    // Policy, with the same GUID as the computer's.
    let wanted = GpoIdentity::new(&winner.guid, winner.domain.as_deref());
    let position = match gpos
        .iter()
        .position(|g| g.identity().is_some_and(|id| id.may_be(&wanted)))
    {
        Some(p) => p,
        None => {
            let entries: Vec<&Listed> = listed
                .iter()
                .filter(|l| GpoIdentity::new(&l.guid, l.domain.as_deref()).may_be(&wanted))
                .collect();
            let enabled = |scope| {
                entries
                    .iter()
                    .find(|l| l.scope == scope)
                    .and_then(|l| l.enabled)
                    .unwrap_or(true)
            };
            let mut links: Vec<GpoLink> = Vec::new();
            for link in entries.iter().flat_map(|l| &l.links) {
                if !links.iter().any(|known| known.som_path == link.som_path) {
                    links.push(link.clone());
                }
            }
            gpos.push(Gpo {
                guid: Some(winner.guid.clone()),
                // GPOs the planning account could not read are listed under their GUID; a
                // listing of the same GPO in the other half may have the real name.
                display_name: entries
                    .iter()
                    .map(|l| l.name.as_str())
                    .find(|n| !n.is_empty() && normalize_guid(n).as_deref() != Some(&winner.guid))
                    .unwrap_or(&winner.guid)
                    .to_string(),
                domain: winner
                    .domain
                    .clone()
                    .or_else(|| entries.iter().find_map(|l| l.domain.clone())),
                computer_enabled: enabled(Scope::Device),
                user_enabled: enabled(Scope::User),
                links,
                origin: file.to_string(),
                ..Gpo::default()
            });
            gpos.len() - 1
        }
    };
    &mut gpos[position]
}

#[cfg(test)]
mod tests {
    use crate::input::gpreport::parse;
    use crate::model::{Scope, SettingId};

    const RSOP: &str = r#"<Rsop xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">
  <DataType>PlanningData</DataType>
  <ComputerResults>
    <SOM>contoso.com/Test</SOM>
    <GPO><Name>Baseline</Name><Path><Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{08F4E747-3FEF-4E0A-94FB-7F35826CEE8C}</Identifier><Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">contoso.com</Domain></Path>
      <Enabled>true</Enabled><Link><SOMPath>contoso.com/Test</SOMPath><Enabled>true</Enabled><NoOverride>false</NoOverride></Link></GPO>
    <ExtensionData>
      <Extension xmlns:q3="http://www.microsoft.com/GroupPolicy/Settings/Auditing" xsi:type="q3:AuditSettings" xmlns="http://www.microsoft.com/GroupPolicy/Settings">
        <q3:AuditSetting>
          <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base"><Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{08F4E747-3FEF-4E0A-94FB-7F35826CEE8C}</Identifier><Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">contoso.com</Domain></GPO>
          <Precedence xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">1</Precedence>
          <q3:SubcategoryName>Audit Security System Extension</q3:SubcategoryName>
          <q3:SubcategoryGuid>{0CCE9211-69AE-11D9-BED3-505054503030}</q3:SubcategoryGuid>
          <q3:SettingValue>1</q3:SettingValue>
        </q3:AuditSetting>
        <q3:AuditSetting>
          <q3:SubcategoryName>Orphan</q3:SubcategoryName>
          <q3:SubcategoryGuid>{0cce9212-69ae-11d9-bed3-505054503030}</q3:SubcategoryGuid>
          <q3:SettingValue>2</q3:SettingValue>
        </q3:AuditSetting>
      </Extension>
      <Name xmlns="http://www.microsoft.com/GroupPolicy/Settings">Advanced Audit Configuration</Name>
    </ExtensionData>
  </ComputerResults>
</Rsop>"#;

    #[test]
    fn settings_go_to_their_winning_gpo() {
        let gpos = parse(RSOP, "rsop.xml").unwrap();
        assert_eq!(gpos.len(), 2);
        let winner = &gpos[0];
        assert_eq!(winner.display_name, "Baseline");
        assert_eq!(
            winner.guid.as_deref(),
            Some("{08F4E747-3FEF-4E0A-94FB-7F35826CEE8C}")
        );
        assert_eq!(winner.links[0].som_name, "Test");
        assert_eq!(winner.settings.len(), 1);
        assert_eq!(winner.settings[0].scope, Scope::Device);
        assert_eq!(
            winner.settings[0].id,
            SettingId::AuditSubcategory {
                guid: "{0cce9211-69ae-11d9-bed3-505054503030}".into()
            }
        );
        assert!(winner.notes[0].contains("RSoP report (PlanningData, contoso.com/Test)"));
        assert_eq!(gpos[1].guid, None);
        assert_eq!(gpos[1].settings.len(), 1);
        assert_eq!(gpos[1].display_name, "RSoP contoso.com/Test");
    }

    /// The computer's and the user's Default Domain Policy when the user is from another domain:
    /// one GUID, two domains, two GPOs.
    #[test]
    fn one_guid_in_two_domains_is_two_gpos() {
        let ddp = "{31B2F340-016D-11D2-945F-00C04FB984F9}";
        let section = |results: &str, domain: &str, subcategory: &str| {
            format!(
                r#"<{results}>
    <GPO><Name>Default Domain Policy</Name><Path><Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{ddp}</Identifier><Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">{domain}</Domain></Path><Enabled>true</Enabled><Link><SOMPath>{domain}</SOMPath><Enabled>true</Enabled><NoOverride>false</NoOverride></Link></GPO>
    <ExtensionData>
      <Extension xmlns:q3="http://www.microsoft.com/GroupPolicy/Settings/Auditing" xsi:type="q3:AuditSettings" xmlns="http://www.microsoft.com/GroupPolicy/Settings">
        <q3:AuditSetting>
          <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base"><Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{ddp}</Identifier><Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">{domain}</Domain></GPO>
          <Precedence xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">1</Precedence>
          <q3:SubcategoryName>Audit</q3:SubcategoryName>
          <q3:SubcategoryGuid>{subcategory}</q3:SubcategoryGuid>
          <q3:SettingValue>1</q3:SettingValue>
        </q3:AuditSetting>
      </Extension>
      <Name xmlns="http://www.microsoft.com/GroupPolicy/Settings">Advanced Audit Configuration</Name>
    </ExtensionData>
  </{results}>"#
            )
        };
        let rsop = format!(
            r#"<Rsop xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">
  <DataType>LoggingData</DataType>
  {}
  {}
</Rsop>"#,
            section(
                "ComputerResults",
                "contoso.com",
                "{0CCE9211-69AE-11D9-BED3-505054503030}"
            ),
            section(
                "UserResults",
                "fabrikam.com",
                "{0CCE9212-69AE-11D9-BED3-505054503030}"
            ),
        );
        let gpos = parse(&rsop, "rsop.xml").unwrap();
        let found: Vec<(Option<&str>, Option<&str>, usize, &str)> = gpos
            .iter()
            .map(|g| {
                (
                    g.guid.as_deref(),
                    g.domain.as_deref(),
                    g.settings.len(),
                    g.links[0].som_path.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Some(ddp), Some("contoso.com"), 1, "contoso.com"),
                (Some(ddp), Some("fabrikam.com"), 1, "fabrikam.com"),
            ]
        );
        assert_ne!(gpos[0].identity(), gpos[1].identity());
    }
}
