//! Policy Analyzer `.PolicyRules` files (Microsoft Security Compliance Toolkit).
//!
//! Microsoft ships its current security baselines as `.PolicyRules` beside (and lately instead
//! of) GPO backups. The file is a flat list of records under `<PolicyRules>`, one per line as
//! Policy Analyzer writes it, each naming the GPO it came from in `<PolicyName>`:
//!
//! ```text
//! <ComputerConfig><Key>SOFTWARE\Policies\…</Key><Value>Name</Value><RegType>REG_DWORD</RegType>
//!   <RegData>1</RegData><SourceFile>…\{BackupID}\DomainSysvol\GPO\Machine\registry.pol</SourceFile>
//!   <PolicyName>MSFT Windows 11 24H2 - Computer</PolicyName></ComputerConfig>
//! <UserConfig>…the same, for User\registry.pol…</UserConfig>
//! <SecurityTemplate Section="System Access"><LineItem>MinimumPasswordLength=14</LineItem>…
//! <AuditSubcategory><GUID>{0cce923f-…}</GUID><Name>Audit Credential Validation</Name>
//!   <Setting>3</Setting>…</AuditSubcategory>
//! <AuditOption><Option>Option:CrashOnAuditFail</Option><Setting>0</Setting>…</AuditOption>
//! <CSE-Machine><GUID>{…}</GUID><Name>Registry Policy</Name></CSE-Machine>
//! ```
//!
//! Each record is a registry.pol instruction, a GptTmpl.inf line or an audit.csv row as the
//! GPO's own files hold it, so each goes through the reader of that file's form and gets the same
//! identity, kind and value: `**del.X` and `**delvals.` value names keep their registry.pol
//! meaning, a `REG_NONE` record without a value name creates its key, security lines are read by
//! section as GptTmpl.inf lines are. Nothing in the file is localized, so no setting depends on
//! the language of the machine that wrote it. `CSE-Machine`/`CSE-User` records list the
//! extensions of the whole set, not of one GPO, and are not read.
//!
//! One GPO per `PolicyName`, in the order the names first appear; it has no GUID in the file, so
//! one is derived from the file name and the policy name ([`super::derived_guid`]).
//!
//! Damage: the file is read record by record. A record that cannot be read (no `PolicyName`, no
//! `Key`, a `REG_DWORD` that is no number, an unknown `RegType`) is left out and recorded, with
//! its line, on its GPO; the other records are read. XML that stops parsing (a cut file) keeps the
//! records before it, and the damage is recorded on every GPO of the file, since the records after
//! it are lost whatever GPO they were of.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::derived_guid::{DerivedFrom, derived_guid, note};
use super::ini::{IniLine, IniSection};
use super::{audit_csv, gpttmpl, registry_pol, xml};
use crate::model::{
    Damage, DamageAt, Gpo, RegistryData, Scope, Setting, SettingId, SettingKind, SettingValue,
    Source,
};
use crate::safe_text::{EXCERPT_CHARS, excerpt};

/// Reads a decoded `.PolicyRules` file into its GPOs. `file` is the path recorded in each
/// setting's source and in the GPOs' `origin`. An error when the file holds no readable record.
pub fn read(text: &str, file: &str) -> Result<Vec<Gpo>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file_name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut builder = Builder::new(file, file_name);
    let mut lines = LineCounter::new(text);
    let stream_damage = split_records(text, |record, start| {
        let line = lines.line_at(start);
        builder.record(record, line);
    })?;
    builder.finish(stream_damage.map(|(at, problem)| (lines.line_at(at), problem)))
}

