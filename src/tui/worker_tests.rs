//! The worker for real: a library file, the full-text index, a program run
//! in the background with its output streamed, a cancelled run, a failed
//! fetch reported as a message, and changes from another connection picked
//! up without being asked.

use super::state::{Intent, Update};
use super::test_kit::*;
use crate::config::Config;
use crate::home::Home;
use crate::impls::store::NewImpl;
use crate::library::{Library, RowFilter};
use crate::search::Mode;
use std::time::{Duration, Instant};

#[test]
fn the_worker_answers_runs_cancels_and_notices_other_writers() {
    let dir = tempfile::tempdir().expect("dir");
    let home = Home::at(dir.path());
    home.ensure().expect("home");
    let code = dir.path().join("code");
    std::fs::create_dir(&code).expect("code");
    {
        let mut lib = Library::open(&home.database()).expect("library");
        crate::starter::load(&mut lib).expect("starter");
        let quick = |cmd: &[&str]| NewImpl {
            location: code.display().to_string(),
            command: cmd.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        lib.impl_link(
            "1706.03762",
            quick(&["sh", "-c", "echo hello; echo 'METRIC bleu=28.1'"]),
        )
        .expect("link");
        lib.impl_link("2106.09685", quick(&["sh", "-c", "echo waiting; sleep 60"]))
            .expect("link");
    }
    let mut config = Config::default();
    config.arxiv.base_url = "http://127.0.0.1:9/api/query".into();
    config.arxiv.delay_ms = 1;
    config.arxiv.max_retries = 0;
    config.embed.models_dir = Some(dir.path().join("no-models"));
    let worker = TestWorker::start(&home, config);

    worker.send(Intent::LoadPapers(RowFilter::default()));
    assert_eq!(
        worker.wait(|u| match u {
            Update::Papers(r) => Some(r.len()),
            _ => None,
        }),
        29
    );

    // Words search without a model, typed fast.
    for q in ["l", "lo", "low-rank"] {
        worker.send(Intent::Search {
            query: q.into(),
            mode: Mode::Hybrid,
        });
    }
    // The worker may have taken "l" before the rest was sent (a busy
    // machine); what matters is that the last query gets its answer.
    let (query, ids) = worker.wait(|u| match u {
        Update::Hits { query, hits, .. } if query == "low-rank" => Some((
            query,
            hits.into_iter().map(|h| h.hit.id).collect::<Vec<_>>(),
        )),
        _ => None,
    });
    assert_eq!(query, "low-rank");
    assert_eq!(ids.first().map(String::as_str), Some("2106.09685"));

    // A run streams its output and is logged.
    worker.send(Intent::RunImpl(1));
    let mut lines = Vec::new();
    let (message, failed) = worker.wait(|u| match u {
        Update::Output(l) => {
            lines.push(l);
            None
        }
        Update::Finished {
            message, failed, ..
        } => Some((message, failed)),
        _ => None,
    });
    assert!(!failed, "{message}");
    assert!(lines.contains(&"hello".to_string()), "{lines:?}");
    assert!(
        message.starts_with("Run #1 of 1706.03762: exit 0"),
        "{message}"
    );

    // A long run, and a fetch started while it runs: the fetch (arXiv is
    // unreachable here) ends with a message, not a crash, and the run can
    // still be cancelled afterwards (each kind of job keeps its own cancel
    // handle; a fetch once replaced the run's).
    worker.send(Intent::RunImpl(2));
    worker.wait(|u| matches!(u, Update::Output(ref l) if l == "waiting").then_some(()));
    worker.send(Intent::Fetch("ti:lora".into()));
    let (label, message, failed) = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } => Some((label, message, failed)),
        _ => None,
    });
    assert!(label.starts_with("fetch"), "{label}: {message}");
    assert!(failed, "{message}");
    let t = Instant::now();
    worker.send(Intent::Cancel);
    let (label, message, failed) = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } => Some((label, message, failed)),
        _ => None,
    });
    assert!(label.starts_with("run"), "{label}: {message}");
    assert!(failed && message.contains("interrupted"), "{message}");
    assert!(t.elapsed() < Duration::from_secs(20));

    // Another process adds a tag: the list reloads by itself.
    {
        let mut other = Library::open(&home.database()).expect("other");
        other
            .tag("1706.03762", &["classic".to_string()])
            .expect("tag");
    }
    let tagged = worker.wait(|u| match u {
        Update::Papers(rows) => rows
            .into_iter()
            .find(|r| r.id == "1706.03762")
            .filter(|r| r.tags.contains(&"classic".to_string())),
        _ => None,
    });
    assert_eq!(tagged.id, "1706.03762");

    // Timers.
    worker.send(Intent::StartTimer("2106.09685".into()));
    let running = worker.wait(|u| match u {
        Update::Timer(Some(t)) => Some(t),
        _ => None,
    });
    assert_eq!(running.paper_id, "2106.09685");
    worker.send(Intent::StopTimer);
    let stopped = worker.wait(|u| match u {
        Update::Message(_, m) if m.starts_with("Timer stopped") => Some(m),
        _ => None,
    });
    assert!(stopped.contains("2106.09685 pass 1"), "{stopped}");

    worker.finish();
}
