//! Replays a scope's registry.pol instructions in file order into the registry state they leave
//! behind (formats.md §2), remembering which instructions touched each value: a Disabled policy
//! is written as deletions, so what was deleted is evidence as much as what was set.

use std::collections::BTreeMap;

use crate::model::fold_registry_key;
use crate::model::{RegistryData, RegistryOp};

/// One registry instruction handed to the replay: the setting it came from and its target.
#[derive(Debug, Clone, Copy)]
pub struct ReplayInstruction<'a> {
    /// Index into the GPO's `settings`.
    pub setting: usize,
    pub key: &'a str,
    pub value_name: &'a str,
    pub op: &'a RegistryOp,
    pub data: &'a RegistryData,
}

/// What one value ended as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueState {
    /// Key and value name as first written (case kept).
    pub key: String,
    pub name: String,
    /// The data present after replay; None when the value was deleted last.
    pub data: Option<RegistryData>,
    /// Set when the last instruction on the value deleted it (`**del.`, `**delvals.`,
    /// `**DeleteValues`, `**DeleteKeys` above it).
    pub deleted: bool,
    /// Settings that touched the value, in file order.
    pub touched: Vec<usize>,
}

/// An instruction on a key as a whole (`**delvals.`, `**DeleteKeys`, `**SecureKey`, create key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInstruction {
    pub setting: usize,
    pub key: String,
    pub op: RegistryOp,
}

/// The effective registry state of one scope.
#[derive(Debug, Clone, Default)]
pub struct RegistryState {
    /// (lower key, lower value name) → state.
    pub values: BTreeMap<(String, String), ValueState>,
    /// Key-wide instructions in file order.
    pub key_instructions: Vec<KeyInstruction>,
}

