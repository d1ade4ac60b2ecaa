//! The matcher's first stage on a synthetic template (`test-gpos/matching`): one policy per
//! evidence shape, so these run without the corpus.

use proptest::prelude::*;

use super::*;
use crate::catalog::admx::{AdmxCatalog, AdmxSource, AdmxValue};
use crate::model::{
    Gpo, ListEntry, PolicyPart, PolicyState, RegistryData, RegistryInstruction, RegistryOp, Scope,
    Setting, SettingId, SettingKind, SettingValue, Source,
};

const ADMX: &str = include_str!("../../test-gpos/matching/Matching.admx");
const ADML: &str = include_str!("../../test-gpos/matching/en-US/Matching.adml");

fn catalog() -> AdmxCatalog {
    let load = AdmxCatalog::from_sources(&[AdmxSource {
        file_base: "Matching",
        path: "Matching.admx",
        admx: ADMX,
        adml: Some(ADML),
    }]);
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    load.catalog
}

const EVERYTHING: &str = "Software\\Policies\\Gpa\\Everything";
const SHARED: &str = "Software\\Policies\\Gpa\\Shared";
const LISTS: &str = "Software\\Policies\\Gpa\\Lists";
const SERVERS: &str = "Software\\Policies\\Gpa\\Everything\\Servers";

fn instruction(
    scope: Scope,
    entry: usize,
    key: &str,
    name: &str,
    op: RegistryOp,
    data: RegistryData,
) -> Setting {
    Setting::new(
        scope,
        SettingKind::RegistryValue,
        SettingId::Registry {
            hive: scope.hive(),
            key: key.to_string(),
            value_name: name.to_string(),
        },
        SettingValue::Registry(RegistryInstruction { op, data }),
        Source {
            file: "Registry.pol".into(),
            entry: u32::try_from(entry).ok(),
            line: None,
        },
    )
}

/// A GPO whose Machine registry.pol holds these (key, name, op, data) in order.
fn gpo(ops: Vec<(&str, &str, RegistryOp, RegistryData)>) -> Gpo {
    Gpo {
        settings: ops
            .into_iter()
            .enumerate()
            .map(|(i, (k, n, op, d))| instruction(Scope::Device, i, k, n, op, d))
            .collect(),
        ..Gpo::default()
    }
}

fn set(
    key: &'static str,
    name: &'static str,
    data: RegistryData,
) -> (&'static str, &'static str, RegistryOp, RegistryData) {
    (key, name, RegistryOp::Set, data)
}

fn del(
    key: &'static str,
    name: &'static str,
) -> (&'static str, &'static str, RegistryOp, RegistryData) {
    (
        key,
        name,
        RegistryOp::DeleteValue,
        RegistryData::String(" ".into()),
    )
}

fn sz(s: &str) -> RegistryData {
    RegistryData::String(s.into())
}

fn only<'a>(state: &'a AdmxState, name: &str) -> &'a RecoveredPolicy {
    let found: Vec<_> = state.policies.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "{name}: {:#?}", state.policies);
    found[0]
}

fn value<'a>(policy: &'a RecoveredPolicy, id: &str) -> &'a ElementValueData {
    &policy
        .elements
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", policy.elements))
        .value
}

