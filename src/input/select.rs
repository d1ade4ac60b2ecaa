//! Choosing GPOs of the inventory by name or GUID (`--gpo`, `--exclude-gpo`).
//!
//! A pattern is a GPO GUID (with or without braces, any case), which matches the GPO GUID or the
//! backup ID (the folder name a Backup-GPO folder is known by), or else a display-name glob: `*`
//! for any run of characters, `?` for one, everything else literal (GPO names hold `[` and `]`,
//! as in `[IT] Workstations`), compared ignoring case and leading or trailing spaces (NSA SHB
//! names end in a space). Include patterns are OR'ed; an exclusion wins over any include.
//!
//! Selection is a filter over what was read, applied before matching: the inventory, the analysis
//! and the policies then hold only the chosen GPOs, in their usual order.

use crate::model::Gpo;

/// One `--gpo` / `--exclude-gpo` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GpoPattern {
    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case, braces added.
    Guid(String),
    /// A display-name glob, lower case and trimmed, as given otherwise.
    Name { glob: Vec<char>, given: String },
}

impl GpoPattern {
    pub fn parse(text: &str) -> GpoPattern {
        match guid_of(text) {
            Some(guid) => GpoPattern::Guid(guid),
            None => GpoPattern::Name {
                glob: text.trim().to_lowercase().chars().collect(),
                given: text.to_string(),
            },
        }
    }

    /// The pattern as the user wrote it (GUIDs in their normal form).
    pub fn text(&self) -> &str {
        match self {
            GpoPattern::Guid(guid) => guid,
            GpoPattern::Name { given, .. } => given,
        }
    }

    pub fn matches(&self, gpo: &Gpo) -> bool {
        match self {
            GpoPattern::Guid(guid) => {
                let backup_id = gpo.backup.as_ref().and_then(|b| b.id.as_deref());
                [gpo.guid.as_deref(), backup_id]
                    .into_iter()
                    .flatten()
                    .any(|g| guid_of(g).is_some_and(|g| g == *guid))
            }
            GpoPattern::Name { glob, .. } => {
                let name: Vec<char> = gpo.display_name.trim().to_lowercase().chars().collect();
                glob_matches(glob, &name)
            }
        }
    }
}

/// The GPOs to keep: those an include pattern matches (all when there is none), less those an
/// exclude pattern matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpoSelection {
    pub include: Vec<GpoPattern>,
    pub exclude: Vec<GpoPattern>,
}

/// What a selection kept, and the patterns that matched no GPO read (a typo must not silently
/// select or exclude nothing: the caller warns about each).
#[derive(Debug, Default)]
pub struct Selected {
    pub gpos: Vec<Gpo>,
    /// How many GPOs were read before selecting.
    pub read: usize,
    pub unmatched_include: Vec<String>,
    pub unmatched_exclude: Vec<String>,
}

impl GpoSelection {
    pub fn new(include: &[String], exclude: &[String]) -> GpoSelection {
        GpoSelection {
            include: include.iter().map(|p| GpoPattern::parse(p)).collect(),
            exclude: exclude.iter().map(|p| GpoPattern::parse(p)).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Keeps the chosen GPOs, in their order. A pattern counts as matched when it matches a GPO
    /// read, whether or not another pattern then drops that GPO.
    pub fn apply(&self, gpos: Vec<Gpo>) -> Selected {
        let unmatched = |patterns: &[GpoPattern]| -> Vec<String> {
            patterns
                .iter()
                .filter(|p| !gpos.iter().any(|g| p.matches(g)))
                .map(|p| p.text().to_string())
                .collect()
        };
        let unmatched_include = unmatched(&self.include);
        let unmatched_exclude = unmatched(&self.exclude);
        let read = gpos.len();
        let gpos = gpos
            .into_iter()
            .filter(|g| {
                (self.include.is_empty() || self.include.iter().any(|p| p.matches(g)))
                    && !self.exclude.iter().any(|p| p.matches(g))
            })
            .collect();
        Selected {
            gpos,
            read,
            unmatched_include,
            unmatched_exclude,
        }
    }
}

/// A GUID in its normal form (braces, upper case), when `text` is one with or without braces.
fn guid_of(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    let groups: Vec<&str> = inner.split('-').collect();
    let shaped = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    shaped.then(|| format!("{{{}}}", inner.to_ascii_uppercase()))
}

/// `*` and `?` wildcards over characters; linear backtracking on the last `*` only, so a
/// pattern of many stars cannot take exponential time.
fn glob_matches(glob: &[char], text: &[char]) -> bool {
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match glob.get(g) {
            Some('*') => {
                star = Some((g, t));
                g += 1;
            }
            Some(&c) if c == '?' || Some(&c) == text.get(t) => {
                g += 1;
                t += 1;
            }
            _ => match star {
                Some((sg, st)) => {
                    g = sg + 1;
                    t = st + 1;
                    star = Some((sg, st + 1));
                }
                None => return false,
            },
        }
    }
    glob.get(g..).unwrap_or_default().iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, text: &str) -> bool {
        let g: Vec<char> = glob.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob_matches(&g, &t)
    }

    #[test]
    fn globs() {
        assert!(matches(
            "*domain controller*",
            "msft windows server 1909 - domain controller"
        ));
        assert!(matches("msft ?indows*", "msft windows 10"));
        assert!(matches("*", ""));
        assert!(matches("[it] *", "[it] workstations"));
        assert!(!matches("[it] *", "i workstations"));
        assert!(!matches("*controller", "domain controller vbs"));
        assert!(matches("a*b*c", "aXbYbZc"));
        assert!(!matches("a*b*c", "aXbYbZ"));
        assert!(!matches("", "x"));
    }

    #[test]
    fn guids_with_or_without_braces_any_case() {
        let want = Some("{31B2F340-016D-11D2-945F-00C04FB984F9}".to_string());
        assert_eq!(guid_of("31b2f340-016d-11d2-945f-00c04fb984f9"), want);
        assert_eq!(guid_of("{31B2F340-016D-11D2-945F-00C04FB984F9}"), want);
        assert_eq!(guid_of("31B2F340-016D-11D2-945F-00C04FB984F"), None);
        assert!(matches!(
            GpoPattern::parse("Default Domain Policy"),
            GpoPattern::Name { .. }
        ));
    }
}
