//! GptTmpl.inf security templates, formats.md §3.

use crate::input::ini::{self, IniLine, IniSection};
use crate::model::{
    Hive, Principal, Property, RegistryData, RegistryInstruction, RegistryOp, Scope, Setting,
    SettingId, SettingKind, SettingValue, Source,
};

/// `[System Access]` keys that are security options rather than account policies; every other
/// key of the section (password, lockout, `AllowAdministratorLockout`…) is an account policy.
const SYSTEM_ACCESS_OPTIONS: [&str; 6] = [
    "LSAAnonymousNameLookup",
    "EnableAdminAccount",
    "EnableGuestAccount",
    "NewAdministratorName",
    "NewGuestName",
    "ForceLogoffWhenHourExpire",
];

/// The sections read with a meaning of their own, by their canonical names.
const SYSTEM_ACCESS: &str = "System Access";
const KERBEROS_POLICY: &str = "Kerberos Policy";
const EVENT_AUDIT: &str = "Event Audit";
const REGISTRY_VALUES: &str = "Registry Values";
const PRIVILEGE_RIGHTS: &str = "Privilege Rights";
const SERVICE_GENERAL_SETTING: &str = "Service General Setting";
const GROUP_MEMBERSHIP: &str = "Group Membership";
const REGISTRY_KEYS: &str = "Registry Keys";
const FILE_SECURITY: &str = "File Security";
const EVENT_LOGS: [&str; 3] = ["System Log", "Security Log", "Application Log"];
/// Sections that carry no setting.
const SKIPPED: [&str; 2] = ["Unicode", "Version"];

/// Reads a decoded GptTmpl.inf into Device-scope settings, one per key of every section (one per
/// group for `[Group Membership]`), in file order. Sections gpa has no meaning for are kept as
/// `SecurityTemplate` settings with their text rather than dropped.
pub fn read_settings(text: &str, file: &str) -> Result<Vec<Setting>, String> {
    let sections = ini::sections(text);
    if let [stray] = sections.as_slice()
        && stray.name.is_empty()
        && stray.line == 0
    {
        return Err(format!(
            "no [section] header: not a security template (first content on line {})",
            stray.lines.first().map_or(0, |l| l.line)
        ));
    }
    Ok(read_sections(&sections, file))
}

