//! Parse + store throughput on a large feed: real arXiv entries (the
//! recorded API responses in tests/fixtures/arxiv) repeated under new ids,
//! parsed by the streaming Atom parser and stored in pages of 2000 (the
//! API's page limit), one transaction per page, into a SQLite file.
//!
//! Run: `cargo bench --bench ingest` (set INGEST_ENTRIES to change the size).

use litradar::arxiv::parse_feed;
use litradar::library::{Incoming, Library, Merge};
use std::path::Path;
use std::time::Instant;

// The same allocator as the litradar binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::var("INGEST_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000);
    let feed = build_feed(n);
    println!(
        "feed: {n} entries, {:.1} MB (real entries from {} recorded responses, new ids)",
        feed.len() as f64 / 1e6,
        fixture_files().len()
    );

    // Parse alone, best of three.
    let mut parse_secs = f64::MAX;
    let mut papers = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let parsed = parse_feed(feed.as_bytes()).expect("feed parses");
        parse_secs = parse_secs.min(t.elapsed().as_secs_f64());
        papers = parsed.entries;
    }
    assert_eq!(papers.len(), n);
    report("parse", n, parse_secs);

    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = Library::open(&dir.path().join("bench.sqlite3")).expect("library");
    let items: Vec<Incoming> = papers.into_iter().map(Incoming::from).collect();

    let t = Instant::now();
    for page in items.chunks(2000) {
        let r = lib.upsert(page, "arxiv", Merge::Refresh).expect("store");
        assert_eq!(r.added.len(), page.len());
    }
    let insert_secs = t.elapsed().as_secs_f64();
    report("store (new papers)", n, insert_secs);

    let t = Instant::now();
    for page in items.chunks(2000) {
        let r = lib.upsert(page, "arxiv", Merge::Refresh).expect("store");
        assert_eq!(r.unchanged.len(), page.len());
    }
    let again_secs = t.elapsed().as_secs_f64();
    report("store (already there)", n, again_secs);

    // The whole path as `fetch` runs it: parse a page, store it.
    let dir2 = tempfile::tempdir().expect("temp dir");
    let mut lib2 = Library::open(&dir2.path().join("bench.sqlite3")).expect("library");
    let pages: Vec<String> = (0..n.div_ceil(2000))
        .map(|p| build_feed_range(p * 2000, ((p + 1) * 2000).min(n)))
        .collect();
    let (mut parse_part, mut store_part) = (0.0, 0.0);
    let t = Instant::now();
    for page in &pages {
        let t_parse = Instant::now();
        let feed = parse_feed(page.as_bytes()).expect("page parses");
        let items: Vec<Incoming> = feed.entries.into_iter().map(Incoming::from).collect();
        parse_part += t_parse.elapsed().as_secs_f64();
        let t_store = Instant::now();
        lib2.upsert(&items, "arxiv", Merge::Refresh).expect("store");
        store_part += t_store.elapsed().as_secs_f64();
    }
    let total_secs = t.elapsed().as_secs_f64();
    report("parse + store (pages of 2000)", n, total_secs);
    println!("  of which parsing {parse_part:.3} s, storing {store_part:.3} s");
    assert_eq!(lib2.paper_count().expect("count"), n as u64);
}

fn report(what: &str, n: usize, secs: f64) {
    println!(
        "{what:<32} {:>9.0} entries/s   ({:.3} s)",
        n as f64 / secs,
        secs
    );
}

fn fixture_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/arxiv");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("papers/starter.atom"));
    files.sort();
    files
}

/// Distinct real `<entry>` blocks, with their `<id>` cut out for re-keying.
fn real_entries() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in fixture_files() {
        let text = std::fs::read_to_string(&file).expect("fixture");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("<entry") {
            let Some(len) = rest[start..].find("</entry>") else {
                break;
            };
            let entry = &rest[start..start + len + "</entry>".len()];
            rest = &rest[start + len..];
            let (Some(a), Some(b)) = (entry.find("<id>"), entry.find("</id>")) else {
                continue;
            };
            if entry[a..b].contains("/api/errors") {
                continue;
            }
            // DOIs must stay unique too, or the store rightly sees duplicates.
            let tail = match (entry.find("<arxiv:doi"), entry.find("</arxiv:doi>")) {
                (Some(d), Some(e)) if d > b => {
                    let open_end = d + entry[d..].find('>').unwrap_or(0) + 1;
                    format!(
                        "{}{{DOI}}{}",
                        &entry[b + "</id>".len()..open_end],
                        &entry[e..]
                    )
                }
                _ => entry[b + "</id>".len()..].to_string(),
            };
            out.push((entry[..a].to_string(), tail));
        }
    }
    out
}

fn build_feed(n: usize) -> String {
    build_feed_range(0, n)
}

fn build_feed_range(from: usize, to: usize) -> String {
    let entries = real_entries();
    let mut feed = String::from(
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" \
         xmlns:arxiv=\"http://arxiv.org/schemas/atom\" xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    feed.push_str(&format!(
        "<opensearch:totalResults>{to}</opensearch:totalResults>\n"
    ));
    for i in from..to {
        let (head, tail) = &entries[i % entries.len()];
        // 2601.00000 onwards: valid new-style ids, unique per entry.
        let tail = tail.replace("{DOI}", &format!("10.5555/bench.{i}"));
        feed.push_str(&format!(
            "{head}<id>http://arxiv.org/abs/26{:02}.{:05}v{}</id>{tail}\n",
            1 + i / 100_000,
            i % 100_000,
            1 + i % 3
        ));
    }
    feed.push_str("</feed>\n");
    feed
}
