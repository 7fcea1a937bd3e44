//! The papers' own text end to end: `fulltext fetch` against a local
//! stand-in for arxiv.org serving real papers (the HTML, LaTeX e-prints and
//! PDFs in tests/fixtures/fulltext), the fallback order, answers that fail,
//! `open`, `read ID skim`, `fulltext show|status` and search inside papers.

use crate::support::{Home, MockArxiv, Reply, Request};
use std::io::Write;
use std::time::{Duration, Instant};

const PAPERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/fulltext/papers.jsonl"
);

/// Whether PDF tests can run: pdftotext is installed, or required (CI).
fn pdftotext() -> bool {
    let ok = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !ok && std::env::var_os("LITRADAR_REQUIRE_PDFTOTEXT").is_some() {
        panic!("pdftotext (poppler-utils) is required but missing");
    }
    if !ok {
        eprintln!("skipped: pdftotext (poppler-utils) is not installed");
    }
    ok
}

/// The files arxiv.org would serve for the fixture papers.
fn arxiv_org(req: &Request, _n: usize) -> Reply {
    match req.path.as_str() {
        "/html/2501.11120v1" => Reply::File("2501.11120v1.html"),
        "/e-print/2004.14974v6" => Reply::File("2004.14974.gz"),
        "/e-print/0903.0179v1" => Reply::File("upload4.gz"),
        "/pdf/1706.03762v7" => Reply::File("1706.03762v7.pdf"),
        "/pdf/2302.07302v1" => Reply::File("2302.07302v1.pdf"),
        "/pdf/0908.0054v1" => Reply::File("0908.0054v1.pdf"),
        _ => Reply::Body(404, "Not Found".into()),
    }
}

fn home_with(server: &MockArxiv) -> Home {
    let mut home = Home::new();
    home.files_url = Some(server.base());
    home.run(&["--no-embed", "import", PAPERS]).ok();
    home
}

fn json(run: &crate::support::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}: {}", run.stdout()))
}

#[test]
fn auto_tries_html_then_latex_then_pdf_and_says_why() {
    let server = MockArxiv::start(arxiv_org);
    let mut home = home_with(&server);
    home.delay_ms = 60;
    let run = home.run(&[
        "--no-embed",
        "fulltext",
        "fetch",
        "2501.11120",
        "2004.14974",
        "0903.0179",
        "--json",
    ]);
    run.ok();
    let report = json(&run);
    let served: Vec<&str> = report
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["served"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(served, ["html", "latex", "latex"]);
    // The e-print paper: HTML was missing, the PDF was not needed.
    let scifact = &report[1]["attempts"];
    assert_eq!(scifact[0]["source"], "html");
    assert_eq!(scifact[0]["outcome"], "missing");
    assert_eq!(scifact[2]["outcome"], "skipped");
    // The requests, in order, one at a time, spaced, naming litradar.
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/html/2501.11120v1",
            "/html/2004.14974v6",
            "/e-print/2004.14974v6",
            "/html/0903.0179v1",
            "/e-print/0903.0179v1"
        ]
    );
    assert!(
        requests
            .iter()
            .all(|r| r.user_agent.starts_with("litradar/"))
    );
    for pair in requests.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(55), "requests {gap:?} apart");
    }
    let status = json(&home.run(&["fulltext", "status", "--json"]));
    let rows = status.as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    let html = rows.iter().find(|r| r["id"] == "2501.11120").expect("row");
    assert_eq!(html["text"]["source"], "html");
    assert_eq!(html["text"]["captions"], 83);
    // A second fetch leaves texts of the latest version alone.
    let again = home.run(&["--no-embed", "fulltext", "fetch", "2501.11120"]);
    again.ok();
    assert!(again.stdout().contains("kept"), "{}", again.stdout());
    assert_eq!(server.requests().len(), 5, "nothing was asked again");
}

