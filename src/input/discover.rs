//! Finds the GPOs under the paths a user gives and reads each with the right readers.
//!
//! Accepted: Backup-GPO roots (with or without manifest.xml, backups at any depth), single backup
//! folders, SYSVOL-style GPO folders (`Machine`/`User` subfolders, GPT.INI if present) and GPMC /
//! Get-GPOReport / RSoP XML reports. File and folder names are matched ignoring ASCII case, since
//! exports are copied between file systems that keep case differently.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::backup::{self, BackupInst, BackupScheme};
use super::damage::{self, FileRead, TextKind};
use super::derived_guid::{self, DerivedFrom};
use super::reconcile::{self, Family, FamilyStatus};
use super::{InputError, archive, fs_read, gpreport, lgpo_text, policy_rules, registry_pol, text};
use crate::model::{BackupInfo, Damage, Gpo, GpoIdentity, Scope, Setting};

/// Everything read from the paths: the GPOs, and the files or folders that could not be read.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub gpos: Vec<Gpo>,
    pub errors: Vec<InputError>,
    /// Files found and deliberately not read, with why (not errors: the run's status is not
    /// affected), e.g. the `.PolicyRules` copy of a baseline whose GPO backups were read.
    pub notes: Vec<String>,
}

/// One GPO export found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A Backup-GPO folder (the one holding bkupInfo.xml / Backup.xml).
    Backup(PathBuf),
    /// A SYSVOL-style GPO folder outside any backup. `label` names it after its path below the
    /// folder the user gave, for GPOs that record no display name.
    GpoFolder { dir: PathBuf, label: String },
    /// A GPMC / Get-GPOReport / RSoP XML report.
    Report(PathBuf),
    /// A Policy Analyzer `.PolicyRules` file: one GPO per `PolicyName`.
    PolicyRules(PathBuf),
    /// An LGPO text file outside a GPO folder: one GPO.
    LgpoText(PathBuf),
}

/// What a walk over the user's paths found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// In walk order (paths in the order given, directory entries by name).
    pub inputs: Vec<Input>,
    /// `BackupInst` entries of every manifest.xml seen, by backup ID (upper case).
    pub manifest_entries: BTreeMap<String, BackupInst>,
    pub errors: Vec<InputError>,
    /// Files found and not read on purpose, with why.
    pub notes: Vec<String>,
}

/// Finds the GPO exports under `paths` without reading their settings.
pub fn find_inputs(paths: &[PathBuf]) -> Discovery {
    let mut discovery = Discovery::default();
    let mut visited = Visited::new();
    for path in paths {
        let before = discovery.inputs.len();
        let errors_before = discovery.errors.len();
        match fs::metadata(path) {
            Err(e) => discovery.errors.push(InputError::new(path, e.to_string())),
            Ok(meta) if meta.is_dir() => {
                if visited.contains(&folder_id(path, &meta)) {
                    continue;
                }
                let label_base = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                walk(path, &label_base, &mut discovery, &mut visited);
                set_aside_side_files(path, before, &mut discovery);
            }
            Ok(_) => given_file(path, &mut discovery, &mut visited),
        }
        if discovery.inputs.len() == before && discovery.errors.len() == errors_before {
            discovery.errors.push(InputError::new(
                path,
                "no GPO backup, SYSVOL-style GPO folder, GPO report, .PolicyRules or LGPO text \
                 file found",
            ));
        }
    }
    discovery
}

