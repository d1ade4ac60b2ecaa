//! The `gpa` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use gpa::input::discover;
use gpa::inventory;
use gpa::model::Inventory;

/// Offline Group Policy analytics: reads GPO backups, SYSVOL folders and GPMC reports.
#[derive(Parser)]
#[command(name = "gpa", version, about)]
struct Cli {
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
        /// Backup-GPO folders (or their roots), SYSVOL-style GPO folders, XML reports.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print `{"gpos": [...]}` as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inventory { paths, json } => run_inventory(&paths, json),
    }
}

fn run_inventory(paths: &[PathBuf], json: bool) -> ExitCode {
    let outcome = discover::read_paths(paths);
    for error in &outcome.errors {
        eprintln!("gpa: {error}");
    }
    if outcome.gpos.is_empty() {
        if outcome.errors.is_empty() {
            eprintln!("gpa: no GPO found");
        }
        return ExitCode::from(2);
    }
    let inventory = Inventory { gpos: outcome.gpos };
    if json {
        match serde_json::to_string_pretty(&inventory) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("gpa: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", inventory::render_table(&inventory));
    }
    if outcome.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