#[test]
fn the_pdf_serves_when_nothing_else_does_and_503s_are_retried() {
    if !pdftotext() {
        return;
    }
    let server = MockArxiv::start(|req, n| {
        // The e-print answers 503 once before its 404.
        if req.path == "/e-print/1706.03762v7" && n == 1 {
            return Reply::Raw(503, vec![("Retry-After".into(), "0".into())], Vec::new());
        }
        arxiv_org(req, n)
    });
    let home = home_with(&server);
    let run = home.run(&["--no-embed", "fulltext", "fetch", "1706.03762"]);
    run.ok();
    assert!(run.stdout().contains("pdf"), "{}", run.stdout());
    assert!(run.stdout().contains("html: HTTP 404"), "{}", run.stdout());
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/html/1706.03762v7",
            "/e-print/1706.03762v7",
            "/e-print/1706.03762v7",
            "/pdf/1706.03762v7"
        ]
    );
    // The PDF is kept in the home's file store, whole.
    let pdf = home.path().join("files/1706.03762/v7.pdf");
    assert_eq!(
        std::fs::metadata(&pdf).expect("pdf").len(),
        std::fs::metadata(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fulltext/1706.03762v7.pdf"
        ))
        .expect("fixture")
        .len()
    );
    let skim = json(&home.run(&["read", "1706.03762", "skim", "--json"]));
    assert_eq!(skim["source"], "pdf");
    assert_eq!(skim["version"], 7);
    assert_eq!(skim["title"], "Attention Is All You Need");
    assert_eq!(skim["conclusion"]["heading"], "7 Conclusion");
    assert!(
        skim["conclusion"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("In this work, we presented the Transformer"))
    );
    let captions = skim["captions"].as_array().expect("captions");
    assert_eq!(captions.len(), 9);
    assert_eq!(captions[0]["kind"], "figure");
    assert_eq!(captions[0]["number"], "1");
    assert_eq!(skim["sections"][0]["heading"], "1 Introduction");
    assert_eq!(skim["sections"][0]["level"], 1);
    // `open --path` now needs no request.
    let before = server.requests().len();
    let run = home.run(&["open", "1706.03762", "--path"]);
    run.ok();
    assert_eq!(
        run.stdout().trim().lines().last(),
        Some(pdf.to_str().expect("utf-8"))
    );
    assert_eq!(server.requests().len(), before);
}

fn bomb() -> Vec<u8> {
    // A tar holding a .tex and 600 MiB of zeros, gzipped to well under 1 MiB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    {
        let mut tar = tar::Builder::new(&mut gz);
        let tex = b"\\documentclass{article}\\begin{document}Hi\\end{document}";
        let mut h = tar::Header::new_gnu();
        h.set_size(tex.len() as u64);
        h.set_cksum();
        tar.append_data(&mut h, "ms.tex", &tex[..]).expect("tex");
        let size: u64 = 600 << 20;
        let mut h = tar::Header::new_gnu();
        h.set_size(size);
        h.set_cksum();
        tar.append_data(
            &mut h,
            "zeros.bin",
            std::io::Read::take(std::io::repeat(0), size),
        )
        .expect("zeros");
        tar.finish().expect("tar");
    }
    gz.finish().expect("gzip")
}