/// Reads security template sections into settings, as [`read_settings`] does for a whole file.
/// Policy Analyzer rules give a template's lines one by one with their section name; they come
/// here as sections too, so a line gets the same identity, kind and value from either form.
pub fn read_sections(sections: &[IniSection], file: &str) -> Vec<Setting> {
    let mut settings = Vec::new();
    for section in sections {
        if section.name.is_empty() && section.line == 0 {
            // Content before the first header belongs to no section; secedit ignores it.
            continue;
        }
        let name = section.name.as_str();
        let is = |canonical: &str| name.eq_ignore_ascii_case(canonical);
        if SKIPPED.iter().any(|s| is(s)) {
            continue;
        } else if is(SYSTEM_ACCESS) || is(KERBEROS_POLICY) {
            let canonical = if is(SYSTEM_ACCESS) {
                SYSTEM_ACCESS
            } else {
                KERBEROS_POLICY
            };
            for line in &section.lines {
                let (key, value) = key_value(line);
                let kind = if canonical == SYSTEM_ACCESS
                    && SYSTEM_ACCESS_OPTIONS
                        .iter()
                        .any(|o| o.eq_ignore_ascii_case(key))
                {
                    SettingKind::SecurityOption
                } else {
                    SettingKind::AccountPolicy
                };
                settings.push(template(canonical, key, kind, scalar(value), file, line));
            }
        } else if let Some(log) = EVENT_LOGS.iter().find(|l| is(l)) {
            for line in &section.lines {
                let (key, value) = key_value(line);
                settings.push(template(
                    log,
                    key,
                    SettingKind::EventLog,
                    scalar(value),
                    file,
                    line,
                ));
            }
        } else if is(EVENT_AUDIT) {
            for line in &section.lines {
                let (key, value) = key_value(line);
                let value = match parse_number(value) {
                    Some(n) => SettingValue::Audit {
                        success: n & 1 != 0,
                        failure: n & 2 != 0,
                        raw: value.to_string(),
                    },
                    None => text_value(value),
                };
                settings.push(template(
                    EVENT_AUDIT,
                    key,
                    SettingKind::LegacyAudit,
                    value,
                    file,
                    line,
                ));
            }
        } else if is(REGISTRY_VALUES) {
            settings.extend(section.lines.iter().map(|line| registry_value(line, file)));
        } else if is(PRIVILEGE_RIGHTS) {
            for line in &section.lines {
                let (key, value) = key_value(line);
                let members = principals(value);
                settings.push(template(
                    PRIVILEGE_RIGHTS,
                    key,
                    SettingKind::UserRight,
                    SettingValue::Principals { members },
                    file,
                    line,
                ));
            }
        } else if is(SERVICE_GENERAL_SETTING) {
            settings.extend(section.lines.iter().map(|line| service(line, file)));
        } else if is(GROUP_MEMBERSHIP) {
            settings.extend(group_membership(section, file));
        } else if is(REGISTRY_KEYS) || is(FILE_SECURITY) {
            let kind = if is(REGISTRY_KEYS) {
                SettingKind::RegistryPermission
            } else {
                SettingKind::FilePermission
            };
            settings.extend(
                section
                    .lines
                    .iter()
                    .map(|line| path_security(line, kind, file)),
            );
        } else {
            for line in &section.lines {
                let (key, value) = key_value(line);
                settings.push(template(
                    name,
                    key,
                    SettingKind::SecurityOption,
                    text_value(value),
                    file,
                    line,
                ));
            }
        }
    }
    settings
}

/// `key = value`; a line without `=` is a key with an empty value.
fn key_value(line: &IniLine) -> (&str, &str) {
    line.key_value().unwrap_or((line.text.as_str(), ""))
}

fn source(file: &str, line: &IniLine) -> Source {
    Source {
        file: file.to_string(),
        entry: None,
        line: Some(line.line),
    }
}

fn setting(
    kind: SettingKind,
    id: SettingId,
    value: SettingValue,
    file: &str,
    line: &IniLine,
) -> Setting {
    Setting::new(Scope::Device, kind, id, value, source(file, line))
}

fn template(
    section: &str,
    name: &str,
    kind: SettingKind,
    value: SettingValue,
    file: &str,
    line: &IniLine,
) -> Setting {
    let id = SettingId::SecurityTemplate {
        section: section.to_string(),
        name: name.to_string(),
    };
    setting(kind, id, value, file, line)
}

/// A number (decimal or `0x` hex, optionally negative: `LockoutDuration = -1`), else text with
/// one pair of quotes stripped.
fn scalar(value: &str) -> SettingValue {
    match parse_number(value) {
        Some(n) => SettingValue::Number { value: n },
        None => text_value(value),
    }
}

fn text_value(value: &str) -> SettingValue {
    SettingValue::Text {
        value: unquote(value).to_string(),
    }
}

/// Decimal or `0x` hex, with an optional sign.
pub fn parse_number(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        None => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Strips one pair of surrounding double quotes.
fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// `*S-1-5-32-544,CONTOSO\Helpdesk`: SIDs lose their `*`; an empty list means no one.
fn principals(value: &str) -> Vec<Principal> {
    value
        .split(',')
        .map(|item| unquote(item.trim()).trim())
        .filter(|item| !item.is_empty())
        .map(principal)
        .collect()
}

fn principal(item: &str) -> Principal {
    match item.strip_prefix('*') {
        Some(sid) => Principal {
            sid: Some(sid.to_string()),
            name: None,
        },
        None if looks_like_sid(item) => Principal {
            sid: Some(item.to_string()),
            name: None,
        },
        // A name (`Guests`, `NT SERVICE\WdiServiceHost`): a well-known one gets its SID.
        None => Principal {
            sid: super::accounts::well_known_sid(item),
            name: Some(item.to_string()),
        },
    }
}

fn looks_like_sid(text: &str) -> bool {
    text.strip_prefix("S-1-").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    })
}

