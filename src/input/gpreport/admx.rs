//! The Administrative Templates extension (`…/Settings/Registry`), formats.md §1.7.

use super::{BASE_NS, Collector, Labels, parse_bool};
use crate::input::xml::Element;
use crate::model::{
    Hive, ListEntry, PolicyPart, PolicyState, RegistryData, RegistryInstruction, RegistryOp,
    SettingId, SettingKind, SettingValue,
};

pub(super) fn read(extension: &Element, cx: &mut Collector<'_>) {
    for child in &extension.children {
        if child.ns == BASE_NS {
            continue;
        }
        match child.name.as_str() {
            "Policy" => read_policy(child, cx),
            "RegistrySetting" => read_registry_setting(child, cx),
            "Blocked" => {}
            _ => cx.unknown_element(child),
        }
    }
}

/// Children of `Policy` that describe it rather than being presentation parts.
const POLICY_FIELDS: [&str; 6] = [
    "Name",
    "State",
    "Explain",
    "Supported",
    "Category",
    "Comment",
];

fn read_policy(policy: &Element, cx: &mut Collector<'_>) {
    let name = policy.child_text("Name").unwrap_or_default().to_string();
    let category = policy
        .child_text("Category")
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        cx.unknown_element(policy);
        return;
    }
    let state = match policy.child_text("State") {
        Some(s) if s.eq_ignore_ascii_case("Enabled") => PolicyState::Enabled,
        Some(s) if s.eq_ignore_ascii_case("Disabled") => PolicyState::Disabled,
        _ => PolicyState::Unknown,
    };
    let parts = policy
        .children
        .iter()
        .filter(|c| c.ns != BASE_NS && !POLICY_FIELDS.contains(&c.name.as_str()))
        .map(read_part)
        .collect();
    cx.push(
        policy,
        SettingKind::AdmxPolicy,
        SettingId::ReportPolicy {
            category: category.clone(),
            name: name.clone(),
        },
        SettingValue::Policy { state, parts },
        Labels {
            display_name: Some(name),
            category: (!category.is_empty()).then_some(category),
            display_value: None,
        },
    );
}

