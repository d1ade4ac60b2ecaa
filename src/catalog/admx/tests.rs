use super::parse::{parse_adml, parse_admx, reference_id};
use super::*;

const WINDOWS_ADMX: &str = include_str!("../../../test-gpos/admx/PolicyDefinitions/Windows.admx");
const WINDOWS_ADML: &str =
    include_str!("../../../test-gpos/admx/PolicyDefinitions/en-us/Windows.adml");
const SAMPLE_ADMX: &str = include_str!("../../../test-gpos/admx/PolicyDefinitions/Sample.admx");
const SAMPLE_ADML: &str =
    include_str!("../../../test-gpos/admx/PolicyDefinitions/en-us/Sample.adml");

fn sample() -> AdmxLoad {
    AdmxCatalog::from_sources(&[
        AdmxSource {
            file_base: "Windows",
            path: "Windows.admx",
            admx: WINDOWS_ADMX,
            adml: Some(WINDOWS_ADML),
        },
        AdmxSource {
            file_base: "Sample",
            path: "Sample.admx",
            admx: SAMPLE_ADMX,
            adml: Some(SAMPLE_ADML),
        },
    ])
}

fn policy<'a>(load: &'a AdmxLoad, name: &str) -> &'a AdmxPolicy {
    load.catalog
        .policy_by_name("Sample", name)
        .unwrap_or_else(|| panic!("policy {name} missing"))
}

#[test]
fn loads_every_policy_and_skips_the_one_without_a_class() {
    let load = sample();
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    let names: Vec<&str> = load
        .catalog
        .policies()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Minimize",
            "HideThing",
            "HomePage",
            "Servers",
            "UseUpdateServer",
            "Orphan"
        ]
    );
    assert!(
        load.warnings
            .iter()
            .any(|w| w.reason.contains("policy NoClass: class \"\""))
    );
    let files = load.catalog.files();
    assert_eq!(files[1].base, "Sample");
    assert_eq!(files[1].namespace, "Gpa.Policies.Sample");
    assert_eq!(files[1].superseded_adm, ["sample.adm"]);
}

#[test]
fn enum_policy_resolves_names_categories_and_area() {
    let load = sample();
    let p = policy(&load, "Minimize");
    assert_eq!(p.class, PolicyClass::Machine);
    assert_eq!(p.key, r"Software\Policies\Gpa\Sample");
    assert_eq!(p.value_name, None);
    assert_eq!(p.display_name, "Minimize the number of things");
    assert_eq!(p.explain_text.as_deref(), Some("Line one.\n\nLine two."));
    assert_eq!(p.supported_on.as_deref(), Some("At least Windows 8"));
    assert_eq!(p.category_names, ["Network", "SampleCat"]);
    assert_eq!(p.category_display_path(), "Network/Sample Things");
    assert_eq!(p.area().as_deref(), Some("Sample~AT~Network~SampleCat"));

    let e = p.element("minimize_options").expect("element");
    assert_eq!(e.value_name.as_deref(), Some("fMinimize"));
    assert_eq!(e.key, p.key);
    let ElementKind::Enum { required, items } = &e.kind else {
        panic!("not an enum: {:?}", e.kind)
    };
    assert!(required);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].display_name, "0 = Allow all things");
    assert_eq!(items[0].value, Some(AdmxValue::Decimal(0)));
    let block = e
        .enum_item_by_display_name("3 = block some things")
        .expect("item by display name");
    assert_eq!(block.value, Some(AdmxValue::Decimal(3)));
    let companion = &block.value_list.as_ref().expect("valueList").items[0];
    assert_eq!(companion.key, r"Software\Policies\Gpa\Sample\Extra");
    assert_eq!(companion.value, Some(AdmxValue::String("on".into())));

    assert_eq!(p.presentation.len(), 1);
    let part = &p.presentation[0];
    assert_eq!(part.control, PresentationControl::DropdownList);
    assert_eq!(part.label, "Minimize options");
    assert_eq!(part.default_item, Some(1));
    assert_eq!(
        p.element_by_label("Minimize  Options")
            .map(|e| e.id.as_str()),
        Some("Minimize_Options")
    );
}

#[test]
fn user_policy_with_values_and_a_product_version_as_support() {
    let load = sample();
    let p = policy(&load, "HideThing");
    assert_eq!(p.class, PolicyClass::User);
    assert_eq!(p.value_name.as_deref(), Some("HideThing"));
    assert_eq!(p.enabled_value, Some(AdmxValue::Decimal(1)));
    assert_eq!(p.disabled_value, Some(AdmxValue::String("off".into())));
    assert_eq!(p.supported_on.as_deref(), Some("Windows 10"));
    assert_eq!(p.category_names, ["Network", "SampleCat", "SampleSub"]);
    assert_eq!(
        p.category_display_path(),
        "Network/Sample Things/Sub Things"
    );
}