/// `MACHINE\<key>\<value>=<type>,<data>`, split at the first `=` followed by `<digits>,` since
/// paths hold spaces, parentheses and even `=`. A line that does not fit is kept under its
/// section and line text rather than guessed at.
fn registry_value(line: &IniLine, file: &str) -> Setting {
    let fallback = || {
        let (key, value) = key_value(line);
        template(
            REGISTRY_VALUES,
            key,
            SettingKind::SecurityOption,
            text_value(value),
            file,
            line,
        )
    };
    let Some((path, type_code, data)) = split_registry_value(&line.text) else {
        return fallback();
    };
    let Some((hive, rest)) = strip_hive(path) else {
        return fallback();
    };
    let (key, value_name) = rest.rsplit_once('\\').unwrap_or(("", rest));
    let id = SettingId::Registry {
        hive,
        key: key.to_string(),
        value_name: value_name.to_string(),
    };
    let value = match registry_data(type_code, data) {
        Some(data) => SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::Set,
            data,
        }),
        None => text_value(data),
    };
    setting(SettingKind::SecurityOption, id, value, file, line)
}

fn split_registry_value(text: &str) -> Option<(&str, u32, &str)> {
    text.match_indices('=').find_map(|(at, _)| {
        let (path, rest) = (text.get(..at)?, text.get(at + 1..)?);
        let (code, data) = rest.split_once(',')?;
        let code = code.trim();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((path.trim(), code.parse().ok()?, data))
    })
}

fn strip_hive(path: &str) -> Option<(Hive, &str)> {
    let (root, rest) = path.split_once('\\')?;
    let hive = match root.to_ascii_uppercase().as_str() {
        "MACHINE" | "HKLM" | "HKEY_LOCAL_MACHINE" => Hive::Hklm,
        "USER" | "HKCU" | "HKEY_CURRENT_USER" => Hive::Hkcu,
        _ => return None,
    };
    Some((hive, rest))
}

/// `[Registry Values]` data by REG code: 1/2 strings with one pair of quotes stripped, 3 binary,
/// 4 DWORD (decimal or hex), 7 a comma list (`7,` alone is empty). None when the data does not
/// fit its type, so the caller keeps the text.
fn registry_data(type_code: u32, data: &str) -> Option<RegistryData> {
    let data = data.trim();
    match type_code {
        1 => Some(RegistryData::String(unquote(data).to_string())),
        2 => Some(RegistryData::ExpandString(unquote(data).to_string())),
        3 => binary(data).map(RegistryData::Binary),
        4 => {
            let n = parse_number(data)?;
            // secedit writes DWORDs unsigned, but accept the signed spelling of the same bits.
            let n = u32::try_from(n)
                .ok()
                .or_else(|| i32::try_from(n).ok().map(|i| i as u32))?;
            Some(RegistryData::Dword(n))
        }
        7 => Some(RegistryData::MultiString(multi_string(data))),
        _ => None,
    }
}

/// secedit writes REG_BINARY as hex digits (`FullPrivilegeAuditing=3,0` is one byte 00); commas
/// between bytes are accepted too. An odd digit count is left-padded, as `0` shows.
fn binary(data: &str) -> Option<String> {
    let digits: String = data
        .chars()
        .filter(|c| !matches!(c, ',' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits
    })
}