fn given_file(path: &Path, discovery: &mut Discovery, visited: &mut Visited) {
    let name = lower_name(path);
    let parent = match path.parent() {
        Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    match name.as_str() {
        "bkupinfo.xml" | "backup.xml" => discovery.inputs.push(Input::Backup(parent)),
        "manifest.xml" => {
            let label = parent
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            walk(&parent, &label, discovery, visited);
        }
        "gpt.ini" => {
            let label = parent
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            discovery
                .inputs
                .push(Input::GpoFolder { dir: parent, label });
        }
        _ if name.ends_with(".policyrules") => discovery
            .inputs
            .push(Input::PolicyRules(path.to_path_buf())),
        _ if name.ends_with(".txt") => match sniff_lgpo_text(path) {
            Ok(true) => discovery.inputs.push(Input::LgpoText(path.to_path_buf())),
            Ok(false) => discovery.errors.push(InputError::new(
                path,
                "not LGPO text: its first line that is not a comment is not Computer or User",
            )),
            Err(e) => discovery.errors.push(InputError::new(path, e)),
        },
        _ => match sniff_report(path) {
            Ok(true) => discovery.inputs.push(Input::Report(path.to_path_buf())),
            Ok(false) => discovery.errors.push(InputError::new(
                path,
                "not a GPO report; give a report XML, a .PolicyRules or LGPO text file, or the \
                 folder holding a backup or GPO",
            )),
            Err(e) => discovery.errors.push(InputError::new(path, e)),
        },
    }
}

/// Security baselines ship each GPO twice: as a GPO backup (`GPOs/{BackupID}/`) and in the
/// `.PolicyRules` file of `Documentation/` (older ones also as LGPO text). When a folder given
/// holds GPO backups, its `.PolicyRules` and loose LGPO text files are that baseline again and
/// would count every setting twice: they are set aside with a note. Given by name, or in a folder
/// with no backup, they are read.
fn set_aside_side_files(path: &Path, from: usize, discovery: &mut Discovery) {
    let found = discovery.inputs.get(from..).unwrap_or_default();
    if !found.iter().any(|i| matches!(i, Input::Backup(_))) {
        return;
    }
    let mut kept = Vec::new();
    let mut set_aside = Vec::new();
    for input in discovery.inputs.drain(from..) {
        match input {
            Input::PolicyRules(file) | Input::LgpoText(file) => set_aside.push(file),
            other => kept.push(other),
        }
    }
    discovery.inputs.extend(kept);
    if !set_aside.is_empty() {
        // A few names say which; a baseline folder has a handful, a big tree could have many.
        const NAMED: usize = 5;
        let mut files = set_aside
            .iter()
            .take(NAMED)
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if set_aside.len() > NAMED {
            files.push_str(&format!(" and {} more", set_aside.len() - NAMED));
        }
        discovery.notes.push(crate::safe_text::escape_control(&format!(
            "{}: holds GPO backups, so its {} .PolicyRules / LGPO text file(s) are taken as the \
             same baselines in another form and not read (give them by name, or their folder, to \
             read them): {files}",
            path.display(),
            set_aside.len()
        )));
    }
}

/// Folders already walked, by identity (device and inode on Unix), so a symbolic link back to an
/// ancestor or a second path to one folder is walked once.
type Visited = BTreeSet<FolderId>;

#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = PathBuf;

#[cfg(unix)]
fn folder_id(_path: &Path, meta: &fs::Metadata) -> FolderId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn folder_id(path: &Path, _meta: &fs::Metadata) -> FolderId {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// How many folder levels below a path the walk goes. Real exports nest a backup a few levels
/// down (`<vendor>/<product>/<GPO name>/{BackupID}/DomainSysvol/GPO/Machine/…`, about 12); a
/// deeper tree is a loop or hostile, and its deeper folders are reported and not walked.
pub const MAX_WALK_DEPTH: usize = 64;

/// Walks the folders under `root` iteratively (no recursion, so depth cannot exhaust the stack),
/// each folder once, in name order, and each entry once: linear in the number of entries.
fn walk(root: &Path, label: &str, discovery: &mut Discovery, visited: &mut Visited) {
    let mut stack = vec![(root.to_path_buf(), label.to_string(), 0usize)];
    while let Some((dir, label, depth)) = stack.pop() {
        match fs::metadata(&dir) {
            Ok(meta) => {
                if !visited.insert(folder_id(&dir, &meta)) {
                    if depth > 0 && fs::symlink_metadata(&dir).is_ok_and(|m| m.is_symlink()) {
                        discovery.errors.push(InputError::new(
                            &dir,
                            "symbolic link to a folder already walked (a loop, or a second path                              to it): not walked again",
                        ));
                    }
                    continue;
                }
            }
            Err(e) => {
                discovery.errors.push(InputError::new(&dir, e.to_string()));
                continue;
            }
        }
        let (files, dirs) = match list_dir(&dir) {
            Ok(listing) => listing,
            Err(e) => {
                discovery.errors.push(InputError::new(&dir, e));
                continue;
            }
        };
        if files
            .iter()
            .any(|(n, _)| n == "bkupinfo.xml" || n == "backup.xml")
        {
            discovery.inputs.push(Input::Backup(dir.clone()));
            continue;
        }
        if is_gpo_folder(&files, &dirs) {
            discovery.inputs.push(Input::GpoFolder {
                dir: dir.clone(),
                label: label.clone(),
            });
            continue;
        }
        for (name, path) in &files {
            if name == "manifest.xml" {
                match read_text(path).and_then(|t| backup::read_manifest(&t)) {
                    Ok(entries) => {
                        for entry in entries {
                            if let Some(id) = entry.id.clone() {
                                discovery.manifest_entries.entry(id).or_insert(entry);
                            }
                        }
                    }
                    Err(e) => discovery.errors.push(InputError::new(path, e)),
                }
            } else if name.ends_with(".xml") {
                match sniff_report(path) {
                    Ok(true) => discovery.inputs.push(Input::Report(path.clone())),
                    Ok(false) => {}
                    Err(e) => discovery.errors.push(InputError::new(path, e)),
                }
            } else if name.ends_with(".policyrules") {
                discovery.inputs.push(Input::PolicyRules(path.clone()));
            } else if name.ends_with(".txt") {
                match sniff_lgpo_text(path) {
                    Ok(true) => discovery.inputs.push(Input::LgpoText(path.clone())),
                    Ok(false) => {}
                    Err(e) => discovery.errors.push(InputError::new(path, e)),
                }
            }
        }
        if depth >= MAX_WALK_DEPTH {
            if !dirs.is_empty() {
                discovery.errors.push(InputError::new(
                    &dir,
                    format!(
                        "{MAX_WALK_DEPTH} folder levels below the path given: its {} subfolder(s) \
                         are not walked",
                        dirs.len()
                    ),
                ));
            }
            continue;
        }
        // Pushed in reverse so that the stack pops them in name order, as a recursion would.
        for (_, path) in dirs.iter().rev() {
            let child_label = if label.is_empty() {
                name_of(path)
            } else {
                format!("{label}/{}", name_of(path))
            };
            stack.push((path.clone(), child_label, depth + 1));
        }
    }
}

/// A folder is a GPO when it has GPT.INI, or a `Machine`/`User` subfolder holding a file that a
/// GPO keeps there. Subfolders merely named `User` (a folder of user-side backups) do not count.
fn is_gpo_folder(files: &[(String, PathBuf)], dirs: &[(String, PathBuf)]) -> bool {
    if files.iter().any(|(n, _)| n == "gpt.ini") {
        return true;
    }
    dirs.iter()
        .filter(|(n, _)| n == "machine" || n == "user")
        .any(|(half, d)| {
            index_files(d).into_iter().any(|(rel, path)| {
                classify(&format!("{half}/{rel}")).is_some_and(|(_, k)| {
                    k != FileKind::LgpoText || sniff_lgpo_text(&path).unwrap_or(false)
                })
            })
        })
}

/// True when the file is an XML report: its first few thousand characters name the GPMC settings
/// or RSoP namespace.
fn sniff_report(path: &Path) -> Result<bool, String> {
    // 4096 characters are at most 16 KiB in any encoding; the rest of the file is not read here.
    let bytes = fs_read::read_head(path, 16 * 1024)?;
    let (text, _) = text::decode(&bytes);
    let head: String = text.chars().take(4096).collect();
    Ok(
        head.contains("http://www.microsoft.com/GroupPolicy/Settings")
            || head.contains("http://www.microsoft.com/GroupPolicy/Rsop"),
    )
}

/// True when the file starts as LGPO text does (see [`lgpo_text::looks_like`]).
fn sniff_lgpo_text(path: &Path) -> Result<bool, String> {
    let bytes = fs_read::read_head(path, 16 * 1024)?;
    let (text, _) = text::decode(&bytes);
    // The head may end inside a line: judge the whole lines only.
    let whole = match text.rfind('\n') {
        Some(end) if bytes.len() as u64 >= 16 * 1024 => &text[..end],
        _ => text.as_str(),
    };
    Ok(lgpo_text::looks_like(whole))
}

/// Files and subfolders of a folder, each with its lower-case name, sorted by name.
#[allow(clippy::type_complexity)]
fn list_dir(dir: &Path) -> Result<(Vec<(String, PathBuf)>, Vec<(String, PathBuf)>), String> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_lowercase();
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => dirs.push((name, path)),
            Ok(_) => files.push((name, path)),
            Err(_) => files.push((name, path)),
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    dirs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok((files, dirs))
}

/// Every file below `root`, as (relative path in lower case with `/`, real path), sorted.
fn index_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut visited = Visited::new();
    let mut stack = vec![(String::new(), root.to_path_buf(), 0usize)];
    while let Some((prefix, dir, depth)) = stack.pop() {
        let Ok(meta) = fs::metadata(&dir) else {
            continue;
        };
        if !visited.insert(folder_id(&dir, &meta)) {
            continue;
        }
        let Ok((files, dirs)) = list_dir(&dir) else {
            continue;
        };
        for (name, path) in files {
            out.push((format!("{prefix}{name}"), path));
        }
        // GPO folders are a few levels deep; the bound keeps a symlink loop from running away.
        if depth < 12 {
            for (name, path) in dirs {
                stack.push((format!("{prefix}{name}/"), path, depth + 1));
            }
        }
    }
    out.sort();
    out
}