#[test]
fn every_element_kind_is_read_back() {
    let admx = catalog();
    let g = gpo(vec![
        set(EVERYTHING, "On", RegistryData::Dword(1)),
        set(EVERYTHING, "Txt", sz("hello")),
        set(EVERYTHING, "Num", sz("42")),
        set(EVERYTHING, "Mode", RegistryData::Dword(2)),
        set(EVERYTHING, "ModeExtra", sz("b")),
        set(EVERYTHING, "Flag", RegistryData::Dword(0)),
        (SERVERS, "**delvals.", RegistryOp::DeleteAllValues, sz(" ")),
        set(SERVERS, "1", sz("a.contoso.com")),
        set(SERVERS, "2", sz("b.contoso.com")),
        set(
            EVERYTHING,
            "Lines",
            RegistryData::MultiString(vec!["x".into(), "y".into()]),
        ),
        set("Software\\Vendor\\Unknown", "Thing", RegistryData::Dword(3)),
    ]);
    let state = recover_admx_state(&g, &admx);
    let p = only(&state, "Everything");
    assert_eq!(p.state, PolicyState::Enabled);
    assert_eq!(p.route, Route::RegistryPol);
    assert_eq!(
        value(p, "Txt"),
        &ElementValueData::Text {
            value: "hello".into()
        }
    );
    assert_eq!(value(p, "Num"), &ElementValueData::Number { value: 42 });
    assert_eq!(
        value(p, "Mode"),
        &ElementValueData::Enum {
            index: 1,
            display_name: "Mode B".into(),
            value: Some(AdmxValue::Decimal(2)),
        }
    );
    assert_eq!(
        value(p, "Flag"),
        &ElementValueData::Boolean { value: false }
    );
    assert_eq!(
        value(p, "Servers"),
        &ElementValueData::List {
            entries: vec![
                ListEntry {
                    name: "1".into(),
                    data: Some("a.contoso.com".into())
                },
                ListEntry {
                    name: "2".into(),
                    data: Some("b.contoso.com".into())
                },
            ]
        }
    );
    assert_eq!(
        value(p, "Lines"),
        &ElementValueData::MultiText {
            values: vec!["x".into(), "y".into()]
        }
    );
    let ids: Vec<_> = p.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["Txt", "Num", "Mode", "Flag", "Servers", "Lines"]);
    // Every instruction but the unknown one is consumed, the delvals marker included.
    let evidence: Vec<usize> = p.evidence.iter().map(|e| e.setting).collect();
    assert_eq!(evidence, (0..10).collect::<Vec<_>>());
    assert_eq!(state.extra_registry.len(), 1);
    assert_eq!(state.extra_registry[0].value_name, "Thing");
    assert_eq!(state.extra_registry[0].entry, Some(10));
}

#[test]
fn disabled_is_a_deletion_and_dword_zero_proves_nothing() {
    let admx = catalog();
    // No disabledValue: Disabled is written as `**del.On` and the elements deleted.
    let state = recover_admx_state(
        &gpo(vec![
            del(EVERYTHING, "On"),
            del(EVERYTHING, "Txt"),
            (SERVERS, "**delvals.", RegistryOp::DeleteAllValues, sz(" ")),
        ]),
        &admx,
    );
    let p = only(&state, "Everything");
    assert_eq!(p.state, PolicyState::Disabled);
    assert!(p.elements.is_empty());
    assert_eq!(p.evidence.len(), 3);

    let state = recover_admx_state(
        &gpo(vec![set(EVERYTHING, "On", RegistryData::Dword(0))]),
        &admx,
    );
    assert_eq!(only(&state, "Everything").state, PolicyState::Unknown);

    // Delete then set replaces: Enabled.
    let state = recover_admx_state(
        &gpo(vec![
            del(EVERYTHING, "On"),
            set(EVERYTHING, "On", RegistryData::Dword(1)),
        ]),
        &admx,
    );
    assert_eq!(only(&state, "Everything").state, PolicyState::Enabled);

    // A declared disabledValue decides.
    let state = recover_admx_state(
        &gpo(vec![set(SHARED, "Shared", RegistryData::Dword(0))]),
        &admx,
    );
    assert_eq!(only(&state, "SharedA").state, PolicyState::Disabled);
}

fn report_policy(scope: Scope, name: &str, parts: Vec<PolicyPart>) -> Setting {
    Setting {
        scope,
        kind: SettingKind::AdmxPolicy,
        id: SettingId::ReportPolicy {
            category: "Gpa Tests".into(),
            name: name.into(),
        },
        value: SettingValue::Policy {
            state: PolicyState::Enabled,
            parts,
        },
        display_name: Some(name.into()),
        category: Some("Gpa Tests".into()),
        display_value: None,
        source: Source::default(),
    }
}