#[test]
fn broken_answers_are_reasons_not_half_written_text() {
    let truncated = {
        let pdf = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fulltext/2302.07302v1.pdf"
        ))
        .expect("pdf");
        pdf[..pdf.len() / 3].to_vec()
    };
    let bomb = bomb();
    assert!(bomb.len() < 2 << 20);
    let server = MockArxiv::start(move |req, _| match req.path.as_str() {
        // A page that is not LaTeXML output, an archive bomb, a PDF cut short.
        "/html/2302.07302v1" => {
            Reply::Body(200, "<html><body><p>No HTML.</p></body></html>".into())
        }
        "/e-print/2302.07302v1" => Reply::Raw(200, Vec::new(), bomb.clone()),
        "/pdf/2302.07302v1" => Reply::Raw(200, Vec::new(), truncated.clone()),
        _ => Reply::Body(404, String::new()),
    });
    let home = home_with(&server);
    let run = home.run(&["--no-embed", "fulltext", "fetch", "2302.07302"]);
    let err = run.fails(1);
    assert!(err.contains("1 of 1 papers got no text"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let status = json(&home.run(&["fulltext", "status", "--json"]));
    let row = &status[0];
    assert!(row["text"].is_null());
    let reasons: Vec<(String, String)> = row["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| {
            (
                a["source"].as_str().unwrap_or("").to_string(),
                a["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(reasons[0].1.contains("not LaTeXML"), "{reasons:?}");
    assert!(reasons[1].1.contains("archive bomb"), "{reasons:?}");
    if pdftotext() {
        assert!(
            reasons[2].1.contains("could not read the PDF"),
            "{reasons:?}"
        );
    }
    // Nothing was kept: no text rows, no unreadable PDF in the file store.
    let db = rusqlite::Connection::open(home.database()).expect("db");
    let n: i64 = db
        .query_row("SELECT count(*) FROM fulltext_sections", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
    assert!(!home.path().join("files/2302.07302/v1.pdf").exists());
    // The human view lists the reasons too.
    let text = home.run(&["fulltext", "status"]).stdout();
    assert!(
        text.contains("no text") && text.contains("latex failed"),
        "{text}"
    );
}

#[test]
fn open_downloads_once_and_runs_the_configured_viewer() {
    let server = MockArxiv::start(arxiv_org);
    let home = home_with(&server);
    let marker = home.path().join("opened.txt");
    home.config(&format!(
        "[reader]\npdf_viewer = [\"/bin/sh\", \"-c\", \"printf '%s' \\\"$1\\\" > {}\", \"viewer\"]\n",
        marker.display()
    ));
    home.run(&["open", "0908.0054"]).ok();
    let pdf = home.path().join("files/0908.0054/v1.pdf");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !marker.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&marker).expect("the viewer ran"),
        pdf.display().to_string()
    );
    home.run(&["open", "0908.0054", "--path"]).ok();
    assert_eq!(server.requests().len(), 1, "downloaded once");
    // A version that does not exist, and a paper that is not from arXiv.
    let err = home.run(&["open", "0908.0054", "--version", "3"]).fails(2);
    assert!(err.contains("no v3"), "{err}");
    let missing = home.run(&["open", "1234.56789"]);
    assert_eq!(missing.code(), 1);
    // Removing the paper removes its files.
    home.run(&["remove", "0908.0054"]).ok();
    assert!(!home.path().join("files/0908.0054").exists());
}

#[test]
fn show_reads_the_text_and_its_sections() {
    let server = MockArxiv::start(arxiv_org);
    let home = home_with(&server);
    home.run(&["--no-embed", "fulltext", "fetch", "0903.0179"])
        .ok();
    let shown = home.run(&[
        "fulltext",
        "show",
        "0903.0179",
        "--section",
        "conclusions",
        "--json",
    ]);
    shown.ok();
    let v = json(&shown);
    assert_eq!(v["source"], "latex");
    assert_eq!(v["sections"][0]["heading"], "Conclusions");
    assert_eq!(v["sections"][0]["number"], "6");
    let all = json(&home.run(&["fulltext", "show", "0903.0179", "--json"]));
    let equations: usize = all["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["equations"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(equations >= 80, "{equations}");
    let text = home
        .run(&["fulltext", "show", "0903.0179", "--section", "2"])
        .stdout();
    assert!(
        text.contains("2 $N=2$, $D=4$ Minimal de Sitter Supergravity"),
        "{text}"
    );
    assert!(
        text.contains("(2.2) D_{\\mu}\\epsilon="),
        "numbered equations: {text}"
    );
    let err = home
        .run(&["fulltext", "show", "0903.0179", "--section", "Results"])
        .fails(2);
    assert!(err.contains("has no section 'Results'"), "{err}");
    let err = home.run(&["fulltext", "show", "1706.03762"]).fails(1);
    assert!(err.contains("fulltext fetch 1706.03762"), "{err}");
    let err = home.run(&["fulltext", "fetch"]).fails(2);
    assert!(err.contains("--queued"), "{err}");
    // Without text, the skim says so and shows the title and abstract.
    let skim = home.run(&["read", "2302.07302", "skim"]);
    skim.ok();
    assert!(skim.stdout().contains("CiteSee"));
    assert!(skim.stderr().contains("No full text"), "{}", skim.stderr());
    let v = json(&home.run(&["read", "2302.07302", "skim", "--json"]));
    assert!(v["source"].is_null() && v["conclusion"].is_null());
}

#[test]
fn word_search_goes_inside_papers() {
    let server = MockArxiv::start(arxiv_org);
    let home = home_with(&server);
    home.run(&["--no-embed", "fulltext", "fetch", "2004.14974", "0903.0179"])
        .ok();
    // "Nariai" is in the LaTeX paper's abstract; "bootstrap" only inside SciFact's appendix.
    let hits = json(&home.run(&["search", "bootstrap samples", "--mode", "lexical", "--json"]));
    assert_eq!(hits[0]["id"], "2004.14974");
    // The best passage holds both words: the appendix on the bootstrap, or
    // the caption of a table of bootstrap samples.
    let passage = &hits[0]["passage"];
    let section = passage["section"].as_str().unwrap_or("").to_string();
    assert!(
        section.starts_with("B Full task") || section.starts_with("Table "),
        "{passage}"
    );
    let text = passage["text"].as_str().unwrap_or("");
    assert!(
        text.contains("bootstrap") && text.contains("samples"),
        "{passage}"
    );
    let highlights = passage["highlights"].as_array().expect("highlights");
    assert!(highlights.len() >= 2, "{passage}");
    let only_abstracts = json(&home.run(&[
        "search",
        "bootstrap samples",
        "--mode",
        "lexical",
        "--in",
        "abstracts",
        "--json",
    ]));
    assert_eq!(only_abstracts.as_array().map(Vec::len), Some(0));
    // A match in the abstract has no passage; one only in the body has.
    let abs = json(&home.run(&["search", "spinorial", "--mode", "lexical", "--json"]));
    assert_eq!(abs[0]["id"], "0903.0179");
    assert!(abs[0]["passage"].is_null(), "{}", abs[0]);
    let body = json(&home.run(&["search", "Nariai", "--mode", "lexical", "--json"]));
    assert_eq!(body[0]["passage"]["section"], "6 Conclusions");
    let text = home
        .run(&["search", "bootstrap samples", "--mode", "lexical"])
        .stdout();
    assert!(text.contains(&format!("matched in §{section}:")), "{text}");
    // The index is derived: rebuilt, it still knows the text.
    home.run(&["reindex"]).ok();
    let again = json(&home.run(&[
        "search",
        "bootstrap",
        "--mode",
        "lexical",
        "--in",
        "fulltext",
        "--json",
    ]));
    assert_eq!(again[0]["id"], "2004.14974");
}

#[test]
fn queueing_a_paper_fetches_its_text_in_the_background() {
    let server = MockArxiv::start(arxiv_org);
    let mut home = home_with(&server);
    home.fulltext_auto = true;
    let run = home.run(&["--no-embed", "read", "2004.14974", "queue"]);
    run.ok();
    assert!(
        run.stderr().contains("in the background"),
        "{}",
        run.stderr()
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = json(&home.run(&["fulltext", "status", "--json"]));
        if status[0]["text"]["source"] == "latex" {
            break;
        }
        assert!(Instant::now() < deadline, "no text after 60 s: {status}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // With auto off, queueing does not fetch.
    home.fulltext_auto = false;
    let before = server.requests().len();
    home.run(&["read", "0903.0179", "queue"]).ok();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.requests().len(), before);
}

#[test]
fn the_built_in_reader_serves_without_pdftotext() {
    let server = MockArxiv::start(arxiv_org);
    let home = home_with(&server);
    let run = home.run_with(
        &[
            "--no-embed",
            "fulltext",
            "fetch",
            "1706.03762",
            "--source",
            "pdf",
        ],
        &[("LITRADAR_PDFTOTEXT", "none")],
        None,
    );
    run.ok();
    let shown = json(&home.run(&["fulltext", "show", "1706.03762", "--json"]));
    assert_eq!(shown["extractor"], "pdf-extract");
    let headings: Vec<&str> = shown["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["heading"].as_str())
        .collect();
    assert!(
        headings.contains(&"Introduction") && headings.contains(&"Conclusion"),
        "{headings:?}"
    );
    // A file that is not a PDF is refused by the reader child, in one line.
    let bogus = home.path().join("bogus.pdf");
    std::fs::File::create(&bogus)
        .and_then(|mut f| f.write_all(b"%PDF-1.4\nnot really"))
        .expect("write");
    let run = home.run(&["pdf-text", bogus.to_str().expect("utf-8")]);
    assert_eq!(run.code(), 1);
}

/// The real model, when installed (CI installs it and requires it).
fn real_model() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("LITRADAR_MODEL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
        });
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("LITRADAR_REQUIRE_MODEL").is_none(),
        "the real model is required here"
    );
    None
}

#[test]
fn meaning_search_ranks_papers_by_their_best_passage() {
    let Some(model) = real_model() else { return };
    let server = MockArxiv::start(arxiv_org);
    let home = home_with(&server);
    home.config(&format!("[embed]\nmodel = \"{}\"\n", model.display()));
    let run = home.run(&["fulltext", "fetch", "2004.14974", "0903.0179"]);
    run.ok();
    assert!(run.stderr().contains("Embedded"), "{}", run.stderr());
    // Said in words that appear nowhere in either abstract: SciFact's
    // appendix on annotators and its training set-up.
    let query = "undergraduate students wrote the claims and were trained in person";
    let hits = json(&home.run(&[
        "search", query, "--mode", "semantic", "--in", "fulltext", "--json", "--limit", "2",
    ]));
    assert_eq!(hits[0]["id"], "2004.14974");
    let section = hits[0]["passage"]["section"].as_str().unwrap_or("");
    assert!(
        section.starts_with("C.2") || section.starts_with("3.2"),
        "{}",
        hits[0]["passage"]
    );
    // Abstracts only: no passage is shown, and the body does not rank.
    let abstracts = json(&home.run(&[
        "search",
        query,
        "--mode",
        "semantic",
        "--in",
        "abstracts",
        "--json",
        "--limit",
        "2",
    ]));
    assert!(abstracts[0]["passage"].is_null());
    // Hybrid over everything finds it too, and the passages are not
    // embedded twice.
    let all = json(&home.run(&["search", query, "--json", "--limit", "1"]));
    assert_eq!(all[0]["id"], "2004.14974");
    let again = home.run(&["embed", "--pending"]);
    again.ok();
    assert!(!again.stderr().contains("passages"), "{}", again.stderr());
}