/// The raw files a GPO folder holds, by what reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FileKind {
    RegistryPol,
    GptTmpl,
    /// GptTmpl.inf directly in `Machine/` (LGPO-style folders), read only without the standard one.
    GptTmplInMachine,
    AuditCsv,
    Scripts,
    PsScripts,
    Fdeploy1,
    Fdeploy,
    Preferences,
    /// LGPO text (`machine.txt`, `user.txt`): read when the half has no registry.pol.
    LgpoText,
}

/// Classifies a path relative to the GPO folder (lower case, `/` separators).
fn classify(rel: &str) -> Option<(Scope, FileKind)> {
    let parts: Vec<&str> = rel.split('/').collect();
    let scope = match parts.first() {
        Some(&"machine") => Scope::Device,
        Some(&"user") => Scope::User,
        _ => return None,
    };
    let rest = parts.get(1..).unwrap_or_default();
    let kind = match rest {
        ["registry.pol"] => FileKind::RegistryPol,
        ["microsoft", "windows nt", "secedit", "gpttmpl.inf"] if scope == Scope::Device => {
            FileKind::GptTmpl
        }
        ["gpttmpl.inf"] if scope == Scope::Device => FileKind::GptTmplInMachine,
        ["microsoft", "windows nt", "audit", "audit.csv"] if scope == Scope::Device => {
            FileKind::AuditCsv
        }
        ["scripts", "scripts.ini"] => FileKind::Scripts,
        ["scripts", "psscripts.ini"] => FileKind::PsScripts,
        ["documents & settings", "fdeploy1.ini"] if scope == Scope::User => FileKind::Fdeploy1,
        ["documents & settings", "fdeploy.ini"] if scope == Scope::User => FileKind::Fdeploy,
        ["preferences", folder, file] if file.strip_suffix(".xml") == Some(folder) => {
            FileKind::Preferences
        }
        [file] if file.ends_with(".txt") => FileKind::LgpoText,
        _ => return None,
    };
    Some((scope, kind))
}