const OWN: &str = "Software\\Policies\\Gpa\\Own";
const UMBRELLA: &str = "Software\\Policies\\Gpa\\Umbrella";

#[test]
fn umbrella_policy_not_set_takes_nothing_and_never_outranks_an_own_value() {
    let admx = catalog();
    // Umbrella's own value is absent: it is not set, though its list holds both values. OwnA
    // owns its value; OwnB, which only the umbrella lists, is an extra registry value.
    let state = recover_admx_state(
        &gpo(vec![
            set(OWN, "OwnA", RegistryData::Dword(1)),
            set(OWN, "OwnB", RegistryData::Dword(1)),
        ]),
        &admx,
    );
    assert!(state.policies.iter().all(|p| p.name != "Umbrella"));
    let own = only(&state, "OwnA");
    assert_eq!(own.state, PolicyState::Enabled);
    assert_eq!(own.ambiguities[0].decided_by, Decision::OthersAbsent);
    assert_eq!(
        own.ambiguities[0].candidates,
        vec!["Matching:Umbrella", "Matching:OwnA"]
    );
    assert_eq!(state.extra_registry.len(), 1);
    assert_eq!(state.extra_registry[0].value_name, "OwnB");

    // Set, the umbrella takes its own value and the one only it lists; OwnA keeps its own.
    let state = recover_admx_state(
        &gpo(vec![
            set(UMBRELLA, "Restrict", RegistryData::Dword(1)),
            set(OWN, "OwnA", RegistryData::Dword(1)),
            set(OWN, "OwnB", RegistryData::Dword(1)),
        ]),
        &admx,
    );
    let umbrella = only(&state, "Umbrella");
    assert_eq!(umbrella.state, PolicyState::Enabled);
    assert_eq!(umbrella.evidence.len(), 2);
    assert_eq!(
        only(&state, "OwnA").ambiguities[0].decided_by,
        Decision::OwnOverStateList
    );
    assert!(state.extra_registry.is_empty());
}

#[test]
fn element_claim_outranks_a_template_list_and_data_type_picks_the_element() {
    let admx = catalog();
    // A zone template that is set lists the zone value in its disabled list; the zone policy
    // names it as an element, and keeps it.
    let state = recover_admx_state(
        &gpo(vec![
            set(
                "Software\\Policies\\Gpa\\Templates",
                "ZoneTemplate",
                RegistryData::Dword(1),
            ),
            set(
                "Software\\Policies\\Gpa\\Zone",
                "1C00",
                RegistryData::Dword(0),
            ),
        ]),
        &admx,
    );
    let zone = only(&state, "Zone");
    assert_eq!(zone.ambiguities[0].decided_by, Decision::OwnOverStateList);
    assert!(matches!(
        value(zone, "Level"),
        ElementValueData::Enum { index: 0, .. }
    ));
    assert_eq!(only(&state, "ZoneTemplate").evidence.len(), 1);

    // Two policies write one value as a text box and as a multi-line text box: the data's type
    // tells them apart.
    const PREFS: &str = "Software\\Policies\\Gpa\\Prefs";
    let state = recover_admx_state(
        &gpo(vec![set(
            PREFS,
            "Preferences",
            RegistryData::MultiString(vec!["{".into(), "}".into()]),
        )]),
        &admx,
    );
    let many = only(&state, "ManyLines");
    assert_eq!(many.ambiguities[0].decided_by, Decision::DataFits);
    assert!(state.policies.iter().all(|p| p.name != "OneLine"));
    let state = recover_admx_state(&gpo(vec![set(PREFS, "Preferences", sz("{}"))]), &admx);
    assert_eq!(
        only(&state, "OneLine").ambiguities[0].decided_by,
        Decision::DataFits
    );
}

