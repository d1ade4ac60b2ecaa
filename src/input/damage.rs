//! Damage checks: what a reader could not read of a file, beyond the errors that stop it.
//!
//! Exports travel zipped and mailed; a truncated or bit-flipped file still parses in part. Each
//! reader here returns the settings it read and, when the file is damaged, where and why, so
//! the GPO carries a [`crate::model::Damage`] and the run exits with status 1 instead of losing
//! the rest of the file in silence. The checks only flag what a real export never has: every
//! GptTmpl.inf of the shared corpus (55 files) has `[Unicode]` and `[Version]`, and none of the
//! corpus's text files has a malformed byte.

use crate::input::text::decode_reporting;
use crate::input::{audit_csv, gpttmpl, ini, preferences};
use crate::model::{DamageAt, Scope, Setting};
use crate::safe_text::{EXCERPT_CHARS, excerpt};

/// What a reader made of one file.
#[derive(Debug, Default)]
pub struct FileRead {
    pub settings: Vec<Setting>,
    /// Set when the file was read only in part; `settings` holds what was read before.
    pub damage: Option<Found>,
}

/// Where a file is damaged and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub at: DamageAt,
    pub problem: String,
}

/// Which text reader a file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    GptTmpl,
    AuditCsv,
    /// scripts.ini / psscripts.ini (`powershell`).
    Scripts {
        powershell: bool,
    },
    FolderRedirection,
    Preferences,
}

/// Decodes `bytes` and reads them with the reader of `kind`, checking the file for damage.
pub fn read_text_file(
    kind: TextKind,
    scope: Scope,
    bytes: &[u8],
    file: &str,
) -> Result<FileRead, String> {
    let (text, _, malformed) = decode_reporting(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let settings = match kind {
        TextKind::GptTmpl => gpttmpl::read_settings(&text, file)?,
        TextKind::AuditCsv => audit_csv::read_settings(&text, file)?,
        TextKind::Scripts { powershell } => ini::read_scripts(&text, scope, powershell, file),
        TextKind::FolderRedirection => ini::read_folder_redirection(&text, file),
        TextKind::Preferences => preferences::read_settings(&text, scope, file)?,
    };
    let damage = if malformed {
        Some(malformed_bytes(&text))
    } else {
        match kind {
            TextKind::GptTmpl => gpttmpl_damage(&text),
            TextKind::AuditCsv => audit_csv_damage(&text),
            TextKind::Scripts { .. } | TextKind::FolderRedirection => ini_damage(&text),
            // XML is parsed whole or not at all: a cut or flipped file is an error, not damage.
            TextKind::Preferences => None,
        }
    };
    Ok(FileRead { settings, damage })
}

/// The first line holding a replacement character: where the decoder met bytes that are not
/// text in the file's encoding.
fn malformed_bytes(text: &str) -> Found {
    let line = text
        .lines()
        .position(|l| l.contains('\u{fffd}'))
        .map_or(1, |i| i + 1);
    Found {
        at: DamageAt::Line(line as u32),
        problem: "bytes that are not text in the file's encoding (a corrupted byte, or a UTF-16 \
                  file cut at an odd length)"
            .to_string(),
    }
}

/// The last line, when the file does not end with a line break: a file cut short ends there.
fn unterminated_last_line(text: &str) -> Option<(u32, &str)> {
    if text.is_empty() || text.ends_with('\n') || text.ends_with('\r') {
        return None;
    }
    let count = text.lines().count();
    text.lines().last().map(|l| (count as u32, l))
}

fn cut_line(line: u32, text: &str) -> Found {
    Found {
        at: DamageAt::Line(line),
        problem: format!(
            "the file ends inside a line (\"{}\"): it is cut short",
            excerpt(text.trim(), EXCERPT_CHARS)
        ),
    }
}

/// secedit always writes `[Unicode]` and `[Version]` (`signature="$CHICAGO$"`), in whatever
/// section order; a template without them is empty or cut short. A last line that ends without a
/// line break and is not a whole `key = value` (or a quoted service / registry key line with its
/// quotes closed) was cut inside.
fn gpttmpl_damage(text: &str) -> Option<Found> {
    if text.trim().is_empty() {
        return Some(Found {
            at: DamageAt::File,
            problem: "the file is empty: a security template always has [Unicode] and [Version]"
                .to_string(),
        });
    }
    let sections = ini::sections(text);
    let has = |name: &str| sections.iter().any(|s| s.name.eq_ignore_ascii_case(name));
    for required in ["Unicode", "Version"] {
        if !has(required) {
            return Some(Found {
                at: DamageAt::File,
                problem: format!(
                    "no [{required}] section: secedit always writes one, so the file is cut short \
                     or damaged"
                ),
            });
        }
    }
    if let Some((line, last)) = unterminated_last_line(text) {
        let trimmed = last.trim();
        let whole = trimmed.starts_with('[') && trimmed.ends_with(']')
            || (trimmed.contains('=') || trimmed.contains(','))
                && trimmed.matches('"').count() % 2 == 0;
        if !whole {
            return Some(cut_line(line, last));
        }
    }
    None
}

/// An audit.csv row with fewer fields than the header was cut (GPMC writes every column on every
/// row, empty ones included); an empty file has lost even its header.
fn audit_csv_damage(text: &str) -> Option<Found> {
    if text.trim().is_empty() {
        return Some(Found {
            at: DamageAt::File,
            problem: "the file is empty: audit.csv always has its header line".to_string(),
        });
    }
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next()?;
    let columns = header.split(',').count();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields = csv_field_count(line);
        if fields < columns {
            return Some(Found {
                at: DamageAt::Line(i as u32 + 1),
                problem: format!(
                    "the row has {fields} of the header's {columns} fields (\"{}\"): it is cut",
                    excerpt(line, EXCERPT_CHARS)
                ),
            });
        }
    }
    None
}

