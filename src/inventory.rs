//! The human-readable forms of settings and the `gpa inventory` table.

use std::fmt::Write;

use crate::model::{
    Gpo, Inventory, PolicyState, Principal, RegistryData, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue,
};

/// A setting identity in one line: `HKLM\Software\…\Key\Value`, `[System Access] MinimumPasswordLength`.
/// A registry identity with an empty value name (an instruction on the key) ends in `\`.
pub fn identity_text(id: &SettingId) -> String {
    match id {
        SettingId::Registry {
            hive,
            key,
            value_name,
        } => format!("{}\\{key}\\{value_name}", hive_text(*hive)),
        SettingId::ReportPolicy { category, name } => format!("{category}/{name}"),
        SettingId::SecurityTemplate { section, name } => format!("[{section}] {name}"),
        SettingId::AuditSubcategory { guid } => guid.clone(),
        SettingId::AuditOption { name } => name.clone(),
        SettingId::Group { sid, name } => principal_text(&Principal {
            sid: sid.clone(),
            name: name.clone(),
        }),
        SettingId::Service { name } => name.clone(),
        SettingId::Path { path } => path.clone(),
        SettingId::FirewallRule { id } => id.clone(),
        SettingId::FirewallSetting { profile, name } => format!("{profile}/{name}"),
        SettingId::AppLockerRule { collection, id } => format!("{collection}/{id}"),
        SettingId::Preference {
            preference_type,
            uid,
            name,
        } => match uid {
            Some(uid) => format!("{preference_type:?}: {name} {uid}"),
            None => format!("{preference_type:?}: {name}"),
        },
        SettingId::Script { trigger, order } => format!("{trigger} #{order}"),
        SettingId::KnownFolder { id } => id.clone(),
        SettingId::SoftwarePackage { product_id, name } => match product_id {
            Some(p) => format!("{name} {p}"),
            None => name.clone(),
        },
        SettingId::Certificate { store, id } => format!("{store}/{id}"),
        SettingId::Named { extension, name } => format!("{extension}: {name}"),
        SettingId::Extension {
            namespace,
            type_name,
            cse_guid,
        } => match cse_guid {
            Some(g) => format!("{namespace} {type_name} {g}"),
            None => format!("{namespace} {type_name}"),
        },
    }
}

/// A setting value in one line, the way a person reads it.
pub fn value_text(value: &SettingValue) -> String {
    match value {
        SettingValue::Registry(instruction) => {
            let data = || {
                format!(
                    "{} {}",
                    reg_type_name(&instruction.data),
                    instruction.data.display()
                )
            };
            match &instruction.op {
                RegistryOp::Set => data(),
                RegistryOp::SoftSet => format!("soft {}", data()),
                RegistryOp::DeleteValue => "delete value".to_string(),
                RegistryOp::DeleteAllValues => "delete all values".to_string(),
                RegistryOp::DeleteValues { names } => format!("delete values {}", names.join("; ")),
                RegistryOp::DeleteKeys { names } => format!("delete keys {}", names.join("; ")),
                RegistryOp::SecureKey { secure: true } => "secure key".to_string(),
                RegistryOp::SecureKey { secure: false } => "reset key security".to_string(),
                RegistryOp::CreateKey => "create key".to_string(),
            }
        }
        SettingValue::Policy { state, parts } => {
            let mut out = match state {
                PolicyState::Enabled => "Enabled",
                PolicyState::Disabled => "Disabled",
                PolicyState::Unknown => "Unknown",
            }
            .to_string();
            for part in parts {
                let shown = match (&part.value, part.items.is_empty()) {
                    (Some(v), _) => v.clone(),
                    (None, false) => part
                        .items
                        .iter()
                        .map(|i| match &i.data {
                            Some(d) => format!("{}={d}", i.name),
                            None => i.name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    (None, true) => part.state.clone().unwrap_or_default(),
                };
                let _ = write!(out, "; {}: {shown}", part.label);
            }
            out
        }
        SettingValue::Number { value } => value.to_string(),
        SettingValue::Text { value } => value.clone(),
        SettingValue::Boolean { value } => value.to_string(),
        SettingValue::TextList { values } => values.join("; "),
        SettingValue::Principals { members } => principals_text(members),
        SettingValue::GroupMembership { members, member_of } => format!(
            "members: {}; member of: {}",
            principals_text(members),
            principals_text(member_of)
        ),
        SettingValue::Audit {
            success, failure, ..
        } => match (success, failure) {
            (true, true) => "Success and Failure".to_string(),
            (true, false) => "Success".to_string(),
            (false, true) => "Failure".to_string(),
            (false, false) => "No Auditing".to_string(),
        },
        SettingValue::Preference(item) => {
            let mut out = item.element.clone();
            if let Some(action) = &item.action {
                let _ = write!(out, " action={action}");
            }
            if item.disabled {
                out.push_str(" (disabled)");
            }
            for p in item
                .properties
                .iter()
                .filter(|p| !(p.name == "action" && item.action.as_deref() == Some(&p.value)))
            {
                let _ = write!(out, " {}={}", p.name, p.value);
            }
            out
        }
        SettingValue::Properties { properties } => properties
            .iter()
            .map(|p| format!("{}={}", p.name, p.value))
            .collect::<Vec<_>>()
            .join(", "),
        SettingValue::None => String::new(),
    }
}

/// The snake_case name of a setting kind, as the JSON output spells it.
pub fn kind_text(kind: SettingKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{kind:?}"))
}

pub fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Device => "device",
        Scope::User => "user",
    }
}

