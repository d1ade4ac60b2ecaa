//! registry.pol (PReg v1), formats.md §2.
//!
//! The file is parsed by length, never by delimiter: data may hold `]`, `;` or NULs, so each
//! instruction reads its declared `size` bytes and only then expects the closing `]`.

use crate::input::text::utf16le_until_nul;
use crate::model::{
    Property, RegistryData, RegistryInstruction, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue, Source,
};

/// One instruction of a registry.pol file, with its special value name already interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPolEntry {
    /// The key as written, without a hive (the hive comes from the Machine/User folder).
    pub key: String,
    /// The value the instruction acts on: the target of `**del.X` and `**soft.X` is `X`; an empty
    /// name is an instruction on the key itself. Key-wide markers (`**delvals.`, `**DeleteValues`,
    /// `**DeleteKeys`, `**SecureKey`) keep their name as written, so that they never share an
    /// identity with the key-creation instruction.
    pub value_name: String,
    pub instruction: RegistryInstruction,
    /// 0-based position of the instruction in the file.
    pub entry: u32,
}

/// A parsed registry.pol: its instructions in file order, and what was odd about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryPol {
    pub entries: Vec<RegistryPolEntry>,
    /// Problems that did not stop the parse (a truncated last instruction, a name or data length
    /// over the MS-GPREG limits, an undecodable marker), each naming the instruction.
    pub warnings: Vec<String>,
    /// Where a damaged instruction stopped the parse (its byte offset) and why: the entries before
    /// it are kept, the bytes from there on are not read. None when the whole file was read.
    pub damage: Option<(usize, String)>,
}

const SIGNATURE: &[u8; 4] = b"PReg";
const VERSION: u32 = 1;
const OPEN: u16 = b'[' as u16;
const SEMICOLON: u16 = b';' as u16;
const CLOSE: u16 = b']' as u16;

/// MS-GPREG §2.2.1 limits; the client enforces them when writing, we only warn.
const MAX_VALUE_NAME_CHARS: usize = 259;
const MAX_KEY_COMPONENT_CHARS: usize = 254;
const MAX_DATA_BYTES: usize = 65535;

/// Parses a registry.pol. A bad header is an error; a damaged instruction stops the parse with a
/// warning and keeps every instruction before it.
pub fn parse(bytes: &[u8]) -> Result<RegistryPol, String> {
    let Some(&[s0, s1, s2, s3, v0, v1, v2, v3]) = bytes.first_chunk::<8>() else {
        return Err(format!(
            "not a registry.pol: {} bytes, shorter than the 8-byte PReg header",
            bytes.len()
        ));
    };
    let signature = [s0, s1, s2, s3];
    if &signature != SIGNATURE {
        return Err(format!(
            "not a registry.pol: signature {signature:02x?} is not \"PReg\""
        ));
    }
    let version = u32::from_le_bytes([v0, v1, v2, v3]);
    if version != VERSION {
        return Err(format!(
            "unsupported registry.pol version {version} (expected 1)"
        ));
    }

    let mut pol = RegistryPol::default();
    let mut reader = Reader { bytes, pos: 8 };
    while !reader.at_end() {
        let index = pol.entries.len() as u32;
        let start = reader.pos;
        match read_instruction(&mut reader) {
            Ok(raw) => {
                let entry = interpret(raw, index, &mut pol.warnings);
                pol.entries.push(entry);
            }
            Err(problem) => {
                pol.warnings.push(format!(
                    "instruction {index} at byte {start}: {problem}; the {} bytes from there on are ignored",
                    bytes.len() - start
                ));
                pol.damage = Some((
                    start,
                    format!(
                        "instruction {index}: {problem}; the {} bytes from there on are not read",
                        bytes.len() - start
                    ),
                ));
                break;
            }
        }
    }
    Ok(pol)
}

/// Reads a registry.pol file into settings of the given scope, and says where a damaged
/// instruction stopped the read (the settings before it are kept).
pub fn read_checked(
    bytes: &[u8],
    scope: Scope,
    file: &str,
) -> Result<crate::input::damage::FileRead, String> {
    let pol = parse(bytes)?;
    Ok(crate::input::damage::FileRead {
        settings: settings_from(&pol, scope, file),
        damage: pol.damage.map(|(at, problem)| crate::input::damage::Found {
            at: crate::model::DamageAt::Byte(at as u64),
            problem,
        }),
    })
}

