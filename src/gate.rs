//! CI gates: conditions a run must meet, checked after its outputs are written, so that a
//! pipeline fails a build on coverage or on what the input holds.
//!
//! One type for every command that gates: `gpa analyze` measures MDM support and counts conflicts,
//! Unknown settings and damaged files; `gpa compare` measures Intune coverage and counts the
//! settings that differ. A command gives the [`Measures`] it has; a gate asked for on a command
//! that has no such measure is a usage error ([`Gates::check`]), never a silent pass.

use std::fmt;

/// The exit status of a run whose outputs were written but a gate failed. Distinct from 1 (some
/// input unreadable or damaged), over which it wins (the user asked for the gate; the input
/// problems are on stderr either way), and from 2 (usage error, nothing read, an output not
/// written), which wins over it.
pub const EXIT_GATE_FAILED: u8 = 3;

/// A count that must be zero (`--fail-on KIND`, repeatable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum FailOn {
    /// A setting that two GPOs set to different values (analyze).
    Conflicts,
    /// A setting gpa could not identify (analyze: readiness Unknown).
    Unknown,
    /// A file read only in part (analyze).
    Damaged,
    /// A setting whose value differs between the GPOs and the Intune policies (compare).
    Different,
}

impl FailOn {
    /// The option value, as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Conflicts => "conflicts",
            FailOn::Unknown => "unknown",
            FailOn::Damaged => "damaged",
            FailOn::Different => "different",
        }
    }

    /// What is counted, in words.
    fn counted(self) -> &'static str {
        match self {
            FailOn::Conflicts => "setting(s) set by several GPOs with different values",
            FailOn::Unknown => "Unknown setting(s)",
            FailOn::Damaged => "file(s) read only in part",
            FailOn::Different => "setting(s) whose values differ",
        }
    }
}

/// The gates a run was asked to apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gates {
    /// `--fail-under PCT`: the run's percentage ([`Measures::percent`]) must be at least this.
    pub fail_under: Option<f64>,
    /// `--fail-on KIND`, each once, in the order given.
    pub fail_on: Vec<FailOn>,
}

/// What a run measured, for its gates. A measure the command does not take is None.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    /// The percentage `--fail-under` holds against: MDM support for analyze, Intune coverage for
    /// compare.
    pub percent: Option<Percent>,
    pub conflicts: Option<usize>,
    pub unknown: Option<usize>,
    pub damaged: Option<usize>,
    pub different: Option<usize>,
}

/// A percentage with its parts and its name, so a failure can say what it measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Percent {
    /// `MDM support`, `Intune coverage`.
    pub name: &'static str,
    pub part: usize,
    pub whole: usize,
    /// What `part` and `whole` count (`settings`).
    pub unit: &'static str,
}

impl Percent {
    /// `part` of `whole` in percent; 100 when there is nothing to measure (no setting can fail a
    /// coverage gate).
    pub fn value(&self) -> f64 {
        if self.whole == 0 {
            100.0
        } else {
            self.part as f64 * 100.0 / self.whole as f64
        }
    }
}

/// A gate that failed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The option as given (`--fail-under 90`, `--fail-on conflicts`).
    pub gate: String,
    pub detail: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gate failed: {}: {}", self.gate, self.detail)
    }
}

impl Gates {
    pub fn is_empty(&self) -> bool {
        self.fail_under.is_none() && self.fail_on.is_empty()
    }

    /// Refuses a gate the command cannot measure, and a percentage outside 0–100; call before the
    /// run, so a mistyped gate fails at once (status 2).
    pub fn validate(&self, measures_available: &Measures, command: &str) -> Result<(), String> {
        if let Some(pct) = self.fail_under {
            if !(0.0..=100.0).contains(&pct) || pct.is_nan() {
                return Err(format!("--fail-under {pct}: a percentage from 0 to 100"));
            }
            if measures_available.percent.is_none() {
                return Err(format!("--fail-under does not apply to {command}"));
            }
        }
        for kind in &self.fail_on {
            if count_of(measures_available, *kind).is_none() {
                return Err(format!(
                    "--fail-on {} does not apply to {command}",
                    kind.name()
                ));
            }
        }
        Ok(())
    }

    /// The gates that fail on these measures, in the order given (`--fail-under` first). A gate
    /// whose measure is missing fails too: it was never shown to hold.
    pub fn check(&self, measures: &Measures) -> Vec<Failure> {
        let mut failures = Vec::new();
        if let Some(pct) = self.fail_under {
            let gate = format!("--fail-under {pct}");
            match &measures.percent {
                Some(p) if p.value() >= pct => {}
                Some(p) => failures.push(Failure {
                    gate,
                    detail: format!(
                        "{} is {:.1}% ({} of {} {}), under {pct}%",
                        p.name,
                        p.value(),
                        p.part,
                        p.whole,
                        p.unit
                    ),
                }),
                None => failures.push(Failure {
                    gate,
                    detail: "this command does not measure a percentage".to_string(),
                }),
            }
        }
        let mut seen = Vec::new();
        for &kind in &self.fail_on {
            if seen.contains(&kind) {
                continue;
            }
            seen.push(kind);
            let gate = format!("--fail-on {}", kind.name());
            match count_of(measures, kind) {
                Some(0) => {}
                Some(n) => failures.push(Failure {
                    gate,
                    detail: format!("{n} {}", kind.counted()),
                }),
                None => failures.push(Failure {
                    gate,
                    detail: "this command does not count these".to_string(),
                }),
            }
        }
        failures
    }
}

fn count_of(measures: &Measures, kind: FailOn) -> Option<usize> {
    match kind {
        FailOn::Conflicts => measures.conflicts,
        FailOn::Unknown => measures.unknown,
        FailOn::Damaged => measures.damaged,
        FailOn::Different => measures.different,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze_measures() -> Measures {
        Measures {
            percent: Some(Percent {
                name: "MDM support",
                part: 77,
                whole: 100,
                unit: "settings",
            }),
            conflicts: Some(7),
            unknown: Some(0),
            damaged: Some(0),
            different: None,
        }
    }

    #[test]
    fn gates_fail_with_what_they_measured() {
        let gates = Gates {
            fail_under: Some(80.0),
            fail_on: vec![FailOn::Conflicts, FailOn::Unknown, FailOn::Conflicts],
        };
        let failures = gates.check(&analyze_measures());
        assert_eq!(failures.len(), 2);
        assert_eq!(
            failures[0].to_string(),
            "gate failed: --fail-under 80: MDM support is 77.0% (77 of 100 settings), under 80%"
        );
        assert_eq!(
            failures[1].to_string(),
            "gate failed: --fail-on conflicts: 7 setting(s) set by several GPOs with different values"
        );
        let passing = Gates {
            fail_under: Some(77.0),
            fail_on: vec![FailOn::Unknown, FailOn::Damaged],
        };
        assert!(passing.check(&analyze_measures()).is_empty());
    }

    #[test]
    fn a_gate_the_command_cannot_measure_is_refused() {
        let gates = Gates {
            fail_under: None,
            fail_on: vec![FailOn::Different],
        };
        assert_eq!(
            gates.validate(&analyze_measures(), "analyze"),
            Err("--fail-on different does not apply to analyze".to_string())
        );
        assert_eq!(gates.check(&analyze_measures()).len(), 1);
        let out_of_range = Gates {
            fail_under: Some(101.0),
            fail_on: vec![],
        };
        assert!(
            out_of_range
                .validate(&analyze_measures(), "analyze")
                .is_err()
        );
    }
}