/// Calls `each` with the text of every record (child element of the root) and its byte offset.
/// Returns where and why the XML stopped parsing, if it did before the end of the root; an error
/// when the root is not `<PolicyRules>`.
fn split_records(
    text: &str,
    mut each: impl FnMut(&str, usize),
) -> Result<Option<(usize, String)>, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut record_start = 0usize;
    let mut root_seen = false;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = reader.error_position() as usize;
                if !root_seen {
                    return Err(format!("not a Policy Analyzer file: XML error: {e}"));
                }
                return Ok(Some((at, format!("the XML stops parsing: {e}"))));
            }
        };
        match event {
            Event::Start(start) => {
                if depth == 0 {
                    if start.local_name().into_inner() != "PolicyRules" {
                        return Err(format!(
                            "not a Policy Analyzer file: the root element is <{}>, not <PolicyRules>",
                            excerpt(start.local_name().into_inner(), EXCERPT_CHARS)
                        ));
                    }
                    root_seen = true;
                } else if depth == 1 {
                    record_start = before;
                }
                depth += 1;
                if depth > xml::MAX_DEPTH {
                    return Ok(Some((
                        before,
                        format!("elements nested deeper than {} levels", xml::MAX_DEPTH),
                    )));
                }
            }
            Event::Empty(start) => {
                if depth == 0 {
                    // `<PolicyRules/>`: a file with no record.
                    if start.local_name().into_inner() != "PolicyRules" {
                        return Err(format!(
                            "not a Policy Analyzer file: the root element is <{}>, not <PolicyRules>",
                            excerpt(start.local_name().into_inner(), EXCERPT_CHARS)
                        ));
                    }
                    return Ok(None);
                }
                if depth == 1 {
                    let end = reader.buffer_position() as usize;
                    each(text.get(before..end).unwrap_or_default(), before);
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    let end = reader.buffer_position() as usize;
                    each(
                        text.get(record_start..end).unwrap_or_default(),
                        record_start,
                    );
                } else if depth == 0 {
                    return Ok(None);
                }
            }
            Event::Eof => {
                if !root_seen {
                    return Err("not a Policy Analyzer file: no <PolicyRules> element".to_string());
                }
                return Ok(Some((
                    text.len(),
                    "the file ends inside <PolicyRules>: it is cut short".to_string(),
                )));
            }
            _ => {}
        }
    }
}

/// 1-based line numbers of byte offsets, counted forward as the records come in order.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self.text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines as u32;
        self.offset = offset;
        self.line
    }
}

/// One GPO being read.
struct Pending {
    name: String,
    settings: Vec<Setting>,
    /// `[Group Membership]` lines, read together at the end: one setting per group takes the
    /// `__Members` and `__Memberof` lines of that group.
    group_membership: Vec<IniLine>,
    /// The first record of this GPO that could not be read, and how many more.
    damage: Option<(u32, String)>,
    more_damaged: usize,
    /// The folders Policy Analyzer read the GPO from (`SourceFile` up to `DomainSysvol`).
    captured_from: Vec<String>,
}

