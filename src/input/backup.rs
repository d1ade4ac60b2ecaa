//! Backup-GPO metadata: manifest.xml, bkupInfo.xml, Backup.xml, formats.md §1.1–§1.3, and the
//! GPT.INI of a SYSVOL-style GPO folder.
//!
//! Elements are matched by local name and, because hand-assembled backups vary the letter case,
//! ignoring ASCII case. Values are CDATA; empty values are treated as absent.

use super::xml::{self, Element};

/// One `BackupInst` of a manifest.xml, or the single one of a bkupInfo.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupInst {
    /// The GPO GUID (`GPOGuid`), not the backup ID.
    pub gpo_guid: Option<String>,
    pub domain: Option<String>,
    pub domain_controller: Option<String>,
    /// `BackupTime` as written (`2024-05-02T10:11:12`).
    pub time: Option<String>,
    /// The backup ID (`ID`), normally the name of the backup folder.
    pub id: Option<String>,
    pub comment: Option<String>,
    pub display_name: Option<String>,
}

/// What Backup.xml says about the GPO (`GroupPolicyCoreSettings`) and where its files are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupScheme {
    pub gpo_guid: Option<String>,
    pub domain: Option<String>,
    pub display_name: Option<String>,
    /// `Options`: bit 1 = user half disabled, bit 2 = computer half disabled.
    pub options: Option<u32>,
    pub machine_extensions: Vec<String>,
    pub user_extensions: Vec<String>,
    /// `WMIFilter`, the filter's WMI path.
    pub wmi_filter: Option<String>,
    pub wmi_filter_name: Option<String>,
    /// `FSObjectFile/@bkp:Location` values, relative to the backup folder, with `/` separators.
    pub file_locations: Vec<String>,
}

impl BackupScheme {
    /// False when `Options` switches the user half off.
    pub fn user_enabled(&self) -> bool {
        self.options.is_none_or(|o| o & 1 == 0)
    }

    /// False when `Options` switches the computer half off.
    pub fn computer_enabled(&self) -> bool {
        self.options.is_none_or(|o| o & 2 == 0)
    }
}

/// What a GPT.INI says (`[General]` section).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GptIni {
    pub display_name: Option<String>,
    pub version: Option<String>,
    pub machine_extensions: Vec<String>,
    pub user_extensions: Vec<String>,
}

/// Reads a decoded manifest.xml (`Backups/BackupInst`, in file order).
pub fn read_manifest(text: &str) -> Result<Vec<BackupInst>, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if !root.name.eq_ignore_ascii_case("Backups") {
        return Err(format!(
            "root element is <{}>, expected <Backups>",
            root.name
        ));
    }
    Ok(root
        .children
        .iter()
        .filter(|c| c.name.eq_ignore_ascii_case("BackupInst"))
        .map(backup_inst)
        .collect())
}

/// Reads a decoded bkupInfo.xml (a single `BackupInst`).
pub fn read_bkup_info(text: &str) -> Result<BackupInst, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if !root.name.eq_ignore_ascii_case("BackupInst") {
        return Err(format!(
            "root element is <{}>, expected <BackupInst>",
            root.name
        ));
    }
    Ok(backup_inst(&root))
}

/// Reads a decoded Backup.xml (`GroupPolicyBackupScheme`).
pub fn read_backup_scheme(text: &str) -> Result<BackupScheme, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if !root.name.eq_ignore_ascii_case("GroupPolicyBackupScheme") {
        return Err(format!(
            "root element is <{}>, expected <GroupPolicyBackupScheme>",
            root.name
        ));
    }
    let gpo = child_ci(&root, "GroupPolicyObject")
        .ok_or("no <GroupPolicyObject> in <GroupPolicyBackupScheme>")?;
    let mut scheme = BackupScheme::default();
    if let Some(core) = child_ci(gpo, "GroupPolicyCoreSettings") {
        scheme.gpo_guid = value(core, "ID").map(|g| g.to_ascii_uppercase());
        scheme.domain = value(core, "Domain");
        scheme.display_name = value(core, "DisplayName");
        scheme.options = match value(core, "Options") {
            Some(o) => Some(
                o.parse::<u32>()
                    .map_err(|_| format!("<Options> is not a number: {o:?}"))?,
            ),
            None => None,
        };
        scheme.machine_extensions = value(core, "MachineExtensionGuids")
            .map(|v| extension_guids(&v))
            .unwrap_or_default();
        scheme.user_extensions = value(core, "UserExtensionGuids")
            .map(|v| extension_guids(&v))
            .unwrap_or_default();
        scheme.wmi_filter = value(core, "WMIFilter");
        scheme.wmi_filter_name = value(core, "WMIFilterName");
    }
    scheme.file_locations = gpo
        .children
        .iter()
        .filter(|c| c.name.eq_ignore_ascii_case("GroupPolicyExtension"))
        .flat_map(|ext| ext.children.iter())
        .filter(|c| c.name.eq_ignore_ascii_case("FSObjectFile"))
        .filter_map(|f| f.attr_ignore_case("Location"))
        .map(|l| l.trim().replace('\\', "/"))
        .filter(|l| !l.is_empty())
        .collect();
    Ok(scheme)
}