/// What reading one GPO's raw files gave.
#[derive(Debug, Default)]
struct RawRead {
    settings: Vec<Setting>,
    families: BTreeMap<Family, FamilyStatus>,
    notes: Vec<String>,
    errors: Vec<InputError>,
    /// Files read only in part; `families` marks theirs `Damaged` with the index here.
    damage: Vec<Damage>,
}

impl RawRead {
    /// Keeps the settings one file of `family` gave, and its damage record when it was read only
    /// in part (the family is then `Damaged`, else `Read` unless another file failed).
    fn record(
        &mut self,
        family: Family,
        file: &str,
        damage: Option<super::damage::Found>,
        settings: Vec<Setting>,
    ) {
        if let Some(found) = damage {
            self.families
                .insert(family, FamilyStatus::Damaged(self.damage.len()));
            self.damage.push(Damage {
                file: file.to_string(),
                at: found.at,
                problem: found.problem,
                settings_kept: settings.len(),
                lost_per_report: Vec::new(),
            });
        } else {
            self.families.entry(family).or_insert(FamilyStatus::Read);
        }
        self.settings.extend(settings);
    }
}

/// Reads the raw files of the GPO folder `gpo_root` (`DomainSysvol/GPO` of a backup, or a loose
/// folder). `files` is the index of `gpo_root`.
fn read_raw_files(files: &[(String, PathBuf)]) -> RawRead {
    let mut raw = RawRead::default();
    let mut plan: Vec<(Scope, FileKind, &str, &PathBuf)> = files
        .iter()
        .filter_map(|(rel, path)| classify(rel).map(|(s, k)| (s, k, rel.as_str(), path)))
        .collect();
    plan.sort();
    let has = |kind: FileKind| plan.iter().any(|p| p.1 == kind);
    let (has_gpttmpl, has_fdeploy1) = (has(FileKind::GptTmpl), has(FileKind::Fdeploy1));
    let has_pol = |half: Scope| {
        plan.iter()
            .any(|p| p.0 == half && p.1 == FileKind::RegistryPol)
    };
    let pol_halves = [Scope::Device, Scope::User].map(has_pol);
    for (scope, kind, _, path) in plan {
        let file = path.display().to_string();
        let family = match kind {
            FileKind::RegistryPol => Family::Registry(scope),
            FileKind::GptTmpl | FileKind::GptTmplInMachine => Family::Security,
            FileKind::AuditCsv => Family::Audit,
            FileKind::Scripts | FileKind::PsScripts => Family::Scripts(scope),
            FileKind::Fdeploy1 | FileKind::Fdeploy => Family::FolderRedirection,
            FileKind::Preferences => Family::Preferences(scope),
            FileKind::LgpoText => {
                let half_has_pol = pol_halves[usize::from(scope == Scope::User)];
                read_lgpo_in_gpo(path, &file, scope, half_has_pol, &mut raw);
                continue;
            }
        };
        match kind {
            FileKind::GptTmplInMachine if has_gpttmpl => {
                raw.notes.push(format!(
                    "{file} not read: the GPO also has microsoft/windows nt/SecEdit/GptTmpl.inf"
                ));
                continue;
            }
            FileKind::GptTmplInMachine => raw.notes.push(format!(
                "GptTmpl.inf read from Machine/ rather than Machine/microsoft/windows nt/SecEdit/ ({file})"
            )),
            FileKind::Fdeploy if has_fdeploy1 => {
                raw.notes.push(format!(
                    "{file} not read: fdeploy1.ini, which supersedes it, is present"
                ));
                continue;
            }
            _ => {}
        }
        let result =
            fs_read::read_file(path).and_then(|bytes| read_one(kind, scope, &bytes, &file));
        match result {
            Ok(read) => raw.record(family, &file, read.damage, read.settings),
            Err(reason) => {
                raw.errors.push(InputError::new(path, reason));
                raw.families.insert(family, FamilyStatus::Failed);
            }
        }
    }
    raw
}

/// LGPO text in a GPO's `Machine/` or `User/`: what `LGPO.exe /parse` made of the registry.pol
/// beside it. Group Policy applies the registry.pol, so with one the text is not read (a note
/// says so); without one (a folder built for `LGPO.exe /t`), the text is that half's registry
/// settings. A `.txt` that is not LGPO text is noted and left alone.
fn read_lgpo_in_gpo(path: &Path, file: &str, scope: Scope, half_has_pol: bool, raw: &mut RawRead) {
    if half_has_pol {
        raw.notes.push(format!(
            "LGPO text not read: {file}: the registry.pol beside it is what Group Policy applies"
        ));
        return;
    }
    let bytes = match fs_read::read_file(path) {
        Ok(bytes) => bytes,
        Err(reason) => {
            raw.errors.push(InputError::new(path, reason));
            raw.families
                .insert(Family::Registry(scope), FamilyStatus::Failed);
            return;
        }
    };
    let (text, _, malformed) = text::decode_reporting(&bytes);
    if !lgpo_text::looks_like(&text) {
        raw.notes
            .push(format!("{file} not read: it is not LGPO text"));
        return;
    }
    let read = lgpo_text::read(&text, file);
    raw.notes.push(format!(
        "registry settings read from LGPO text {file} (the GPO has no registry.pol for this half)"
    ));
    raw.notes.extend(read.notes);
    let family = Family::Registry(scope);
    let damage = read.damage.or_else(|| {
        malformed.then(|| super::damage::Found {
            at: crate::model::DamageAt::File,
            problem: "bytes that are not text in the file's encoding".to_string(),
        })
    });
    raw.record(family, file, damage, read.settings);
}