/// The items of a type-7 value. secedit writes a comma inside an item as `","` (a quoted comma,
/// seen in real `LegalNoticeText` lines), so quotes toggle a literal run and are dropped.
fn multi_string(data: &str) -> Vec<String> {
    if data.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in data.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    items.push(current);
    items
}

/// `"Name",StartType,"SDDL"` → Service{name} with StartType (number and name) and the SDDL.
fn service(line: &IniLine, file: &str) -> Setting {
    let fields = quoted_fields(&line.text, 3);
    let name = fields.first().cloned().unwrap_or_default();
    let start = fields.get(1).cloned().unwrap_or_default();
    let sddl = fields.get(2).cloned().unwrap_or_default();
    let mode = parse_number(&start).and_then(start_type_name);
    let mut properties = vec![Property {
        name: "StartType".to_string(),
        value: start,
    }];
    if let Some(mode) = mode {
        properties.push(Property {
            name: "StartTypeName".to_string(),
            value: mode.to_string(),
        });
    }
    properties.push(Property {
        name: "SecurityDescriptor".to_string(),
        value: sddl,
    });
    let mut s = setting(
        SettingKind::Service,
        SettingId::Service { name },
        SettingValue::Properties { properties },
        file,
        line,
    );
    s.display_value = mode.map(str::to_string);
    s
}

/// SERVICE_*_START codes (winsvc.h).
fn start_type_name(code: i64) -> Option<&'static str> {
    Some(match code {
        0 => "Boot",
        1 => "System",
        2 => "Automatic",
        3 => "Manual",
        4 => "Disabled",
        _ => return None,
    })
}

/// Splits `"a",2,"b,c"` into at most `max` fields: commas inside quotes do not split, the last
/// field takes the rest of the line, and one pair of quotes is stripped from each.
fn quoted_fields(text: &str, max: usize) -> Vec<String> {
    let mut fields = Vec::new();
    let mut rest = text.trim();
    while fields.len() + 1 < max {
        let mut quoted = false;
        let split = rest.char_indices().find_map(|(i, c)| match c {
            '"' => {
                quoted = !quoted;
                None
            }
            ',' if !quoted => Some(i),
            _ => None,
        });
        match split {
            Some(at) => {
                fields.push(unquote(rest.get(..at).unwrap_or_default().trim()).to_string());
                rest = rest.get(at + 1..).unwrap_or_default().trim();
            }
            None => break,
        }
    }
    fields.push(unquote(rest).to_string());
    fields
}

/// `"path",mode,"SDDL"` of `[Registry Keys]` and `[File Security]`.
fn path_security(line: &IniLine, kind: SettingKind, file: &str) -> Setting {
    let fields = quoted_fields(&line.text, 3);
    let path = fields.first().cloned().unwrap_or_default();
    let properties = vec![
        Property {
            name: "PropagationMode".to_string(),
            value: fields.get(1).cloned().unwrap_or_default(),
        },
        Property {
            name: "SecurityDescriptor".to_string(),
            value: fields.get(2).cloned().unwrap_or_default(),
        },
    ];
    setting(
        kind,
        SettingId::Path { path },
        SettingValue::Properties { properties },
        file,
        line,
    )
}

