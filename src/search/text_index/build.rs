//! Building and catching up the index: documents from the library, commits
//! that record the schema and the last change applied, the change log.

use super::*;

pub(super) fn payload(index: &Index) -> Option<Payload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

pub(super) fn commit(writer: &mut IndexWriter, seq: i64) -> Result<(), IndexError> {
    let mut prepared = writer.prepare_commit()?;
    let payload = serde_json::to_string(&Payload {
        schema: SCHEMA_VERSION,
        seq,
    })
    .unwrap_or_default();
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

pub(super) fn pending_changes(
    lib: &Library,
    after: i64,
) -> Result<(HashSet<String>, i64), LibraryError> {
    let mut stmt = lib
        .conn()
        .prepare("SELECT seq, paper_id FROM index_changes WHERE seq > ?1 ORDER BY seq")?;
    let mut ids = HashSet::new();
    let mut max = after;
    for row in stmt.query_map([after], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (seq, id) = row?;
        max = max.max(seq);
        ids.insert(id);
    }
    Ok((ids, max))
}

pub(super) fn prune_changes(lib: &Library, upto: i64) -> Result<(), LibraryError> {
    lib.conn()
        .execute("DELETE FROM index_changes WHERE seq <= ?1", [upto])?;
    Ok(())
}

pub(super) fn rebuild(
    dir: &Path,
    schema: &Schema,
    fields: Fields,
    lib: &Library,
) -> Result<Index, IndexError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| IndexError::Io(dir.to_path_buf(), e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| IndexError::Io(dir.to_path_buf(), e))?;
    let index = Index::create_in_dir(dir, schema.clone())?;
    register_analyzers(&index);
    // Changes logged from here on are applied by the next catch-up.
    let seq: i64 = lib
        .conn()
        .query_row("SELECT coalesce(max(seq), 0) FROM index_changes", [], |r| {
            r.get(0)
        })
        .map_err(LibraryError::from)?;
    let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
    for doc in documents::load(lib, None)? {
        for d in to_documents(&doc, fields) {
            writer.add_document(d)?;
        }
    }
    commit(&mut writer, seq)?;
    prune_changes(lib, seq)?;
    Ok(index)
}

/// The paper's document, then one per passage of its own text.
pub(super) fn to_documents(doc: &IndexDoc, f: Fields) -> Vec<TantivyDocument> {
    let mut out = Vec::with_capacity(1 + doc.passages.len());
    out.push(to_document(doc, f));
    for p in &doc.passages {
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.kind, "passage");
        d.add_text(f.passage_key, format!("{}#{}", doc.id, p.seq));
        d.add_u64(f.seq, u64::from(p.seq));
        d.add_text(f.section, &p.section);
        d.add_text(f.passage, &p.text);
        out.push(d);
    }
    out
}

pub(super) fn to_document(doc: &IndexDoc, f: Fields) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &doc.id);
    d.add_text(f.kind, "paper");
    d.add_text(f.title, &doc.title);
    d.add_text(f.abstract_text, &doc.abstract_text);
    d.add_text(f.authors, &doc.authors);
    for c in &doc.categories {
        d.add_text(f.categories, c);
    }
    for a in &doc.archives {
        d.add_text(f.archives, a);
    }
    for t in &doc.tags {
        d.add_text(f.tags, t);
        d.add_text(f.tag_exact, t.to_lowercase());
    }
    d.add_text(f.notes, &doc.notes);
    d.add_text(
        f.flat,
        format!("{}\n{}\n{}", doc.title, doc.abstract_text, doc.notes),
    );
    if !doc.body.is_empty() {
        d.add_text(f.body, &doc.body);
    }
    if let Some(y) = doc.year {
        d.add_u64(f.year, y);
    }
    for r in &doc.reading {
        d.add_text(f.reading, r);
    }
    d
}