/// Reads a registry.pol file into settings of the given scope (Machine → Device, User → User),
/// in file order. `file` is the path recorded in each setting's source. A damaged instruction
/// stops the read: use [`read_checked`] to learn where (this keeps the settings before it).
pub fn read_settings(bytes: &[u8], scope: Scope, file: &str) -> Result<Vec<Setting>, String> {
    Ok(settings_from(&parse(bytes)?, scope, file))
}

/// Turns parsed entries into settings; use with [`parse`] when the warnings are wanted too.
pub fn settings_from(pol: &RegistryPol, scope: Scope, file: &str) -> Vec<Setting> {
    pol.entries
        .iter()
        .map(|entry| {
            let source = Source {
                file: file.to_string(),
                entry: Some(entry.entry),
                line: None,
            };
            setting_from(entry, scope, source)
        })
        .collect()
}

/// The setting of one instruction: its identity is the hive of `scope`, the key and the value
/// name the instruction acts on; its kind comes from the key's subtree.
pub fn setting_from(entry: &RegistryPolEntry, scope: Scope, source: Source) -> Setting {
    let kind = kind_of_key(&entry.key);
    let display_name = match (&kind, &entry.instruction) {
        (
            SettingKind::FirewallRule,
            RegistryInstruction {
                op: RegistryOp::Set | RegistryOp::SoftSet,
                data: RegistryData::String(rule),
            },
        ) => parse_firewall_rule(rule)
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case("Name"))
            .map(|p| p.value),
        _ => None,
    };
    Setting {
        scope,
        kind,
        id: SettingId::Registry {
            hive: scope.hive(),
            key: entry.key.clone(),
            value_name: entry.value_name.clone(),
        },
        value: SettingValue::Registry(entry.instruction.clone()),
        display_name,
        category: None,
        display_value: None,
        source,
    }
}

/// The kind of a registry.pol setting by the subtree its key is in (prefixes compared without
/// case): firewall rules and profiles, AppLocker, certificates; anything else is a plain value.
pub fn kind_of_key(key: &str) -> SettingKind {
    const FIREWALL: &str = r"software\policies\microsoft\windowsfirewall";
    let lower = key.to_ascii_lowercase();
    if within(&lower, &format!(r"{FIREWALL}\firewallrules")) {
        SettingKind::FirewallRule
    } else if within(&lower, &format!(r"{FIREWALL}\consecrules")) {
        SettingKind::ConnectionSecurityRule
    } else if within(&lower, FIREWALL) {
        SettingKind::FirewallProfile
    } else if within(&lower, r"software\policies\microsoft\windows\srpv2") {
        SettingKind::AppLockerRule
    } else if within(&lower, r"software\policies\microsoft\systemcertificates") {
        SettingKind::Certificate
    } else {
        SettingKind::RegistryValue
    }
}

/// True when `key` is `subtree` or a key below it.
fn within(key: &str, subtree: &str) -> bool {
    key.strip_prefix(subtree)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('\\'))
}

/// Splits a Windows Firewall rule string (MS-GPFAS §2.2.2.10,
/// `v2.30|Action=Allow|Active=TRUE|Dir=In|Profile=Domain|Profile=Private|…|`) into its fields in
/// order. The leading version becomes `Version` without its `v` (as GPMC reports show it);
/// repeated keys (`Profile`, `RA4`, `LPort`…) stay as separate properties; a field without `=`
/// is kept with an empty value.
pub fn parse_firewall_rule(rule: &str) -> Vec<Property> {
    let mut fields = rule.split('|');
    let mut properties = Vec::new();
    if let Some(first) = fields.next() {
        let first = first.trim();
        if let Some(version) = first
            .strip_prefix(['v', 'V'])
            .filter(|_| !first.contains('='))
        {
            properties.push(Property {
                name: "Version".to_string(),
                value: version.to_string(),
            });
        } else if !first.is_empty() {
            properties.push(field_property(first));
        }
    }
    properties.extend(fields.filter(|field| !field.is_empty()).map(field_property));
    properties
}

fn field_property(field: &str) -> Property {
    match field.split_once('=') {
        Some((name, value)) => Property {
            name: name.to_string(),
            value: value.to_string(),
        },
        None => Property {
            name: field.to_string(),
            value: String::new(),
        },
    }
}