/// `<group>__Members` and `<group>__Memberof`, merged into one setting per group in order of
/// first appearance. A key with neither suffix is kept as a template setting.
fn group_membership(section: &IniSection, file: &str) -> Vec<Setting> {
    // (group as written, lower-cased for matching, members, member_of, first line)
    let mut groups: Vec<(String, Vec<Principal>, Vec<Principal>, &IniLine)> = Vec::new();
    let mut others = Vec::new();
    for line in &section.lines {
        let (key, value) = key_value(line);
        let lower = key.to_ascii_lowercase();
        let (group, is_members) = if let Some(g) = lower.strip_suffix("__members") {
            (key.get(..g.len()).unwrap_or_default(), true)
        } else if let Some(g) = lower.strip_suffix("__memberof") {
            (key.get(..g.len()).unwrap_or_default(), false)
        } else {
            others.push(template(
                GROUP_MEMBERSHIP,
                key,
                SettingKind::RestrictedGroup,
                text_value(value),
                file,
                line,
            ));
            continue;
        };
        let list = principals(value);
        let index = match groups
            .iter()
            .position(|(g, ..)| g.eq_ignore_ascii_case(group))
        {
            Some(i) => i,
            None => {
                groups.push((group.to_string(), Vec::new(), Vec::new(), line));
                groups.len() - 1
            }
        };
        if let Some((_, members, member_of, _)) = groups.get_mut(index) {
            if is_members {
                members.extend(list);
            } else {
                member_of.extend(list);
            }
        }
    }
    let mut settings: Vec<Setting> = groups
        .into_iter()
        .map(|(group, members, member_of, line)| {
            let Principal { sid, name } = principal(&group);
            setting(
                SettingKind::RestrictedGroup,
                SettingId::Group { sid, name },
                SettingValue::GroupMembership { members, member_of },
                file,
                line,
            )
        })
        .collect();
    settings.extend(others);
    settings.sort_by_key(|s| s.source.line);
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordLength = 14\r\nLockoutDuration = -1\r\nNewAdministratorName = \"LocalAdm\"\r\n[kerberos policy]\r\nMaxTicketAge = 10\r\n[Event Audit]\r\nAuditLogonEvents = 3\r\nAuditPrivilegeUse = 2\r\n[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\NoLMHash=4,1\r\nMACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\LegalNoticeText=7,Authorized use only\",\" really,Line 2\r\nMACHINE\\System\\CurrentControlSet\\Services\\LanManServer\\Parameters\\NullSessionShares=7,\r\nMACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\CachedLogonsCount=1,\"4\"\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\FullPrivilegeAuditing=3,0\r\nMACHINE\\Software\\X (x86)\\A=B\\Val=4,0x10\r\nMACHINE\\Broken\r\n[Privilege Rights]\r\nSeDenyNetworkLogonRight = *S-1-5-32-546\r\nSeRemoteInteractiveLogonRight = *S-1-5-32-544,CONTOSO\\Helpdesk\r\nSeCreateTokenPrivilege =\r\n[Service General Setting]\r\n\"RemoteRegistry\",4,\"\"\r\n\"WinRM\",2,\"D:(A;;CC;;;BA)\"\r\n[Registry Keys]\r\n\"MACHINE\\SOFTWARE\\Contoso\",0,\"D:PAR(A;CI;KA;;;BA)\"\r\n[File Security]\r\n\"%SystemRoot%\\System32\\drivers\\etc\",2,\"D:PAR(A;OICI;FA;;;BA)\"\r\n[Group Membership]\r\n*S-1-5-32-544__Memberof =\r\n*S-1-5-32-544__Members = *S-1-5-21-1-2-3-512,CONTOSO\\LocalAdmins\r\nBackup Operators__Members =\r\n[Security Log]\r\nMaximumLogSize = 196608\r\n[Custom Thing]\r\nFoo = \"bar\"\r\n[Version]\r\nsignature=\"$CHICAGO$\"\r\nRevision=1\r\n";

    fn find<'a>(settings: &'a [Setting], id: &SettingId) -> &'a Setting {
        settings
            .iter()
            .find(|s| &s.id == id)
            .unwrap_or_else(|| panic!("{id:?} not found"))
    }

    fn tmpl(section: &str, name: &str) -> SettingId {
        SettingId::SecurityTemplate {
            section: section.into(),
            name: name.into(),
        }
    }

    fn reg(key: &str, value_name: &str) -> SettingId {
        SettingId::Registry {
            hive: Hive::Hklm,
            key: key.into(),
            value_name: value_name.into(),
        }
    }

    fn set(data: RegistryData) -> SettingValue {
        SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::Set,
            data,
        })
    }

    #[test]
    fn account_policies_and_options() {
        let s = read_settings(SAMPLE, "GptTmpl.inf").unwrap();
        let min = find(&s, &tmpl("System Access", "MinimumPasswordLength"));
        assert_eq!(min.value, SettingValue::Number { value: 14 });
        assert_eq!(min.kind, SettingKind::AccountPolicy);
        assert_eq!(min.source.line, Some(4));
        assert_eq!(min.scope, Scope::Device);
        assert_eq!(
            find(&s, &tmpl("System Access", "LockoutDuration")).value,
            SettingValue::Number { value: -1 }
        );
        let admin = find(&s, &tmpl("System Access", "NewAdministratorName"));
        assert_eq!(admin.kind, SettingKind::SecurityOption);
        assert_eq!(
            admin.value,
            SettingValue::Text {
                value: "LocalAdm".into()
            }
        );
        let ticket = find(&s, &tmpl("Kerberos Policy", "MaxTicketAge"));
        assert_eq!(ticket.kind, SettingKind::AccountPolicy);
        let log = find(&s, &tmpl("Security Log", "MaximumLogSize"));
        assert_eq!(log.kind, SettingKind::EventLog);
        assert_eq!(log.value, SettingValue::Number { value: 196608 });
        let custom = find(&s, &tmpl("Custom Thing", "Foo"));
        assert_eq!(custom.kind, SettingKind::SecurityOption);
        assert_eq!(
            custom.value,
            SettingValue::Text {
                value: "bar".into()
            }
        );
        assert!(!s.iter().any(|x| matches!(&x.id, SettingId::SecurityTemplate { section, .. } if section == "Version" || section == "Unicode")));
    }

    #[test]
    fn event_audit_flags() {
        let s = read_settings(SAMPLE, "GptTmpl.inf").unwrap();
        let logon = find(&s, &tmpl("Event Audit", "AuditLogonEvents"));
        assert_eq!(logon.kind, SettingKind::LegacyAudit);
        assert_eq!(
            logon.value,
            SettingValue::Audit {
                success: true,
                failure: true,
                raw: "3".into()
            }
        );
        assert_eq!(
            find(&s, &tmpl("Event Audit", "AuditPrivilegeUse")).value,
            SettingValue::Audit {
                success: false,
                failure: true,
                raw: "2".into()
            }
        );
    }

    #[test]
    fn registry_values_by_type() {
        let s = read_settings(SAMPLE, "GptTmpl.inf").unwrap();
        let lm = find(
            &s,
            &reg(r"System\CurrentControlSet\Control\Lsa", "NoLMHash"),
        );
        assert_eq!(lm.value, set(RegistryData::Dword(1)));
        assert_eq!(lm.kind, SettingKind::SecurityOption);
        let winlogon = r"Software\Microsoft\Windows NT\CurrentVersion\Winlogon";
        assert_eq!(
            find(&s, &reg(winlogon, "LegalNoticeText")).value,
            set(RegistryData::MultiString(vec![
                "Authorized use only, really".into(),
                "Line 2".into()
            ]))
        );
        assert_eq!(
            find(
                &s,
                &reg(
                    r"System\CurrentControlSet\Services\LanManServer\Parameters",
                    "NullSessionShares"
                )
            )
            .value,
            set(RegistryData::MultiString(vec![]))
        );
        assert_eq!(
            find(&s, &reg(winlogon, "CachedLogonsCount")).value,
            set(RegistryData::String("4".into()))
        );
        assert_eq!(
            find(
                &s,
                &reg(
                    r"System\CurrentControlSet\Control\Lsa",
                    "FullPrivilegeAuditing"
                )
            )
            .value,
            set(RegistryData::Binary("00".into()))
        );
        assert_eq!(
            find(&s, &reg(r"Software\X (x86)\A=B", "Val")).value,
            set(RegistryData::Dword(16))
        );
        let broken = find(&s, &tmpl("Registry Values", r"MACHINE\Broken"));
        assert_eq!(
            broken.value,
            SettingValue::Text {
                value: String::new()
            }
        );
    }

    #[test]
    fn privilege_rights() {
        let s = read_settings(SAMPLE, "GptTmpl.inf").unwrap();
        let rdp = find(
            &s,
            &tmpl("Privilege Rights", "SeRemoteInteractiveLogonRight"),
        );
        assert_eq!(rdp.kind, SettingKind::UserRight);
        assert_eq!(
            rdp.value,
            SettingValue::Principals {
                members: vec![
                    Principal {
                        sid: Some("S-1-5-32-544".into()),
                        name: None
                    },
                    Principal {
                        sid: None,
                        name: Some(r"CONTOSO\Helpdesk".into())
                    },
                ]
            }
        );
        assert_eq!(
            find(&s, &tmpl("Privilege Rights", "SeCreateTokenPrivilege")).value,
            SettingValue::Principals { members: vec![] }
        );
    }

    #[test]
    fn services_paths_and_groups() {
        let s = read_settings(SAMPLE, "GptTmpl.inf").unwrap();
        let winrm = find(
            &s,
            &SettingId::Service {
                name: "WinRM".into(),
            },
        );
        assert_eq!(winrm.kind, SettingKind::Service);
        assert_eq!(
            winrm.value,
            SettingValue::Properties {
                properties: vec![
                    Property {
                        name: "StartType".into(),
                        value: "2".into()
                    },
                    Property {
                        name: "StartTypeName".into(),
                        value: "Automatic".into()
                    },
                    Property {
                        name: "SecurityDescriptor".into(),
                        value: "D:(A;;CC;;;BA)".into()
                    },
                ]
            }
        );
        let key = find(
            &s,
            &SettingId::Path {
                path: r"MACHINE\SOFTWARE\Contoso".into(),
            },
        );
        assert_eq!(key.kind, SettingKind::RegistryPermission);
        let etc = find(
            &s,
            &SettingId::Path {
                path: r"%SystemRoot%\System32\drivers\etc".into(),
            },
        );
        assert_eq!(etc.kind, SettingKind::FilePermission);
        assert_eq!(
            etc.value,
            SettingValue::Properties {
                properties: vec![
                    Property {
                        name: "PropagationMode".into(),
                        value: "2".into()
                    },
                    Property {
                        name: "SecurityDescriptor".into(),
                        value: "D:PAR(A;OICI;FA;;;BA)".into()
                    },
                ]
            }
        );
        let admins = find(
            &s,
            &SettingId::Group {
                sid: Some("S-1-5-32-544".into()),
                name: None,
            },
        );
        assert_eq!(admins.kind, SettingKind::RestrictedGroup);
        assert_eq!(
            admins.value,
            SettingValue::GroupMembership {
                members: vec![
                    Principal {
                        sid: Some("S-1-5-21-1-2-3-512".into()),
                        name: None
                    },
                    Principal {
                        sid: None,
                        name: Some(r"CONTOSO\LocalAdmins".into())
                    },
                ],
                member_of: vec![],
            }
        );
        // A well-known group named without its SID gets it.
        let backup = find(
            &s,
            &SettingId::Group {
                sid: Some("S-1-5-32-551".into()),
                name: Some("Backup Operators".into()),
            },
        );
        assert_eq!(
            backup.value,
            SettingValue::GroupMembership {
                members: vec![],
                member_of: vec![]
            }
        );
    }

    #[test]
    fn numbers_and_errors() {
        assert_eq!(parse_number("0x1F"), Some(31));
        assert_eq!(parse_number("-1"), Some(-1));
        assert_eq!(parse_number("1a"), None);
        assert_eq!(parse_number(""), None);
        assert!(read_settings("just text", "f").is_err());
        assert_eq!(read_settings("", "f").unwrap(), vec![]);
    }
}