struct Builder<'a> {
    file: &'a str,
    file_name: &'a str,
    gpos: Vec<Pending>,
    /// Records naming no `PolicyName`: line of the first, and how many.
    orphans: Option<(u32, usize)>,
    /// Record element names not read, with their counts.
    unknown: Vec<(String, usize)>,
    records: u32,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str, file_name: &'a str) -> Self {
        Builder {
            file,
            file_name,
            gpos: Vec::new(),
            orphans: None,
            unknown: Vec::new(),
            records: 0,
        }
    }

    fn gpo(&mut self, name: &str) -> &mut Pending {
        let index = match self.gpos.iter().position(|g| g.name == name) {
            Some(i) => i,
            None => {
                self.gpos.push(Pending {
                    name: name.to_string(),
                    settings: Vec::new(),
                    group_membership: Vec::new(),
                    damage: None,
                    more_damaged: 0,
                    captured_from: Vec::new(),
                });
                self.gpos.len() - 1
            }
        };
        &mut self.gpos[index]
    }

    fn record(&mut self, text: &str, line: u32) {
        let index = self.records;
        self.records += 1;
        let element = match xml::parse(text) {
            Ok(element) => element,
            Err(e) => {
                // The stream parsed it, so this is rare (an unknown entity): the record is lost.
                let name = policy_name_in(text);
                self.damaged(
                    name.as_deref(),
                    line,
                    format!("a record that does not parse: {e}"),
                );
                return;
            }
        };
        let kind = element.name.as_str();
        if matches!(kind, "CSE-Machine" | "CSE-User") {
            return;
        }
        if !matches!(
            kind,
            "ComputerConfig"
                | "UserConfig"
                | "SecurityTemplate"
                | "AuditSubcategory"
                | "AuditOption"
        ) {
            match self.unknown.iter_mut().find(|(k, _)| k == kind) {
                Some((_, n)) => *n += 1,
                None => self.unknown.push((kind.to_string(), 1)),
            }
            return;
        }
        let Some(policy) = element
            .child_text("PolicyName")
            .filter(|p| !p.is_empty())
            .map(str::to_string)
        else {
            match &mut self.orphans {
                Some((_, n)) => *n += 1,
                None => self.orphans = Some((line, 1)),
            }
            return;
        };
        let source = Source {
            file: self.file.to_string(),
            entry: Some(index),
            line: Some(line),
        };
        let result = match kind {
            "ComputerConfig" => registry_record(&element, Scope::Device, index, source).map(Some),
            "UserConfig" => registry_record(&element, Scope::User, index, source).map(Some),
            "AuditSubcategory" => audit_record(&element, source).map(Some),
            "AuditOption" => audit_option_record(&element, source).map(Some),
            _ => match security_line(&element, line) {
                Ok((section, line)) if section.eq_ignore_ascii_case("Group Membership") => {
                    self.gpo(&policy).group_membership.push(line);
                    Ok(None)
                }
                Ok((section, line)) => {
                    let read = gpttmpl::read_sections(
                        &[IniSection {
                            name: section,
                            line: line.line,
                            lines: vec![line],
                        }],
                        self.file,
                    );
                    let settings = read
                        .into_iter()
                        .map(|mut s| {
                            s.source.entry = Some(index);
                            s
                        })
                        .collect::<Vec<_>>();
                    let gpo = self.gpo(&policy);
                    gpo.settings.extend(settings);
                    Ok(None)
                }
                Err(problem) => Err(problem),
            },
        };
        match result {
            Ok(Some(setting)) => self.gpo(&policy).settings.push(setting),
            Ok(None) => {}
            Err(problem) => {
                self.damaged(Some(&policy), line, problem);
                return;
            }
        }
        if let Some(folder) = element.child_text("SourceFile").and_then(captured_folder) {
            let gpo = self.gpo(&policy);
            if !gpo.captured_from.contains(&folder) {
                gpo.captured_from.push(folder);
            }
        }
    }

    fn damaged(&mut self, policy: Option<&str>, line: u32, problem: String) {
        match policy {
            Some(policy) => {
                let gpo = self.gpo(policy);
                match gpo.damage {
                    None => gpo.damage = Some((line, problem)),
                    Some(_) => gpo.more_damaged += 1,
                }
            }
            None => match &mut self.orphans {
                Some((_, n)) => *n += 1,
                None => self.orphans = Some((line, 1)),
            },
        }
    }

    fn finish(self, stream_damage: Option<(u32, String)>) -> Result<Vec<Gpo>, String> {
        if self.gpos.is_empty() {
            return Err(match (stream_damage, self.orphans) {
                (Some((line, problem)), _) => format!("line {line}: {problem}; no record read"),
                (None, Some((line, n))) => format!(
                    "line {line}: {n} record(s) without a <PolicyName>, and no other record"
                ),
                (None, None) => "holds no Policy Analyzer rule (registry, security template or \
                                 audit record)"
                    .to_string(),
            });
        }
        let unknown_note = (!self.unknown.is_empty()).then(|| {
            let kinds = self
                .unknown
                .iter()
                .map(|(k, n)| format!("{n} <{k}>"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{} records of kinds gpa does not read: {kinds}", self.file)
        });
        let mut gpos = Vec::new();
        for pending in self.gpos {
            let mut settings = pending.settings;
            if !pending.group_membership.is_empty() {
                let first = pending.group_membership[0].line;
                settings.extend(gpttmpl::read_sections(
                    &[IniSection {
                        name: "Group Membership".to_string(),
                        line: first,
                        lines: pending.group_membership,
                    }],
                    self.file,
                ));
            }
            let mut gpo = Gpo {
                guid: Some(derived_guid(
                    DerivedFrom::PolicyRules,
                    self.file_name,
                    &pending.name,
                )),
                display_name: pending.name,
                // The file does not say whether a half was switched off; Policy Analyzer reads
                // the settings of both.
                computer_enabled: true,
                user_enabled: true,
                origin: self.file.to_string(),
                ..Gpo::default()
            };
            gpo.notes.push(note(DerivedFrom::PolicyRules));
            if !pending.captured_from.is_empty() {
                gpo.notes.push(format!(
                    "Policy Analyzer read it from {}",
                    pending.captured_from.join("; ")
                ));
            }
            if let Some(note) = &unknown_note {
                gpo.notes.push(note.clone());
            }
            let kept = settings.len();
            let mut damage = Vec::new();
            if let Some((line, problem)) = pending.damage {
                let more = match pending.more_damaged {
                    0 => String::new(),
                    n => format!("; {n} more record(s) of this GPO not read either"),
                };
                damage.push((line, format!("{problem}{more}")));
            }
            if let Some((line, n)) = self.orphans {
                damage.push((
                    line,
                    format!(
                        "{n} record(s) without a <PolicyName> not read (they may be of this GPO)"
                    ),
                ));
            }
            if let Some((line, problem)) = &stream_damage {
                damage.push((
                    *line,
                    format!("{problem}; the records from there on are not read"),
                ));
            }
            // One damage record per file and GPO, as for the other readers: the first place,
            // with every problem named.
            if let Some(first) = damage.iter().map(|(l, _)| *l).min() {
                let problem = damage
                    .into_iter()
                    .map(|(l, p)| format!("line {l}: {p}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                gpo.damage.push(Damage {
                    file: self.file.to_string(),
                    at: DamageAt::Line(first),
                    problem,
                    settings_kept: kept,
                    lost_per_report: Vec::new(),
                });
            }
            gpo.settings = settings;
            gpos.push(gpo);
        }
        Ok(gpos)
    }
}

/// The text of a record's `<PolicyName>` found without parsing it, for a record that does not
/// parse.
fn policy_name_in(text: &str) -> Option<String> {
    let start = text.find("<PolicyName>")? + "<PolicyName>".len();
    let end = text[start..].find("</PolicyName>")? + start;
    let name = text[start..end].trim();
    (!name.is_empty() && !name.contains('&')).then(|| name.to_string())
}

/// `C:\…\GPOs\{BackupID}` from a `SourceFile` (`…\{BackupID}\DomainSysvol\GPO\Machine\registry.pol`):
/// which backup Policy Analyzer read. Paths without `DomainSysvol` are kept up to `Machine`/`User`.
fn captured_folder(source_file: &str) -> Option<String> {
    let lower = source_file.to_ascii_lowercase();
    let cut = lower
        .find("\\domainsysvol\\")
        .or_else(|| lower.find("\\machine\\"))
        .or_else(|| lower.find("\\user\\"))?;
    let folder = source_file.get(..cut)?;
    (!folder.is_empty()).then(|| excerpt(folder, 200))
}

/// A child's text exactly as written (registry data and value names keep their spaces: a
/// `**del.` marker's data is one space).
fn raw_child<'e>(element: &'e xml::Element, name: &str) -> Option<&'e str> {
    element.child(name).map(|c| c.text.as_str())
}