#[test]
fn element_types_and_presentation_controls() {
    let load = sample();
    let p = policy(&load, "HomePage");
    assert_eq!(p.class, PolicyClass::Both);
    assert_eq!(p.supported_on_ref.as_deref(), Some("SUPPORTED_Nowhere"));
    assert_eq!(p.supported_on, None);
    let kinds: Vec<&ElementKind> = p.elements.iter().map(|e| &e.kind).collect();
    assert_eq!(
        kinds[0],
        &ElementKind::Text {
            required: true,
            max_length: 2048,
            expandable: true,
            soft: false
        }
    );
    assert_eq!(
        kinds[1],
        &ElementKind::Decimal {
            required: false,
            min_value: 5,
            max_value: 600,
            store_as_text: true,
            soft: false
        }
    );
    assert_eq!(
        kinds[2],
        &ElementKind::LongDecimal {
            required: false,
            min_value: 0,
            max_value: u64::MAX,
            store_as_text: false,
            soft: false
        }
    );
    assert_eq!(p.elements[2].key, r"Software\Policies\Gpa\Browser\Limits");
    assert_eq!(
        kinds[3],
        &ElementKind::MultiText {
            required: false,
            max_length: None,
            max_strings: Some(4)
        }
    );
    let ElementKind::Boolean {
        true_value,
        false_value,
        true_list,
        false_list,
    } = kinds[4]
    else {
        panic!("not a boolean")
    };
    assert_eq!((true_value, false_value), (&None, &None));
    let true_item = &true_list.as_ref().expect("trueList").items[0];
    assert_eq!(true_item.key, r"Software\Policies\Gpa\Browser");
    let false_item = &false_list.as_ref().expect("falseList").items[0];
    assert_eq!(false_item.key, r"Software\Policies\Gpa\Browser\Off");
    assert_eq!(false_item.value, Some(AdmxValue::Delete));
    assert_eq!(
        kinds[5],
        &ElementKind::Unknown {
            element: "gadget".into()
        }
    );

    let controls: Vec<&PresentationControl> = p.presentation.iter().map(|c| &c.control).collect();
    assert_eq!(
        controls,
        [
            &PresentationControl::Text,
            &PresentationControl::TextBox,
            &PresentationControl::DecimalTextBox,
            &PresentationControl::LongDecimalTextBox,
            &PresentationControl::MultiTextBox,
            &PresentationControl::CheckBox,
            &PresentationControl::Other("slider".into()),
        ]
    );
    assert_eq!(p.presentation[0].ref_id, None);
    assert_eq!(p.presentation[1].label, "Home page URL");
    assert_eq!(
        p.presentation[1].default_value.as_deref(),
        Some("https://example.invalid/")
    );
    assert_eq!(p.presentation[2].default_value.as_deref(), Some("30"));
    assert_eq!(p.presentation[5].default_checked, Some(true));
    assert_eq!(
        p.part_for_element("allowoverride")
            .map(|c| c.label.as_str()),
        Some("Allow users to override")
    );
    assert!(
        load.warnings
            .iter()
            .any(|w| w.reason.contains("unknown element type <gadget>"))
    );
}

#[test]
fn lists_and_combo_box() {
    let load = sample();
    let p = policy(&load, "Servers");
    assert_eq!(
        p.elements[0].kind,
        ElementKind::List {
            value_prefix: Some("Server".into()),
            additive: false,
            expandable: false,
            explicit_value: false
        }
    );
    assert_eq!(
        p.elements[1].kind,
        ElementKind::List {
            value_prefix: None,
            additive: true,
            expandable: false,
            explicit_value: true
        }
    );
    let combo = &p.presentation[2];
    assert_eq!(combo.control, PresentationControl::ComboBox);
    assert_eq!(combo.label, "Proxy");
    assert_eq!(combo.default_value.as_deref(), Some("proxy1"));
    assert_eq!(combo.suggestions, ["proxy1", "proxy2"]);
}

#[test]
fn enabled_and_disabled_lists_take_the_default_key() {
    let load = sample();
    let p = policy(&load, "UseUpdateServer");
    let enabled = p.enabled_list.as_ref().expect("enabledList");
    assert_eq!(
        enabled.default_key.as_deref(),
        Some(r"Software\Policies\Gpa\Update\AU")
    );
    assert_eq!(enabled.items[0].key, r"Software\Policies\Gpa\Update\AU");
    assert_eq!(enabled.items[1].key, r"Software\Policies\Gpa\Update");
    assert_eq!(
        enabled.items[1].value,
        Some(AdmxValue::String("managed".into()))
    );
    let disabled = p.disabled_list.as_ref().expect("disabledList");
    assert_eq!(disabled.items[0].value, Some(AdmxValue::Decimal(0)));
    assert_eq!(p.category_names, ["Network", "SampleCat"]);
}

