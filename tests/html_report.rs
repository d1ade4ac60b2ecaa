//! The HTML report: text from GPOs never becomes markup, nothing is fetched, and in a real
//! browser (headless Chromium, when installed) the page lists every setting and applies the
//! filters a link carries.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gpa::catalog::Catalog;
use gpa::matching::analyze::{Analysis, OverlapKind, analyze};
use gpa::model::{
    Gpo, Hive, Inventory, RegistryData, RegistryInstruction, RegistryOp, Scope, Setting, SettingId,
    SettingKind, SettingValue, Source,
};
use gpa::run_info::{RunInfo, TimeSource};

const EVIL_NAME: &str = "Evil <script>alert(1)</script> \"&' GPO";
/// Would mark the page if it ran: as an image's error handler, as a script, after closing ours.
const EVIL_VALUE: &str = "<img src=x onerror=\"document.documentElement.dataset.injected='img'\"><script>document.documentElement.dataset.injected='script'</script></script><!-- \u{2028}";

/// Would run in a spreadsheet if written as it is; has a quote, a comma and markup besides.
const FORMULA_VALUE: &str = "=HYPERLINK(\"http://example.test\",\"<i>other</i>\")";

fn evil_gpo(guid: &str, name: &str, value: &str) -> Gpo {
    let setting = Setting::new(
        Scope::Device,
        SettingKind::RegistryValue,
        SettingId::Registry {
            hive: Hive::Hklm,
            key: "Software\\Policies\\Contoso\\<b>Evil</b>".to_string(),
            // A spreadsheet would run it: the CSV and the page's export neutralise it.
            value_name: "=Payload".to_string(),
        },
        SettingValue::Registry(RegistryInstruction {
            op: RegistryOp::Set,
            data: RegistryData::String(value.to_string()),
        }),
        Source {
            file: format!("synthetic/{guid}/DomainSysvol/GPO/Machine/registry.pol"),
            entry: Some(0),
            line: None,
        },
    );
    Gpo {
        guid: Some(guid.to_string()),
        display_name: name.to_string(),
        computer_enabled: true,
        user_enabled: true,
        settings: vec![setting],
        origin: format!("synthetic/{guid}"),
        ..Gpo::default()
    }
}

/// Two GPOs setting the same value differently, with markup in their names and values.
fn evil_estate() -> (Inventory, Analysis) {
    let inventory = Inventory {
        gpos: vec![
            evil_gpo(
                "{11111111-1111-4111-8111-111111111111}",
                EVIL_NAME,
                EVIL_VALUE,
            ),
            evil_gpo(
                "{22222222-2222-4222-8222-222222222222}",
                "Plain GPO",
                FORMULA_VALUE,
            ),
        ],
    };
    let analysis = analyze(&inventory, Catalog::embedded().expect("embedded catalog"));
    (inventory, analysis)
}

/// The run of a test: a fixed time, so pages compare byte for byte.
fn run_info() -> RunInfo {
    RunInfo::at(
        1_700_000_000,
        TimeSource::SourceDateEpoch,
        &[PathBuf::from("synthetic")],
        Catalog::embedded().expect("embedded catalog"),
        None,
    )
}

fn html_of(inventory: &Inventory, analysis: &Analysis) -> String {
    String::from_utf8(
        gpa::report::html::write(inventory, analysis, &run_info()).expect("HTML report"),
    )
    .expect("UTF-8")
}

/// The JSON block the page's script reads, as it stands in the page.
fn data_block(html: &str) -> &str {
    let start = html
        .find("<script type=\"application/json\" id=\"data\">")
        .expect("data block")
        + "<script type=\"application/json\" id=\"data\">".len();
    let end = start + html[start..].find("</script>").expect("end of data block");
    &html[start..end]
}