fn registry_record(
    element: &xml::Element,
    scope: Scope,
    index: u32,
    source: Source,
) -> Result<Setting, String> {
    let key = raw_child(element, "Key")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or("a registry record without <Key>")?;
    let name = raw_child(element, "Value").unwrap_or_default();
    let reg_type = element.child_text("RegType").unwrap_or_default();
    let data_text = raw_child(element, "RegData").unwrap_or_default();
    let data = registry_data(reg_type, data_text).map_err(|problem| {
        format!(
            "{key}\\{}: {problem}",
            excerpt(name, EXCERPT_CHARS).replace('\n', " ")
        )
    })?;
    // Limits and odd markers are warnings in registry.pol too; the value is still read.
    let mut warnings = Vec::new();
    let entry = registry_pol::entry_from(
        key.to_string(),
        name.to_string(),
        data,
        index,
        &mut warnings,
    );
    Ok(registry_pol::setting_from(&entry, scope, source))
}

/// Registry data from Policy Analyzer's `RegType` name and `RegData` text.
fn registry_data(reg_type: &str, data: &str) -> Result<RegistryData, String> {
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => text.parse().ok(),
        }
    };
    Ok(match reg_type.to_ascii_uppercase().as_str() {
        "REG_DWORD" => RegistryData::Dword(
            number(data)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    format!("REG_DWORD data {:?} is not a 32-bit number", short(data))
                })?,
        ),
        "REG_QWORD" => RegistryData::Qword(
            number(data)
                .ok_or_else(|| format!("REG_QWORD data {:?} is not a number", short(data)))?,
        ),
        "REG_SZ" => RegistryData::String(data.to_string()),
        "REG_EXPAND_SZ" => RegistryData::ExpandString(data.to_string()),
        // No corpus file holds one: Policy Analyzer is taken to write the strings one per line,
        // or separated by a literal `\0` as LGPO text does; either is read.
        "REG_MULTI_SZ" => RegistryData::MultiString(multi_string(data)),
        "REG_NONE" if data.is_empty() => RegistryData::None,
        "REG_BINARY" => {
            let hex: String = data
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',')
                .collect::<String>()
                .to_ascii_lowercase();
            if !hex.len().is_multiple_of(2) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!(
                    "REG_BINARY data {:?} is not hex bytes",
                    short(data)
                ));
            }
            RegistryData::Binary(hex)
        }
        other => {
            return Err(format!(
                "RegType {:?} with data {:?} is not one gpa reads",
                short(other),
                short(data)
            ));
        }
    })
}

