//! Load time of the embedded catalog: `cargo bench --bench catalog_load [-- N]`.
//! Prints the median of N decodes (default 15) and the embedded size; asserts nothing.

use std::time::{Duration, Instant};

use gpa::catalog::Catalog;

fn main() {
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);
    let bytes = Catalog::embedded_bytes();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let catalog = Catalog::from_bytes(bytes);
        times.push(start.elapsed());
        if let Err(e) = catalog {
            eprintln!("catalog_load: {e}");
            std::process::exit(1);
        }
    }
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let min = times.first().copied().unwrap_or_default();
    println!(
        "embedded catalog: {} bytes; load median {:.1} ms, min {:.1} ms over {runs} runs",
        bytes.len(),
        median.as_secs_f64() * 1000.0,
        min.as_secs_f64() * 1000.0
    );
}