#[test]
fn unresolved_references_are_kept_and_reported() {
    let load = sample();
    let p = policy(&load, "Orphan");
    assert_eq!(p.category_unresolved.as_deref(), Some("other:Nowhere"));
    assert!(p.category_names.is_empty());
    assert_eq!(p.area(), None);
    assert_eq!(p.explain_text.as_deref(), Some("$(string.Missing_Help)"));
    assert!(
        load.warnings
            .iter()
            .any(|w| w.reason.contains("Missing_Help"))
    );
    assert!(
        load.warnings
            .iter()
            .any(|w| w.reason.contains("other:Nowhere"))
    );
}

#[test]
fn registry_claims_cover_every_role_and_both_scopes() {
    let load = sample();
    let c = &load.catalog;
    let idx = |name| c.policy_index("Sample.admx", name).expect("policy");
    let minimize = idx("Minimize");
    assert_eq!(
        c.registry_claims(Scope::Device, r"SOFTWARE\policies\gpa\sample\", "FMINIMIZE"),
        [RegistryClaim {
            policy: minimize,
            role: ClaimRole::Element { element: 0 }
        }]
    );
    assert!(
        c.registry_claims(Scope::User, r"Software\Policies\Gpa\Sample", "fMinimize")
            .is_empty()
    );
    assert_eq!(
        c.registry_claims(
            Scope::Device,
            r"Software\Policies\Gpa\Sample\Extra",
            "Companion"
        ),
        [RegistryClaim {
            policy: minimize,
            role: ClaimRole::EnumValueList {
                element: 0,
                enum_item: 1,
                item: 0
            }
        }]
    );

    let home = idx("HomePage");
    for scope in [Scope::Device, Scope::User] {
        assert_eq!(
            c.registry_claims(scope, r"Software\Policies\Gpa\Browser", "HomePage"),
            [RegistryClaim {
                policy: home,
                role: ClaimRole::Element { element: 0 }
            }]
        );
    }
    assert_eq!(
        c.registry_claims(
            Scope::User,
            r"Software\Policies\Gpa\Browser\Off",
            "OverrideA"
        ),
        [RegistryClaim {
            policy: home,
            role: ClaimRole::BooleanFalseList {
                element: 4,
                item: 0
            }
        }]
    );

    let servers = idx("Servers");
    assert_eq!(
        c.registry_claims(Scope::Device, r"Software\Policies\Gpa\Sample", "UseServers"),
        [RegistryClaim {
            policy: servers,
            role: ClaimRole::PolicyValue
        }]
    );
    assert_eq!(
        c.registry_claims(
            Scope::Device,
            r"Software\Policies\Gpa\Sample\Servers",
            "Server7"
        ),
        [RegistryClaim {
            policy: servers,
            role: ClaimRole::ListEntry { element: 0 }
        }]
    );
    assert_eq!(
        c.key_claims(Scope::Device, r"software\policies\gpa\sample\pairs"),
        [RegistryClaim {
            policy: servers,
            role: ClaimRole::ListEntry { element: 1 }
        }]
    );

    let update = idx("UseUpdateServer");
    assert_eq!(
        c.registry_claims(
            Scope::Device,
            r"Software\Policies\Gpa\Update\AU",
            "UseServer"
        ),
        [
            RegistryClaim {
                policy: update,
                role: ClaimRole::EnabledList { item: 0 }
            },
            RegistryClaim {
                policy: update,
                role: ClaimRole::DisabledList { item: 0 }
            }
        ]
    );
}

#[test]
fn display_lookup_normalizes_case_and_whitespace() {
    let load = sample();
    let c = &load.catalog;
    let found = c.policies_by_display(
        Scope::Device,
        "network/sample things",
        "  MINIMIZE the number of things ",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Minimize");
    assert!(
        c.policies_by_display(
            Scope::User,
            "Network/Sample Things",
            "Minimize the number of things"
        )
        .is_empty()
    );
    let both = c.policies_by_display(
        Scope::User,
        "Network/Sample Things",
        "Configure the home page",
    );
    assert_eq!(both.len(), 1);
}

#[test]
fn serde_round_trip_rebuilds_the_lookups() {
    let load = sample();
    let json = serde_json::to_string(&load.catalog).expect("serialize");
    let back: AdmxCatalog = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back.definitions(), load.catalog.definitions());
    assert_eq!(
        back.registry_claims(
            Scope::Device,
            r"Software\Policies\Gpa\Sample\Servers",
            "Server1"
        ),
        load.catalog.registry_claims(
            Scope::Device,
            r"Software\Policies\Gpa\Sample\Servers",
            "Server1"
        )
    );
    assert_eq!(json, serde_json::to_string(&back).expect("serialize again"));
}

#[test]
fn child_ids_and_references() {
    assert_eq!(
        settings_catalog_child_id(
            "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections",
            "WCM_MinimizeConnections_Options"
        ),
        "device_vendor_msft_policy_config_admx_wcm_wcm_minimizeconnections_wcm_minimizeconnections_options"
    );
    assert_eq!(
        reference_id(" $(string.Foo_Bar) ", "string"),
        Some("Foo_Bar")
    );
    assert_eq!(reference_id("$(presentation.P)", "string"), None);
    assert_eq!(reference_id("Plain text", "string"), None);
}

#[test]
fn duplicate_namespace_is_skipped_and_unparsed_values_are_kept() {
    let admx = r#"<policyDefinitions><policyNamespaces><target prefix="a" namespace="A"/></policyNamespaces>
        <policies><policy name="P" class="machine" displayName="P" key="K" valueName="V">
        <enabledValue><decimal value="-1"/></enabledValue><disabledValue><qword value="2"/></disabledValue>
        <elements><decimal id="D" valueName="D" maxValue="lots"/></elements></policy></policies></policyDefinitions>"#;
    let load = AdmxCatalog::from_sources(&[
        AdmxSource {
            file_base: "A",
            path: "A.admx",
            admx,
            adml: None,
        },
        AdmxSource {
            file_base: "B",
            path: "B.admx",
            admx,
            adml: None,
        },
    ]);
    assert_eq!(load.catalog.policies().len(), 1);
    assert!(load.warnings.iter().any(|w| {
        w.path.ends_with("B.admx")
            && w.reason
                .contains("namespace A is already defined by A.admx")
    }));
    let p = &load.catalog.policies()[0];
    assert_eq!(p.class, PolicyClass::Machine);
    assert_eq!(
        p.enabled_value,
        Some(AdmxValue::Unparsed {
            form: "decimal".into(),
            text: "-1".into()
        })
    );
    assert_eq!(
        p.disabled_value,
        Some(AdmxValue::Unparsed {
            form: "qword".into(),
            text: "2".into()
        })
    );
    let ElementKind::Decimal { max_value, .. } = p.elements[0].kind else {
        panic!("not a decimal")
    };
    assert_eq!(max_value, 9999);
    assert!(
        load.warnings
            .iter()
            .any(|w| w.reason.contains("maxValue=\"lots\""))
    );
}

#[test]
fn category_cycle_is_reported_not_followed_forever() {
    let admx = r#"<policyDefinitions><policyNamespaces><target prefix="a" namespace="A"/></policyNamespaces>
        <categories><category name="X" displayName="X"><parentCategory ref="Y"/></category>
        <category name="Y" displayName="Y"><parentCategory ref="a:X"/></category></categories>
        <policies><policy name="P" class="User" displayName="P" key="K" valueName="V"><parentCategory ref="X"/></policy></policies></policyDefinitions>"#;
    let load = AdmxCatalog::from_sources(&[AdmxSource {
        file_base: "A",
        path: "A.admx",
        admx,
        adml: None,
    }]);
    let p = &load.catalog.policies()[0];
    assert!(
        p.category_unresolved
            .as_deref()
            .is_some_and(|r| r.starts_with("cycle"))
    );
    assert_eq!(p.area(), None);
}

#[test]
fn wrong_root_and_missing_target_are_errors() {
    assert!(parse_admx("<policyDefinitionResources/>").is_err());
    assert!(parse_admx("<policyDefinitions><policyNamespaces/></policyDefinitions>").is_err());
    assert!(parse_adml("<policyDefinitions/>").is_err());
    assert!(parse_adml("<policyDefinitionResources/>").is_err());
    let load = AdmxCatalog::from_sources(&[AdmxSource {
        file_base: "Bad",
        path: "Bad.admx",
        admx: "<policyDefinitions>",
        adml: None,
    }]);
    assert_eq!(load.errors.len(), 1);
    assert_eq!(load.errors[0].path.to_string_lossy(), "Bad.admx");
}

#[test]
fn values_match_registry_data_as_written() {
    use crate::model::RegistryData;
    assert!(AdmxValue::Decimal(1).matches_data(&RegistryData::Dword(1)));
    assert!(AdmxValue::Decimal(30).matches_data(&RegistryData::String("30".into())));
    assert!(!AdmxValue::Decimal(1).matches_data(&RegistryData::Dword(0)));
    assert!(!AdmxValue::Decimal(1).matches_data(&RegistryData::Qword(1)));
    assert!(AdmxValue::LongDecimal(5).matches_data(&RegistryData::Qword(5)));
    assert!(AdmxValue::String("on".into()).matches_data(&RegistryData::ExpandString("on".into())));
    assert!(!AdmxValue::String("on".into()).matches_data(&RegistryData::String("On".into())));
    assert!(!AdmxValue::Delete.matches_data(&RegistryData::None));
}
