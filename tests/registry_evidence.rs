//! Registry evidence decides which Administrative Templates policy owns a registry value that
//! several policies claim; a GPO's gpreport.xml only breaks ties the raw files leave equal. So a
//! backup gives the same policies, definitions, values and readiness whether its report is in
//! English, translated, or missing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gpa::catalog::Catalog;
use gpa::input::discover::read_paths;
use gpa::input::text::decode_text;
use gpa::matching::Decision;
use gpa::matching::analyze::{MatchedSetting, Readiness, RowOrigin, analyze};
use gpa::model::Inventory;
use quick_xml::events::{BytesText, Event};
use quick_xml::{Reader, Writer};

fn analysed(paths: &[PathBuf]) -> (Inventory, gpa::matching::analyze::Analysis) {
    let outcome = read_paths(paths);
    assert!(outcome.errors.is_empty(), "{:#?}", outcome.errors);
    let inventory = Inventory { gpos: outcome.gpos };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let analysis = analyze(&inventory, catalog);
    (inventory, analysis)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
}

/// Every file named `gpreport.xml` (any case) under `dir`, sorted.
fn reports_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("gpreport.xml"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A stand-in for a translation: the same English text always becomes the same other text, and
/// nothing of the English is left.
fn translated(text: &str) -> String {
    // FNV-1a: stable across runs and platforms.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("Übersetzt {hash:016x}")
}

/// True when an element holds a human-readable name a localized GPMC writes in its own language:
/// a policy's name, category, explanation and supported-on text, a part's label, a drop-down's
/// shown value, a security option's display name and shown value, an audit subcategory's name.
/// Keys, GUIDs, value names, list data, states (`Enabled`) and the GPO's own name are kept.
fn is_display_text(path: &[String]) -> bool {
    let n = path.len();
    let at = |back: usize| -> &str {
        n.checked_sub(back + 1)
            .and_then(|i| path.get(i))
            .map_or("", String::as_str)
    };
    const PARTS: [&str; 7] = [
        "DropDownList",
        "EditText",
        "CheckBox",
        "Numeric",
        "ListBox",
        "MultiText",
        "Text",
    ];
    match at(0) {
        "Name" | "Category" | "Explain" | "Supported" if at(1) == "Policy" => true,
        "Name" if PARTS.contains(&at(1)) && at(2) == "Policy" => true,
        "Name" if at(1) == "Value" && at(2) == "DropDownList" => true,
        "Name" if at(1) == "Display" => true,
        "DisplayString" | "SubcategoryName" => true,
        _ => false,
    }
}

/// The report with every human-readable name replaced by [`translated`] text, as UTF-16LE with a
/// byte order mark (what GPMC writes).
fn translate_report(bytes: &[u8]) -> Vec<u8> {
    let text = decode_text(bytes);
    let mut reader = Reader::from_str(&text);
    let mut writer = Writer::new(Vec::new());
    let mut path: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().expect("the corpus report parses");
        match &event {
            Event::Start(start) => {
                let local = start.local_name().into_inner().to_string();
                path.push(local);
                writer.write_event(event.borrow()).expect("write");
                if is_display_text(&path) {
                    // Read the original text through the end tag, and write the stand-in.
                    let original = reader
                        .read_text(start.name())
                        .expect("display text element");
                    writer
                        .write_event(Event::Text(BytesText::new(&translated(&original))))
                        .expect("write");
                    path.pop();
                    writer
                        .write_event(Event::End(start.to_end()))
                        .expect("write");
                }
                continue;
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        writer.write_event(event.borrow()).expect("write");
    }
    let out = String::from_utf8(writer.into_inner()).expect("UTF-8");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(out.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// What must not depend on the report, per row: definition, value (as compared across GPOs, and
/// for a policy row also as shown: it comes from the template, not the report) and readiness.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Outcome {
    definition_id: Option<String>,
    value_key: String,
    policy_value: Option<String>,
    readiness: Readiness,
}

/// True when the row stands on a raw file; rows the report alone gives (settings kept from the
/// report, extensions it names) are allowed to change with it.
fn has_raw_evidence(row: &MatchedSetting) -> bool {
    let file = row.source.file.to_ascii_lowercase();
    !file.is_empty() && !file.ends_with("gpreport.xml")
}

/// One analysis: per GPO (by its folder below `root`), the rows with raw evidence by identity,
/// and the rows left out of the comparison.
struct Variant {
    rows: BTreeMap<(String, String), Vec<Outcome>>,
    /// Rows that stand on the report alone (settings kept from it, extensions it names).
    report_only: usize,
    /// Raw AppLocker values whose rule the report names: the report's row replaces them.
    restated: usize,
    /// Policy rows whose value several policies claim with equal registry evidence: the report
    /// names the owner, else the first in catalog order takes it. As `folder | identity`.
    ties: Vec<String>,
}

fn variant(root: &Path) -> Variant {
    let (inventory, analysis) = analysed(&[root.to_path_buf()]);
    let mut rows: BTreeMap<(String, String), Vec<Outcome>> = BTreeMap::new();
    let mut report_only = 0;
    let mut restated = 0;
    let mut ties = Vec::new();
    for gpo in &analysis.gpos {
        let origin = &inventory.gpos[gpo.gpo].origin;
        let folder = Path::new(origin)
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| origin.clone());
        for row in &gpo.rows {
            if !has_raw_evidence(row) {
                report_only += 1;
                continue;
            }
            if row.setting_type == "appLockerRuleCollection" {
                restated += 1;
                continue;
            }
            if let RowOrigin::AdmxPolicy(i) = row.origin
                && gpo.admx.policies[i]
                    .ambiguities
                    .iter()
                    .any(|a| matches!(a.decided_by, Decision::Report | Decision::CatalogOrder))
            {
                ties.push(format!("{folder} | {}", row.identity));
                continue;
            }
            rows.entry((folder.clone(), row.identity.to_string()))
                .or_default()
                .push(Outcome {
                    definition_id: row.definition_id.clone(),
                    value_key: row.value_key.clone(),
                    policy_value: matches!(row.origin, RowOrigin::AdmxPolicy(_))
                        .then(|| row.value.clone()),
                    readiness: row.readiness,
                });
        }
    }
    for outcomes in rows.values_mut() {
        outcomes.sort();
    }
    ties.sort();
    Variant {
        rows,
        report_only,
        restated,
        ties,
    }
}

/// The rows of `b` that differ from `a`, as lines naming the GPO folder and identity.
fn differences(a: &Variant, b: &Variant) -> Vec<String> {
    let mut keys: Vec<&(String, String)> = a.rows.keys().chain(b.rows.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (x, y) = (a.rows.get(key), b.rows.get(key));
            (x != y).then(|| format!("{} | {}: {x:?} -> {y:?}", key.0, key.1))
        })
        .collect()
}

#[test]
fn corpus_backups_match_alike_with_english_translated_or_no_report() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let english = corpus.join("gpo-backups");
    let temp = tempfile::tempdir().expect("temp dir");
    let translated_root = temp.path().join("translated");
    let no_report_root = temp.path().join("no-report");
    copy_dir(&english, &translated_root);
    copy_dir(&english, &no_report_root);
    let reports = reports_under(&translated_root);
    assert!(reports.len() >= 130, "{} reports", reports.len());
    for report in &reports {
        let bytes = std::fs::read(report).expect("read report");
        std::fs::write(report, translate_report(&bytes)).expect("write report");
    }
    for report in reports_under(&no_report_root) {
        std::fs::remove_file(&report).expect("remove report");
    }

    let a = variant(&english);
    let b = variant(&translated_root);
    let c = variant(&no_report_root);
    let translated_diff = differences(&a, &b);
    let missing_diff = differences(&a, &c);
    for (name, v) in [("english", &a), ("translated", &b), ("no report", &c)] {
        eprintln!(
            "{name}: {} rows compared; not compared: {} from the report alone, {} raw AppLocker \
             values the report restates, {} ties on equal registry evidence",
            v.rows.values().map(Vec::len).sum::<usize>(),
            v.report_only,
            v.restated,
            v.ties.len()
        );
    }
    eprintln!(
        "{} reports; differing identities: translated {}, no report {}",
        reports.len(),
        translated_diff.len(),
        missing_diff.len(),
    );
    for tie in &a.ties {
        eprintln!("tie, owner named by the English report: {tie}");
    }
    for tie in &c.ties {
        eprintln!("tie, owner first in catalog order: {tie}");
    }
    for line in translated_diff.iter().take(400) {
        eprintln!("translated: {line}");
    }
    for line in missing_diff.iter().take(400) {
        eprintln!("no report: {line}");
    }
    // A translated report names nothing the catalog knows, so it breaks ties as no report does.
    assert_eq!(b.ties, c.ties);
    assert!(
        translated_diff.is_empty() && missing_diff.is_empty(),
        "{} rows differ with a translated report, {} without a report",
        translated_diff.len(),
        missing_diff.len()
    );
}

