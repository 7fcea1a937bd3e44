//! The paper's own text in the app: the keys (`o`, `v`, `J`/`K`, `f`),
//! the Reading screen's skim and method panes drawn from a real LaTeX
//! paper, a search hit that matched inside a paper, and the worker's text
//! and PDF jobs against a local stand-in for arxiv.org.

use super::app::{App, ReadingPane, Screen};
use super::state::{Intent, Level, Update};
use super::test_kit::*;
use super::worker::{self};
use crate::config::Config;
use crate::fulltext::archive::{Eprint, Limits, unpack};
use crate::fulltext::document::Source;
use crate::home::Home;
use crate::impls::store::NewImpl;
use crate::library::{Library, RowFilter};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fulltext")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The starter library with the hep-th e-print stored as the text of the
/// Transformer paper (the pipeline does not care whose text it is).
fn library_with_text() -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    crate::starter::load(&mut lib).expect("starter");
    let Eprint::Source(files) = unpack(&fixture("upload4.gz"), &Limits::default()).expect("unpack")
    else {
        panic!("not LaTeX");
    };
    let doc = crate::fulltext::latex::extract(&files)
        .expect("document")
        .document;
    lib.store_fulltext("1706.03762", 7, Source::Latex, "litradar latex", &doc, &[])
        .expect("store");
    lib
}

#[test]
fn the_reading_screen_shows_the_skim_then_the_method() {
    let lib = library_with_text();
    let mut app = App::new(false);
    app.on_update(Update::Papers(
        lib.paper_rows(&RowFilter::default()).expect("rows"),
    ));
    app.on_update(Update::Paper(Box::new(
        worker::detail(&lib, "1706.03762").expect("detail"),
    )));
    app.screen = Screen::Reading;
    assert_eq!(
        app.reading_pane(),
        ReadingPane::Skim,
        "pass 1 reads the skim"
    );
    let text = render(&app, 160, 48);
    assert!(
        text.contains("Skim (pass 1) · v7 · from the latex"),
        "{text}"
    );
    assert!(text.contains("Conclusion — 6 Conclusions"), "{text}");
    assert!(text.contains("Attention Is All You Need"));
    // v: the method, with its numbered equations.
    assert_eq!(app.on_key(key('v')), []);
    assert_eq!(app.reading_pane(), ReadingPane::Method);
    let text = render(&app, 160, 48);
    assert!(text.contains("Method (pass 2)"), "{text}");
    assert!(text.contains("(2.2) D_{\\mu}\\epsilon="), "{text}");
    // J scrolls the pane; K back; every size still draws.
    app.on_key(key('J'));
    assert_eq!(app.text_pane.scroll, 3);
    app.on_key(key('K'));
    assert_eq!(app.text_pane.scroll, 0);
    for (w, h) in [(1, 1), (40, 10), (80, 24), (300, 90)] {
        render(&app, w, h);
    }
    // f gets the text of the paper shown; o opens its PDF.
    assert_eq!(
        app.on_key(key('f')),
        [Intent::FetchText("1706.03762".into())]
    );
    assert_eq!(app.on_key(key('o')), [Intent::OpenPdf("1706.03762".into())]);
    // When the text arrives, the paper shown is reloaded.
    let reload = app.on_update(Update::Finished {
        label: "text 1706.03762".into(),
        message: "1706.03762: text from the latex".into(),
        failed: false,
    });
    assert_eq!(reload, [Intent::LoadPaper("1706.03762".into())]);
    assert_eq!(app.message.as_ref().map(|m| m.0), Some(Level::Info));
    assert!(
        app.fetch.running.is_none(),
        "the fetch screen is not involved"
    );
}

#[test]
fn a_paper_without_text_says_how_to_get_it() {
    let lib = library_with_text();
    let mut app = App::new(false);
    app.on_update(Update::Paper(Box::new(
        worker::detail(&lib, "2106.09685").expect("detail"),
    )));
    app.screen = Screen::Reading;
    let text = render(&app, 120, 40);
    assert!(text.contains("No full text yet: f gets it"), "{text}");
}