/// One instruction as stored, before its value name is interpreted.
struct RawInstruction {
    key: String,
    value_name: String,
    type_code: u32,
    data: Vec<u8>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn unit(&mut self) -> Result<u16, String> {
        let unit = self
            .peek_unit()
            .ok_or("the file ends inside the instruction")?;
        self.pos += 2;
        Ok(unit)
    }

    fn peek_unit(&self) -> Option<u16> {
        let rest = self.bytes.get(self.pos..)?;
        rest.first_chunk::<2>()
            .map(|pair| u16::from_le_bytes(*pair))
    }

    fn expect(&mut self, wanted: u16, what: &str) -> Result<(), String> {
        let at = self.pos;
        let unit = self.unit()?;
        if unit == wanted {
            Ok(())
        } else {
            Err(format!(
                "expected {what} at byte {at}, found UTF-16 unit {unit:#06x}"
            ))
        }
    }

    fn u32(&mut self) -> Result<u32, String> {
        let quad = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| rest.first_chunk::<4>())
            .ok_or("the file ends inside the instruction")?;
        self.pos += 4;
        Ok(u32::from_le_bytes(*quad))
    }

    /// A NUL-terminated UTF-16LE string; the NUL is consumed.
    fn string(&mut self, what: &str) -> Result<String, String> {
        let mut units = Vec::new();
        loop {
            match self.unit() {
                Ok(0) => return Ok(String::from_utf16_lossy(&units)),
                Ok(unit) => units.push(unit),
                Err(_) => return Err(format!("the file ends inside the {what}")),
            }
        }
    }

    fn take(&mut self, len: usize) -> Result<&[u8], String> {
        let data = self
            .pos
            .checked_add(len)
            .and_then(|end| self.bytes.get(self.pos..end));
        let Some(data) = data else {
            return Err(format!(
                "data size {len} runs past the end of the file ({} bytes left)",
                self.bytes.len().saturating_sub(self.pos)
            ));
        };
        self.pos += len;
        Ok(data)
    }
}

fn read_instruction(reader: &mut Reader) -> Result<RawInstruction, String> {
    reader.expect(OPEN, "'['")?;
    let key = reader.string("key name")?;
    reader.expect(SEMICOLON, "';' after the key")?;
    let value_name = reader.string("value name")?;
    // PolicyPlus has met writers that put a second NUL after the value name.
    if reader.peek_unit() == Some(0) {
        reader.pos += 2;
    }
    reader.expect(SEMICOLON, "';' after the value name")?;
    let type_code = reader.u32()?;
    reader.expect(SEMICOLON, "';' after the type")?;
    let size = reader.u32()?;
    reader.expect(SEMICOLON, "';' after the size")?;
    let data = reader.take(size as usize)?.to_vec();
    reader.expect(CLOSE, "']' after the data")?;
    Ok(RawInstruction {
        key,
        value_name,
        type_code,
        data,
    })
}

/// Turns a stored instruction into an entry: decodes its data and reads its special value name.
fn interpret(raw: RawInstruction, index: u32, warnings: &mut Vec<String>) -> RegistryPolEntry {
    check_limits(&raw, index, warnings);
    let data = decode_data(raw.type_code, &raw.data, index, warnings);
    entry_from(raw.key, raw.value_name, data, index, warnings)
}

/// An entry from an instruction whose data is already decoded, its value name as registry.pol
/// stores it (`**del.X`, `**delvals.`, an empty name for the key itself). The other forms of a
/// registry.pol (Policy Analyzer rules, LGPO text) come through here, so that one instruction
/// gives one setting, with one identity and value, whichever form it was read from.
pub fn entry_from(
    key: String,
    name: String,
    data: RegistryData,
    index: u32,
    warnings: &mut Vec<String>,
) -> RegistryPolEntry {
    let (value_name, op) = match special_name(&name) {
        None if name.is_empty() => (name, RegistryOp::CreateKey),
        None => (name, RegistryOp::Set),
        Some(Special::Delete(target)) => (target, RegistryOp::DeleteValue),
        Some(Special::Soft(target)) => (target, RegistryOp::SoftSet),
        Some(Special::DeleteAllValues) => (name, RegistryOp::DeleteAllValues),
        Some(Special::DeleteValues) => {
            let names = semicolon_list(&data, index, warnings);
            (name, RegistryOp::DeleteValues { names })
        }
        Some(Special::DeleteKeys) => {
            let names = semicolon_list(&data, index, warnings);
            (name, RegistryOp::DeleteKeys { names })
        }
        Some(Special::SecureKey) => match secure_flag(&data) {
            Some(secure) => (name, RegistryOp::SecureKey { secure }),
            None => {
                warnings.push(format!(
                    "instruction {index}: **SecureKey data {:?} is neither 1 nor 0; kept as a plain value",
                    data.display()
                ));
                (name, RegistryOp::Set)
            }
        },
        Some(Special::Unknown) => {
            warnings.push(format!(
                "instruction {index}: unknown special value name {name:?} kept as a plain value"
            ));
            (name, RegistryOp::Set)
        }
    };
    RegistryPolEntry {
        key,
        value_name,
        instruction: RegistryInstruction { op, data },
        entry: index,
    }
}

