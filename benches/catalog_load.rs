//! Load time of the embedded catalog: `cargo bench --bench catalog_load [-- N]`.
//!
//! Prints the embedded size and, over N runs (default 15), the median and minimum of what a fresh
//! process pays (cold, as a CLI run does): the first `Catalog::embedded()`, then the first
//! definition lookup, the first registry lookup, every ADMX policy, and every other entry. Then a
//! full decode of the same bytes (`Catalog::from_bytes`, what `--catalog DIR` pays) in a process
//! that has loaded it before. Asserts nothing.

use std::process::Command;
use std::time::{Duration, Instant};

use gpa::catalog::Catalog;
use gpa::model::Scope;

/// Set in the child processes the benchmark starts, one cold load each.
const CHILD: &str = "GPA_CATALOG_LOAD_CHILD";
/// A definition and a registry value every catalog build holds (the README's lookup examples).
const DEFINITION: &str = "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections";
const KEY: &str = "Software\\Policies\\Microsoft\\Windows\\WcmSvc\\GroupPolicy";
const VALUE: &str = "fMinimizeConnections";

const FIGURES: [&str; 5] = [
    "cold load (first Catalog::embedded)",
    "then first definition lookup",
    "then first registry lookup",
    "then every ADMX policy (as GPMC reports need)",
    "then every other entry (as catalog stats needs)",
];

fn main() {
    if std::env::var_os(CHILD).is_some() {
        cold_load();
        return;
    }
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(&format!("current exe: {e}")));
    let mut cold: [Vec<Duration>; FIGURES.len()] = Default::default();
    for _ in 0..runs {
        let output = Command::new(&exe)
            .env(CHILD, "1")
            .output()
            .unwrap_or_else(|e| fail(&format!("{}: {e}", exe.display())));
        let text = String::from_utf8_lossy(&output.stdout);
        let figures: Vec<u64> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        if figures.len() != FIGURES.len() {
            fail(&format!(
                "child printed {text:?}; stderr {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        for (times, ns) in cold.iter_mut().zip(figures) {
            times.push(Duration::from_nanos(ns));
        }
    }
    let bytes = Catalog::embedded_bytes();
    let mut full = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let catalog = Catalog::from_bytes(bytes);
        full.push(start.elapsed());
        if let Err(e) = catalog {
            fail(&e);
        }
    }
    println!("embedded catalog: {} bytes", bytes.len());
    for (what, times) in FIGURES.iter().zip(&mut cold) {
        report(what, times);
    }
    report("full decode (Catalog::from_bytes, warm)", &mut full);
}

/// One cold load, printed as nanoseconds per step of [`FIGURES`].
fn cold_load() {
    let start = Instant::now();
    let catalog = Catalog::embedded().unwrap_or_else(|e| fail(&e));
    let load = start.elapsed();
    let start = Instant::now();
    if catalog.definition(DEFINITION).is_none() {
        fail(&format!("{DEFINITION} is not in the embedded catalog"));
    }
    let definition = start.elapsed();
    let start = Instant::now();
    if catalog
        .registry_claims(Scope::Device, KEY, VALUE)
        .is_empty()
    {
        fail(&format!("no policy claims {KEY}\\{VALUE}"));
    }
    let registry = start.elapsed();
    let start = Instant::now();
    let policies = catalog.admx().policies().len();
    let admx = start.elapsed();
    let start = Instant::now();
    let others = catalog.definitions().definitions().len()
        + catalog.ddf().nodes().len()
        + catalog.links().len();
    let everything = start.elapsed();
    if policies == 0 || others == 0 {
        fail("the embedded catalog is empty");
    }
    let figures = [load, definition, registry, admx, everything];
    let figures: Vec<String> = figures.iter().map(|d| d.as_nanos().to_string()).collect();
    println!("{}", figures.join(" "));
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!(
        "{what}: median {:.2} ms, min {:.2} ms over {} runs",
        ms(times.get(times.len() / 2)),
        ms(times.first()),
        times.len()
    );
}

fn fail(message: &str) -> ! {
    eprintln!("catalog_load: {message}");
    std::process::exit(1)
}