fn read_one(kind: FileKind, scope: Scope, bytes: &[u8], file: &str) -> Result<FileRead, String> {
    let text_kind = match kind {
        FileKind::RegistryPol => return registry_pol::read_checked(bytes, scope, file),
        FileKind::LgpoText => return Ok(FileRead::default()),
        FileKind::GptTmpl | FileKind::GptTmplInMachine => TextKind::GptTmpl,
        FileKind::AuditCsv => TextKind::AuditCsv,
        FileKind::Scripts => TextKind::Scripts { powershell: false },
        FileKind::PsScripts => TextKind::Scripts { powershell: true },
        FileKind::Fdeploy1 | FileKind::Fdeploy => TextKind::FolderRedirection,
        FileKind::Preferences => TextKind::Preferences,
    };
    damage::read_text_file(text_kind, scope, bytes, file)
}

/// A backup folder's metadata, read before choosing among several backups of one GPO.
#[derive(Debug)]
struct BackupMeta {
    dir: PathBuf,
    info: Option<BackupInst>,
    scheme: Option<BackupScheme>,
    /// Where `info` came from, when not from the folder's own bkupInfo.xml.
    info_from_manifest: bool,
    errors: Vec<InputError>,
}

impl BackupMeta {
    fn gpo_guid(&self) -> Option<String> {
        self.scheme
            .as_ref()
            .and_then(|s| s.gpo_guid.clone())
            .or_else(|| self.info.as_ref().and_then(|i| i.gpo_guid.clone()))
            .map(|g| g.to_ascii_uppercase())
    }

    fn domain(&self) -> Option<String> {
        self.scheme
            .as_ref()
            .and_then(|s| s.domain.clone())
            .or_else(|| self.info.as_ref().and_then(|i| i.domain.clone()))
    }

    fn time(&self) -> Option<&str> {
        self.info.as_ref().and_then(|i| i.time.as_deref())
    }

    fn backup_id(&self) -> String {
        self.info
            .as_ref()
            .and_then(|i| i.id.clone())
            .unwrap_or_else(|| name_of(&self.dir))
    }
}

fn read_backup_meta(dir: &Path, manifest: &BTreeMap<String, BackupInst>) -> BackupMeta {
    let mut meta = BackupMeta {
        dir: dir.to_path_buf(),
        info: None,
        scheme: None,
        info_from_manifest: false,
        errors: Vec::new(),
    };
    let files = list_dir(dir).map(|(f, _)| f).unwrap_or_default();
    let find = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
    };
    if let Some(path) = find("bkupinfo.xml") {
        match read_text(&path).and_then(|t| backup::read_bkup_info(&t)) {
            Ok(info) => meta.info = Some(info),
            Err(e) => meta.errors.push(InputError::new(path, e)),
        }
    }
    if let Some(path) = find("backup.xml") {
        match read_text(&path).and_then(|t| backup::read_backup_scheme(&t)) {
            Ok(scheme) => meta.scheme = Some(scheme),
            Err(e) => meta.errors.push(InputError::new(path, e)),
        }
    }
    if meta.info.is_none()
        && let Some(entry) = manifest.get(&name_of(dir).to_ascii_uppercase())
    {
        meta.info = Some(entry.clone());
        meta.info_from_manifest = true;
    }
    meta
}

enum Job {
    Backup {
        meta: Box<BackupMeta>,
        skipped: Vec<BackupMeta>,
    },
    GpoFolder {
        dir: PathBuf,
        label: String,
    },
    Report(PathBuf),
    PolicyRules(PathBuf),
    LgpoText(PathBuf),
}

/// Reads every GPO under `paths`. A file that cannot be read is reported and the rest is still
/// read. When one GPO (GUID and domain) has several backups, the newest `BackupTime` is taken.
/// A `.zip` path is read as the folder it holds (see [`archive`]).
pub fn read_paths(paths: &[PathBuf]) -> ReadOutcome {
    read_paths_with_progress(paths, &|_| {}, &|| {})
}

