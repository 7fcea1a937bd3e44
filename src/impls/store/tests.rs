use super::*;
use std::time::Duration;

fn library() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    lib
}

fn finished(outcome: Outcome, code: Option<i32>, metrics: &[(&str, f64)]) -> Finished {
    Finished {
        outcome,
        exit_code: code,
        signal: None,
        duration: Duration::from_millis(1500),
        stdout_tail: "done\n".into(),
        stderr_tail: String::new(),
        metrics: metrics
            .iter()
            .map(|(n, v)| Metric {
                name: n.to_string(),
                value: *v,
                unit: None,
            })
            .collect(),
    }
}

#[test]
fn links_are_made_updated_listed_and_removed() {
    let mut lib = library();
    let dir = tempfile::tempdir().expect("dir");
    let first = lib
        .impl_link(
            "hu2021lora",
            NewImpl {
                location: dir.path().display().to_string(),
                command: vec!["python".into(), "train.py".into()],
                framework: Some("PyTorch".into()),
                ..NewImpl::default()
            },
        )
        .expect("link");
    assert_eq!(first.paper_id, "2106.09685");
    assert_eq!(first.kind, Kind::Local);
    // Linking the same place again updates it and keeps what was not given.
    let again = lib
        .impl_link(
            "2106.09685",
            NewImpl {
                location: dir.path().display().to_string(),
                official: true,
                ..NewImpl::default()
            },
        )
        .expect("relink");
    assert_eq!(again.id, first.id);
    assert!(again.official);
    assert_eq!(again.command, ["python", "train.py"]);
    assert_eq!(again.framework.as_deref(), Some("PyTorch"));
    let repo = lib
        .impl_link(
            "2106.09685",
            NewImpl {
                location: "https://github.com/microsoft/LoRA".into(),
                ..NewImpl::default()
            },
        )
        .expect("repo");
    assert_eq!(repo.kind, Kind::Git);
    assert_eq!(lib.impl_list(Some("2106.09685")).expect("list").len(), 2);
    // Two links: the official one is picked; a number picks exactly.
    assert_eq!(lib.impl_pick("2106.09685").expect("pick").id, first.id);
    assert_eq!(
        lib.impl_pick(&format!("#{}", repo.id)).expect("pick").id,
        repo.id
    );
    assert!(matches!(
        lib.impl_pick("1706.03762"),
        Err(ImplError::NoneLinked(_))
    ));
    assert!(matches!(lib.impl_pick("99"), Err(ImplError::NoImpl(99))));
    assert!(lib.impl_unlink(first.id).expect("unlink"));
    assert!(!lib.impl_unlink(first.id).expect("again"));
    assert_eq!(
        lib.impl_pick("2106.09685").expect("the one left").id,
        repo.id
    );
    let err = lib
        .impl_link(
            "2106.09685",
            NewImpl {
                location: "  ".into(),
                ..NewImpl::default()
            },
        )
        .expect_err("empty");
    assert!(err.to_string().contains("needs a location"));
}

#[test]
fn runs_feed_the_ledger() {
    let mut lib = library();
    let imp = lib
        .impl_link(
            "1706.03762",
            NewImpl {
                location: "/tmp".into(),
                command: vec!["true".into()],
                ..NewImpl::default()
            },
        )
        .expect("link");
    let claim = |metric: &str, value: f64, compare: Compare, tolerance: Tolerance| NewClaim {
        metric: metric.into(),
        value,
        compare,
        tolerance,
        task: None,
        dataset: Some("toy copy task".into()),
        note: None,
    };
    lib.claim_add(
        "1706.03762",
        claim(
            "copy_accuracy",
            0.99,
            Compare::AtLeast,
            Tolerance::Absolute(0.01),
        ),
    )
    .expect("claim");
    lib.claim_add(
        "1706.03762",
        claim("bleu", 28.4, Compare::About, Tolerance::Absolute(0.5)),
    )
    .expect("claim");
    let argv = vec!["true".to_string()];
    lib.impl_record_run(
        &imp,
        "2026-11-01T10:00:00Z",
        &argv,
        &finished(Outcome::Exited, Some(0), &[("copy_accuracy", 0.5)]),
        None,
    )
    .expect("run 1");
    let run = lib
        .impl_record_run(
            &imp,
            "2026-11-02T10:00:00Z",
            &argv,
            &finished(Outcome::Exited, Some(0), &[("copy_accuracy", 0.995)]),
            Some("abc1234"),
        )
        .expect("run 2");
    assert_eq!(run.metrics[0].value, 0.995);
    assert_eq!(run.git_commit.as_deref(), Some("abc1234"));
    assert_eq!(run.duration_ms, 1500);
    let ledger = lib.impl_ledger(Some("1706.03762")).expect("ledger");
    assert_eq!(ledger.len(), 1);
    let rows = &ledger[0].1;
    assert_eq!(
        (rows[0].observed, rows[0].verdict),
        (Some(0.995), ledger::Verdict::Reproduced)
    );
    assert_eq!(rows[0].run_id, Some(run.id));
    assert_eq!(rows[1].verdict, ledger::Verdict::NotRun);
    assert_eq!(lib.impl_runs(None, 1).expect("runs")[0].id, run.id);
    // Removing the paper removes its links, runs and claims.
    lib.conn()
        .execute("DELETE FROM papers WHERE id = '1706.03762'", [])
        .expect("delete");
    assert!(lib.impl_runs(None, 10).expect("runs").is_empty());
    assert!(lib.claims(None).expect("claims").is_empty());
}

#[test]
fn claims_are_checked_and_removable() {
    let mut lib = library();
    let bad = NewClaim {
        metric: " ".into(),
        value: 1.0,
        compare: Compare::About,
        tolerance: Tolerance::DEFAULT,
        task: None,
        dataset: None,
        note: None,
    };
    assert!(matches!(
        lib.claim_add("1706.03762", bad.clone()),
        Err(ImplError::Invalid(_))
    ));
    let nan = NewClaim {
        metric: "x".into(),
        value: f64::NAN,
        ..bad.clone()
    };
    assert!(lib.claim_add("1706.03762", nan).is_err());
    let ok = lib
        .claim_add(
            "1706.03762",
            NewClaim {
                metric: "x".into(),
                ..bad
            },
        )
        .expect("claim");
    assert_eq!(ok.tolerance, Tolerance::DEFAULT);
    lib.claim_remove(ok.id).expect("remove");
    assert!(matches!(
        lib.claim_remove(ok.id),
        Err(ImplError::NoClaim(_))
    ));
    assert!(matches!(
        lib.claims(Some("0000.00000")),
        Err(ImplError::Library(LibraryError::NoSuchPaper(_)))
    ));
}

#[test]
fn a_corrupt_stored_command_is_reported_not_replaced() {
    let mut lib = library();
    let imp = lib
        .impl_link(
            "1706.03762",
            NewImpl {
                location: "/tmp/code".into(),
                command: vec!["make".into()],
                ..Default::default()
            },
        )
        .expect("link");
    lib.conn()
        .execute(
            "UPDATE impls SET command = '[\"make\"' WHERE id = ?1",
            [imp.id],
        )
        .expect("corrupt");
    let err = lib.impl_list(None).expect_err("corrupt JSON is an error");
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "unreadable data for the command of implementation {}",
            imp.id
        )),
        "{text}"
    );
}
