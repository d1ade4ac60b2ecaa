//! The `gpa` command line: a thin layer over the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use gpa::catalog::admx::discover_template_folders;
use gpa::catalog::stats::CatalogStats;
use gpa::catalog::{Catalog, CatalogSources, build_catalog, lookup};
use gpa::emit::convert::{self, Merge};
use gpa::emit::validate;
use gpa::input::discover;
use gpa::input::select::GpoSelection;
use gpa::inventory;
use gpa::matching::analyze::analyze_with_progress;
use gpa::model::Inventory;
use gpa::report;
use gpa::run_info::RunInfo;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Offline Group Policy analytics: reads GPO backups, SYSVOL folders and GPMC reports.
#[derive(Parser)]
#[command(name = "gpa", version, about)]
struct Cli {
    /// Use the catalog built in this folder (by `gpa catalog build --out DIR`) instead of the
    /// embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// The largest input file read, in MiB (default 256); a larger file is reported and skipped
    /// and the run goes on.
    #[arg(long, global = true, value_name = "MIB")]
    max_file_size: Option<u64>,
    /// No progress bars and no summary table; errors and warnings are still printed.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the GPOs found under the paths, with every setting read.
    ///
    /// Exit status: 0 when everything was read, 1 when some input could not be read but GPOs were
    /// listed, 2 on a usage error or when no GPO could be read.
    Inventory {
        #[command(flatten)]
        input: GpoInput,
        /// Print `{"gpos": [...]}` as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Match every setting of the GPOs under the paths to MDM, and report coverage.
    ///
    /// Always prints a summary per GPO; writes the full reports where asked. Exit status: 0 when
    /// everything was read and written, 1 when some input could not be read but GPOs were
    /// analysed, 2 on a usage error, when no GPO could be read or a report could not be written,
    /// 3 when the reports were written but a gate (--fail-under, --fail-on) failed (each failed
    /// gate is one `gpa: gate failed: …` line on stderr; 3 wins over 1, 2 over both).
    Analyze {
        #[command(flatten)]
        input: GpoInput,
        /// Also read the ADMX templates in this folder (an organisation's PolicyDefinitions
        /// central store, or any folder of .admx files with their language folders) and join
        /// them onto the catalog at run time, so their policies are recognised. Where a
        /// template defines a policy the catalog already has, the catalog's is kept. Repeatable.
        #[arg(long, value_name = "DIR")]
        admx: Vec<PathBuf>,
        /// Gate: exit with status 3 when MDM support over all GPOs (settings with MDM Support
        /// "Yes" among those gpa can identify) is under PCT percent.
        #[arg(long, value_name = "PCT")]
        fail_under: Option<f64>,
        /// Gate (repeatable): exit with status 3 when the run has conflicts (a setting two GPOs
        /// set differently), Unknown settings, or damaged files (read only in part).
        #[arg(long, value_enum, value_name = "KIND")]
        fail_on: Vec<gpa::gate::FailOn>,
        /// Write one row per setting per GPO as CSV (UTF-8 with BOM, for Excel).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Write the report as JSON (Graph's Group Policy analytics names).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write one self-contained HTML page: figures, a summary per GPO, the settings table to
        /// sort, filter and search, and the settings several GPOs set.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Write an Excel workbook: Summary, Settings (the CSV's columns), Conflicts and
        /// duplicates, Does not migrate.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Write Intune settings catalog policies (JSON for import) for the settings `analyze` marks
    /// Ready, and conversion-summary.json beside them.
    ///
    /// Exit status: 0 when everything was read and written, 1 when some input could not be read
    /// but policies were written, 2 on a usage error, when no GPO could be read or a file could
    /// not be written.
    Convert {
        #[command(flatten)]
        input: GpoInput,
        /// Also read the ADMX templates in this folder (an organisation's PolicyDefinitions
        /// central store, or any folder of .admx files with their language folders) and join
        /// them onto the catalog at run time, so their policies are recognised. Where a
        /// template defines a policy the catalog already has, the catalog's is kept. Repeatable.
        #[arg(long, value_name = "DIR")]
        admx: Vec<PathBuf>,
        /// The folder for the policy files and conversion-summary.json (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// `none`: one policy per GPO; `scope`: one policy for every GPO's device settings and one
        /// for their user settings; `all`: one policy. A setting that merged GPOs set differently
        /// is left out as a conflict.
        #[arg(long, value_enum, default_value = "none")]
        merge: MergeArg,
        /// Write into a folder that holds files gpa did not write, and remove its `*.json` files
        /// that this run does not write (so an import loop over the folder uploads only these
        /// policies). Without it, such a folder is refused.
        #[arg(long)]
        replace: bool,
    },
    /// Compare two `gpa analyze --json` reports: GPOs added or removed, settings added, removed
    /// or changed in value, migration readiness or target.
    ///
    /// GPOs pair by GUID (else display name), settings by their identity in the report. Exit
    /// status: 0 when nothing changed, 1 when something did (as diff(1)), 2 on a usage error or
    /// when a report cannot be read.
    Diff {
        /// The earlier report.
        old: PathBuf,
        /// The later report.
        new: PathBuf,
        /// Print the changes as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare the GPOs with Intune settings catalog policies the estate already has: setting by
    /// setting, what the GPOs enforce that the policies do not, and where they disagree.
    ///
    /// Each setting gpa can translate (Ready) is compared, by meaning, with every Intune instance
    /// of its settings catalog definition: same, different, or not in Intune; the others are not
    /// comparable, with the reason. Settings only Intune sets are listed apart. Always prints a
    /// summary per GPO; writes the full reports where asked. Exit status: 0 when everything was
    /// read and written, 1 when some GPO input or some --intune file could not be read (or is not
    /// a settings catalog policy) but the comparison was made, 2 on a usage error, when no GPO or
    /// no Intune policy could be read, or a report could not be written.
    Compare {
        #[command(flatten)]
        input: GpoInput,
        /// Intune settings catalog policy JSON (Graph configurationPolicies bodies or exports,
        /// IntuneManagement exports), or folders whose `*.json` files (at any depth) are read
        /// (repeatable).
        #[arg(long, required = true, value_name = "PATH")]
        intune: Vec<PathBuf>,
        /// Write one row per setting per GPO, then the Intune-only settings, as CSV (UTF-8 with
        /// BOM, for Excel).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Write the comparison as JSON.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write one self-contained HTML page, filterable by comparison.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Build, summarize or query the MDM catalog (ADMX + Policy CSP DDF + settings catalog).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions { shell: clap_complete::Shell },
    /// Print gpa's manual page (roff) on stdout, or with --out write one page per command.
    Manpage {
        /// The folder for gpa.1, gpa-analyze.1, … (created when missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check Intune settings catalog policy JSON (a Graph configurationPolicies body or export)
    /// against the catalog's setting definitions.
    ///
    /// Exit status: 0 when every file is valid, 1 when some file is not (an error, a definition
    /// not in the catalog, or not a settings catalog policy), 2 on a usage error or when some
    /// file could not be read.
    Validate {
        /// Policy JSON files, or folders whose `*.json` files (at any depth) are all checked.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print `{"files": [...], "summary": {...}}` as JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
}

/// The GPO exports to read, and which of their GPOs to keep.
#[derive(clap::Args)]
struct GpoInput {
    /// Backup-GPO folders (or their roots), SYSVOL-style GPO folders, XML reports, Policy
    /// Analyzer .PolicyRules files, LGPO text files, or `.zip` archives of any of these.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Keep only the GPOs whose display name matches this glob (`*`, `?`; case ignored) or whose
    /// GPO GUID or backup ID is this GUID (braces optional). Repeatable: a GPO any pattern
    /// matches is kept.
    #[arg(long = "gpo", value_name = "PATTERN")]
    gpo: Vec<String>,
    /// Leave out the GPOs this pattern matches (as for --gpo); wins over --gpo. Repeatable.
    #[arg(long = "exclude-gpo", value_name = "PATTERN")]
    exclude_gpo: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum MergeArg {
    None,
    Scope,
    All,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Read the sources, join them and write the catalog files.
    ///
    /// Defaults are the corpus folders beside the crate (`../shared/corpus`).
    Build {
        /// An ADMX template folder, or a root searched for template folders (repeatable). Added
        /// to the default templates: it adds the policies they lack, and a policy both define
        /// keeps the defaults' definition. With --admx-only, the catalog has these alone.
        #[arg(long, value_name = "DIR")]
        admx: Vec<PathBuf>,
        /// Build from the --admx templates alone, without the default ones.
        #[arg(long, requires = "admx")]
        admx_only: bool,
        /// A DDF v2 folder (repeatable).
        #[arg(long, value_name = "DIR")]
        ddf: Vec<PathBuf>,
        /// The settings catalog definitions folder (`{id}.json` files).
        #[arg(long, value_name = "DIR")]
        definitions: Option<PathBuf>,
        /// The curated tables folder.
        #[arg(long, value_name = "DIR")]
        curated: Option<PathBuf>,
        /// Where to write the catalog.
        #[arg(long, value_name = "DIR", default_value = "admx-catalog")]
        out: PathBuf,
    },
    /// Print counts: policies, nodes, definitions, links by route, agreements, what is unlinked.
    Stats {
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Everything known about a definition id, CSP URI, registry path or ADMX policy.
    Lookup {
        /// `device_vendor_…` id, `./Device/Vendor/MSFT/…` URI, `HKLM\Software\…\Value`,
        /// `Software\…` with `--value`, an ADMX policy name or `File:Name`.
        query: String,
        /// The registry value name when QUERY is a key.
        #[arg(long)]
        value: Option<String>,
    },
}

/// `print!` that ends the run quietly when standard output is a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        gpa::output::print_stdout(&format!($($arg)*))
    };
}

/// `println!` that ends the run quietly when standard output is a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        gpa::output::print_stdout(&format!("{}\n", format!($($arg)*)))
    };
}

/// `gpa --version` names the catalog snapshot compiled in: which DDF, definitions and templates
/// the answers come from.
fn version_text() -> &'static str {
    let snapshot = gpa::catalog::snapshot::Snapshot::embedded()
        .map(|s| s.summary())
        .unwrap_or_else(|e| e);
    let text = format!("{} (catalog: {snapshot})", env!("CARGO_PKG_VERSION"));
    // Once per process, for clap, which wants a string that lives as long as the command.
    Box::leak(text.into_boxed_str())
}

fn command() -> clap::Command {
    Cli::command().version(version_text())
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let Err(e) = gpa::output::remove_temporary_files_on_signal() {
        eprintln!("gpa: {e}");
    }
    if let Some(mib) = cli.max_file_size {
        gpa::input::fs_read::set_max_file_bytes(mib.saturating_mul(1024 * 1024));
    }
    let quiet = cli.quiet;
    match cli.command {
        Command::Inventory { input, json } => run_inventory(&input, json, quiet),
        Command::Analyze {
            input,
            admx,
            csv,
            json,
            html,
            xlsx,
            fail_under,
            fail_on,
        } => {
            let gates = gpa::gate::Gates {
                fail_under,
                fail_on,
            };
            if let Err(e) = gates.validate(&analyze_measures_taken(), "analyze") {
                eprintln!("gpa: {e}");
                return ExitCode::from(2);
            }
            with_catalog(cli.catalog.as_deref(), &admx, quiet, |catalog| {
                let run = match RunInfo::new(&input.paths, catalog, cli.catalog.as_deref()) {
                    Ok(run) => run,
                    Err(e) => {
                        eprintln!("gpa: {e}");
                        return ExitCode::from(2);
                    }
                };
                let reports = [
                    (csv.as_deref(), ReportKind::Csv),
                    (json.as_deref(), ReportKind::Json),
                    (html.as_deref(), ReportKind::Html),
                    (xlsx.as_deref(), ReportKind::Xlsx),
                ];
                run_analyze(catalog, &input, &reports, &run, &gates, quiet)
            })
        }
        Command::Diff { old, new, json } => run_diff(&old, &new, json),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut command(), "gpa", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Manpage { out } => run_manpage(out.as_deref()),
        Command::Convert {
            input,
            admx,
            out,
            merge,
            replace,
        } => {
            let merge = match merge {
                MergeArg::None => Merge::None,
                MergeArg::Scope => Merge::Scope,
                MergeArg::All => Merge::All,
            };
            with_catalog(cli.catalog.as_deref(), &admx, quiet, |catalog| {
                run_convert(catalog, &input, &out, merge, replace, quiet)
            })
        }
        Command::Compare {
            input,
            intune,
            csv,
            json,
            html,
        } => with_catalog(cli.catalog.as_deref(), &[], quiet, |catalog| {
            let reports: [(Option<&Path>, CompareWriter); 3] = [
                (csv.as_deref(), report::compare::csv::write),
                (json.as_deref(), report::compare::json::write),
                (html.as_deref(), report::compare::html::write),
            ];
            run_compare(catalog, &input, &intune, &reports, quiet)
        }),
        Command::Catalog(command) => run_catalog(command, cli.catalog.as_deref()),
        Command::Validate { files, json } => {
            with_catalog(cli.catalog.as_deref(), &[], quiet, |catalog| {
                run_validate(catalog, &files, json)
            })
        }
    }
}

fn run_inventory(input: &GpoInput, json: bool, quiet: bool) -> ExitCode {
    let Some((inventory, clean)) = read_inventory(input, quiet) else {
        return ExitCode::from(2);
    };
    if json {
        if !print_json(&inventory) {
            return ExitCode::from(2);
        }
    } else {
        out!(
            "{}",
            gpa::safe_text::escape_lines(&inventory::render_table(&inventory))
        );
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Reads the GPOs and keeps those `--gpo` / `--exclude-gpo` choose, printing read errors and
/// the damage of the GPOs kept; None (after saying why) when there is nothing to work on.
fn read_inventory(input: &GpoInput, quiet: bool) -> Option<(Inventory, bool)> {
    let outcome = {
        let phase = Phase::new(quiet, "reading  {bar:40} {pos}/{len} GPOs");
        discover::read_paths_with_progress(
            &input.paths,
            &|found| phase.start(found, found),
            &|| phase.step(),
        )
    };
    for error in &outcome.errors {
        eprintln!("gpa: {error}");
    }
    if outcome.gpos.is_empty() {
        if outcome.errors.is_empty() {
            eprintln!("gpa: no GPO found");
        }
        return None;
    }
    let selection = GpoSelection::new(&input.gpo, &input.exclude_gpo);
    let selected = selection.apply(outcome.gpos);
    for pattern in &selected.unmatched_include {
        eprintln!("gpa: warning: --gpo {pattern:?} matches none of the GPOs read");
    }
    for pattern in &selected.unmatched_exclude {
        eprintln!("gpa: warning: --exclude-gpo {pattern:?} matches none of the GPOs read");
    }
    if selected.gpos.is_empty() {
        eprintln!(
            "gpa: no GPO left: --gpo / --exclude-gpo leave none of the {} GPO{} read",
            selected.read,
            if selected.read == 1 { "" } else { "s" }
        );
        return None;
    }
    let mut damaged = false;
    for gpo in &selected.gpos {
        for damage in &gpo.damage {
            eprintln!("gpa: damaged: {}", damage.describe());
            damaged = true;
        }
    }
    let clean = outcome.errors.is_empty() && !damaged;
    Some((
        Inventory {
            gpos: selected.gpos,
        },
        clean,
    ))
}

fn run_analyze(
    catalog: &Catalog,
    input: &GpoInput,
    reports: &[(Option<&Path>, ReportKind)],
    run: &RunInfo,
    gates: &gpa::gate::Gates,
    quiet: bool,
) -> ExitCode {
    let Some((inventory, clean)) = read_inventory(input, quiet) else {
        return ExitCode::from(2);
    };
    let analysis = match_gpos(&inventory, catalog, quiet);
    // Every report is staged before any is replaced: one failure leaves all the old ones.
    let mut outputs = gpa::output::Outputs::new();
    let mut written = true;
    {
        let phase = Phase::new(quiet, "writing  {bar:40} {pos}/{len} reports");
        let wanted = reports.iter().filter(|(p, _)| p.is_some()).count();
        phase.start(wanted, inventory.gpos.len());
        for (path, kind) in reports {
            let Some(path) = path else { continue };
            let result = write_report(*kind, &inventory, &analysis, run)
                .and_then(|bytes| outputs.stage(path, bytes));
            phase.step();
            if let Err(e) = result {
                eprintln!("gpa: cannot write the report: {e}");
                written = false;
            }
        }
    }
    if written && let Err(e) = outputs.commit() {
        eprintln!("gpa: cannot write the report: {e}");
        written = false;
    }
    if !quiet {
        let summary = report::summary::render(&inventory, &analysis);
        // A report written to standard output (`-`) keeps it clean: the summary goes to stderr.
        if reports
            .iter()
            .any(|(p, _)| p.is_some_and(|p| p.as_os_str() == "-"))
        {
            eprint!("{summary}");
        } else {
            out!("{summary}");
        }
    }
    let failures = gates.check(&report::summary::gate_measures(&inventory, &analysis));
    for failure in &failures {
        eprintln!("gpa: {failure}");
    }
    match (written, failures.is_empty(), clean) {
        (false, _, _) => ExitCode::from(2),
        (true, false, _) => ExitCode::from(gpa::gate::EXIT_GATE_FAILED),
        (true, true, false) => ExitCode::from(1),
        (true, true, true) => ExitCode::SUCCESS,
    }
}

/// What `analyze` measures for its gates (the values do not matter here, only which exist).
fn analyze_measures_taken() -> gpa::gate::Measures {
    let nothing = gpa::matching::analyze::Analysis {
        gpos: Vec::new(),
        overlaps: Vec::new(),
    };
    report::summary::gate_measures(&Inventory::default(), &nothing)
}

fn run_diff(old: &Path, new: &Path, json: bool) -> ExitCode {
    let diff = match report::diff::diff_files(old, new) {
        Ok(diff) => diff,
        Err(e) => {
            eprintln!("gpa: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        if !print_json(&diff) {
            return ExitCode::from(2);
        }
    } else {
        print!("{}", gpa::safe_text::escape_lines(&diff.render()));
    }
    if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Matches every GPO, with a progress bar.
fn match_gpos(
    inventory: &Inventory,
    catalog: &Catalog,
    quiet: bool,
) -> gpa::matching::analyze::Analysis {
    let phase = Phase::new(quiet, "matching {bar:40} {pos}/{len} GPOs");
    phase.start(inventory.gpos.len(), inventory.gpos.len());
    analyze_with_progress(inventory, catalog, &|| phase.step())
}

fn run_convert(
    catalog: &Catalog,
    input: &GpoInput,
    out: &Path,
    merge: Merge,
    replace: bool,
    quiet: bool,
) -> ExitCode {
    let Some((inventory, clean)) = read_inventory(input, quiet) else {
        return ExitCode::from(2);
    };
    let analysis = match_gpos(&inventory, catalog, quiet);
    let conversion = convert::convert(&inventory, &analysis, catalog, merge);
    let errors = {
        let phase = Phase::new(quiet, "writing  {spinner} policies");
        if inventory.gpos.len() >= PROGRESS_MIN_GPOS {
            phase.spin();
        }
        convert::write_files(&conversion, &inventory, out, replace)
    };
    for error in &errors {
        eprintln!("gpa: cannot write: {error}");
    }
    // The table says what was written: shown only once it was.
    if errors.is_empty() && !quiet {
        out!(
            "{}",
            gpa::safe_text::escape_lines(&convert::render_table(&conversion))
        );
    }
    match (errors.is_empty(), clean) {
        (false, _) => ExitCode::from(2),
        (true, false) => ExitCode::from(1),
        (true, true) => ExitCode::SUCCESS,
    }
}

/// The reports `analyze` writes.
#[derive(Clone, Copy)]
enum ReportKind {
    Csv,
    Json,
    Html,
    Xlsx,
}

fn write_report(
    kind: ReportKind,
    inventory: &Inventory,
    analysis: &gpa::matching::analyze::Analysis,
    run: &RunInfo,
) -> Result<Vec<u8>, String> {
    match kind {
        ReportKind::Csv => report::csv::write(inventory, analysis),
        ReportKind::Json => report::json::write(inventory, analysis, run),
        ReportKind::Html => report::html::write(inventory, analysis, run),
        ReportKind::Xlsx => report::xlsx::write(inventory, analysis, run),
    }
}

/// The manual: `gpa.1` on stdout, or every command's page written into `out`, all or none.
fn run_manpage(out: Option<&Path>) -> ExitCode {
    let mut command = command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    let mut pending = vec![command];
    while let Some(command) = pending.pop() {
        pending.extend(
            command
                .get_subcommands()
                .filter(|c| !c.is_hide_set())
                .cloned(),
        );
        let man = clap_mangen::Man::new(command);
        let mut bytes = Vec::new();
        if let Err(e) = man.render(&mut bytes) {
            eprintln!("gpa: cannot write the manual page: {e}");
            return ExitCode::from(2);
        }
        pages.push((man.get_filename(), bytes));
        if out.is_none() {
            break;
        }
    }
    let Some(out) = out else {
        let (_, page) = &pages[0];
        return match std::io::Write::write_all(&mut std::io::stdout(), page) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("gpa: cannot write the manual page: {e}");
                ExitCode::from(2)
            }
        };
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("gpa: cannot write: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut outputs = gpa::output::Outputs::new();
    for (name, bytes) in pages {
        if let Err(e) = outputs.stage(&out.join(name), bytes) {
            eprintln!("gpa: cannot write: {e}");
            return ExitCode::from(2);
        }
    }
    match outputs.commit() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gpa: cannot write: {e}");
            ExitCode::from(2)
        }
    }
}

type CompareWriter = fn(&Inventory, &gpa::matching::compare::Compared) -> Result<Vec<u8>, String>;

fn run_compare(
    catalog: &Catalog,
    input: &GpoInput,
    intune: &[PathBuf],
    reports: &[(Option<&Path>, CompareWriter)],
    quiet: bool,
) -> ExitCode {
    let Some((inventory, clean)) = read_inventory(input, quiet) else {
        return ExitCode::from(2);
    };
    let read = gpa::input::intune_policy::read_paths(intune);
    for error in &read.errors {
        eprintln!("gpa: {error}");
    }
    if read.policies.is_empty() {
        eprintln!("gpa: no Intune settings catalog policy could be read from --intune");
        return ExitCode::from(2);
    }
    let clean = clean && read.errors.is_empty();
    let analysis = match_gpos(&inventory, catalog, quiet);
    let compared = gpa::matching::compare::compare(&inventory, &analysis, &read.policies, catalog);
    // Every report is staged before any is replaced: one failure leaves all the old ones.
    let mut outputs = gpa::output::Outputs::new();
    let mut written = true;
    for (path, write) in reports {
        let Some(path) = path else { continue };
        let result = write(&inventory, &compared).and_then(|bytes| outputs.stage(path, bytes));
        if let Err(e) = result {
            eprintln!("gpa: cannot write the report: {e}");
            written = false;
        }
    }
    if written && let Err(e) = outputs.commit() {
        eprintln!("gpa: cannot write the report: {e}");
        written = false;
    }
    let summary = report::compare::summary::render(&inventory, &compared, read.policies.len());
    // A report written to standard output (`-`) keeps it clean: the summary goes to stderr then.
    if reports
        .iter()
        .any(|(p, _)| p.is_some_and(|p| p.as_os_str() == "-"))
    {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    match (written, clean) {
        (false, _) => ExitCode::from(2),
        (true, false) => ExitCode::from(1),
        (true, true) => ExitCode::SUCCESS,
    }
}

/// Runs over fewer GPOs than this finish before a bar could be read: none is shown.
const PROGRESS_MIN_GPOS: usize = 50;

/// The progress bar of one phase (reading, matching, writing) on stderr. Hidden with `--quiet`,
/// for small runs, and (by indicatif) when stderr is not a terminal; cleared when dropped.
struct Phase {
    bar: ProgressBar,
    quiet: bool,
}

impl Phase {
    fn new(quiet: bool, template: &str) -> Phase {
        let bar = ProgressBar::hidden();
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Phase { bar, quiet }
    }

    /// Sets the length of the phase, and shows the bar when the run is over `gpos` GPOs, enough
    /// for a bar to be read.
    fn start(&self, len: usize, gpos: usize) {
        self.bar.set_length(len as u64);
        if !self.quiet && gpos >= PROGRESS_MIN_GPOS {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Shows a spinner, for a phase whose steps are not counted.
    fn spin(&self) {
        if !self.quiet {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }

    fn step(&self) {
        self.bar.inc(1);
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

fn run_catalog(command: CatalogCommand, catalog_dir: Option<&Path>) -> ExitCode {
    match command {
        CatalogCommand::Build {
            admx,
            admx_only,
            ddf,
            definitions,
            curated,
            out,
        } => run_catalog_build(admx, admx_only, ddf, definitions, curated, &out),
        CatalogCommand::Stats { json } => with_catalog(catalog_dir, &[], false, |catalog| {
            let stats = CatalogStats::of(catalog);
            if json {
                if !print_json(&stats) {
                    return ExitCode::from(2);
                }
            } else {
                out!("{}", stats.render());
            }
            ExitCode::SUCCESS
        }),
        CatalogCommand::Lookup { query, value } => {
            with_catalog(catalog_dir, &[], false, |catalog| {
                let text = lookup::lookup(catalog, &query, value.as_deref());
                if text.is_empty() {
                    eprintln!("gpa: nothing in the catalog matches {query:?}");
                    return ExitCode::from(1);
                }
                out!("{text}");
                ExitCode::SUCCESS
            })
        }
    }
}

/// Prints pretty JSON on stdout; false, after saying why on stderr, when it cannot be written.
fn print_json(value: &impl serde::Serialize) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            outln!("{text}");
            true
        }
        Err(e) => {
            eprintln!("gpa: cannot write JSON: {e}");
            false
        }
    }
}

fn run_validate(catalog: &Catalog, files: &[PathBuf], json: bool) -> ExitCode {
    let run = validate::validate_paths(catalog, files);
    for report in &run.files {
        if let Some(error) = &report.error {
            eprintln!(
                "gpa: {}",
                gpa::safe_text::escape_control(&format!("{}: {error}", report.path))
            );
        }
    }
    if json {
        if !print_json(&run) {
            return ExitCode::from(2);
        }
    } else {
        for report in &run.files {
            out!("{}", gpa::safe_text::escape_lines(&report.render()));
        }
        out!("{}", run.summary.render());
    }
    ExitCode::from(run.summary.exit_code())
}

/// Runs with the embedded catalog or the one `--catalog` names, with the `--admx` templates
/// joined onto it when any are given.
fn with_catalog(
    dir: Option<&Path>,
    admx: &[PathBuf],
    quiet: bool,
    run: impl FnOnce(&Catalog) -> ExitCode,
) -> ExitCode {
    let loaded;
    let base = match dir {
        Some(dir) => match Catalog::load_dir(dir) {
            Ok(catalog) => {
                loaded = catalog;
                &loaded
            }
            Err(e) => {
                eprintln!("gpa: {e}");
                return ExitCode::from(2);
            }
        },
        None => match Catalog::embedded() {
            Ok(catalog) => catalog,
            Err(e) => {
                eprintln!("gpa: {e}");
                return ExitCode::from(2);
            }
        },
    };
    if admx.is_empty() {
        return run(base);
    }
    let overlay = gpa::catalog::overlay::overlay_admx(base, admx);
    for error in &overlay.errors {
        eprintln!("gpa: {error}");
    }
    for warning in &overlay.warnings {
        eprintln!("gpa: warning: {warning}");
    }
    if !quiet {
        eprintln!("gpa: {}", overlay.summary());
    }
    run(&overlay.catalog)
}

fn run_catalog_build(
    admx: Vec<PathBuf>,
    admx_only: bool,
    ddf: Vec<PathBuf>,
    definitions: Option<PathBuf>,
    curated: Option<PathBuf>,
    out: &Path,
) -> ExitCode {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // GPA_CORPUS, as for the corpus tests, for checkouts that do not sit beside shared/.
    let corpus = std::env::var_os("GPA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_root.join("../shared/corpus"));
    let curated = curated.unwrap_or_else(|| crate_root.join("admx-catalog/curated"));
    let mut sources = CatalogSources::corpus_defaults(&corpus, &curated);
    if !admx.is_empty() {
        let folders: Vec<PathBuf> = admx
            .iter()
            .flat_map(|dir| {
                let found = discover_template_folders(dir);
                if found.is_empty() {
                    vec![dir.clone()]
                } else {
                    found
                }
            })
            .collect();
        if admx_only {
            sources.admx = folders;
        } else {
            // Until this release --admx replaced the default templates: say what it does now.
            eprintln!(
                "gpa: warning: --admx adds its templates to the default ones (a policy both \
                 define keeps the default definition); give --admx-only to build from them alone"
            );
            sources.admx_added = folders;
        }
    }
    if !ddf.is_empty() {
        sources.ddf = ddf;
    }
    if let Some(definitions) = definitions {
        sources.definitions = definitions;
    }
    let build = match build_catalog(&sources) {
        Ok(build) => build,
        Err(e) => {
            eprintln!("gpa: {e}");
            return ExitCode::from(2);
        }
    };
    for error in &build.errors {
        eprintln!("gpa: {}: {}", error.path.display(), error.reason);
    }
    if let Err(e) = build.catalog.write_dir(out) {
        eprintln!("gpa: {e}");
        return ExitCode::from(2);
    }
    let info = build.catalog.build_info();
    outln!(
        "wrote {}: {} ADMX policies, {} CSP nodes, {} definitions, {} links",
        out.display(),
        info.admx_policies,
        info.ddf_nodes_kept,
        info.definitions,
        info.links
    );
    if build.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