/// [`read_paths`], calling `found` with the number of GPO exports to read once they are found,
/// and `read` as each is read (from any thread).
pub fn read_paths_with_progress(
    paths: &[PathBuf],
    found: &dyn Fn(usize),
    read: &(dyn Fn() + Sync),
) -> ReadOutcome {
    let mut unpacked = archive::unpack_archives(paths);
    let discovery = find_inputs(&unpacked.paths);
    let mut errors = std::mem::take(&mut unpacked.errors);
    errors.extend(discovery.errors);
    let notes = discovery.notes;

    let backup_dirs: Vec<&PathBuf> = discovery
        .inputs
        .iter()
        .filter_map(|i| match i {
            Input::Backup(dir) => Some(dir),
            _ => None,
        })
        .collect();
    let metas: Vec<BackupMeta> = backup_dirs
        .par_iter()
        .map(|dir| read_backup_meta(dir, &discovery.manifest_entries))
        .collect();

    // Group backups of the same GPO; those without a GUID stand alone.
    // By GUID within its domain: the same GUID in two domains is two GPOs.
    let mut groups: BTreeMap<GpoIdentity, Vec<BackupMeta>> = BTreeMap::new();
    let mut jobs: Vec<Job> = Vec::new();
    for meta in metas {
        match meta.gpo_guid() {
            Some(guid) => {
                let identity = GpoIdentity::new(&guid, meta.domain().as_deref());
                groups.entry(identity).or_default().push(meta);
            }
            None => jobs.push(Job::Backup {
                meta: Box::new(meta),
                skipped: Vec::new(),
            }),
        }
    }
    for (_, mut metas) in groups {
        // Newest BackupTime last; equal times fall back to the folder path, so the pick is stable.
        metas.sort_by(|a, b| (a.time(), &a.dir).cmp(&(b.time(), &b.dir)));
        if let Some(newest) = metas.pop() {
            jobs.push(Job::Backup {
                meta: Box::new(newest),
                skipped: metas,
            });
        }
    }
    for input in discovery.inputs {
        match input {
            Input::Backup(_) => {}
            Input::GpoFolder { dir, label } => jobs.push(Job::GpoFolder { dir, label }),
            Input::Report(path) => jobs.push(Job::Report(path)),
            Input::PolicyRules(path) => jobs.push(Job::PolicyRules(path)),
            Input::LgpoText(path) => jobs.push(Job::LgpoText(path)),
        }
    }

    found(jobs.len());
    let results: Vec<(Vec<Gpo>, Vec<InputError>)> = jobs
        .into_par_iter()
        .map(|job| {
            let result = run_job(job);
            read();
            result
        })
        .collect();
    let mut gpos = Vec::new();
    for (g, e) in results {
        gpos.extend(g);
        errors.extend(e);
    }
    for gpo in &mut gpos {
        unpacked.label_gpo(gpo);
    }
    for error in &mut errors {
        unpacked.label_error(error);
    }
    gpos.sort_by(|a, b| {
        (
            a.display_name.to_lowercase(),
            &a.display_name,
            &a.guid,
            &a.origin,
        )
            .cmp(&(
                b.display_name.to_lowercase(),
                &b.display_name,
                &b.guid,
                &b.origin,
            ))
    });
    errors.sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
    errors.dedup();
    ReadOutcome {
        gpos,
        errors,
        notes,
    }
}

fn run_job(job: Job) -> (Vec<Gpo>, Vec<InputError>) {
    match job {
        Job::Backup { meta, skipped } => {
            let (gpo, errors) = read_backup(*meta, &skipped);
            (vec![gpo], errors)
        }
        Job::GpoFolder { dir, label } => {
            let (gpo, errors) = read_gpo_folder(&dir, &label);
            (vec![gpo], errors)
        }
        Job::Report(path) => match read_report(&path) {
            Ok(gpos) => (gpos, Vec::new()),
            Err(e) => (Vec::new(), vec![InputError::new(path, e)]),
        },
        Job::PolicyRules(path) => match read_text(&path)
            .and_then(|t| policy_rules::read(&t, &path.display().to_string()))
        {
            Ok(gpos) => (gpos, Vec::new()),
            Err(e) => (Vec::new(), vec![InputError::new(path, e)]),
        },
        Job::LgpoText(path) => match read_loose_lgpo(&path) {
            Ok(gpo) => (vec![gpo], Vec::new()),
            Err(e) => (Vec::new(), vec![InputError::new(path, e)]),
        },
    }
}

/// An LGPO text file on its own (a baseline's delta, an `LGPO.exe /parse` output): one GPO named
/// after the file, with a GUID derived from the file name.
fn read_loose_lgpo(path: &Path) -> Result<Gpo, String> {
    let bytes = fs_read::read_file(path)?;
    let (text, _, malformed) = text::decode_reporting(&bytes);
    let file = path.display().to_string();
    let file_name = name_of(path);
    let read = lgpo_text::read(&text, &file);
    if read.settings.is_empty()
        && let Some(found) = &read.damage
    {
        return Err(format!("{}: {}; no block read", found.at, found.problem));
    }
    let display_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_name.clone());
    let mut gpo = Gpo {
        guid: Some(derived_guid::derived_guid(
            DerivedFrom::LgpoText,
            &file_name,
            "",
        )),
        display_name,
        computer_enabled: true,
        user_enabled: true,
        origin: file.clone(),
        ..Gpo::default()
    };
    gpo.notes.push(derived_guid::note(DerivedFrom::LgpoText));
    gpo.notes
        .push("LGPO text file: named after the file; it holds registry settings only".to_string());
    gpo.notes.extend(read.notes);
    let damage = read.damage.or_else(|| {
        malformed.then(|| super::damage::Found {
            at: crate::model::DamageAt::File,
            problem: "bytes that are not text in the file's encoding".to_string(),
        })
    });
    if let Some(found) = damage {
        gpo.damage.push(Damage {
            file: file.clone(),
            at: found.at,
            problem: found.problem,
            settings_kept: read.settings.len(),
            lost_per_report: Vec::new(),
        });
    }
    gpo.settings = read.settings;
    Ok(gpo)
}