fn read_part(part: &Element) -> PolicyPart {
    let mut out = PolicyPart {
        element: part.name.clone(),
        label: part.child_text("Name").unwrap_or_default().to_string(),
        state: part.child_text("State").map(str::to_string),
        ..PolicyPart::default()
    };
    let value = part.child("Value");
    match part.name.as_str() {
        "EditText" | "Numeric" => out.value = value.map(|v| v.text.trim().to_string()),
        "DropDownList" => out.value = value.and_then(|v| v.child_text("Name")).map(str::to_string),
        "CheckBox" | "Text" => {}
        "ListBox" => {
            out.explicit_value = part.child_text("ExplicitValue").and_then(parse_bool);
            out.additive = part.child_text("Additive").and_then(parse_bool);
            out.value_prefix = part.child_text("ValuePrefix").map(str::to_string);
            out.items = value
                .map(|v| {
                    v.children
                        .iter()
                        .map(|e| ListEntry {
                            name: e.child_text("Name").unwrap_or_default().to_string(),
                            data: e.child_text("Data").map(str::to_string),
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        "MultiText" => {
            out.items = value
                .map(|v| {
                    v.children
                        .iter()
                        .map(|line| ListEntry {
                            name: line.text.trim().to_string(),
                            data: None,
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        _ => {
            // An unknown part: its own text as the value, everything below it as path/text items.
            let text = part.text.trim();
            out.value = (!text.is_empty()).then(|| text.to_string());
            let mut properties = Vec::new();
            for child in part
                .children
                .iter()
                .filter(|c| c.name != "Name" && c.name != "State")
            {
                crate::input::preferences::flatten(child, &child.name, &mut properties);
            }
            out.items = properties
                .into_iter()
                .map(|p| ListEntry {
                    name: p.name,
                    data: Some(p.value),
                })
                .collect();
        }
    }
    out
}

/// An "Extra Registry Setting": a registry value no ADMX on the reporting machine explains.
fn read_registry_setting(setting: &Element, cx: &mut Collector<'_>) {
    let Some(key) = setting.child_text("KeyPath").filter(|k| !k.is_empty()) else {
        cx.unknown_element(setting);
        return;
    };
    let hive = cx.scope.hive();
    let Some(value) = setting.child("Value") else {
        // Only the key is listed (the corpus has 93 such entries): the policy creates the key.
        cx.push(
            setting,
            registry_kind(key),
            registry_id(hive, key, ""),
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::CreateKey,
                data: RegistryData::None,
            }),
            Labels::default(),
        );
        return;
    };
    let value_name = value.child_text("Name").unwrap_or_default();
    let data = if let Some(n) = value.child_text("Number") {
        n.parse::<u32>().ok().map(RegistryData::Dword)
    } else {
        value
            .child_text("String")
            .map(|s| RegistryData::String(s.to_string()))
    };
    let setting_value = match data {
        Some(data) => SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::Set,
            data,
        }),
        // A shape not seen in the corpus (only Number is): keep what the report says, typed by
        // nobody.
        None => SettingValue::Properties {
            properties: super::child_properties(value),
        },
    };
    cx.push(
        setting,
        registry_kind(key),
        registry_id(hive, key, value_name),
        setting_value,
        Labels::default(),
    );
}

fn registry_id(hive: Hive, key: &str, value_name: &str) -> SettingId {
    SettingId::Registry {
        hive,
        key: key.to_string(),
        value_name: value_name.to_string(),
    }
}

/// The same subtree classification the registry.pol reader applies (brief: ID conventions).
pub(crate) fn registry_kind(key: &str) -> SettingKind {
    let lower = key.to_ascii_lowercase();
    let under = |prefix: &str| lower.starts_with(prefix);
    if under("software\\policies\\microsoft\\windowsfirewall\\firewallrules") {
        SettingKind::FirewallRule
    } else if under("software\\policies\\microsoft\\windowsfirewall\\") {
        SettingKind::FirewallProfile
    } else if under("software\\policies\\microsoft\\windows\\srpv2\\") {
        SettingKind::AppLockerRule
    } else if under("software\\policies\\microsoft\\systemcertificates\\") {
        SettingKind::Certificate
    } else {
        SettingKind::RegistryValue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::xml;

    fn part(xml_text: &str) -> PolicyPart {
        read_part(&xml::parse(xml_text).unwrap())
    }

    #[test]
    fn parts_keep_their_values() {
        let p = part(
            "<DropDownList><Name>Mode:</Name><State>Enabled</State><Value><Name>Replace</Name></Value></DropDownList>",
        );
        assert_eq!(p.value.as_deref(), Some("Replace"));
        assert_eq!(p.label, "Mode:");
        let p = part(
            "<ListBox><Name>L</Name><State>Enabled</State><ExplicitValue>false</ExplicitValue><Additive>true</Additive><ValuePrefix>p</ValuePrefix><Value><Element><Data>C:\\a</Data></Element></Value></ListBox>",
        );
        assert_eq!(p.explicit_value, Some(false));
        assert_eq!(p.additive, Some(true));
        assert_eq!(p.value_prefix.as_deref(), Some("p"));
        assert_eq!(
            p.items,
            [ListEntry {
                name: String::new(),
                data: Some("C:\\a".into())
            }]
        );
        let p = part(
            "<MultiText><Name>M</Name><State>Enabled</State><Value><string>NistP384</string><string>NistP256</string></Value></MultiText>",
        );
        assert_eq!(p.items[1].name, "NistP256");
        let p = part("<Fancy><Name>F</Name><Inner a=\"1\">x</Inner></Fancy>");
        assert_eq!(p.element, "Fancy");
        assert_eq!(
            p.items[0],
            ListEntry {
                name: "Inner@a".into(),
                data: Some("1".into())
            }
        );
        assert_eq!(
            p.items[1],
            ListEntry {
                name: "Inner".into(),
                data: Some("x".into())
            }
        );
    }

    #[test]
    fn subtrees_are_classified() {
        assert_eq!(
            registry_kind("Software\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates"),
            SettingKind::Certificate
        );
        assert_eq!(
            registry_kind("SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules"),
            SettingKind::FirewallRule
        );
        assert_eq!(
            registry_kind("Software\\Policies\\Microsoft\\Windows\\DataCollection"),
            SettingKind::RegistryValue
        );
    }
}