#[test]
fn search_results_say_where_inside_a_paper_they_matched() {
    let lib = library_with_text();
    let dir = tempfile::tempdir().expect("dir");
    let (index, _) = crate::search::TextIndex::open(dir.path(), &lib).expect("index");
    let searcher = crate::search::Searcher::new(&lib, &index, None);
    let hits = searcher
        .search(
            "Nariai",
            crate::search::Mode::Lexical,
            &Default::default(),
            5,
        )
        .expect("search");
    assert_eq!(hits[0].id, "1706.03762");
    let mut app = App::new(false);
    app.screen = Screen::Search;
    app.search.query = "Nariai".into();
    app.search.answered = "Nariai".into();
    app.on_update(Update::Hits {
        query: "Nariai".into(),
        mode: crate::search::Mode::Lexical,
        hits: worker::load::decorate(&lib, hits).expect("decorate"),
    });
    let text = render(&app, 120, 30);
    assert!(text.contains("matched in §6 Conclusions:"), "{text}");
}

/// A stand-in for arxiv.org: the hep-th e-print for the Transformer, its
/// PDF as a PDF, 404 for the rest.
fn arxiv_org() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = match path.as_str() {
                "/e-print/1706.03762v7" => (200, fixture("upload4.gz")),
                "/pdf/0908.0054v1" | "/pdf/1706.03762v7" => (200, fixture("0908.0054v1.pdf")),
                _ => (404, b"Not Found".to_vec()),
            };
            let mut stream = reader.into_inner();
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn the_worker_gets_text_and_opens_pdfs_without_losing_a_runs_cancel() {
    let dir = tempfile::tempdir().expect("dir");
    let home = Home::at(dir.path());
    home.ensure().expect("home");
    {
        let mut lib = Library::open(&home.database()).expect("library");
        crate::starter::load(&mut lib).expect("starter");
        lib.impl_link(
            "2106.09685",
            NewImpl {
                location: dir.path().display().to_string(),
                command: vec!["sh".into(), "-c".into(), "echo waiting; sleep 60".into()],
                ..Default::default()
            },
        )
        .expect("link");
    }
    let marker = dir.path().join("opened.txt");
    let mut config = Config::default();
    config.arxiv.files_url = arxiv_org();
    config.arxiv.delay_ms = 1;
    config.arxiv.max_retries = 0;
    config.embed.models_dir = Some(dir.path().join("no-models"));
    config.reader.pdf_viewer = vec![
        "/bin/sh".into(),
        "-c".into(),
        format!("printf '%s' \"$1\" > {}", marker.display()),
        "viewer".into(),
    ];
    let worker = TestWorker::start(&home, config);
    // A run goes on while the text is fetched...
    worker.send(Intent::RunImpl(1));
    worker.wait(|u| matches!(u, Update::Output(ref l) if l == "waiting").then_some(()));
    worker.send(Intent::FetchText("1706.03762".into()));
    let (label, message, failed) = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } if label.starts_with("text") => Some((label, message, failed)),
        _ => None,
    });
    assert_eq!(label, "text 1706.03762");
    assert!(!failed, "{message}");
    assert_eq!(message, "1706.03762: text from the latex");
    let lib = Library::open(&home.database()).expect("library");
    assert_eq!(lib.fulltext_version("1706.03762").expect("v"), Some(7));
    // ...and can still be stopped afterwards.
    worker.send(Intent::Cancel);
    let (message, failed) = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } if label.starts_with("run") => Some((message, failed)),
        _ => None,
    });
    let _ = failed;
    assert!(message.contains("interrupted"), "{message}");
    // o: the PDF is downloaded into the home and handed to the viewer.
    worker.send(Intent::OpenPdf("1706.03762".into()));
    let (message, failed) = worker.wait(|u| match u {
        Update::Finished {
            label,
            message,
            failed,
        } if label.starts_with("pdf") => Some((message, failed)),
        _ => None,
    });
    assert!(!failed, "{message}");
    let pdf = dir.path().join("files/1706.03762/v7.pdf");
    assert!(pdf.is_file());
    // The shell creates the marker before it writes to it: wait for the
    // content, not the file.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&marker).map_or(true, |s| s.is_empty())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&marker).expect("viewer ran"),
        pdf.display().to_string()
    );
}
