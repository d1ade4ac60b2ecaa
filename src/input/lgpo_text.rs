//! LGPO text: what `LGPO.exe /parse` prints for a registry.pol, and what `LGPO.exe /t` takes
//! to build one (Microsoft Security Compliance Toolkit).
//!
//! Four lines per registry instruction, after dropping blank lines and `;` comment lines:
//!
//! ```text
//! Computer                                   (or User: the registry.pol half)
//! Software\Policies\Microsoft\Windows\System (the key, no hive)
//! EnableSmartScreen                          (the value name; `*` for a key-wide action)
//! DWORD:1                                    (the action and data)
//! ```
//!
//! Actions: `DWORD:n` and `QWORD:n` (decimal, or hex with `0x`), `SZ:text`, `EXSZ:text`,
//! `MULTISZ:a\0b` (the strings separated by the two characters `\0`; in text data a backslash is
//! doubled, `C:\\windows`, as troennes' `machine.txt` beside its registry.pol shows), `DELETE` (the value),
//! `DELETEALLVALUES` (every value of the key), `CREATEKEY`. They are the registry.pol
//! instructions `LGPO.exe` writes for them, and go through [`registry_pol::entry_from`] as such:
//! `DELETE` is the `**del.<name>` marker and `DELETEALLVALUES` the `**delvals.` one, each with the
//! one-space REG_SZ data Group Policy editors and LGPO write; `CREATEKEY` is the instruction with
//! an empty value name. So a value read from LGPO text has the identity and value the same value
//! has in the registry.pol it was parsed from.
//!
//! `User:Administrators`, `User:NonAdministrators` and `User:<SID>` blocks belong to the layers of
//! multiple local GPOs, which no domain GPO or MDM policy has: they are left out with a note.
//!
//! Damage: a block whose first line is not a configuration (`Computer`, `User`) means the
//! four-line rhythm is lost (a line missing or added): reading stops there, the blocks before
//! are kept and the damage names the line. A block with an action gpa does not know, or data
//! that does not fit its type, is left out and recorded; the blocks after it are read.

use super::damage::Found;
use super::registry_pol;
use crate::model::{DamageAt, RegistryData, Scope, Setting, Source};
use crate::safe_text::{EXCERPT_CHARS, excerpt};

/// What an LGPO text file gave.
#[derive(Debug, Default)]
pub struct LgpoRead {
    /// In file order, each with the scope its block names.
    pub settings: Vec<Setting>,
    /// The first block that could not be read, and why (the others are read, unless the
    /// four-line rhythm was lost).
    pub damage: Option<Found>,
    /// Blocks left out on purpose (multiple local GPO layers).
    pub notes: Vec<String>,
}

/// The data of the `**del.` and `**delvals.` markers LGPO and the Group Policy editors write.
const MARKER_DATA: &str = " ";

/// True when the text looks like LGPO text: its first line that is neither blank nor a comment
/// is a configuration line, and, when the text has four such lines, the fourth is an action.
pub fn looks_like(text: &str) -> bool {
    let mut content = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .filter(|l| !l.is_empty() && !l.starts_with(';'));
    let Some(first) = content.next() else {
        return false;
    };
    if configuration(first).is_none() {
        return false;
    }
    match content.nth(2) {
        Some(action) => parse_action(action).is_ok(),
        None => true,
    }
}

/// What a configuration line names.
enum Configuration {
    Half(Scope),
    /// `User:…`: a layer of multiple local GPOs.
    LocalLayer(String),
}

fn configuration(line: &str) -> Option<Configuration> {
    if line.eq_ignore_ascii_case("Computer") {
        Some(Configuration::Half(Scope::Device))
    } else if line.eq_ignore_ascii_case("User") {
        Some(Configuration::Half(Scope::User))
    } else {
        line.get(..5)
            .filter(|p| p.eq_ignore_ascii_case("User:"))
            .map(|_| Configuration::LocalLayer(line.to_string()))
    }
}

/// An action line, as the registry.pol value name it writes (from the value name line) and data.
enum Action {
    Set(RegistryData),
    Delete,
    DeleteAllValues,
    CreateKey,
}