/// Reads a decoded GPT.INI. Unknown keys and sections are ignored: only `[General]` describes the
/// GPO.
pub fn read_gpt_ini(text: &str) -> GptIni {
    let mut ini = GptIni::default();
    let mut in_general = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_general = section.trim().eq_ignore_ascii_case("General");
            continue;
        }
        if !in_general {
            continue;
        }
        let Some((key, val)) = line.split_once('=') else {
            continue;
        };
        let val = val.trim();
        if val.is_empty() {
            continue;
        }
        match key.trim().to_ascii_lowercase().as_str() {
            "displayname" => ini.display_name = Some(val.to_string()),
            "version" => ini.version = Some(val.to_string()),
            "gpcmachineextensionnames" => ini.machine_extensions = extension_guids(val),
            "gpcuserextensionnames" => ini.user_extensions = extension_guids(val),
            _ => {}
        }
    }
    ini
}

/// The CSE GUIDs of a `gPCMachineExtensionNames`-style list: the first GUID of each `[…]` group
/// (the others name the MMC snap-ins that edit it), upper case, in list order, without repeats.
pub fn extension_guids(list: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for group in list.split('[').skip(1) {
        let group = group.split(']').next().unwrap_or_default();
        let Some(start) = group.find('{') else {
            continue;
        };
        let rest = &group[start..];
        let Some(end) = rest.find('}') else { continue };
        let guid = rest[..=end].to_ascii_uppercase();
        if !out.contains(&guid) {
            out.push(guid);
        }
    }
    out
}

fn backup_inst(e: &Element) -> BackupInst {
    BackupInst {
        gpo_guid: value(e, "GPOGuid").map(|g| g.to_ascii_uppercase()),
        domain: value(e, "GPODomain"),
        domain_controller: value(e, "GPODomainController"),
        time: value(e, "BackupTime"),
        id: value(e, "ID").map(|g| g.to_ascii_uppercase()),
        comment: value(e, "Comment"),
        display_name: value(e, "GPODisplayName"),
    }
}

fn child_ci<'a>(e: &'a Element, name: &str) -> Option<&'a Element> {
    e.children
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
}