fn read_report(path: &Path) -> Result<Vec<Gpo>, String> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let mut gpos = gpreport::parse(&text, &file)?;
    for gpo in &mut gpos {
        if gpo.origin.is_empty() {
            gpo.origin = file.clone();
        }
    }
    Ok(gpos)
}

fn read_backup(meta: BackupMeta, skipped: &[BackupMeta]) -> (Gpo, Vec<InputError>) {
    let mut errors = meta.errors.clone();
    let dir = &meta.dir;
    let scheme = meta.scheme.clone().unwrap_or_default();
    let info = meta.info.clone().unwrap_or_default();
    let mut gpo = Gpo {
        guid: meta.gpo_guid(),
        display_name: scheme
            .display_name
            .clone()
            .or_else(|| info.display_name.clone())
            .unwrap_or_else(|| name_of(dir)),
        domain: meta.domain(),
        backup: Some(BackupInfo {
            id: Some(meta.backup_id()),
            time: info.time.clone(),
            comment: info.comment.clone(),
            domain_controller: info.domain_controller.clone(),
        }),
        computer_enabled: scheme.computer_enabled(),
        user_enabled: scheme.user_enabled(),
        wmi_filter: scheme
            .wmi_filter_name
            .clone()
            .or_else(|| scheme.wmi_filter.clone()),
        machine_extensions: scheme.machine_extensions.clone(),
        user_extensions: scheme.user_extensions.clone(),
        origin: dir.display().to_string(),
        ..Gpo::default()
    };
    if meta.info_from_manifest {
        gpo.notes
            .push("no bkupInfo.xml: backup time and ID taken from manifest.xml".to_string());
    }
    if let Some(id) = &info.id
        && !meta.info_from_manifest
        && !id.eq_ignore_ascii_case(&name_of(dir))
    {
        gpo.notes.push(format!(
            "bkupInfo.xml gives backup ID {id}, but the folder is named {}",
            name_of(dir)
        ));
    }
    if let (Some(a), Some(b)) = (&scheme.gpo_guid, &info.gpo_guid)
        && !a.eq_ignore_ascii_case(b)
    {
        gpo.notes.push(format!(
            "Backup.xml gives GPO {a}, bkupInfo.xml gives {b}; Backup.xml is kept"
        ));
    }
    if let Some(options) = scheme.options
        && options & !3 != 0
    {
        gpo.notes.push(format!(
            "Backup.xml Options {options} has bits gpa does not know (1 = user half disabled, 2 = computer half disabled)"
        ));
    }
    if !skipped.is_empty() {
        let others = skipped
            .iter()
            .map(|m| format!("{} ({})", m.backup_id(), m.time().unwrap_or("no time")))
            .collect::<Vec<_>>()
            .join(", ");
        gpo.notes.push(format!(
            "took backup {} of {} (the newest); skipped {} older backup{} of this GPO: {others}",
            meta.backup_id(),
            meta.time().unwrap_or("no time"),
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" }
        ));
    }

    let files = index_files(dir);
    for location in &scheme.file_locations {
        let wanted = location.to_lowercase();
        if !files.iter().any(|(rel, _)| *rel == wanted) {
            errors.push(InputError::new(
                dir.join(location),
                "listed in Backup.xml (FSObjectFile Location) but missing from the backup",
            ));
        }
    }
    let gpo_files: Vec<(String, PathBuf)> = files
        .iter()
        .filter_map(|(rel, path)| {
            rel.strip_prefix("domainsysvol/gpo/")
                .map(|r| (r.to_string(), path.clone()))
        })
        .collect();
    let raw = read_raw_files(&gpo_files);
    gpo.settings = raw.settings;
    gpo.damage = raw.damage;
    gpo.notes.extend(raw.notes);
    errors.extend(raw.errors);

    match files.iter().find(|(rel, _)| rel == "gpreport.xml") {
        None => gpo.notes.push(
            "no gpreport.xml: settings come from the raw files only, without display names, \
             categories or links"
                .to_string(),
        ),
        Some((_, path)) => {
            let file = path.display().to_string();
            match read_text(path).and_then(|t| {
                gpreport::parse(&t, &file).map(|g| (g, reconcile::extension_errors(&t)))
            }) {
                Err(e) => errors.push(InputError::new(path, e)),
                Ok((reports, extension_errors)) => {
                    let count = reports.len();
                    let pick = match &gpo.guid {
                        Some(guid) => reports
                            .iter()
                            .position(|r| {
                                r.guid
                                    .as_deref()
                                    .is_some_and(|g| g.eq_ignore_ascii_case(guid))
                            })
                            .or(if count == 1 { Some(0) } else { None }),
                        None if count == 1 => Some(0),
                        None => None,
                    };
                    match pick.and_then(|i| reports.into_iter().nth(i)) {
                        Some(report) => reconcile::reconcile(
                            &mut gpo,
                            report,
                            &file,
                            &raw.families,
                            &extension_errors,
                            scheme.options.is_some(),
                        ),
                        None if count == 0 => gpo
                            .notes
                            .push(format!("{file} holds no GPO: not reconciled")),
                        None => gpo.notes.push(format!(
                            "{file} holds {count} GPOs, none of them this one: not reconciled"
                        )),
                    }
                }
            }
        }
    }
    (gpo, errors)
}