fn parse_action(line: &str) -> Result<Action, String> {
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => text.parse().ok(),
        }
    };
    if let Some((kind, data)) = line.split_once(':') {
        let kind = kind.trim().to_ascii_uppercase();
        let bad = |what: &str| {
            format!(
                "{kind} data {:?} is not {what}",
                excerpt(data, EXCERPT_CHARS)
            )
        };
        return Ok(Action::Set(match kind.as_str() {
            "DWORD" => RegistryData::Dword(
                number(data)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("a 32-bit number"))?,
            ),
            "QWORD" => RegistryData::Qword(number(data).ok_or_else(|| bad("a number"))?),
            "SZ" => RegistryData::String(first_string(data)),
            "EXSZ" => RegistryData::ExpandString(first_string(data)),
            "MULTISZ" => RegistryData::MultiString(multi_string(data)),
            _ => {
                return Err(format!("unknown action {:?}", excerpt(line, EXCERPT_CHARS)));
            }
        }));
    }
    match line.trim().to_ascii_uppercase().as_str() {
        "DELETE" => Ok(Action::Delete),
        "DELETEALLVALUES" => Ok(Action::DeleteAllValues),
        "CREATEKEY" => Ok(Action::CreateKey),
        _ => Err(format!("unknown action {:?}", excerpt(line, EXCERPT_CHARS))),
    }
}

/// Text data as `LGPO.exe /parse` writes it: a backslash is doubled (`C:\\windows\\web`), and
/// `\0` ends one string of a multi-string. Split at each `\0`, `\\` read as one backslash; any
/// other backslash is kept as written (hand-made files often have single ones).
fn unescape_split(data: &str) -> Vec<String> {
    let mut strings = vec![String::new()];
    let mut chars = data.chars().peekable();
    while let Some(c) = chars.next() {
        let current = strings.last_mut().expect("never empty");
        match (c, chars.peek()) {
            ('\\', Some('\\')) => {
                current.push('\\');
                chars.next();
            }
            ('\\', Some('0')) => {
                chars.next();
                strings.push(String::new());
            }
            (c, _) => current.push(c),
        }
    }
    strings
}

/// SZ and EXSZ data: the string, unescaped (a `\0` in it would end it in the registry too).
fn first_string(data: &str) -> String {
    unescape_split(data).swap_remove(0)
}

/// MULTISZ data: the strings, a trailing separator ending the list.
fn multi_string(data: &str) -> Vec<String> {
    if data.is_empty() {
        return Vec::new();
    }
    let mut strings = unescape_split(data);
    while strings.last().is_some_and(|s| s.is_empty()) {
        strings.pop();
    }
    strings
}

