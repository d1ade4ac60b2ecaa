//! scripts.ini, psscripts.ini and fdeploy*.ini, formats.md §1.4, and the INI line reader that
//! GptTmpl.inf shares with them.

use crate::model::{Property, Scope, Setting, SettingId, SettingKind, SettingValue, Source};

/// One `[section]` of an INI file with its lines in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniSection {
    /// The name between the brackets, trimmed, case as written. Lines before the first header
    /// land in a section with an empty name and line 0.
    pub name: String,
    /// 1-based line of the header.
    pub line: u32,
    pub lines: Vec<IniLine>,
}

/// A content line: not blank, not a `;` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniLine {
    /// The line trimmed; `;` inside it is kept (SDDL strings are full of them).
    pub text: String,
    /// 1-based line number.
    pub line: u32,
}

impl IniLine {
    /// `key=value`, both trimmed, split at the first `=`.
    pub fn key_value(&self) -> Option<(&str, &str)> {
        self.text
            .split_once('=')
            .map(|(key, value)| (key.trim(), value.trim()))
    }
}

/// Splits decoded INI text into sections. Section names are not folded here: callers compare
/// them without case.
pub fn sections(text: &str) -> Vec<IniSection> {
    let mut out = vec![IniSection {
        name: String::new(),
        line: 0,
        lines: Vec::new(),
    }];
    for (number, raw) in text.lines().enumerate() {
        let line = number as u32 + 1;
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.is_empty() || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            out.push(IniSection {
                name: name.trim().to_string(),
                line,
                lines: Vec::new(),
            });
        } else if let Some(current) = out.last_mut() {
            current.lines.push(IniLine {
                text: trimmed.to_string(),
                line,
            });
        }
    }
    if out.first().is_some_and(|s| s.lines.is_empty()) {
        out.remove(0);
    }
    out
}

/// The script triggers of scripts.ini and psscripts.ini, as written in their section names.
const TRIGGERS: [&str; 4] = ["Startup", "Shutdown", "Logon", "Logoff"];

/// Reads a decoded scripts.ini (`powershell` false) or psscripts.ini (true): one Script setting
/// per numbered entry of `[Startup]`, `[Shutdown]`, `[Logon]` and `[Logoff]`, with `CmdLine`,
/// `Parameters` and `PowerShell` properties (and any other numbered key kept as written).
/// `[ScriptsConfig]` keys (`StartExecutePSFirst`, `EndExecutePSFirst`) become Script settings
/// named within the `ScriptsConfig` extension; other sections are kept the same way.
pub fn read_scripts(text: &str, scope: Scope, powershell: bool, file: &str) -> Vec<Setting> {
    let mut settings = Vec::new();
    for section in sections(text) {
        let trigger = TRIGGERS
            .iter()
            .find(|t| t.eq_ignore_ascii_case(&section.name));
        match trigger {
            Some(trigger) => {
                settings.extend(read_trigger(&section, trigger, scope, powershell, file))
            }
            None => settings.extend(section.lines.iter().map(|line| {
                let (name, value) = line.key_value().unwrap_or((line.text.as_str(), ""));
                let value = match value.to_ascii_lowercase().as_str() {
                    "true" => SettingValue::Boolean { value: true },
                    "false" => SettingValue::Boolean { value: false },
                    _ => SettingValue::Text {
                        value: value.to_string(),
                    },
                };
                Setting::new(
                    scope,
                    SettingKind::Script,
                    SettingId::Named {
                        extension: section.name.clone(),
                        name: name.to_string(),
                    },
                    value,
                    source(file, line.line),
                )
            })),
        }
    }
    settings
}

/// The scripts of one trigger section, in order of their number. A key that does not start with
/// a number is kept as a property of a script numbered `u32::MAX` rather than dropped.
fn read_trigger(
    section: &IniSection,
    trigger: &str,
    scope: Scope,
    powershell: bool,
    file: &str,
) -> Vec<Setting> {
    // (order, first line, properties), in first-appearance order, then sorted by order.
    let mut scripts: Vec<(u32, u32, Vec<Property>)> = Vec::new();
    for line in &section.lines {
        let (key, value) = line.key_value().unwrap_or((line.text.as_str(), ""));
        let digits = key.chars().take_while(char::is_ascii_digit).count();
        let (number, name) = key.split_at(digits);
        let order = number.parse::<u32>().unwrap_or(u32::MAX);
        let property = Property {
            name: name.to_string(),
            value: value.to_string(),
        };
        match scripts.iter_mut().find(|(o, _, _)| *o == order) {
            Some((_, _, properties)) => properties.push(property),
            None => scripts.push((order, line.line, vec![property])),
        }
    }
    scripts.sort_by_key(|(order, _, _)| *order);
    scripts
        .into_iter()
        .map(|(order, line, mut properties)| {
            properties.push(Property {
                name: "PowerShell".to_string(),
                value: powershell.to_string(),
            });
            Setting {
                scope,
                kind: SettingKind::Script,
                id: SettingId::Script {
                    trigger: trigger.to_string(),
                    order,
                },
                display_name: properties
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case("CmdLine"))
                    .map(|p| p.value.clone()),
                value: SettingValue::Properties { properties },
                category: None,
                display_value: None,
                source: source(file, line),
            }
        })
        .collect()
}