/// The trimmed text of a child, None when the child is absent or empty.
fn value(e: &Element, name: &str) -> Option<String> {
    child_ci(e, name)
        .map(|c| c.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BKUP_INFO: &str = r#"<BackupInst xmlns="http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest">
  <GPOGuid><![CDATA[{facca114-6E57-4027-AB08-D891F66A4A24}]]></GPOGuid>
  <GPODomain><![CDATA[contoso.test]]></GPODomain>
  <GPODomainController><![CDATA[DC01.contoso.test]]></GPODomainController>
  <BackupTime><![CDATA[2022-06-21T04:00:00]]></BackupTime>
  <ID><![CDATA[{07BDCD6A-3F72-473C-82B9-67BB69DBE54D}]]></ID>
  <Comment><![CDATA[]]></Comment>
  <GPODisplayName><![CDATA[Win10 Secure Baseline]]></GPODisplayName>
</BackupInst>"#;

    #[test]
    fn bkup_info_fields() {
        let b = read_bkup_info(BKUP_INFO).unwrap();
        assert_eq!(
            b.gpo_guid.as_deref(),
            Some("{FACCA114-6E57-4027-AB08-D891F66A4A24}")
        );
        assert_eq!(b.domain.as_deref(), Some("contoso.test"));
        assert_eq!(b.domain_controller.as_deref(), Some("DC01.contoso.test"));
        assert_eq!(b.time.as_deref(), Some("2022-06-21T04:00:00"));
        assert_eq!(
            b.id.as_deref(),
            Some("{07BDCD6A-3F72-473C-82B9-67BB69DBE54D}")
        );
        assert_eq!(b.comment, None);
        assert_eq!(b.display_name.as_deref(), Some("Win10 Secure Baseline"));
    }

    #[test]
    fn manifest_lists_every_backup_in_order() {
        let text = format!(
            "<Backups xmlns=\"http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest\">{}{}</Backups>",
            BKUP_INFO,
            BKUP_INFO.replace("2022-06-21", "2023-01-01")
        );
        let m = read_manifest(&text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].time.as_deref(), Some("2023-01-01T04:00:00"));
    }

    #[test]
    fn wrong_root_is_an_error() {
        assert!(
            read_manifest(BKUP_INFO)
                .unwrap_err()
                .contains("<BackupInst>")
        );
        assert!(read_bkup_info("<Backups/>").is_err());
        assert!(read_backup_scheme("<GroupPolicyBackupScheme/>").is_err());
    }

    #[test]
    fn backup_scheme_core_settings_and_locations() {
        let text = r#"<?xml version="1.0" encoding="utf-8"?>
<GroupPolicyBackupScheme bkp:version="2.0" xmlns:bkp="http://www.microsoft.com/GroupPolicy/GPOOperations" xmlns="http://www.microsoft.com/GroupPolicy/GPOOperations">
  <GroupPolicyObject>
    <GroupPolicyCoreSettings><ID><![CDATA[{31b2f340-016D-11D2-945F-00C04FB984F9}]]></ID><Domain><![CDATA[contoso.com]]></Domain>
      <DisplayName><![CDATA[Workstation Baseline]]></DisplayName><Options><![CDATA[3]]></Options>
      <MachineExtensionGuids><![CDATA[[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{D02B1F72-3407-48AE-BA88-E8213C6761F1}][{827d319e-6EAC-11D2-A4EA-00C04F79F83A}{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}]]]></MachineExtensionGuids>
      <UserExtensionGuids/><WMIFilter><![CDATA[MSFT_SomFilter.ID="{08F9}",Domain="C"]]></WMIFilter><WMIFilterName><![CDATA[Windows 11]]></WMIFilterName>
    </GroupPolicyCoreSettings>
    <GroupPolicyExtension bkp:ID="{35378EAC-683F-11D2-A89A-00C04FBBCFA2}" bkp:DescName="Registry">
      <FSObjectFile bkp:Path="%GPO_MACH_FSPATH%\registry.pol" bkp:Location="DomainSysvol\GPO\Machine\registry.pol"/>
      <FSObjectFile bkp:Path="%GPO_FSPATH%\Adm\*.*"/>
      <FSObjectDir bkp:Path="%GPO_MACH_FSPATH%\Scripts" bkp:Location="DomainSysvol\GPO\Machine\Scripts"/>
    </GroupPolicyExtension>
    <GroupPolicyExtension bkp:ID="{F15C46CD-82A0-4C2D-A210-5D0D3182A418}">
      <FSObjectFile bkp:Location="DomainSysvol\GPO\User\Documents &amp; Settings\fdeploy1.ini"/>
    </GroupPolicyExtension>
  </GroupPolicyObject>
</GroupPolicyBackupScheme>"#;
        let s = read_backup_scheme(text).unwrap();
        assert_eq!(
            s.gpo_guid.as_deref(),
            Some("{31B2F340-016D-11D2-945F-00C04FB984F9}")
        );
        assert_eq!(s.domain.as_deref(), Some("contoso.com"));
        assert_eq!(s.display_name.as_deref(), Some("Workstation Baseline"));
        assert_eq!(s.options, Some(3));
        assert!(!s.computer_enabled());
        assert!(!s.user_enabled());
        assert_eq!(
            s.machine_extensions,
            vec![
                "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}",
                "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}"
            ]
        );
        assert!(s.user_extensions.is_empty());
        assert_eq!(s.wmi_filter_name.as_deref(), Some("Windows 11"));
        assert_eq!(
            s.file_locations,
            vec![
                "DomainSysvol/GPO/Machine/registry.pol",
                "DomainSysvol/GPO/User/Documents & Settings/fdeploy1.ini"
            ]
        );
    }

    #[test]
    fn options_halves() {
        let halves = |o| {
            let s = BackupScheme {
                options: Some(o),
                ..BackupScheme::default()
            };
            (s.computer_enabled(), s.user_enabled())
        };
        assert_eq!(halves(0), (true, true));
        assert_eq!(halves(1), (true, false));
        assert_eq!(halves(2), (false, true));
        assert_eq!(halves(3), (false, false));
        assert!(BackupScheme::default().computer_enabled());
    }

    #[test]
    fn non_numeric_options_is_an_error() {
        let text = "<GroupPolicyBackupScheme><GroupPolicyObject><GroupPolicyCoreSettings><Options>x</Options></GroupPolicyCoreSettings></GroupPolicyObject></GroupPolicyBackupScheme>";
        assert!(read_backup_scheme(text).unwrap_err().contains("Options"));
    }

    #[test]
    fn element_names_in_other_case() {
        let b = read_bkup_info("<backupinst><gpoguid>{A}</gpoguid></backupinst>").unwrap();
        assert_eq!(b.gpo_guid.as_deref(), Some("{A}"));
    }

    #[test]
    fn extension_guid_groups() {
        assert_eq!(
            extension_guids("[{a}{b}][{C}{d}{e}][{a}{x}][broken"),
            vec!["{A}", "{C}"]
        );
        assert!(extension_guids("").is_empty());
        assert!(extension_guids("[{unterminated]").is_empty());
    }

    #[test]
    fn gpt_ini_general_section() {
        let ini = read_gpt_ini(
            "[General]\r\nVersion=65537\r\ndisplayName=New Group Policy Object\r\ngPCMachineExtensionNames=[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{D02B1F72-3407-48AE-BA88-E8213C6761F1}]\r\n[Other]\r\ndisplayName=ignored\r\n",
        );
        assert_eq!(ini.version.as_deref(), Some("65537"));
        assert_eq!(ini.display_name.as_deref(), Some("New Group Policy Object"));
        assert_eq!(
            ini.machine_extensions,
            vec!["{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"]
        );
        assert!(ini.user_extensions.is_empty());
    }
}