/// Reads decoded LGPO text into settings. `file` is the path recorded in each setting's source.
pub fn read(text: &str, file: &str) -> LgpoRead {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(u32, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with(';')
        })
        .collect();
    let mut read = LgpoRead::default();
    let mut more_damaged = 0usize;
    let mut damaged = |read: &mut LgpoRead, line: u32, problem: String| match read.damage {
        None => {
            read.damage = Some(Found {
                at: DamageAt::Line(line),
                problem,
            })
        }
        Some(_) => more_damaged += 1,
    };
    let mut local_layers = 0usize;
    for (block, chunk) in lines.chunks(4).enumerate() {
        let (line, first) = chunk[0];
        let scope = match configuration(first.trim()) {
            Some(Configuration::Half(scope)) => Some(scope),
            Some(Configuration::LocalLayer(layer)) => {
                if chunk.len() == 4 {
                    local_layers += 1;
                    if local_layers == 1 {
                        read.notes.push(format!(
                            "{file}: blocks for {layer} (a layer of multiple local GPOs, which \
                             domain GPOs and MDM do not have) are not read"
                        ));
                    }
                    continue;
                }
                None
            }
            None => None,
        }
        .filter(|_| chunk.len() == 4);
        let Some(scope) = scope else {
            let problem = if chunk.len() < 4 {
                format!(
                    "the file ends inside a block ({} of its 4 lines): it is cut short",
                    chunk.len()
                )
            } else {
                format!(
                    "expected a block's first line, Computer or User, found {:?}: a line is \
                     missing or added before here, so the lines from here on are not read",
                    excerpt(first.trim(), EXCERPT_CHARS)
                )
            };
            damaged(&mut read, line, problem);
            break;
        };
        let key = chunk[1].1.trim();
        let name = chunk[2].1;
        let action_line = chunk[3].1;
        if key.is_empty() {
            damaged(&mut read, chunk[1].0, "a block without a key".to_string());
            continue;
        }
        let action = match parse_action(action_line) {
            Ok(action) => action,
            Err(_) if configuration(action_line.trim()).is_some() => {
                damaged(
                    &mut read,
                    chunk[3].0,
                    format!(
                        "expected the action of the block of line {line}, found {:?}, a block's \
                         first line: a line is missing before here, so the lines from here on are \
                         not read",
                        excerpt(action_line.trim(), EXCERPT_CHARS)
                    ),
                );
                break;
            }
            Err(problem) => {
                damaged(
                    &mut read,
                    chunk[3].0,
                    format!("{key}\\{}: {problem}", excerpt(name.trim(), EXCERPT_CHARS)),
                );
                continue;
            }
        };
        let (value_name, data) = match action {
            Action::Set(data) => (name.to_string(), data),
            Action::Delete => (
                format!("**del.{name}"),
                RegistryData::String(MARKER_DATA.to_string()),
            ),
            Action::DeleteAllValues => (
                "**delvals.".to_string(),
                RegistryData::String(MARKER_DATA.to_string()),
            ),
            Action::CreateKey => (String::new(), RegistryData::None),
        };
        let mut warnings = Vec::new();
        let entry = registry_pol::entry_from(
            key.to_string(),
            value_name,
            data,
            block as u32,
            &mut warnings,
        );
        let source = Source {
            file: file.to_string(),
            entry: Some(block as u32),
            line: Some(line),
        };
        read.settings
            .push(registry_pol::setting_from(&entry, scope, source));
    }
    if more_damaged > 0
        && let Some(found) = &mut read.damage
    {
        found
            .problem
            .push_str(&format!("; {more_damaged} more block(s) not read either"));
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hive, RegistryInstruction, RegistryOp, SettingId, SettingValue};

    const TEXT: &str = "; ----------------------------------------------------------------------\r\n\
; PARSING Computer POLICY\r\n\
\r\n\
Computer\r\n\
Software\\Policies\\Microsoft\\Windows\\System\r\n\
EnableSmartScreen\r\n\
DWORD:1\r\n\
\r\n\
Computer\r\n\
Software\\Policies\\Microsoft\\Windows NT\\Terminal Services\r\n\
fUseMailto\r\n\
DELETE\r\n\
\r\n\
User\r\n\
Software\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions\\DenyDeviceClasses\r\n\
*\r\n\
DELETEALLVALUES\r\n\
\r\n\
Computer\r\n\
Software\\Policies\\X\r\n\
List\r\n\
MULTISZ:a\\0b\\\\c\r\n";

    #[test]
    fn blocks_are_registry_pol_instructions() {
        assert!(looks_like(TEXT));
        let read = read(TEXT, "machine.txt");
        assert!(read.damage.is_none(), "{:?}", read.damage);
        assert_eq!(read.settings.len(), 4);
        let delete = &read.settings[1];
        assert_eq!(
            delete.id,
            SettingId::Registry {
                hive: Hive::Hklm,
                key: "Software\\Policies\\Microsoft\\Windows NT\\Terminal Services".into(),
                value_name: "fUseMailto".into()
            }
        );
        assert_eq!(
            delete.value,
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::DeleteValue,
                data: RegistryData::String(" ".into())
            })
        );
        assert_eq!(delete.source.line, Some(9));
        let delvals = &read.settings[2];
        assert_eq!(delvals.scope, Scope::User);
        assert!(matches!(
            &delvals.value,
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::DeleteAllValues,
                ..
            })
        ));
        assert!(matches!(
            &read.settings[3].value,
            SettingValue::Registry(RegistryInstruction { data: RegistryData::MultiString(s), .. }) if s == &["a", "b\\c"]
        ));
    }

    #[test]
    fn a_lost_rhythm_stops_and_an_unknown_action_skips() {
        let broken = TEXT.replace("fUseMailto\r\nDELETE\r\n", "DELETE\r\n");
        let read = read(&broken, "m.txt");
        assert_eq!(read.settings.len(), 1);
        let damage = read.damage.unwrap();
        assert_eq!(damage.at, DamageAt::Line(13));
        assert!(damage.problem.contains("a line is missing before here"));
        let unknown = TEXT.replace("DWORD:1", "BLOB:1");
        let read = super::read(&unknown, "m.txt");
        assert_eq!(read.settings.len(), 3);
        assert_eq!(read.damage.unwrap().at, DamageAt::Line(7));
        assert!(!looks_like("just some notes\r\nabout the baseline\r\n"));
    }
}