/// Well-known user profile folders that Folder Redirection redirects. GUIDs from Microsoft Learn
/// "KNOWNFOLDERID" (shell `FOLDERID_*` constants) and the table in MS-GPFR §1.9; names as the
/// Folder Redirection snap-in shows them.
const KNOWN_FOLDERS: [(&str, &str); 13] = [
    ("{FDD39AD0-238F-46AF-ADB4-6C85480369C7}", "Documents"),
    ("{B4BFCC3A-DB2C-424C-B029-7FE99A87C641}", "Desktop"),
    ("{33E28130-4E1E-4676-835A-98395C3BC3BB}", "Pictures"),
    ("{4BD8D571-6D19-48D3-BE97-422220080E43}", "Music"),
    ("{18989B1D-99B5-455B-841C-AB7C74E4DDFC}", "Videos"),
    ("{1777F761-68AD-4D8A-87BD-30B759FA33DD}", "Favorites"),
    (
        "{3EB685DB-65F9-4CF6-A03A-E3EF65729F3D}",
        "AppData (Roaming)",
    ),
    ("{625B53C3-AB48-4EC1-BA1F-A1EF4146FC19}", "Start Menu"),
    ("{374DE290-123F-4565-9164-39C4925E467B}", "Downloads"),
    ("{56784854-C6CB-462B-8169-88E350ACB882}", "Contacts"),
    ("{BFB9D5E0-C6A9-404C-B2B2-AE6DB6AF4968}", "Links"),
    ("{7D1D3A04-DEBB-4115-95CF-2F29DA2920DA}", "Searches"),
    ("{4C5C32FF-BB9D-43B0-B5B4-2D72E54EAAA4}", "Saved Games"),
];

/// The five folders of the version-zero fdeploy.ini, named by section (MS-GPFR §2.2.1).
const LEGACY_FOLDERS: [(&str, &str); 5] = [
    ("My Documents", "{FDD39AD0-238F-46AF-ADB4-6C85480369C7}"),
    ("My Pictures", "{33E28130-4E1E-4676-835A-98395C3BC3BB}"),
    ("Desktop", "{B4BFCC3A-DB2C-424C-B029-7FE99A87C641}"),
    ("Start Menu", "{625B53C3-AB48-4EC1-BA1F-A1EF4146FC19}"),
    ("Application Data", "{3EB685DB-65F9-4CF6-A03A-E3EF65729F3D}"),
];

/// The display name of a KNOWNFOLDERID from the small table above, if it is there.
pub fn known_folder_name(id: &str) -> Option<&'static str> {
    let wanted = normalize_guid(id);
    KNOWN_FOLDERS
        .iter()
        .find(|(guid, _)| *guid == wanted)
        .map(|(_, name)| *name)
}

/// Reads a decoded fdeploy.ini or fdeploy1.ini (User scope): one FolderRedirection setting per
/// redirected folder, keyed by its KNOWNFOLDERID (upper case, in braces).
///
/// No fdeploy file is in the corpus, so the shapes follow MS-GPFR §2.2: version one
/// (`[Folder_Redirection]` `{GUID}=SID;SID` and per-group sections `[{GUID}_SID]` with `Flags`,
/// `FullPath`, `ParentFolder`, `RelativePath`, `ExcludeFolders`) and version zero
/// (`[FolderStatus]` `My Documents=11` and per-folder sections of `SID=path`). Properties are, in
/// order: `Flags` (version zero only, hex as written), then for each group `Group` (the SID)
/// followed by that group's keys as written (`FullPath` for a version-zero path).
pub fn read_folder_redirection(text: &str, file: &str) -> Vec<Setting> {
    let sections = sections(text);
    let find = |name: &str| sections.iter().find(|s| s.name.eq_ignore_ascii_case(name));
    if let Some(index) = find("Folder_Redirection") {
        read_fdeploy_v1(index, &sections, file)
    } else if let Some(status) = find("FolderStatus") {
        read_fdeploy_v0(status, &sections, file)
    } else {
        Vec::new()
    }
}