enum Special {
    Delete(String),
    Soft(String),
    DeleteAllValues,
    DeleteValues,
    DeleteKeys,
    SecureKey,
    Unknown,
}

/// Reads a `**` value name; the prefixes compare without case (formats.md §2).
fn special_name(name: &str) -> Option<Special> {
    if !name.starts_with("**") {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    // `**delvals.` must be tested before `**del.`, which does not match it anyway (the dot).
    Some(if lower == "**delvals." {
        Special::DeleteAllValues
    } else if lower.starts_with("**del.") {
        Special::Delete(name.get("**del.".len()..).unwrap_or_default().to_string())
    } else if lower.starts_with("**soft.") {
        Special::Soft(name.get("**soft.".len()..).unwrap_or_default().to_string())
    } else if lower == "**deletevalues" {
        Special::DeleteValues
    } else if lower == "**deletekeys" {
        Special::DeleteKeys
    } else if lower == "**securekey" {
        Special::SecureKey
    } else {
        Special::Unknown
    })
}

fn semicolon_list(data: &RegistryData, index: u32, warnings: &mut Vec<String>) -> Vec<String> {
    let text = match data {
        RegistryData::String(s) | RegistryData::ExpandString(s) => s.as_str(),
        other => {
            warnings.push(format!(
                "instruction {index}: a name list held in type {} data instead of REG_SZ; no names read",
                other.type_code()
            ));
            ""
        }
    };
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn secure_flag(data: &RegistryData) -> Option<bool> {
    match data {
        RegistryData::Dword(n) | RegistryData::DwordBigEndian(n) => Some(*n != 0),
        RegistryData::Qword(n) => Some(*n != 0),
        RegistryData::String(s) | RegistryData::ExpandString(s) => match s.trim() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn check_limits(raw: &RawInstruction, index: u32, warnings: &mut Vec<String>) {
    let name_chars = raw.value_name.chars().count();
    if name_chars > MAX_VALUE_NAME_CHARS {
        warnings.push(format!(
            "instruction {index}: value name of {name_chars} characters exceeds the MS-GPREG limit of {MAX_VALUE_NAME_CHARS}"
        ));
    }
    if let Some(long) = raw
        .key
        .split('\\')
        .find(|component| component.chars().count() > MAX_KEY_COMPONENT_CHARS)
    {
        warnings.push(format!(
            "instruction {index}: key component of {} characters exceeds the MS-GPREG limit of {MAX_KEY_COMPONENT_CHARS}",
            long.chars().count()
        ));
    }
    if raw.data.len() > MAX_DATA_BYTES {
        warnings.push(format!(
            "instruction {index}: {} data bytes exceed the MS-GPREG limit of {MAX_DATA_BYTES}",
            raw.data.len()
        ));
    }
}

/// Decodes data by its REG_* type. Data whose size does not fit its type is kept as hex under
/// [`RegistryData::Other`] with a warning rather than guessed at.
fn decode_data(
    type_code: u32,
    data: &[u8],
    index: u32,
    warnings: &mut Vec<String>,
) -> RegistryData {
    let misfit = |warnings: &mut Vec<String>, wanted: &str| {
        warnings.push(format!(
            "instruction {index}: type {type_code} with {} data bytes (expected {wanted}); kept as hex",
            data.len()
        ));
        RegistryData::Other {
            type_code,
            hex: to_hex(data),
        }
    };
    match type_code {
        0 if data.is_empty() => RegistryData::None,
        0 => RegistryData::Other {
            type_code,
            hex: to_hex(data),
        },
        1 => RegistryData::String(utf16le_until_nul(data)),
        2 => RegistryData::ExpandString(utf16le_until_nul(data)),
        3 => RegistryData::Binary(to_hex(data)),
        4 => match <[u8; 4]>::try_from(data) {
            Ok(quad) => RegistryData::Dword(u32::from_le_bytes(quad)),
            Err(_) => misfit(warnings, "4"),
        },
        5 => match <[u8; 4]>::try_from(data) {
            Ok(quad) => RegistryData::DwordBigEndian(u32::from_be_bytes(quad)),
            Err(_) => misfit(warnings, "4"),
        },
        7 => RegistryData::MultiString(multi_string(data)),
        11 => match <[u8; 8]>::try_from(data) {
            Ok(oct) => RegistryData::Qword(u64::from_le_bytes(oct)),
            Err(_) => misfit(warnings, "8"),
        },
        _ => RegistryData::Other {
            type_code,
            hex: to_hex(data),
        },
    }
}

/// REG_MULTI_SZ: NUL-terminated strings ended by an empty one. A missing final terminator keeps
/// the last string; an odd trailing byte is dropped.
fn multi_string(data: &[u8]) -> Vec<String> {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    units
        .split(|&unit| unit == 0)
        .take_while(|part| !part.is_empty())
        .map(String::from_utf16_lossy)
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// Builds one instruction; `name_extra_nul` adds the stray NUL some writers put after the name.
    fn instruction(
        key: &str,
        name: &str,
        type_code: u32,
        data: &[u8],
        name_extra_nul: bool,
    ) -> Vec<u8> {
        let mut out = utf16("[");
        out.extend(utf16(key));
        out.extend([0, 0]);
        out.extend(utf16(";"));
        out.extend(utf16(name));
        out.extend([0, 0]);
        if name_extra_nul {
            out.extend([0, 0]);
        }
        out.extend(utf16(";"));
        out.extend(type_code.to_le_bytes());
        out.extend(utf16(";"));
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(utf16(";"));
        out.extend(data);
        out.extend(utf16("]"));
        out
    }

    fn sz(s: &str) -> Vec<u8> {
        let mut out = utf16(s);
        out.extend([0, 0]);
        out
    }

    fn file(instructions: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"PReg\x01\x00\x00\x00".to_vec();
        for i in instructions {
            out.extend(i);
        }
        out
    }

    #[test]
    fn header_only_file_has_no_entries() {
        let pol = parse(b"PReg\x01\x00\x00\x00").unwrap();
        assert!(pol.entries.is_empty());
        assert!(pol.warnings.is_empty());
    }

    #[test]
    fn bad_header_is_an_error() {
        assert!(parse(b"PReg").unwrap_err().contains("shorter"));
        assert!(
            parse(b"REGP\x01\x00\x00\x00")
                .unwrap_err()
                .contains("signature")
        );
        assert!(
            parse(b"PReg\x02\x00\x00\x00")
                .unwrap_err()
                .contains("version 2")
        );
    }

    #[test]
    fn dword_set_and_data_holding_delimiters() {
        let tricky = sz("a];b\u{0}c");
        let bytes = file(&[
            instruction(
                r"Software\Policies\X",
                "NoAutoUpdate",
                4,
                &1u32.to_le_bytes(),
                false,
            ),
            instruction(r"Software\Policies\X", "Bin", 3, &utf16("];["), false),
            instruction(r"Software\Policies\X", "Tricky", 1, &tricky, false),
        ]);
        let pol = parse(&bytes).unwrap();
        assert!(pol.warnings.is_empty(), "{:?}", pol.warnings);
        assert_eq!(pol.entries.len(), 3);
        assert_eq!(pol.entries[0].value_name, "NoAutoUpdate");
        assert_eq!(
            pol.entries[0].instruction,
            RegistryInstruction {
                op: RegistryOp::Set,
                data: RegistryData::Dword(1)
            }
        );
        assert_eq!(
            pol.entries[1].instruction.data,
            RegistryData::Binary("5d003b005b00".into())
        );
        assert_eq!(
            pol.entries[2].instruction.data,
            RegistryData::String("a];b".into())
        );
        assert_eq!(pol.entries[2].entry, 2);
    }

    #[test]
    fn special_value_names() {
        let space = sz(" ");
        let bytes = file(&[
            instruction("K", "**del.NoAutoUpdate", 1, &space, false),
            instruction("K", "**DEL.Other", 4, &0u32.to_le_bytes(), false),
            instruction("K", "**delvals.", 1, &space, false),
            instruction("K", "**DeleteValues", 1, &sz("a;b; c;"), false),
            instruction("K", "**deletekeys", 1, &sz("Sub1;Sub2"), false),
            instruction("K", "**SecureKey", 4, &1u32.to_le_bytes(), false),
            instruction("K", "**SecureKey", 4, &0u32.to_le_bytes(), false),
            instruction("K", "**soft.Start", 4, &2u32.to_le_bytes(), false),
            instruction("K", "", 0, &[], false),
        ]);
        let pol = parse(&bytes).unwrap();
        let ops: Vec<(&str, &RegistryOp)> = pol
            .entries
            .iter()
            .map(|e| (e.value_name.as_str(), &e.instruction.op))
            .collect();
        assert_eq!(
            ops,
            vec![
                ("NoAutoUpdate", &RegistryOp::DeleteValue),
                ("Other", &RegistryOp::DeleteValue),
                ("**delvals.", &RegistryOp::DeleteAllValues),
                (
                    "**DeleteValues",
                    &RegistryOp::DeleteValues {
                        names: vec!["a".into(), "b".into(), "c".into()]
                    }
                ),
                (
                    "**deletekeys",
                    &RegistryOp::DeleteKeys {
                        names: vec!["Sub1".into(), "Sub2".into()]
                    }
                ),
                ("**SecureKey", &RegistryOp::SecureKey { secure: true }),
                ("**SecureKey", &RegistryOp::SecureKey { secure: false }),
                ("Start", &RegistryOp::SoftSet),
                ("", &RegistryOp::CreateKey),
            ]
        );
        assert_eq!(pol.entries[7].instruction.data, RegistryData::Dword(2));
        assert_eq!(pol.entries[8].instruction.data, RegistryData::None);
    }

    #[test]
    fn unknown_special_name_is_kept_with_a_warning() {
        let pol = parse(&file(&[instruction(
            "K",
            "**Frob",
            4,
            &7u32.to_le_bytes(),
            false,
        )]))
        .unwrap();
        assert_eq!(pol.entries[0].value_name, "**Frob");
        assert_eq!(pol.entries[0].instruction.op, RegistryOp::Set);
        assert_eq!(pol.warnings.len(), 1);
    }

    #[test]
    fn all_types_decode() {
        let mut multi = sz("one");
        multi.extend(sz("two"));
        multi.extend([0, 0]);
        let bytes = file(&[
            instruction("K", "Sz", 1, &sz("text"), false),
            instruction("K", "NoTerminator", 1, &utf16("abc"), false),
            instruction("K", "Odd", 1, &[b'h', 0, b'i', 0, b'!'], false),
            instruction("K", "Empty", 1, &[], false),
            instruction("K", "Expand", 2, &sz("%SystemRoot%"), false),
            instruction("K", "Bin", 3, &[0xDE, 0xAD, 0x01], false),
            instruction("K", "Be", 5, &[0, 0, 1, 2], false),
            instruction("K", "Multi", 7, &multi, false),
            instruction("K", "MultiUnterminated", 7, &utf16("x\u{0}y"), false),
            instruction("K", "MultiEmpty", 7, &[0, 0], false),
            instruction("K", "Q", 11, &(1u64 << 40).to_le_bytes(), false),
            instruction("K", "Weird", 42, &[1, 2], false),
            instruction("K", "ShortDword", 4, &[1, 2], false),
        ]);
        let pol = parse(&bytes).unwrap();
        let data: Vec<&RegistryData> = pol.entries.iter().map(|e| &e.instruction.data).collect();
        assert_eq!(
            data,
            vec![
                &RegistryData::String("text".into()),
                &RegistryData::String("abc".into()),
                &RegistryData::String("hi".into()),
                &RegistryData::String(String::new()),
                &RegistryData::ExpandString("%SystemRoot%".into()),
                &RegistryData::Binary("dead01".into()),
                &RegistryData::DwordBigEndian(0x0102),
                &RegistryData::MultiString(vec!["one".into(), "two".into()]),
                &RegistryData::MultiString(vec!["x".into(), "y".into()]),
                &RegistryData::MultiString(vec![]),
                &RegistryData::Qword(1 << 40),
                &RegistryData::Other {
                    type_code: 42,
                    hex: "0102".into()
                },
                &RegistryData::Other {
                    type_code: 4,
                    hex: "0102".into()
                },
            ]
        );
        assert_eq!(pol.warnings.len(), 1, "{:?}", pol.warnings);
    }

    #[test]
    fn extra_nul_after_value_name_is_tolerated() {
        let pol = parse(&file(&[instruction(
            "K",
            "V",
            4,
            &5u32.to_le_bytes(),
            true,
        )]))
        .unwrap();
        assert_eq!(pol.entries[0].value_name, "V");
        assert_eq!(pol.entries[0].instruction.data, RegistryData::Dword(5));
        assert!(pol.warnings.is_empty());
    }

    #[test]
    fn truncated_last_instruction_keeps_the_ones_before() {
        let mut bytes = file(&[
            instruction("K", "A", 4, &1u32.to_le_bytes(), false),
            instruction("K", "B", 4, &2u32.to_le_bytes(), false),
        ]);
        bytes.truncate(bytes.len() - 3);
        let pol = parse(&bytes).unwrap();
        assert_eq!(pol.entries.len(), 1);
        assert_eq!(pol.warnings.len(), 1);
        assert!(
            pol.warnings[0].starts_with("instruction 1"),
            "{}",
            pol.warnings[0]
        );
    }

    #[test]
    fn oversized_size_field_is_a_warning_not_a_panic() {
        let mut i = instruction("K", "A", 3, &[1], false);
        // Overwrite the size (after "[K\0;A\0;" + type + ";") with u32::MAX.
        let size_at = 2 + 4 + 2 + 4 + 2 + 4 + 2;
        i[size_at..size_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let pol = parse(&file(&[i])).unwrap();
        assert!(pol.entries.is_empty());
        assert!(
            pol.warnings[0].contains("runs past the end"),
            "{}",
            pol.warnings[0]
        );
    }

    #[test]
    fn settings_carry_kinds_and_firewall_names() {
        let rule =
            sz("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Name=Allow RDP|");
        let fw = r"SOFTWARE\Policies\Microsoft\WindowsFirewall";
        let bytes = file(&[
            instruction(&format!(r"{fw}\FirewallRules"), "{rule-1}", 1, &rule, false),
            instruction(
                &format!(r"{fw}\DomainProfile"),
                "EnableFirewall",
                4,
                &1u32.to_le_bytes(),
                false,
            ),
            instruction(
                r"Software\Policies\Microsoft\Windows\SrpV2\Exe\{guid}",
                "Value",
                1,
                &sz("<FilePathRule/>"),
                false,
            ),
            instruction(
                r"Software\Policies\Microsoft\SystemCertificates\Root\Certificates\AB",
                "Blob",
                3,
                &[1],
                false,
            ),
            instruction(
                r"Software\Policies\Microsoft\WindowsFirewallX",
                "V",
                4,
                &0u32.to_le_bytes(),
                false,
            ),
        ]);
        let settings = read_settings(&bytes, Scope::Device, "Machine/registry.pol").unwrap();
        let kinds: Vec<SettingKind> = settings.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SettingKind::FirewallRule,
                SettingKind::FirewallProfile,
                SettingKind::AppLockerRule,
                SettingKind::Certificate,
                SettingKind::RegistryValue,
            ]
        );
        assert_eq!(settings[0].display_name.as_deref(), Some("Allow RDP"));
        assert_eq!(
            settings[0].id,
            SettingId::Registry {
                hive: crate::model::Hive::Hklm,
                key: format!(r"{fw}\FirewallRules"),
                value_name: "{rule-1}".into()
            }
        );
        assert_eq!(settings[4].source.entry, Some(4));
        assert_eq!(settings[4].source.file, "Machine/registry.pol");
    }

    #[test]
    fn firewall_rule_fields_keep_order_and_repeats() {
        let props = parse_firewall_rule(
            "v2.31|Action=Block|Dir=In|Profile=Domain|Profile=Private|RA4=10.0.0.0/8|RA4=LocalSubnet|Name=X|Flag|",
        );
        let pairs: Vec<(&str, &str)> = props
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Version", "2.31"),
                ("Action", "Block"),
                ("Dir", "In"),
                ("Profile", "Domain"),
                ("Profile", "Private"),
                ("RA4", "10.0.0.0/8"),
                ("RA4", "LocalSubnet"),
                ("Name", "X"),
                ("Flag", ""),
            ]
        );
        assert!(parse_firewall_rule("").is_empty());
    }
}