/// A registry.pol (PReg version 1) holding these DWORD values, as Windows writes it: each entry
/// `[key;value;type;size;data]` with UTF-16LE strings ending in NUL.
fn registry_pol(values: &[(&str, &str, u32)]) -> Vec<u8> {
    let utf16 = |s: &str| -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    };
    let delimiter = |c: char| (c as u16).to_le_bytes();
    let mut out = b"PReg".to_vec();
    out.extend(1u32.to_le_bytes());
    for (key, value, data) in values {
        out.extend(delimiter('['));
        out.extend(utf16(key));
        out.extend(delimiter(';'));
        out.extend(utf16(value));
        out.extend(delimiter(';'));
        out.extend(4u32.to_le_bytes()); // REG_DWORD
        out.extend(delimiter(';'));
        out.extend(4u32.to_le_bytes());
        out.extend(delimiter(';'));
        out.extend(data.to_le_bytes());
        out.extend(delimiter(']'));
    }
    out
}

/// A row's identity with what it decides: definition, value and readiness.
fn decided(row: &MatchedSetting) -> (String, Option<String>, String, Readiness) {
    (
        row.identity.to_string(),
        row.definition_id.clone(),
        row.value.clone(),
        row.readiness,
    )
}

fn row<'a>(rows: &'a [MatchedSetting], identity: &str) -> &'a MatchedSetting {
    rows.iter()
        .find(|r| r.identity.to_string() == identity)
        .unwrap_or_else(|| panic!("no row {identity}"))
}