fn read_fdeploy_v1(index: &IniSection, sections: &[IniSection], file: &str) -> Vec<Setting> {
    index
        .lines
        .iter()
        .map(|line| {
            let (guid, groups) = line.key_value().unwrap_or((line.text.as_str(), ""));
            let mut properties = Vec::new();
            for sid in groups.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                properties.push(Property {
                    name: "Group".to_string(),
                    value: sid.to_string(),
                });
                let section_name = format!("{guid}_{sid}");
                if let Some(section) = sections
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(&section_name))
                {
                    properties.extend(section.lines.iter().map(|l| {
                        let (key, value) = l.key_value().unwrap_or((l.text.as_str(), ""));
                        Property {
                            name: key.to_string(),
                            value: value.to_string(),
                        }
                    }));
                }
            }
            folder_setting(&normalize_guid(guid), properties, file, line.line)
        })
        .collect()
}

fn read_fdeploy_v0(status: &IniSection, sections: &[IniSection], file: &str) -> Vec<Setting> {
    status
        .lines
        .iter()
        .map(|line| {
            let (folder, flags) = line.key_value().unwrap_or((line.text.as_str(), ""));
            let id = LEGACY_FOLDERS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(folder))
                .map(|(_, guid)| guid.to_string())
                .unwrap_or_else(|| folder.to_string());
            let mut properties = vec![Property {
                name: "Flags".to_string(),
                value: flags.to_string(),
            }];
            if let Some(section) = sections
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(folder))
            {
                for l in &section.lines {
                    let (sid, path) = l.key_value().unwrap_or((l.text.as_str(), ""));
                    properties.push(Property {
                        name: "Group".to_string(),
                        value: sid.to_string(),
                    });
                    properties.push(Property {
                        name: "FullPath".to_string(),
                        value: path.to_string(),
                    });
                }
            }
            folder_setting(&id, properties, file, line.line)
        })
        .collect()
}

fn folder_setting(id: &str, properties: Vec<Property>, file: &str, line: u32) -> Setting {
    Setting {
        scope: Scope::User,
        kind: SettingKind::FolderRedirection,
        id: SettingId::KnownFolder { id: id.to_string() },
        value: SettingValue::Properties { properties },
        display_name: known_folder_name(id).map(str::to_string),
        category: None,
        display_value: None,
        source: source(file, line),
    }
}

/// `{guid}` upper case in braces when the text is a GUID, else the text as written.
fn normalize_guid(text: &str) -> String {
    let bare = text.trim().trim_start_matches('{').trim_end_matches('}');
    let is_guid = bare.len() == 36
        && bare.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if is_guid {
        format!("{{{}}}", bare.to_ascii_uppercase())
    } else {
        text.trim().to_string()
    }
}