/// The `gpa inventory` table: a block per GPO, then one line per setting.
pub fn render_table(inventory: &Inventory) -> String {
    let mut out = String::new();
    for (i, gpo) in inventory.gpos.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_gpo(&mut out, gpo);
    }
    out
}

fn render_gpo(out: &mut String, gpo: &Gpo) {
    let _ = writeln!(out, "{}", one_line(&gpo.display_name));
    let _ = writeln!(out, "  GUID:     {}", gpo.guid.as_deref().unwrap_or("-"));
    if let Some(domain) = &gpo.domain {
        let _ = writeln!(out, "  Domain:   {domain}");
    }
    let _ = writeln!(out, "  Origin:   {}", gpo.origin);
    if let Some(backup) = &gpo.backup {
        let _ = writeln!(
            out,
            "  Backup:   {} at {}",
            backup.id.as_deref().unwrap_or("-"),
            backup.time.as_deref().unwrap_or("-")
        );
    }
    let links = if gpo.links.is_empty() {
        "none".to_string()
    } else {
        gpo.links
            .iter()
            .map(|l| {
                let mut s = l.som_path.clone();
                if !l.enabled {
                    s.push_str(" (disabled)");
                }
                if l.no_override {
                    s.push_str(" (enforced)");
                }
                s
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "  Links:    {links}");
    let _ = writeln!(
        out,
        "  Enabled:  computer {}, user {}",
        yes_no(gpo.computer_enabled),
        yes_no(gpo.user_enabled)
    );
    if let Some(filter) = &gpo.wmi_filter {
        let _ = writeln!(out, "  WMI:      {filter}");
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in &gpo.settings {
        let kind = kind_text(s.kind);
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort();
    let by_kind = counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "  Settings: {}{}",
        gpo.settings.len(),
        if by_kind.is_empty() {
            String::new()
        } else {
            format!(" ({by_kind})")
        }
    );
    if !gpo.report_policies.is_empty() {
        let _ = writeln!(
            out,
            "  Report policies: {} (Administrative Templates named by gpreport.xml)",
            gpo.report_policies.len()
        );
    }
    for ext in &gpo.unsupported_extensions {
        let name = ext
            .name
            .as_deref()
            .or(ext.type_name.as_deref())
            .or(ext.cse_guid.as_deref())
            .unwrap_or("?");
        let _ = writeln!(
            out,
            "  Unsupported extension: {} ({})",
            one_line(name),
            scope_text(ext.scope)
        );
    }
    for d in &gpo.discrepancies {
        let _ = writeln!(
            out,
            "  Discrepancy: {} {}: {}",
            scope_text(d.scope),
            one_line(&identity_text(&d.id)),
            one_line(&d.detail)
        );
    }
    for note in &gpo.notes {
        let _ = writeln!(out, "  Note: {}", one_line(note));
    }
    for damage in &gpo.damage {
        let _ = writeln!(out, "  Damaged: {}", damage.describe());
    }
    for s in &gpo.settings {
        let _ = writeln!(out, "    {}", setting_line(s));
    }
}

/// `scope  kind  identity = value  (display name)`.
pub fn setting_line(s: &Setting) -> String {
    let mut line = format!(
        "{:<6} {:<20} {} = {}",
        scope_text(s.scope),
        kind_text(s.kind),
        one_line(&identity_text(&s.id)),
        one_line(&value_text(&s.value))
    );
    if let Some(name) = &s.display_name {
        let _ = write!(line, "  ({})", one_line(name));
    }
    line
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Control characters (newlines in scripts and descriptions) would break the one-line layout.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn hive_text(hive: crate::model::Hive) -> &'static str {
    match hive {
        crate::model::Hive::Hklm => "HKLM",
        crate::model::Hive::Hkcu => "HKCU",
    }
}

fn reg_type_name(data: &RegistryData) -> String {
    match data {
        RegistryData::None => "REG_NONE".to_string(),
        RegistryData::String(_) => "REG_SZ".to_string(),
        RegistryData::ExpandString(_) => "REG_EXPAND_SZ".to_string(),
        RegistryData::Binary(_) => "REG_BINARY".to_string(),
        RegistryData::Dword(_) => "REG_DWORD".to_string(),
        RegistryData::DwordBigEndian(_) => "REG_DWORD_BIG_ENDIAN".to_string(),
        RegistryData::MultiString(_) => "REG_MULTI_SZ".to_string(),
        RegistryData::Qword(_) => "REG_QWORD".to_string(),
        RegistryData::Other { type_code, .. } => format!("REG_TYPE_{type_code}"),
    }
}

fn principal_text(p: &Principal) -> String {
    match (&p.sid, &p.name) {
        (Some(sid), Some(name)) => format!("{name} ({sid})"),
        (Some(sid), None) => sid.clone(),
        (None, Some(name)) => name.clone(),
        (None, None) => String::new(),
    }
}

fn principals_text(members: &[Principal]) -> String {
    members
        .iter()
        .map(principal_text)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hive, RegistryInstruction, Source};

    fn registry_setting() -> Setting {
        Setting {
            scope: Scope::Device,
            kind: SettingKind::RegistryValue,
            id: SettingId::Registry {
                hive: Hive::Hklm,
                key: "Software\\Policies\\Microsoft\\Windows\\WinRM\\Client".into(),
                value_name: "AllowBasic".into(),
            },
            value: SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::Set,
                data: RegistryData::Dword(0),
            }),
            display_name: Some("Allow Basic\nauthentication".into()),
            category: None,
            display_value: None,
            source: Source::default(),
        }
    }

    #[test]
    fn setting_line_is_one_line() {
        assert_eq!(
            setting_line(&registry_setting()),
            "device registry_value       HKLM\\Software\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowBasic = REG_DWORD 0  (Allow Basic authentication)"
        );
    }

    #[test]
    fn identities() {
        assert_eq!(
            identity_text(&SettingId::SecurityTemplate {
                section: "System Access".into(),
                name: "MinimumPasswordLength".into()
            }),
            "[System Access] MinimumPasswordLength"
        );
        assert_eq!(
            identity_text(&SettingId::Group {
                sid: Some("S-1-5-32-544".into()),
                name: Some("Administrators".into())
            }),
            "Administrators (S-1-5-32-544)"
        );
    }

    #[test]
    fn table_lists_gpo_then_settings() {
        let gpo = Gpo {
            display_name: "Baseline".into(),
            guid: Some("{A}".into()),
            computer_enabled: true,
            user_enabled: false,
            settings: vec![registry_setting()],
            origin: "x".into(),
            ..Gpo::default()
        };
        let table = render_table(&Inventory { gpos: vec![gpo] });
        assert!(table.starts_with("Baseline\n  GUID:     {A}\n"));
        assert!(table.contains("  Links:    none\n"));
        assert!(table.contains("  Enabled:  computer yes, user no\n"));
        assert!(table.contains("  Settings: 1 (registry_value 1)\n"));
        assert!(table.ends_with("(Allow Basic authentication)\n"));
    }
}
