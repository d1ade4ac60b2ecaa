//! What an installed gpa offers besides its commands: completions, the manual, the version, and a
//! README whose readiness table says what the reports' legend says.

use std::process::Command;

fn gpa(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gpa"))
        .args(args)
        .output()
        .expect("run gpa")
}

fn stdout(args: &[&str]) -> String {
    let out = gpa(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn completions_name_the_commands() {
    let bash = stdout(&["completions", "bash"]);
    assert!(bash.contains("_gpa()"), "{bash}");
    for command in ["analyze", "convert", "inventory", "validate", "catalog"] {
        assert!(bash.contains(command), "bash completion lacks {command}");
    }
    assert!(bash.contains("--xlsx"));
    assert!(bash.contains("complete -F _gpa"));
    let zsh = stdout(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef gpa"), "{zsh}");
    let out = gpa(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_manual_page_documents_every_command() {
    let page = stdout(&["manpage"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{page}");
    assert!(page.contains(".TH gpa 1"), "{page}");
    for command in ["analyze", "convert", "inventory", "validate", "completions"] {
        assert!(page.contains(&format!("gpa\\-{command}(1)")), "{command}");
    }

    let dir = std::env::temp_dir().join(format!("gpa-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    stdout(&["manpage", "--out", dir.to_str().unwrap()]);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert!(pages.contains(&"gpa.1".to_string()), "{pages:?}");
    assert!(pages.contains(&"gpa-analyze.1".to_string()), "{pages:?}");
    assert!(
        pages.contains(&"gpa-catalog-build.1".to_string()),
        "{pages:?}"
    );
    let analyze = std::fs::read_to_string(dir.join("gpa-analyze.1")).unwrap();
    assert!(analyze.contains("\\-\\-xlsx"), "{analyze}");
    assert!(!pages.iter().any(|p| p.ends_with(".gpa-tmp")), "{pages:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_version_names_the_catalog_snapshot() {
    let version = stdout(&["--version"]);
    assert_eq!(
        version,
        format!(
            "gpa {} (catalog: DDF 2025-02, settings catalog definitions 2026-08-21, templates 2025-12-14)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// The README's readiness table gives, for each readiness, the next step the HTML legend and the
/// workbook give.
#[test]
fn the_readme_readiness_table_agrees_with_the_legend() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("| Readiness | MDM Support | Meaning | Next step |")
        .expect("the readiness table");
    let table: Vec<Vec<&str>> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let rows: Vec<(&str, &str)> = table.iter().map(|r| (r[0], r[r.len() - 1])).collect();
    let legend: Vec<(&str, &str)> = gpa::report::legend::LEGEND
        .iter()
        .map(|e| (e.readiness.text(), e.next_step))
        .collect();
    assert_eq!(rows, legend);
}

#[test]
fn the_licence_is_mit() {
    let licence = include_str!("../LICENSE");
    assert!(licence.starts_with("MIT License"));
    assert!(licence.contains("THE SOFTWARE IS PROVIDED \"AS IS\""));
    assert!(include_str!("../Cargo.toml").contains("license = \"MIT\""));
}