#[test]
fn several_claimants_report_then_other_values_then_catalog_order() {
    let admx = catalog();
    let state = recover_admx_state(
        &gpo(vec![set(SHARED, "Shared", RegistryData::Dword(1))]),
        &admx,
    );
    let p = only(&state, "SharedA");
    assert_eq!(p.ambiguities.len(), 1);
    assert_eq!(p.ambiguities[0].decided_by, Decision::CatalogOrder);
    assert_eq!(
        p.ambiguities[0].candidates,
        vec!["Matching:SharedA", "Matching:SharedB"]
    );

    let state = recover_admx_state(
        &gpo(vec![
            set(SHARED, "Shared", RegistryData::Dword(1)),
            set(SHARED, "Other", RegistryData::Dword(7)),
        ]),
        &admx,
    );
    let p = only(&state, "SharedB");
    assert_eq!(p.state, PolicyState::Enabled);
    assert_eq!(p.ambiguities[0].decided_by, Decision::OtherValues);
    assert!(state.policies.iter().all(|p| p.name != "SharedA"));

    let mut g = gpo(vec![set(SHARED, "Shared", RegistryData::Dword(1))]);
    g.report_policies
        .push(report_policy(Scope::Device, "Shared B", Vec::new()));
    let state = recover_admx_state(&g, &admx);
    assert_eq!(
        only(&state, "SharedB").ambiguities[0].decided_by,
        Decision::Report
    );

    // An exact claim wins over a list claiming its whole key.
    let state = recover_admx_state(
        &gpo(vec![
            set(LISTS, "Exact", RegistryData::Dword(1)),
            set(LISTS, "contoso", sz("1")),
        ]),
        &admx,
    );
    let exact = only(&state, "ExactOne");
    assert_eq!(exact.ambiguities[0].decided_by, Decision::ExactOverList);
    let lists = only(&state, "ListOwner");
    assert_eq!(
        value(lists, "Pairs"),
        &ElementValueData::List {
            entries: vec![ListEntry {
                name: "contoso".into(),
                data: Some("1".into())
            }]
        }
    );
}

#[test]
fn report_route_maps_labels_by_position_and_names_back_to_values() {
    let admx = catalog();
    let part = |element: &str, label: &str, state: Option<&str>, value: Option<&str>| PolicyPart {
        element: element.into(),
        label: label.into(),
        state: state.map(str::to_string),
        value: value.map(str::to_string),
        ..PolicyPart::default()
    };
    let g = Gpo {
        settings: vec![
            report_policy(
                Scope::User,
                "Twins",
                vec![
                    part("Text", "Both boxes share a label.", None, None),
                    part("Numeric", "Seconds:", Some("Enabled"), Some("5")),
                    part("Numeric", "Seconds:", Some("Enabled"), Some("9")),
                ],
            ),
            report_policy(
                Scope::Device,
                "Every element kind",
                vec![
                    part("DropDownList", "Mode:", Some("Enabled"), Some("Mode B")),
                    part("CheckBox", "Flag", Some("Enabled"), None),
                    PolicyPart {
                        items: vec![ListEntry {
                            name: String::new(),
                            data: Some("a".into()),
                        }],
                        ..part("ListBox", "Servers", Some("Enabled"), None)
                    },
                ],
            ),
            report_policy(Scope::Device, "Not in the templates", Vec::new()),
        ],
        ..Gpo::default()
    };
    let state = recover_admx_state(&g, &admx);
    let twins = only(&state, "Twins");
    assert_eq!(twins.route, Route::ReportDisplayNames);
    assert_eq!(twins.scope, Scope::User);
    assert_eq!(
        value(twins, "First"),
        &ElementValueData::Number { value: 5 }
    );
    assert_eq!(
        value(twins, "Second"),
        &ElementValueData::Number { value: 9 }
    );
    let every = only(&state, "Everything");
    assert_eq!(
        value(every, "Mode"),
        &ElementValueData::Enum {
            index: 1,
            display_name: "Mode B".into(),
            value: Some(AdmxValue::Decimal(2)),
        }
    );
    assert_eq!(
        value(every, "Flag"),
        &ElementValueData::Boolean { value: true }
    );
    assert_eq!(
        value(every, "Servers"),
        &ElementValueData::List {
            entries: vec![ListEntry {
                name: "1".into(),
                data: Some("a".into())
            }]
        }
    );
    assert_eq!(state.unresolved_report_policies.len(), 1);
    assert_eq!(state.unresolved_report_policies[0].setting, 2);

    // Without the static text part, the repeated label still maps in order.
    let g = Gpo {
        settings: vec![report_policy(
            Scope::User,
            "Twins",
            vec![
                part("Numeric", "Seconds:", Some("Enabled"), Some("5")),
                part("Numeric", "Seconds:", Some("Enabled"), Some("9")),
            ],
        )],
        ..Gpo::default()
    };
    let state = recover_admx_state(&g, &admx);
    let twins = only(&state, "Twins");
    assert_eq!(
        value(twins, "First"),
        &ElementValueData::Number { value: 5 }
    );
    assert_eq!(
        value(twins, "Second"),
        &ElementValueData::Number { value: 9 }
    );
}

