use super::*;
use crate::library::{Incoming, Merge};
use crate::paper::Paper;

fn library_with(ids: &[&str]) -> Library {
    let mut lib = Library::open_in_memory().expect("library");
    let papers: Vec<Incoming> = ids
        .iter()
        .map(|id| {
            Incoming::from(Paper {
                id: id.to_string(),
                version: Some(2),
                title: format!("Paper {id}"),
                abstract_text: "An abstract.".into(),
                ..Paper::default()
            })
        })
        .collect();
    lib.upsert(&papers, "arxiv", Merge::Refresh)
        .expect("papers");
    lib
}

fn document() -> Document {
    Document {
        title: Some("T".into()),
        abstract_text: Some("A".into()),
        sections: vec![
            Section {
                number: Some("1".into()),
                heading: "Intro".into(),
                level: 1,
                kind: SectionKind::Body,
                paragraphs: vec!["First paragraph.".into(), "Second one.".into()],
            },
            Section {
                number: None,
                heading: "Acknowledgments".into(),
                level: 1,
                kind: SectionKind::Back,
                paragraphs: vec!["Thanks.".into()],
            },
        ],
        captions: vec![Caption {
            kind: CaptionKind::Table,
            number: Some("1".into()),
            text: "Results.".into(),
            section: Some(0),
        }],
        equations: vec![Equation {
            latex: "a=b".into(),
            number: Some("1".into()),
            label: Some("eq:a".into()),
            section: Some(0),
        }],
        references: vec!["A. Author. 2020.".into()],
    }
}

fn attempt(source: Source, outcome: Outcome, reason: &str) -> Attempt {
    Attempt {
        source,
        outcome,
        reason: reason.into(),
    }
}

#[test]
fn a_document_round_trips_with_its_attempts() {
    let mut lib = library_with(&["2101.00001", "2101.00002"]);
    let attempts = [
        attempt(Source::Html, Outcome::Missing, "HTTP 404"),
        attempt(Source::Latex, Outcome::Served, ""),
        attempt(Source::Pdf, Outcome::Skipped, "not needed (latex served)"),
    ];
    let doc = document();
    lib.store_fulltext(
        "2101.00001",
        2,
        Source::Latex,
        "litradar latex",
        &doc,
        &attempts,
    )
    .expect("store");
    let stored = lib.fulltext("2101.00001").expect("read").expect("text");
    assert_eq!(stored.document, doc);
    assert_eq!((stored.version, stored.source), (2, Source::Latex));
    assert_eq!(lib.fulltext("2101.00002").expect("read"), None);
    assert_eq!(lib.fulltext_version("2101.00001").expect("v"), Some(2));
    let status = lib.fulltext_status().expect("status");
    assert_eq!(status.len(), 1);
    let row = &status[0];
    let summary = row.text.as_ref().expect("summary");
    assert_eq!(
        (
            summary.sections,
            summary.captions,
            summary.equations,
            summary.references
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(
        row.attempts
            .iter()
            .map(|(a, _)| a.outcome)
            .collect::<Vec<_>>(),
        [Outcome::Missing, Outcome::Served, Outcome::Skipped]
    );
    // Storing the same version again replaces it whole.
    let mut shorter = doc.clone();
    shorter.sections.truncate(1);
    shorter.captions.clear();
    lib.store_fulltext(
        "2101.00001",
        2,
        Source::Pdf,
        "pdftotext",
        &shorter,
        &attempts[..1],
    )
    .expect("replace");
    let again = lib.fulltext("2101.00001").expect("read").expect("text");
    assert_eq!(again.document, shorter);
    assert_eq!(again.source, Source::Pdf);
    // The body for the word index: headings, paragraphs, captions.
    let bodies = lib.fulltext_bodies(None).expect("bodies");
    assert!(bodies["2101.00001"].contains("Intro\nFirst paragraph.\nSecond one.\n"));
    // A paper whose every source failed keeps no text, and its reasons.
    lib.record_attempts(
        "2101.00002",
        2,
        &[attempt(
            Source::Pdf,
            Outcome::Failed,
            "pdftotext could not read the PDF",
        )],
    )
    .expect("attempts");
    let status = lib.fulltext_status().expect("status");
    let failed = status
        .iter()
        .find(|r| r.paper_id == "2101.00002")
        .expect("row");
    assert!(failed.text.is_none());
    assert_eq!(
        failed.attempts[0].0.reason,
        "pdftotext could not read the PDF"
    );
}

#[test]
fn passages_are_pending_until_embedded_and_go_with_their_paper() {
    let mut lib = library_with(&["2101.00001"]);
    lib.store_fulltext("2101.00001", 2, Source::Html, "x", &document(), &[])
        .expect("store");
    let pending = lib.pending_passages("m").expect("pending");
    // Back matter (acknowledgements) is not a passage.
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].text, "Intro. First paragraph. Second one.");
    let items: Vec<(&PendingPassage, Vec<f32>)> =
        pending.iter().map(|p| (p, vec![0.6, 0.8])).collect();
    lib.store_passage_embeddings("m", &items).expect("store");
    assert!(lib.pending_passages("m").expect("pending").is_empty());
    let v = lib.load_passage_vectors("m").expect("vectors");
    assert_eq!(
        (v.ids.as_slice(), v.seqs.as_slice(), v.dim),
        (&["2101.00001".to_string()][..], &[0][..], 2)
    );
    assert_eq!(lib.passage_embedding_count("m").expect("count"), 1);
    // A changed text makes its passage pending again.
    let mut changed = document();
    changed.sections[0].paragraphs[1] = "Another one.".into();
    lib.store_fulltext("2101.00001", 2, Source::Html, "x", &changed, &[])
        .expect("store");
    assert_eq!(lib.pending_passages("m").expect("pending").len(), 1);
    // Removing the paper removes its text and vectors.
    lib.remove("2101.00001").expect("remove");
    assert_eq!(lib.passage_embedding_count("m").expect("count"), 0);
    assert!(lib.fulltext_status().expect("status").is_empty());
    let left: u32 = lib
        .conn()
        .query_row("SELECT count(*) FROM fulltext_sections", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 0);
}

#[test]
fn a_failed_write_leaves_the_old_text() {
    let mut lib = library_with(&["2101.00001"]);
    lib.store_fulltext("2101.00001", 2, Source::Html, "x", &document(), &[])
        .expect("store");
    // A paper that is not in the library cannot get text: nothing is written.
    let err = lib.store_fulltext("2199.99999", 1, Source::Html, "x", &document(), &[]);
    assert!(err.is_err());
    let rows: u32 = lib
        .conn()
        .query_row(
            "SELECT count(*) FROM fulltext_sections WHERE paper_id = '2199.99999'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(rows, 0);
    assert!(lib.fulltext("2101.00001").expect("read").is_some());
}
