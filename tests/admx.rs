mod common;

use gpa::catalog::admx::AdmxCatalog;

#[test]
fn explore() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut all = gpa::catalog::admx::discover_template_folders(&corpus.join("admx"));
    all.push(corpus.join("gpo-backups/msft-sct-windows10-1909/Templates"));
    let load = AdmxCatalog::load_folders(&all);
    let c = &load.catalog;
    for (f, n) in [
        ("WCM", "WCM_MinimizeConnections"),
        ("msedge", "HomepageLocation"),
        ("CredSsp", "AllowDefaultCredentials"),
        ("word16", "L_VBAWarningsPolicy"),
        ("WindowsUpdate", "CorpWuURL"),
    ] {
        let p = c.policy_by_name(f, n).unwrap();
        let mut p = p.clone();
        p.explain_text = None;
        println!("{}", serde_json::to_string_pretty(&p).unwrap());
        println!("area {:?}", p.area());
    }
    println!(
        "{:?}",
        c.registry_claims(
            gpa::model::Scope::Device,
            "software\\policies\\microsoft\\windows\\wcmsvc\\grouppolicy",
            "FMINIMIZECONNECTIONS"
        )
    );
    println!("{:?}", c.registry_claims(gpa::model::Scope::Device, "Software\\Policies\\Microsoft\\Windows\\CredentialsDelegation\\AllowDefaultCredentials", "1"));
}