#[test]
fn both_class_answers_in_each_scope() {
    let admx = catalog();
    let g = Gpo {
        settings: vec![
            instruction(Scope::User, 0, LISTS, "a", RegistryOp::Set, sz("1")),
            instruction(Scope::Device, 1, LISTS, "b", RegistryOp::Set, sz("2")),
        ],
        ..Gpo::default()
    };
    let state = recover_admx_state(&g, &admx);
    let scopes: Vec<_> = state
        .policies
        .iter()
        .map(|p| (p.scope, p.name.as_str()))
        .collect();
    assert_eq!(
        scopes,
        vec![(Scope::Device, "ListOwner"), (Scope::User, "ListOwner")]
    );
}

fn arbitrary_instruction() -> impl Strategy<Value = (usize, usize, usize, u32, bool)> {
    (0..5usize, 0..10usize, 0..9usize, 0..4u32, any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn random_instruction_sequences_never_panic_and_repeat(
        ops in proptest::collection::vec(arbitrary_instruction(), 0..24)
    ) {
        let admx = catalog();
        let keys = [EVERYTHING, SHARED, LISTS, SERVERS, "Software\\Policies\\Gpa"];
        let names = ["On", "Txt", "Num", "Mode", "Flag", "Shared", "Other", "Exact", "1", "Lines"];
        let settings = ops
            .iter()
            .enumerate()
            .map(|(i, &(k, n, op, d, user))| {
                let name = names.get(n).copied().unwrap_or("On");
                let op = match op {
                    0 => RegistryOp::Set,
                    1 => RegistryOp::SoftSet,
                    2 => RegistryOp::DeleteValue,
                    3 => RegistryOp::DeleteAllValues,
                    4 => RegistryOp::DeleteValues { names: vec![name.into(), "x".into()] },
                    5 => RegistryOp::DeleteKeys { names: vec!["Servers".into()] },
                    6 => RegistryOp::SecureKey { secure: true },
                    7 => RegistryOp::CreateKey,
                    _ => RegistryOp::Set,
                };
                let data = match d {
                    0 => RegistryData::Dword(d),
                    1 => RegistryData::Dword(1),
                    2 => sz("Block"),
                    _ => RegistryData::MultiString(vec!["a".into()]),
                };
                let scope = if user { Scope::User } else { Scope::Device };
                instruction(scope, i, keys.get(k).copied().unwrap_or(EVERYTHING), name, op, data)
            })
            .collect();
        let g = Gpo { settings, ..Gpo::default() };
        let first = recover_admx_state(&g, &admx);
        let second = recover_admx_state(&g, &admx);
        prop_assert_eq!(&first, &second);
        prop_assert!(serde_json::to_string(&first).is_ok());
        let consumed: usize = first.policies.iter().map(|p| p.evidence.len()).sum();
        prop_assert!(consumed + first.extra_registry.len() >= g.settings.len());
    }
}