impl RegistryState {
    pub fn replay<'a>(instructions: impl IntoIterator<Item = ReplayInstruction<'a>>) -> Self {
        let mut state = RegistryState::default();
        for instruction in instructions {
            state.apply(instruction);
        }
        state
    }

    fn entry(&mut self, key: &str, name: &str) -> &mut ValueState {
        self.values
            .entry((fold_registry_key(key), name.to_ascii_lowercase()))
            .or_insert_with(|| ValueState {
                key: key.to_string(),
                name: name.to_string(),
                data: None,
                deleted: false,
                touched: Vec::new(),
            })
    }

    fn delete(&mut self, key: &str, name: &str, setting: usize) {
        let value = self.entry(key, name);
        value.data = None;
        value.deleted = true;
        value.touched.push(setting);
    }

    /// Deletes every value known under `lower_key` (and under its subkeys when `subtree`).
    fn delete_under(&mut self, lower_key: &str, subtree: bool, setting: usize) {
        let prefix = format!("{lower_key}\\");
        for ((key, _), value) in self.values.iter_mut() {
            if key == lower_key || (subtree && key.starts_with(&prefix)) {
                value.data = None;
                value.deleted = true;
                value.touched.push(setting);
            }
        }
    }

    fn apply(&mut self, i: ReplayInstruction) {
        match i.op {
            RegistryOp::Set => {
                let value = self.entry(i.key, i.value_name);
                value.data = Some(i.data.clone());
                value.deleted = false;
                value.touched.push(i.setting);
            }
            RegistryOp::SoftSet => {
                let value = self.entry(i.key, i.value_name);
                if value.data.is_none() {
                    value.data = Some(i.data.clone());
                    value.deleted = false;
                }
                value.touched.push(i.setting);
            }
            RegistryOp::DeleteValue => self.delete(i.key, i.value_name, i.setting),
            RegistryOp::DeleteValues { names } => {
                for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                    self.delete(i.key, name, i.setting);
                }
            }
            RegistryOp::DeleteAllValues => {
                self.delete_under(&fold_registry_key(i.key), false, i.setting);
                self.push_key(i);
            }
            RegistryOp::DeleteKeys { names } => {
                let key = fold_registry_key(i.key);
                for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                    let sub = format!("{key}\\{}", fold_registry_key(name));
                    self.delete_under(&sub, true, i.setting);
                }
                self.push_key(i);
            }
            RegistryOp::SecureKey { .. } | RegistryOp::CreateKey => self.push_key(i),
        }
    }

    fn push_key(&mut self, i: ReplayInstruction) {
        self.key_instructions.push(KeyInstruction {
            setting: i.setting,
            key: i.key.to_string(),
            op: i.op.clone(),
        });
    }

    /// True when a `**delvals.` on this key was replayed.
    pub fn values_cleared(&self, key: &str) -> bool {
        let key = fold_registry_key(key);
        self.key_instructions
            .iter()
            .any(|k| k.op == RegistryOp::DeleteAllValues && fold_registry_key(&k.key) == key)
    }

    /// The values under `key` that hold data, in the order they were first touched.
    pub fn present_under(&self, key: &str) -> Vec<&ValueState> {
        let key = fold_registry_key(key);
        let mut out: Vec<&ValueState> = self
            .values
            .iter()
            .filter(|((k, _), v)| *k == key && v.data.is_some())
            .map(|(_, v)| v)
            .collect();
        out.sort_by_key(|v| v.touched.first().copied());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ops: &[(&str, &str, RegistryOp, RegistryData)]) -> RegistryState {
        RegistryState::replay(ops.iter().enumerate().map(|(setting, (k, n, op, d))| {
            ReplayInstruction {
                setting,
                key: k,
                value_name: n,
                op,
                data: d,
            }
        }))
    }

    fn data<'a>(s: &'a RegistryState, key: &str, name: &str) -> Option<&'a RegistryData> {
        s.values
            .get(&(fold_registry_key(key), name.to_ascii_lowercase()))
            .and_then(|v| v.data.as_ref())
    }

    #[test]
    fn file_order_decides() {
        let s = run(&[
            ("K", "A", RegistryOp::DeleteValue, RegistryData::None),
            ("K", "A", RegistryOp::Set, RegistryData::Dword(1)),
            ("K", "B", RegistryOp::Set, RegistryData::Dword(2)),
            ("k", "b", RegistryOp::DeleteValue, RegistryData::None),
            ("K", "C", RegistryOp::Set, RegistryData::Dword(3)),
            ("K", "C", RegistryOp::SoftSet, RegistryData::Dword(4)),
            ("K", "D", RegistryOp::SoftSet, RegistryData::Dword(5)),
        ]);
        assert_eq!(data(&s, "K", "A"), Some(&RegistryData::Dword(1)));
        assert_eq!(data(&s, "K", "B"), None);
        let b = &s.values[&("k".to_string(), "b".to_string())];
        assert!(b.deleted);
        assert_eq!(b.touched, vec![2, 3]);
        assert_eq!(data(&s, "K", "C"), Some(&RegistryData::Dword(3)));
        assert_eq!(data(&s, "K", "D"), Some(&RegistryData::Dword(5)));
    }

    #[test]
    fn delvals_clears_only_that_key() {
        let s = run(&[
            ("K", "1", RegistryOp::Set, RegistryData::String("a".into())),
            ("K\\Sub", "x", RegistryOp::Set, RegistryData::Dword(1)),
            (
                "K",
                "**delvals.",
                RegistryOp::DeleteAllValues,
                RegistryData::None,
            ),
            ("K", "2", RegistryOp::Set, RegistryData::String("b".into())),
            (
                "K",
                "**DeleteKeys",
                RegistryOp::DeleteKeys {
                    names: vec!["sub".into()],
                },
                RegistryData::None,
            ),
        ]);
        assert_eq!(data(&s, "K", "1"), None);
        assert_eq!(data(&s, "K", "2"), Some(&RegistryData::String("b".into())));
        assert_eq!(data(&s, "K\\Sub", "x"), None);
        assert!(s.values_cleared("k\\"));
        let names: Vec<_> = s
            .present_under("K")
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, vec!["2"]);
    }
}