#[test]
fn gpo_text_is_escaped_and_nothing_is_fetched() {
    let (inventory, analysis) = evil_estate();
    assert_eq!(analysis.overlaps.len(), 1);
    assert_eq!(analysis.overlaps[0].kind, OverlapKind::Conflict);
    let html = html_of(&inventory, &analysis);

    let lower = html.to_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        2,
        "the data block and the page script only"
    );
    assert_eq!(lower.matches("</script").count(), 2);
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<b>Evil"));
    assert!(!html.contains("<!--"));
    // The summary and the overlaps are HTML: the name is there as text.
    let escaped_name = "Evil &lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;&#39; GPO";
    assert!(
        html.matches(escaped_name).count() >= 2,
        "GPO summary and overlaps"
    );
    assert!(html.contains(
        "&lt;img src=x onerror=&quot;document.documentElement.dataset.injected=&#39;img&#39;&quot;&gt;"
    ));

    let loads = regex::Regex::new(r#"(?i)(src|href|action)\s*=\s*["']?\s*(https?:)?//"#).unwrap();
    assert!(loads.find(&html).is_none(), "{:?}", loads.find(&html));
    let style = &lower[lower.find("<style>").unwrap()..lower.find("</style>").unwrap()];
    assert!(!style.contains("@import") && !style.contains("url("));
    assert!(html.contains("content=\"default-src 'none';"));

    // The script gets the texts back exactly.
    let block = data_block(&html);
    assert!(!block.contains(['<', '>', '&', '\u{2028}']), "{block}");
    let data: serde_json::Value = serde_json::from_str(block).expect("data block is JSON");
    let strings: Vec<&str> = data["strings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(strings.contains(&EVIL_NAME));
    assert!(
        strings.iter().any(|s| s.contains(EVIL_VALUE)),
        "{strings:?}"
    );
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // Each row holds the CSV's columns after the GPO, the two ranks and the file shown.
    assert_eq!(data["columns"][2], "Setting Name");
    assert_eq!(rows[0].as_array().unwrap().len(), 4 + 23);
    assert_eq!(
        strings[rows[0][4 + 2].as_u64().unwrap() as usize],
        analysis.gpos[0].rows[0].name
    );

    assert_eq!(
        gpa::report::html::write(&inventory, &analysis, &run_info()).unwrap(),
        html.into_bytes(),
        "same bytes every run"
    );
}

// ---- In a browser ----

/// One Chromium at a time: each is heavy, and the machine is shared.
static BROWSER: Mutex<()> = Mutex::new(());

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("SKIP: /usr/bin/chromium not found (apt-get install chromium)");
        None
    }
}

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gpa-html-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The page's DOM after its script ran, opened at `fragment` (`#q=…`), without network.
fn dump_dom(chromium: &Path, page: &Path, fragment: &str) -> String {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let profile = page.with_extension("profile");
    let dom_file = page.with_extension("dom.html");
    let url = format!("file://{}{fragment}", page.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .stdout(std::fs::File::create(&dom_file).expect("DOM file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // A hung browser must not hang the test run.
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().expect("wait for chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish with {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(&profile);
    let dom = std::fs::read_to_string(&dom_file).expect("UTF-8 DOM");
    assert!(dom.contains("</html>"), "no DOM from chromium for {url}");
    dom
}

/// The page with a script after its own that clicks "Export shown rows (CSV)" and keeps, instead
/// of downloading, the bytes of the Blob the page made (as hex in `data-exported` on `<html>`)
/// and the file name it offered.
fn with_export_probe(page: &str) -> String {
    let probe = r#"<script>
(() => {
  const Original = window.Blob;
  window.Blob = function (parts, options) {
    const bytes = new TextEncoder().encode(parts.join(''));
    document.documentElement.dataset.exported = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return new Original(parts, options);
  };
  HTMLAnchorElement.prototype.click = function () { document.documentElement.dataset.downloadName = this.download; };
  document.getElementById('export').click();
})();
</script>
</body>"#;
    let at = page.rfind("</body>").expect("end of body");
    format!("{}{probe}{}", &page[..at], &page[at + "</body>".len()..])
}

/// The bytes the page exported, from the DOM the probe left.
fn exported(dom: &str) -> Vec<u8> {
    let start = dom.find("data-exported=\"").expect("an export") + "data-exported=\"".len();
    let hex = &dom[start..start + dom[start..].find('"').unwrap()];
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The rows of the settings table, each as its markup.
fn table_rows(dom: &str) -> Vec<&str> {
    let start = dom.find("id=\"rows\"").expect("settings rows");
    let end = start
        + dom[start..]
            .find("id=\"overlaps\"")
            .expect("overlaps section");
    dom[start..end]
        .split("<div class=\"row\" role=\"row\">")
        .skip(1)
        .collect()
}

/// The GPO cell of a table row.
fn gpo_cell(row: &str) -> &str {
    let cell = row.strip_prefix("<div role=\"cell\">").expect("first cell");
    &cell[..cell.find("</div>").expect("end of cell")]
}

fn shown(dom: &str) -> String {
    let start = dom.find("<span id=\"shown\">").expect("shown count") + "<span id=\"shown\">".len();
    dom[start..start + dom[start..].find('<').unwrap()].to_string()
}

/// Text as Chromium serialises a text node.
fn as_text_node(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

#[test]
fn injected_markup_shows_as_text_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let (inventory, analysis) = evil_estate();
    let dir = scratch("evil");
    let page = dir.join("evil.html");
    std::fs::write(&page, html_of(&inventory, &analysis)).unwrap();

    let dom = dump_dom(&chromium, &page, "");
    assert!(
        !dom.contains("data-injected"),
        "an injected script or handler ran"
    );
    assert!(dom.contains("<title>Group Policy analysis</title>"));
    assert_eq!(shown(&dom), "2 of 2 settings shown");
    let rows = table_rows(&dom);
    assert_eq!(rows.len(), 2);
    assert_eq!(gpo_cell(rows[0]), as_text_node(EVIL_NAME));
    assert!(rows[0].contains("&lt;img src=x onerror="), "{}", rows[0]);
    assert!(!dom.contains("<img src=\"x\""));

    let dom = dump_dom(&chromium, &page, "#gpo=1");
    assert_eq!(shown(&dom), "1 of 2 settings shown");
    assert_eq!(gpo_cell(table_rows(&dom)[0]), "Plain GPO");

    // A click on a row shows every column of it, the CSV's, below it.
    let clicked = dir.join("evil-click.html");
    let page_text = html_of(&inventory, &analysis);
    let at = page_text.rfind("</body>").unwrap();
    std::fs::write(
        &clicked,
        format!(
            "{}<script>document.querySelector('#rows .row').click();</script>{}",
            &page_text[..at],
            &page_text[at..]
        ),
    )
    .unwrap();
    let dom = dump_dom(&chromium, &clicked, "");
    assert!(!dom.contains("data-injected"));
    let detail = &dom[dom.find("<div class=\"detail\">").expect("a detail view")..];
    let detail = &detail[..detail.find("</dl>").unwrap()];
    assert!(detail.contains("<dt>GPO GUID</dt><dd>{11111111-1111-4111-8111-111111111111}</dd>"));
    assert!(detail.contains("<dt>Source Value Name</dt><dd>=Payload</dd>"));
    assert!(detail.contains("<dt>Across GPOs</dt><dd>Conflict: "));
    assert!(detail.contains("<dt>Reason</dt><dd>no Administrative Template"));
    assert_eq!(dom.matches("<div class=\"detail\">").count(), 1);

    // Exported with no filter, the rows are the CSV report's bytes: same columns, quoting,
    // byte order mark, line ends, and the formula neutralised.
    let probed = dir.join("evil-export.html");
    std::fs::write(&probed, with_export_probe(&html_of(&inventory, &analysis))).unwrap();
    let dom = dump_dom(&chromium, &probed, "");
    assert!(!dom.contains("data-injected"));
    assert!(dom.contains("data-download-name=\"gpa-settings.csv\""));
    let csv = gpa::report::csv::write(&inventory, &analysis).unwrap();
    let export = exported(&dom);
    assert_eq!(
        String::from_utf8_lossy(&export),
        String::from_utf8_lossy(&csv)
    );
    let export = String::from_utf8(export).unwrap();
    assert_eq!(export.matches(",'=Payload,").count(), 2, "{export}");
    assert!(
        export
            .contains(",\"REG_SZ =HYPERLINK(\"\"http://example.test\"\",\"\"<i>other</i>\"\")\","),
        "{export}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sct_1909_page_lists_every_setting_and_applies_link_filters() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let Some(chromium) = chromium() else { return };
    let dir = scratch("sct");
    let (page, csv) = (dir.join("report.html"), dir.join("report.csv"));
    let out = Command::new(env!("CARGO_BIN_EXE_gpa"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("analyze")
        .arg(corpus.join("gpo-backups/msft-sct-windows10-1909"))
        .arg("--html")
        .arg(&page)
        .arg("--csv")
        .arg(&csv)
        .output()
        .expect("run gpa");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap()
    };
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let total = records.len();
    assert_eq!(total, 607);

    let dom = dump_dom(&chromium, &page, "");
    assert_eq!(shown(&dom), format!("{total} of {total} settings shown"));
    // The legend: every readiness with its meaning and next step, linking to its rows.
    let legend = &dom[dom.find("<section id=\"legend\">").expect("legend")..];
    let legend = &legend[..legend.find("</section>").unwrap()];
    for (rank, e) in gpa::report::legend::LEGEND.iter().enumerate() {
        let name = e.readiness.text();
        assert!(
            legend.contains(&format!(
                "<a class=\"pill r{rank}\" href=\"#readiness={}\">{name}</a>",
                name.replace(' ', "%20")
            )),
            "{name}"
        );
        assert!(legend.contains(&as_text_node(e.next_step)), "{name}");
        assert!(legend.contains(&as_text_node(e.meaning)), "{name}");
    }
    // The run, as SOURCE_DATE_EPOCH fixed it, and the catalog snapshot.
    let run = &dom[dom.find("<section id=\"run\">").expect("run metadata")..];
    assert!(run.contains("<dt>Run time</dt><dd>2023-11-14T22:13:20Z</dd>"));
    assert!(run.contains(&format!(
        "<dt>Generated by</dt><dd>gpa {}</dd>",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(run.contains(
        "<dt>Catalog</dt><dd>DDF 2025-02, settings catalog definitions 2026-08-21, templates 2025-12-14</dd>"
    ));
    let mut in_table: Vec<String> = table_rows(&dom)
        .iter()
        .map(|r| gpo_cell(r).to_string())
        .collect();
    let mut in_csv: Vec<String> = records
        .iter()
        .map(|r| as_text_node(&r[column("GPO Name")]))
        .collect();
    in_table.sort();
    in_csv.sort();
    assert_eq!(in_table, in_csv, "one row per setting, under its GPO");
    assert!(in_table.contains(&"MSFT Windows 10 1909 - Computer".to_string()));

    // A search of two words: each in some column the table shows, in any case.
    let searched = [
        "GPO Name",
        "Setting Name",
        "Category",
        "Scope",
        "Value",
        "Migration Readiness",
        "CSP Name",
        "CSP Mapping",
        "Min OS Version",
        "Settings Catalog ID",
        "Confidence",
        "Match Route",
        "Reason",
        "Source Key",
        "Source Value Name",
    ]
    .map(column);
    let wanted = records
        .iter()
        .filter(|r| {
            let text = searched.map(|c| r[c].to_lowercase()).join("\n");
            text.contains("windowsremotemanagement") && text.contains("allowbasic")
        })
        .count();
    assert_eq!(wanted, 6);
    let dom = dump_dom(&chromium, &page, "#q=WindowsRemoteManagement%20allowbasic");
    assert_eq!(shown(&dom), format!("{wanted} of {total} settings shown"));
    let rows = table_rows(&dom);
    assert_eq!(rows.len(), wanted);
    assert!(
        rows.iter()
            .all(|r| r.contains("ADMX WindowsRemoteManagement:AllowBasic_"))
    );

    let review = records
        .iter()
        .filter(|r| &r[column("Migration Readiness")] == "Needs review")
        .count();
    assert_eq!(review, 24);
    let dom = dump_dom(&chromium, &page, "#readiness=Needs%20review");
    assert_eq!(shown(&dom), format!("{review} of {total} settings shown"));
    let rows = table_rows(&dom);
    assert_eq!(rows.len(), review);
    assert!(
        rows.iter()
            .all(|r| r.contains("<span class=\"pill r2\">Needs review</span>"))
    );

    // The export of that view: the CSV report's header and exactly its Needs review rows, in
    // order, byte for byte.
    let probed = dir.join("report-export.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&probed, with_export_probe(&text)).unwrap();
    let dom = dump_dom(&chromium, &probed, "#readiness=Needs%20review");
    let mut expected = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut expected);
        writer.write_record(gpa::report::csv::COLUMNS).unwrap();
        for r in records
            .iter()
            .filter(|r| &r[column("Migration Readiness")] == "Needs review")
        {
            writer.write_record(r).unwrap();
        }
    }
    let export = exported(&dom);
    assert_eq!(
        String::from_utf8_lossy(&export),
        String::from_utf8_lossy(&expected)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