fn read_gpo_folder(dir: &Path, label: &str) -> (Gpo, Vec<InputError>) {
    let mut errors = Vec::new();
    let files = index_files(dir);
    let folder_name = name_of(dir);
    let mut gpo = Gpo {
        guid: is_guid(&folder_name).then(|| folder_name.to_ascii_uppercase()),
        computer_enabled: true,
        user_enabled: true,
        origin: dir.display().to_string(),
        ..Gpo::default()
    };
    let mut ini_name = None;
    if let Some((_, path)) = files.iter().find(|(rel, _)| rel == "gpt.ini") {
        match fs_read::read_file(path) {
            Ok(bytes) => {
                let ini = backup::read_gpt_ini(&text::decode_text(&bytes));
                ini_name = ini.display_name;
                gpo.machine_extensions = ini.machine_extensions;
                gpo.user_extensions = ini.user_extensions;
            }
            Err(e) => errors.push(InputError::new(path, e.to_string())),
        }
    }
    gpo.display_name = match ini_name {
        Some(name) => name,
        None => {
            gpo.notes
                .push("no display name in the folder: named after its path".to_string());
            label.to_string()
        }
    };
    gpo.notes.push(
        "SYSVOL-style folder: whether the GPO halves are enabled, its links and WMI filter are \
         kept in Active Directory, not here; both halves are shown as enabled"
            .to_string(),
    );
    let raw = read_raw_files(&files);
    gpo.settings = raw.settings;
    gpo.damage = raw.damage;
    gpo.notes.extend(raw.notes);
    errors.extend(raw.errors);
    (gpo, errors)
}

fn read_text(path: &Path) -> Result<String, String> {
    fs_read::read_file(path).map(|b| text::decode_text(&b))
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` with hex digits.
fn is_guid(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return false;
    };
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_gpo_files_by_lower_case_path() {
        assert_eq!(
            classify("machine/registry.pol"),
            Some((Scope::Device, FileKind::RegistryPol))
        );
        assert_eq!(
            classify("user/registry.pol"),
            Some((Scope::User, FileKind::RegistryPol))
        );
        assert_eq!(
            classify("machine/microsoft/windows nt/secedit/gpttmpl.inf"),
            Some((Scope::Device, FileKind::GptTmpl))
        );
        assert_eq!(
            classify("user/microsoft/windows nt/secedit/gpttmpl.inf"),
            None
        );
        assert_eq!(
            classify("machine/microsoft/windows nt/audit/audit.csv"),
            Some((Scope::Device, FileKind::AuditCsv))
        );
        assert_eq!(
            classify("user/scripts/psscripts.ini"),
            Some((Scope::User, FileKind::PsScripts))
        );
        assert_eq!(
            classify("user/documents & settings/fdeploy1.ini"),
            Some((Scope::User, FileKind::Fdeploy1))
        );
        assert_eq!(
            classify("machine/preferences/registry/registry.xml"),
            Some((Scope::Device, FileKind::Preferences))
        );
        assert_eq!(classify("machine/preferences/registry/other.xml"), None);
        assert_eq!(classify("machine/comment.cmtx"), None);
        assert_eq!(classify("gpt.ini"), None);
        assert_eq!(
            classify("machine/machine.txt"),
            Some((Scope::Device, FileKind::LgpoText))
        );
    }

    #[test]
    fn raw_files_by_family_with_superseded_and_unreadable_files() {
        let dir = std::env::temp_dir().join(format!("gpa-raw-files-{}", std::process::id()));
        let fdeploy = dir.join("User/Documents & Settings");
        fs::create_dir_all(&fdeploy).unwrap();
        fs::create_dir_all(dir.join("Machine")).unwrap();
        fs::write(fdeploy.join("fdeploy.ini"), "").unwrap();
        fs::write(fdeploy.join("fdeploy1.ini"), "").unwrap();
        fs::write(dir.join("Machine/Registry.pol"), b"PReg\x01\0\0\0").unwrap();
        // A folder where a file should be: listed by the walk, unreadable as a file.
        let files: Vec<(String, PathBuf)> = index_files(&dir)
            .into_iter()
            .chain([("user/registry.pol".to_string(), dir.join("User"))])
            .collect();
        let raw = read_raw_files(&files);
        assert_eq!(
            raw.families,
            BTreeMap::from([
                (Family::Registry(Scope::Device), FamilyStatus::Read),
                (Family::Registry(Scope::User), FamilyStatus::Failed),
                (Family::FolderRedirection, FamilyStatus::Read),
            ])
        );
        assert_eq!(raw.errors.len(), 1);
        assert_eq!(raw.errors[0].path, dir.join("User"));
        assert_eq!(raw.notes.len(), 1);
        assert!(
            raw.notes[0]
                .ends_with("fdeploy.ini not read: fdeploy1.ini, which supersedes it, is present")
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("{31B2F340-016D-11D2-945F-00C04FB984F9}"));
        assert!(is_guid("{31b2f340-016d-11d2-945f-00c04fb984f9}"));
        assert!(!is_guid("31B2F340-016D-11D2-945F-00C04FB984F9"));
        assert!(!is_guid("{31B2F340-016D-11D2-945F-00C04FB984F}"));
        assert!(!is_guid("{}"));
    }
}
