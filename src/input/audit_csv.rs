//! audit.csv advanced audit policy, formats.md §4.

use crate::model::{Property, Scope, Setting, SettingId, SettingKind, SettingValue, Source};

/// The columns gpa reads, by their header names (MS-GPAC §2.2.1; the header is not localized,
/// the text cells are).
const POLICY_TARGET: &str = "Policy Target";
const SUBCATEGORY: &str = "Subcategory";
const SUBCATEGORY_GUID: &str = "Subcategory GUID";
const INCLUSION_SETTING: &str = "Inclusion Setting";
const EXCLUSION_SETTING: &str = "Exclusion Setting";
const SETTING_VALUE: &str = "Setting Value";

/// Reads a decoded audit.csv into Device-scope settings keyed by subcategory GUID, in file order.
///
/// * System rows (`Policy Target` `System` or empty) → AdvancedAudit, value `Audit` from the
///   1 Success | 2 Failure mask, raw value kept (0 and 4 are both "no auditing").
/// * Per-user rows (a SID in `Policy Target`) → AdvancedAudit with `Properties`: `PolicyTarget`,
///   `SettingValue` (the include/exclude mask), `InclusionSetting`, `ExclusionSetting`.
/// * `Option:*` rows, `FileGlobalSacl` and `RegistryGlobalSacl` → AuditOption (a number, or the
///   SDDL text).
pub fn read_settings(text: &str, file: &str) -> Result<Vec<Setting>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("unreadable audit.csv header: {e}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(subcategory), Some(guid), Some(value)) = (
        column(SUBCATEGORY),
        column(SUBCATEGORY_GUID),
        column(SETTING_VALUE),
    ) else {
        return Err(format!(
            "audit.csv header lacks {SUBCATEGORY:?}, {SUBCATEGORY_GUID:?} or {SETTING_VALUE:?}: {:?}",
            headers.iter().collect::<Vec<_>>()
        ));
    };
    let target = column(POLICY_TARGET);
    let inclusion = column(INCLUSION_SETTING);
    let exclusion = column(EXCLUSION_SETTING);

    let mut settings = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("unreadable audit.csv row: {e}"))?;
        let cell = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or("").trim();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map(|p| {
            // The csv crate may put a record's position on the line break (or blank lines)
            // before it: skip those to the record's first byte, then count lines.
            let bytes = text.as_bytes();
            let from = p.byte() as usize;
            let start = bytes
                .get(from..)
                .and_then(|rest| rest.iter().position(|b| !matches!(b, b'\r' | b'\n')))
                .map_or(bytes.len(), |offset| from + offset);
            let before = bytes.get(..start).unwrap_or(bytes);
            before.iter().filter(|&&b| b == b'\n').count() as u32 + 1
        });
        let name = cell(Some(subcategory));
        let raw_value = cell(Some(value));
        let source = Source {
            file: file.to_string(),
            entry: None,
            line,
        };
        let guid = cell(Some(guid));
        let is_option = name
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("Option:"))
            || name.eq_ignore_ascii_case("FileGlobalSacl")
            || name.eq_ignore_ascii_case("RegistryGlobalSacl");
        let setting = if guid.is_empty() || is_option {
            let value = match raw_value.parse::<i64>() {
                Ok(n) => SettingValue::Number { value: n },
                Err(_) => SettingValue::Text {
                    value: raw_value.to_string(),
                },
            };
            Setting {
                scope: Scope::Device,
                kind: SettingKind::AuditOption,
                id: SettingId::AuditOption {
                    name: name.to_string(),
                },
                value,
                display_name: Some(name.to_string()).filter(|n| !n.is_empty()),
                category: None,
                display_value: Some(cell(inclusion).to_string()).filter(|v| !v.is_empty()),
                source,
            }
        } else {
            let policy_target = cell(target);
            let per_user =
                !policy_target.is_empty() && !policy_target.eq_ignore_ascii_case("System");
            let value = match per_user {
                false => system_value(raw_value),
                true => SettingValue::Properties {
                    properties: vec![
                        property("PolicyTarget", policy_target),
                        property("SettingValue", raw_value),
                        property("InclusionSetting", cell(inclusion)),
                        property("ExclusionSetting", cell(exclusion)),
                    ],
                },
            };
            Setting {
                scope: Scope::Device,
                kind: SettingKind::AdvancedAudit,
                id: SettingId::AuditSubcategory {
                    guid: normalize_guid(guid),
                },
                value,
                display_name: Some(name.to_string()).filter(|n| !n.is_empty()),
                category: None,
                display_value: Some(cell(inclusion).to_string()).filter(|v| !v.is_empty()),
                source,
            }
        };
        settings.push(setting);
    }
    Ok(settings)
}

