//! Throughput of reading and matching: `cargo bench --bench analyze [-- N]`. Reads the corpus GPOs
//! (`../shared/corpus` or `GPA_CORPUS`; the test fixtures without it), then prints the median of N
//! runs (default 5) of the read and of the match, with all threads and with one; asserts nothing.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gpa::catalog::Catalog;
use gpa::input::discover::read_paths;
use gpa::matching::analyze::analyze;
use gpa::model::Inventory;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times
        .get(times.len() / 2)
        .copied()
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

fn main() {
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(5)
        .max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("GPA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let paths = if corpus.is_dir() {
        vec![corpus.join("gpo-backups"), corpus.join("gpo-reports")]
    } else {
        vec![
            root.join("test-gpos/backups"),
            root.join("test-gpos/reports"),
        ]
    };
    let catalog = match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("analyze bench: {e}");
            std::process::exit(1);
        }
    };
    let mut read_times = Vec::new();
    let mut inventory = Inventory::default();
    for _ in 0..runs {
        let start = Instant::now();
        let outcome = read_paths(&paths);
        read_times.push(start.elapsed());
        inventory = Inventory { gpos: outcome.gpos };
    }
    let settings: usize = inventory.gpos.iter().map(|g| g.settings.len()).sum();
    let time_match = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok();
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let analysis = match &pool {
                Some(pool) => pool.install(|| analyze(&inventory, catalog)),
                None => analyze(&inventory, catalog),
            };
            times.push(start.elapsed());
            rows = analysis.gpos.iter().map(|a| a.rows.len()).sum();
        }
        (median(times), rows)
    };
    let (all, rows) = time_match(rayon::current_num_threads());
    let (one, _) = time_match(1);
    println!(
        "{} GPOs, {settings} settings, {rows} rows: read {:.1} ms; match {:.1} ms with {} threads, {:.1} ms with 1 (median of {runs})",
        inventory.gpos.len(),
        median(read_times),
        all,
        rayon::current_num_threads(),
        one
    );
}