/// The GPO of the issue: only the two "print over HTTP" values, and no report to name them. Both
/// are also items of *Restrict Internet communication*'s enabled list, which would write 25 more
/// values (DisableWindowsUpdateAccess among them) if converted; it is not set here.
#[test]
fn print_over_http_values_are_their_own_policies_not_restrict_internet_communication() {
    let temp = tempfile::tempdir().expect("temp dir");
    let machine = temp.path().join("PrintOverHttp/Machine");
    std::fs::create_dir_all(&machine).expect("create Machine");
    const PRINTERS: &str = "Software\\Policies\\Microsoft\\Windows NT\\Printers";
    std::fs::write(
        machine.join("registry.pol"),
        registry_pol(&[
            (PRINTERS, "DisableWebPnPDownload", 1),
            (PRINTERS, "DisableHTTPPrinting", 1),
        ]),
    )
    .expect("write registry.pol");
    let (_, analysis) = analysed(&[temp.path().join("PrintOverHttp")]);
    let gpo = &analysis.gpos[0];
    let rows: Vec<_> = gpo.rows.iter().map(decided).collect();
    assert_eq!(
        rows,
        vec![
            (
                "Device|admx|icm:disablewebpnpdownload_2".to_string(),
                Some(
                    "device_vendor_msft_policy_config_connectivity_disabledownloadingofprintdriversoverhttp"
                        .to_string()
                ),
                "Enabled".to_string(),
                Readiness::Ready
            ),
            (
                "Device|admx|icm:disablehttpprinting_2".to_string(),
                Some(
                    "device_vendor_msft_policy_config_connectivity_diableprintingoverhttp"
                        .to_string()
                ),
                "Enabled".to_string(),
                Readiness::Ready
            ),
        ]
    );
    assert_eq!(
        row(&gpo.rows, "Device|admx|icm:disablehttpprinting_2").name,
        "Turn off printing over HTTP"
    );
    // Each value was claimed by Restrict Internet communication too; its own value is absent.
    for policy in &gpo.admx.policies {
        let [ambiguity] = policy.ambiguities.as_slice() else {
            panic!("{}: {:?}", policy.name, policy.ambiguities);
        };
        assert_eq!(ambiguity.decided_by, Decision::OthersAbsent);
        assert!(
            ambiguity
                .candidates
                .iter()
                .any(|c| c == "ICM:InternetManagement_RestrictCommunication_2"),
            "{:?}",
            ambiguity.candidates
        );
    }
}