/// The value of a subcategory set for the whole system: the 1 Success | 2 Failure mask (0 and 4
/// are both "no auditing"), the number kept as written; text that is no number stays text.
/// Policy Analyzer's `AuditSubcategory` `Setting` is the same number.
pub fn system_value(raw_value: &str) -> SettingValue {
    match raw_value.parse::<u32>() {
        Ok(mask) => SettingValue::Audit {
            success: mask & 1 != 0,
            failure: mask & 2 != 0,
            raw: raw_value.to_string(),
        },
        Err(_) => SettingValue::Text {
            value: raw_value.to_string(),
        },
    }
}

fn property(name: &str, value: &str) -> Property {
    Property {
        name: name.to_string(),
        value: value.to_string(),
    }
}

/// Lower case, in braces: the identity of a subcategory.
pub fn normalize_guid(guid: &str) -> String {
    let bare = guid.trim().trim_start_matches('{').trim_end_matches('}');
    format!("{{{}}}", bare.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting,Setting Value\r\n,System,Audit Credential Validation,{0CCE923F-69AE-11D9-BED3-505054503030},Success and Failure,,3\r\n\r\n,System,Audit File Share,{0cce9224-69ae-11d9-bed3-505054503030},No Auditing,,0\r\n,S-1-5-21-1-2-3-1001,Audit Logon,{0cce9215-69ae-11d9-bed3-505054503030},Success,Failure,9\r\n,,Option:CrashOnAuditFail,,Enabled,,1\r\n,,FileGlobalSacl,,,,\"S:(AU;SA;FA;;;WD)\"\r\n";

    #[test]
    fn subcategories_options_and_per_user_rows() {
        let s = read_settings(SAMPLE, "audit.csv").unwrap();
        assert_eq!(s.len(), 5);
        assert_eq!(
            s[0].id,
            SettingId::AuditSubcategory {
                guid: "{0cce923f-69ae-11d9-bed3-505054503030}".into()
            }
        );
        assert_eq!(s[0].kind, SettingKind::AdvancedAudit);
        assert_eq!(
            s[0].value,
            SettingValue::Audit {
                success: true,
                failure: true,
                raw: "3".into()
            }
        );
        assert_eq!(
            s[0].display_name.as_deref(),
            Some("Audit Credential Validation")
        );
        assert_eq!(s[0].source.line, Some(2));
        assert_eq!(
            s[1].value,
            SettingValue::Audit {
                success: false,
                failure: false,
                raw: "0".into()
            }
        );
        assert_eq!(s[1].source.line, Some(4));
        assert_eq!(
            s[2].value,
            SettingValue::Properties {
                properties: vec![
                    property("PolicyTarget", "S-1-5-21-1-2-3-1001"),
                    property("SettingValue", "9"),
                    property("InclusionSetting", "Success"),
                    property("ExclusionSetting", "Failure"),
                ]
            }
        );
        assert_eq!(
            s[3].id,
            SettingId::AuditOption {
                name: "Option:CrashOnAuditFail".into()
            }
        );
        assert_eq!(s[3].kind, SettingKind::AuditOption);
        assert_eq!(s[3].value, SettingValue::Number { value: 1 });
        assert_eq!(
            s[4].id,
            SettingId::AuditOption {
                name: "FileGlobalSacl".into()
            }
        );
        assert_eq!(
            s[4].value,
            SettingValue::Text {
                value: "S:(AU;SA;FA;;;WD)".into()
            }
        );
    }

    #[test]
    fn header_without_needed_columns_is_an_error() {
        assert!(read_settings("a,b,c\n1,2,3\n", "audit.csv").is_err());
        assert_eq!(read_settings(" \r\n", "audit.csv"), Ok(vec![]));
    }
}