/// REG_MULTI_SZ strings from text: separated by a literal `\0`, else one per line.
pub fn multi_string(data: &str) -> Vec<String> {
    let parts: Vec<&str> = if data.contains("\\0") {
        data.split("\\0").collect()
    } else {
        data.lines().collect()
    };
    let mut strings: Vec<String> = parts.into_iter().map(str::to_string).collect();
    // A trailing separator ends the list, as the terminating empty string does in registry.pol.
    while strings.last().is_some_and(|s| s.is_empty()) {
        strings.pop();
    }
    strings
}

fn short(text: &str) -> String {
    excerpt(text, EXCERPT_CHARS)
}

/// A `SecurityTemplate` record as a section name and one template line.
fn security_line(element: &xml::Element, line: u32) -> Result<(String, IniLine), String> {
    let section = element
        .attr("Section")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("a SecurityTemplate record without its Section attribute")?;
    let text = element
        .child_text("LineItem")
        .filter(|t| !t.is_empty())
        .ok_or("a SecurityTemplate record without <LineItem>")?;
    Ok((
        section.to_string(),
        IniLine {
            text: text.to_string(),
            line,
        },
    ))
}

/// An `AuditSubcategory` record: the subcategory by GUID, as an audit.csv system row.
fn audit_record(element: &xml::Element, source: Source) -> Result<Setting, String> {
    let guid = element
        .child_text("GUID")
        .filter(|g| !g.is_empty())
        .ok_or("an AuditSubcategory record without <GUID>")?;
    let value = element
        .child_text("Setting")
        .filter(|s| !s.is_empty())
        .ok_or("an AuditSubcategory record without <Setting>")?;
    let name = element.child_text("Name").unwrap_or_default();
    let mut setting = Setting::new(
        Scope::Device,
        SettingKind::AdvancedAudit,
        SettingId::AuditSubcategory {
            guid: audit_csv::normalize_guid(guid),
        },
        audit_csv::system_value(value),
        source,
    );
    // The English subcategory name Policy Analyzer writes (audit.csv has it too, localized).
    setting.display_name = Some(name.to_string()).filter(|n| !n.is_empty());
    Ok(setting)
}