/// The DoD Internet Explorer 11 baseline sets about a hundred individual zone policies, whose
/// values the zone templates (`Template Policies`) also list; it sets no template. Each value
/// goes to its own zone policy, with or without the GPO's report.
#[test]
fn dod_ie11_zone_policies_with_and_without_report() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let backup = corpus.join(
        "gpo-backups/simeononsecurity-wohd-2025/DoD/IE11/DoD - Internet Explorer 11 - Computer/{E2D06306-79E7-430C-969D-5A07D212D0EB}",
    );
    let temp = tempfile::tempdir().expect("temp dir");
    let copy = temp.path().join("IE11");
    copy_dir(&backup, &copy);
    std::fs::remove_file(copy.join("gpreport.xml")).expect("remove gpreport.xml");

    let (_, with_report) = analysed(&[backup]);
    let (_, without_report) = analysed(&[copy]);
    for analysis in [&with_report, &without_report] {
        let rows = &analysis.gpos[0].rows;
        let java_intranet = row(rows, "Device|admx|inetres:iz_policyjavapermissions_3");
        assert_eq!(java_intranet.name, "Java permissions");
        assert_eq!(
            java_intranet.value,
            "Enabled; IZ_Partname1C00: 65536 (High safety)"
        );
        assert_eq!(
            java_intranet.definition_id.as_deref(),
            Some("device_vendor_msft_policy_config_internetexplorer_intranetzonejavapermissions")
        );
        let java_locked_restricted = row(rows, "Device|admx|inetres:iz_policyjavapermissions_8");
        assert_eq!(
            java_locked_restricted.value,
            "Enabled; IZ_Partname1C00: 0 (Disable Java)"
        );
        assert_eq!(
            java_locked_restricted.definition_id.as_deref(),
            Some(
                "device_vendor_msft_policy_config_internetexplorer_lockeddownrestrictedsiteszonejavapermissions"
            )
        );
        let activex_trusted = row(
            rows,
            "Device|admx|inetres:iz_policyscriptactivexnotmarkedsafe_5",
        );
        assert_eq!(
            activex_trusted.name,
            "Initialize and script ActiveX controls not marked as safe"
        );
        assert_eq!(
            activex_trusted.value,
            "Enabled; IZ_Partname1201: 3 (Disable)"
        );
        // IE zone settings still govern Edge's IE mode; the settings catalog keeps them.
        assert_eq!(activex_trusted.readiness, Readiness::Ready);
        let templates: Vec<String> = rows
            .iter()
            .map(|r| r.identity.to_string())
            .filter(|i| i.contains("template"))
            .collect();
        assert!(templates.is_empty(), "{templates:?}");
    }
    let with: Vec<_> = with_report.gpos[0].rows.iter().map(decided).collect();
    let without: Vec<_> = without_report.gpos[0].rows.iter().map(decided).collect();
    assert_eq!(with.len(), 118);
    assert_eq!(with, without);
}