/// Fields of one CSV line, commas inside quotes not counted.
fn csv_field_count(line: &str) -> usize {
    let mut quoted = false;
    let mut fields = 1;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields += 1,
            _ => {}
        }
    }
    fields
}

/// scripts.ini, psscripts.ini and fdeploy*.ini lines are section headers or `key=value`; a last
/// line that is neither, with no line break after it, was cut inside.
fn ini_damage(text: &str) -> Option<Found> {
    let (line, last) = unterminated_last_line(text)?;
    let trimmed = last.trim();
    let whole = trimmed.is_empty()
        || trimmed.starts_with(';')
        || (trimmed.starts_with('[') && trimmed.ends_with(']'))
        || trimmed.contains('=');
    (!whole).then(|| cut_line(line, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordAge = 1\r\nMaximumPasswordAge = 60\r\n[Version]\r\nsignature=\"$CHICAGO$\"\r\nRevision=1\r\n";

    #[test]
    fn a_whole_template_is_not_damaged() {
        let read = read_text_file(
            TextKind::GptTmpl,
            Scope::Device,
            TEMPLATE.as_bytes(),
            "GptTmpl.inf",
        )
        .unwrap();
        assert_eq!(read.damage, None);
        assert_eq!(read.settings.len(), 2);
    }

    #[test]
    fn a_template_cut_before_version_is_damaged_and_keeps_what_it_read() {
        let cut = &TEMPLATE[..TEMPLATE.find("[Version]").unwrap()];
        let read =
            read_text_file(TextKind::GptTmpl, Scope::Device, cut.as_bytes(), "t.inf").unwrap();
        assert_eq!(read.settings.len(), 2);
        let damage = read.damage.unwrap();
        assert_eq!(damage.at, DamageAt::File);
        assert!(damage.problem.starts_with("no [Version] section"));
        let empty = read_text_file(TextKind::GptTmpl, Scope::Device, b"", "t.inf").unwrap();
        assert_eq!(empty.damage.unwrap().at, DamageAt::File);
    }

    #[test]
    fn a_template_cut_inside_a_quoted_line_names_the_line() {
        let text = "[Unicode]\r\nUnicode=yes\r\n[Version]\r\nsignature=\"$CHICAGO$\"\r\n[Service General Setting]\r\n\"wlidsvc\",4,\"D:AR(A;;";
        let read =
            read_text_file(TextKind::GptTmpl, Scope::Device, text.as_bytes(), "t.inf").unwrap();
        assert_eq!(read.damage.unwrap().at, DamageAt::Line(6));
    }

    #[test]
    fn an_audit_row_missing_fields_is_damage() {
        let text = "Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting,Setting Value\n,System,Audit Credential Validation,{0cce923f-69ae-11d9-bed3-505054503030},Success and Failure,,3\n,System,Audit Kerberos";
        let read =
            read_text_file(TextKind::AuditCsv, Scope::Device, text.as_bytes(), "a.csv").unwrap();
        let damage = read.damage.unwrap();
        assert_eq!(damage.at, DamageAt::Line(3));
        assert!(damage.problem.contains("3 of the header's 7 fields"));
    }

    #[test]
    fn utf16_cut_at_an_odd_byte_is_damage() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in TEMPLATE.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        bytes.pop();
        let read = read_text_file(TextKind::GptTmpl, Scope::Device, &bytes, "t.inf").unwrap();
        assert!(read.damage.unwrap().problem.contains("not text"));
    }
}