/// An `AuditOption` record (`Option:CrashOnAuditFail`), as an audit.csv option row.
fn audit_option_record(element: &xml::Element, source: Source) -> Result<Setting, String> {
    let name = element
        .child_text("Option")
        .filter(|o| !o.is_empty())
        .ok_or("an AuditOption record without <Option>")?;
    let raw = element.child_text("Setting").unwrap_or_default();
    let value = match raw.parse::<i64>() {
        Ok(n) => SettingValue::Number { value: n },
        Err(_) => SettingValue::Text {
            value: raw.to_string(),
        },
    };
    let mut setting = Setting::new(
        Scope::Device,
        SettingKind::AuditOption,
        SettingId::AuditOption {
            name: name.to_string(),
        },
        value,
        source,
    );
    setting.display_name = Some(name.to_string());
    Ok(setting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RegistryInstruction, RegistryOp};

    const RULES: &str = "\u{feff}<PolicyRules>\r\n\
<ComputerConfig><Key>Software\\Policies\\Microsoft\\Windows NT\\Terminal Services</Key><Value>**del.fUseMailto</Value><RegType>REG_SZ</RegType><RegData> </RegData><SourceFile>C:\\B\\{3C4158A9-6823-4577-8AAE-197181A6E6AD}\\DomainSysvol\\GPO\\Machine\\registry.pol</SourceFile><PolicyName>A</PolicyName></ComputerConfig>\r\n\
<UserConfig><Key>Software\\Policies\\Microsoft\\Windows\\CloudContent</Key><Value>DisableThirdPartySuggestions</Value><RegType>REG_DWORD</RegType><RegData>1</RegData><SourceFile>x</SourceFile><PolicyName>B</PolicyName></UserConfig>\r\n\
<SecurityTemplate Section=\"Privilege Rights\"><LineItem>SeDenyNetworkLogonRight=*S-1-5-113</LineItem><SourceFile>x</SourceFile><PolicyName>A</PolicyName></SecurityTemplate>\r\n\
<ComputerConfig><Key>Software\\Policies\\X</Key><Value>Bad</Value><RegType>REG_DWORD</RegType><RegData>lots</RegData><SourceFile>x</SourceFile><PolicyName>B</PolicyName></ComputerConfig>\r\n\
<CSE-Machine><GUID>{35378EAC-683F-11D2-A89A-00C04FBBCFA2}</GUID><Name>Registry Policy</Name></CSE-Machine>\r\n\
</PolicyRules>\r\n";

    #[test]
    fn one_gpo_per_policy_name_with_registry_pol_meanings() {
        let gpos = read(RULES, "dir/Test.PolicyRules").unwrap();
        assert_eq!(gpos.len(), 2);
        let a = &gpos[0];
        assert_eq!(a.display_name, "A");
        assert_eq!(a.settings.len(), 2);
        assert_eq!(
            a.settings[0].id,
            SettingId::Registry {
                hive: crate::model::Hive::Hklm,
                key: "Software\\Policies\\Microsoft\\Windows NT\\Terminal Services".into(),
                value_name: "fUseMailto".into(),
            }
        );
        assert_eq!(
            a.settings[0].value,
            SettingValue::Registry(RegistryInstruction {
                op: RegistryOp::DeleteValue,
                data: RegistryData::String(" ".into()),
            })
        );
        assert_eq!(a.settings[0].source.line, Some(2));
        assert_eq!(a.settings[1].kind, SettingKind::UserRight);
        assert!(a.damage.is_empty());
        assert!(
            a.notes
                .iter()
                .any(|n| n.contains("{3C4158A9-6823-4577-8AAE-197181A6E6AD}"))
        );
        let b = &gpos[1];
        assert_eq!(b.settings.len(), 1);
        assert_eq!(b.settings[0].scope, Scope::User);
        assert_eq!(b.damage.len(), 1);
        assert_eq!(b.damage[0].at, DamageAt::Line(5));
        assert!(b.damage[0].problem.contains("not a 32-bit number"));
        assert_eq!(b.damage[0].settings_kept, 1);
    }

    #[test]
    fn a_cut_file_keeps_the_records_before_the_cut_on_every_gpo() {
        let cut = &RULES[..RULES
            .find("<ComputerConfig><Key>Software\\Policies\\X")
            .unwrap()
            + 30];
        let gpos = read(cut, "t.PolicyRules").unwrap();
        assert_eq!(gpos.len(), 2);
        for gpo in &gpos {
            assert_eq!(gpo.damage.len(), 1, "{}", gpo.display_name);
            assert!(gpo.damage[0].problem.contains("not read"));
        }
        assert!(read("<PolicyRules><Comp", "t.PolicyRules").is_err());
        assert!(read("<Other/>", "t.PolicyRules").is_err());
        assert!(read("<PolicyRules/>", "t.PolicyRules").is_err());
    }

    #[test]
    fn multi_strings_by_literal_nul_or_lines() {
        assert_eq!(multi_string("a\\0b\\0"), vec!["a", "b"]);
        assert_eq!(multi_string("a\r\nb"), vec!["a", "b"]);
        assert!(multi_string("").is_empty());
    }
}