fn source(file: &str, line: u32) -> Source {
    Source {
        file: file.to_string(),
        entry: None,
        line: Some(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(setting: &Setting) -> Vec<(&str, &str)> {
        match &setting.value {
            SettingValue::Properties { properties } => properties
                .iter()
                .map(|p| (p.name.as_str(), p.value.as_str()))
                .collect(),
            other => panic!("not properties: {other:?}"),
        }
    }

    #[test]
    fn sections_skip_comments_and_keep_semicolons_inside_lines() {
        let text = "\u{feff}; header comment\r\n[A]\r\nk = v;w\r\n\r\n[ b ]\r\n  x\r\n";
        let s = sections(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "A");
        assert_eq!(s[0].lines[0].key_value(), Some(("k", "v;w")));
        assert_eq!(s[0].lines[0].line, 3);
        assert_eq!(s[1].name, "b");
        assert_eq!(s[1].lines[0].text, "x");
    }

    #[test]
    fn scripts_ini_numbered_entries() {
        let text = "\r\n[Startup]\r\n1CmdLine=second.cmd\r\n0CmdLine=\\\\contoso.com\\netlogon\\fix.cmd\r\n0Parameters=/quiet\r\n1Parameters=\r\n[shutdown]\r\n0CmdLine=bye.cmd\r\n0Parameters=\r\n";
        let s = read_scripts(text, Scope::Device, false, "scripts.ini");
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[0].id,
            SettingId::Script {
                trigger: "Startup".into(),
                order: 0
            }
        );
        assert_eq!(
            props(&s[0]),
            vec![
                ("CmdLine", "\\\\contoso.com\\netlogon\\fix.cmd"),
                ("Parameters", "/quiet"),
                ("PowerShell", "false")
            ]
        );
        assert_eq!(s[0].source.line, Some(4));
        assert_eq!(
            s[1].id,
            SettingId::Script {
                trigger: "Startup".into(),
                order: 1
            }
        );
        assert_eq!(
            s[2].id,
            SettingId::Script {
                trigger: "Shutdown".into(),
                order: 0
            }
        );
        assert_eq!(s[0].kind, SettingKind::Script);
    }

    #[test]
    fn psscripts_config_is_kept() {
        let text =
            "[ScriptsConfig]\nStartExecutePSFirst=true\n[Logon]\n0CmdLine=a.ps1\n0Parameters=-x\n";
        let s = read_scripts(text, Scope::User, true, "psscripts.ini");
        assert_eq!(
            s[0].id,
            SettingId::Named {
                extension: "ScriptsConfig".into(),
                name: "StartExecutePSFirst".into()
            }
        );
        assert_eq!(s[0].value, SettingValue::Boolean { value: true });
        assert_eq!(
            props(&s[1]),
            vec![
                ("CmdLine", "a.ps1"),
                ("Parameters", "-x"),
                ("PowerShell", "true")
            ]
        );
        assert_eq!(s[1].scope, Scope::User);
    }

    #[test]
    fn fdeploy1_version_one() {
        let text = "[version]\nversion=100\n[Folder_Redirection]\n{fdd39ad0-238f-46af-adb4-6c85480369c7}=S-1-1-0; S-1-2-3\n{1777F761-68AD-4D8A-87BD-30B759FA33DD}=S-1-1-0;\n[{FDD39AD0-238F-46AF-ADB4-6C85480369C7}_S-1-1-0]\nFlags=1001\nFullPath=\\\\fs1\\%USERNAME%\\Documents\n[{FDD39AD0-238F-46AF-ADB4-6C85480369C7}_S-1-2-3]\nFlags=1001\nFullPath=\\\\fs2\\%USERNAME%\\Documents\n[{1777F761-68AD-4D8A-87BD-30B759FA33DD}_S-1-1-0]\nFlags=2001\n";
        let s = read_folder_redirection(text, "fdeploy1.ini");
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].id,
            SettingId::KnownFolder {
                id: "{FDD39AD0-238F-46AF-ADB4-6C85480369C7}".into()
            }
        );
        assert_eq!(s[0].display_name.as_deref(), Some("Documents"));
        assert_eq!(
            props(&s[0]),
            vec![
                ("Group", "S-1-1-0"),
                ("Flags", "1001"),
                ("FullPath", "\\\\fs1\\%USERNAME%\\Documents"),
                ("Group", "S-1-2-3"),
                ("Flags", "1001"),
                ("FullPath", "\\\\fs2\\%USERNAME%\\Documents"),
            ]
        );
        assert_eq!(s[1].display_name.as_deref(), Some("Favorites"));
        assert_eq!(props(&s[1]), vec![("Group", "S-1-1-0"), ("Flags", "2001")]);
        assert_eq!(s[1].scope, Scope::User);
    }

    #[test]
    fn fdeploy_version_zero() {
        let text = "[FolderStatus]\nMy Documents=11\nMy Pictures=2\n[My Documents]\ns-1-1-0=\\\\fs1\\%USERNAME%\\My Documents\n";
        let s = read_folder_redirection(text, "fdeploy.ini");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].display_name.as_deref(), Some("Documents"));
        assert_eq!(
            props(&s[0]),
            vec![
                ("Flags", "11"),
                ("Group", "s-1-1-0"),
                ("FullPath", "\\\\fs1\\%USERNAME%\\My Documents")
            ]
        );
        assert_eq!(s[1].display_name.as_deref(), Some("Pictures"));
        assert_eq!(props(&s[1]), vec![("Flags", "2")]);
    }

    #[test]
    fn unknown_folder_keeps_its_id() {
        let text = "[Folder_Redirection]\nnot-a-guid=S-1-1-0\n";
        let s = read_folder_redirection(text, "fdeploy1.ini");
        assert_eq!(
            s[0].id,
            SettingId::KnownFolder {
                id: "not-a-guid".into()
            }
        );
        assert_eq!(s[0].display_name, None);
        assert!(read_folder_redirection("garbage", "x").is_empty());
    }
}
