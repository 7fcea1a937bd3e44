//! `search`, `related`, `reindex` and `eval`.

use super::embed::{after_ingest, load, model_ref};
use super::{Context, Session, open, print_json};
use crate::cli::args::{EvalArgs, RelatedArgs, SearchArgs, SearchIn, SearchMode};
use crate::cli::output::{Bar, Style, cut, width};
use crate::embed::Embedder;
use crate::search::{
    Filters, Mode, SearchHit, Searcher, Semantic, TextIndex, Within, eval as beir,
};
use std::io::Write;

/// Meta key shared with the embedding hint: say once that meaning is off.
const HINT_SHOWN: &str = "hint.semantic-search";

fn mode(m: SearchMode) -> Mode {
    match m {
        SearchMode::Hybrid => Mode::Hybrid,
        SearchMode::Lexical => Mode::Lexical,
        SearchMode::Semantic => Mode::Semantic,
    }
}

fn open_index(ctx: &Context, s: &Session) -> anyhow::Result<TextIndex> {
    let (index, rebuilt) = TextIndex::open(&ctx.index_dir(), &s.lib)?;
    if rebuilt && !index.is_empty() {
        eprintln!("Built the full-text index ({} papers).", index.len());
    }
    Ok(index)
}

/// The model, when one is installed (or `None`).
fn installed_model(ctx: &Context, s: &Session) -> anyhow::Result<Option<Embedder>> {
    let model = model_ref(&s.config, None);
    if !model.installed() {
        return Ok(None);
    }
    Ok(Some(load(ctx, &s.config, &model)?))
}

/// `litradar search QUERY`.
pub fn search(ctx: &Context, args: SearchArgs) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let wanted = mode(args.mode);
    let model = if wanted == Mode::Lexical {
        None
    } else {
        installed_model(ctx, &s)?
    };
    if let Some(m) = &model {
        // Papers added by other means (another process, an older run) get vectors now.
        if !ctx.options.no_embed && !s.lib.pending_embeddings(m.name())?.is_empty() {
            after_ingest(ctx, &mut s)?;
        }
    } else if wanted == Mode::Hybrid && s.lib.meta(HINT_SHOWN)?.is_none() {
        eprintln!(
            "Searching by words only: run `litradar model fetch` once to search by meaning too."
        );
        s.lib.set_meta(HINT_SHOWN, "1")?;
    }
    let index = open_index(ctx, &s)?;
    let filters = Filters {
        category: args.category,
        tag: args.tag,
        from_year: args.from_year,
        to_year: args.to_year,
        reading: args.reading,
    };
    let within = match args.within {
        SearchIn::Abstracts => Within::Abstracts,
        SearchIn::Fulltext => Within::Fulltext,
        SearchIn::All => Within::All,
    };
    if let Some(m) = &model {
        // Passages of texts fetched by another process get vectors now.
        if !ctx.options.no_embed
            && within != Within::Abstracts
            && s.config.embed.auto
            && !s.lib.pending_passages(m.name())?.is_empty()
        {
            let bar = Bar::new("passages");
            let r = crate::fulltext::job::embed_passages(&mut s.lib, m, s.config.embed.batch, &bar);
            bar.finish();
            r?;
        }
    }
    let semantic = match &model {
        Some(m) => Some(Semantic::load(&s.lib, m)?),
        None => None,
    };
    let searcher = Searcher::new(&s.lib, &index, semantic.as_ref());
    let hits = searcher.search_in(&args.query, wanted, within, &filters, args.limit)?;
    print_hits(&s, &hits, args.json)
}

/// `litradar related ID`.
pub fn related(ctx: &Context, args: RelatedArgs) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let record = s.lib.find(&args.id)?;
    let Some(model) = installed_model(ctx, &s)? else {
        return Err(crate::search::SearchError::NoModel.into());
    };
    if !s.lib.pending_embeddings(model.name())?.is_empty() {
        after_ingest(ctx, &mut s)?;
    }
    let index = open_index(ctx, &s)?;
    let semantic = Semantic::load(&s.lib, &model)?;
    let searcher = Searcher::new(&s.lib, &index, Some(&semantic));
    let hits = searcher.related(&record.paper.id, args.limit)?;
    if !args.json {
        eprintln!("Nearest to {} ({}):", record.paper.id, record.paper.title);
    }
    print_hits(&s, &hits, args.json)
}

fn print_hits(s: &Session, hits: &[SearchHit], json: bool) -> anyhow::Result<()> {
    if json {
        let mut items = Vec::with_capacity(hits.len());
        for (i, h) in hits.iter().enumerate() {
            let record = s.lib.get(&h.id)?;
            let paper = record.as_ref().map(|r| &r.paper);
            items.push(serde_json::json!({
                "rank": i + 1,
                "id": h.id,
                "version": paper.and_then(|p| p.version),
                "title": paper.map(|p| p.title.clone()),
                "authors": paper.map(|p| p.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>()),
                "year": paper.and_then(|p| p.year()),
                "categories": paper.map(|p| p.categories.clone()),
                "tags": record.as_ref().map(|r| r.tags.clone()),
                "score": h.score,
                "lexical": h.lexical.map(|(rank, bm25)| serde_json::json!({"rank": rank, "bm25": bm25})),
                "semantic": h.semantic.map(|(rank, cosine)| serde_json::json!({"rank": rank, "cosine": cosine})),
                "matched": h.matched,
                "snippet": h.snippet,
                "highlights": h.highlights.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
                "passage": h.passage.as_ref().map(|p| serde_json::json!({
                    "section": p.section,
                    "text": p.text,
                    "highlights": p.highlights.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
                })),
            }));
        }
        return print_json(&items);
    }
    if hits.is_empty() {
        eprintln!("No paper matches.");
        return Ok(());
    }
    let style = Style::stdout();
    let cols = width().unwrap_or(100).min(120);
    let mut out = std::io::stdout().lock();
    for (i, h) in hits.iter().enumerate() {
        let Some(record) = s.lib.get(&h.id)? else {
            continue;
        };
        let p = &record.paper;
        let year = p
            .year()
            .map_or_else(|| "    ".to_string(), |y| y.to_string());
        let head = format!("{:>2}. {} {year} ", i + 1, p.versioned_id());
        writeln!(
            out,
            "{}{}",
            style.id(&head),
            style.bold(&cut(&p.title, cols.saturating_sub(head.chars().count())))
        )?;
        let mut why = Vec::new();
        if let Some((rank, _)) = h.lexical {
            let words = if h.matched.is_empty() {
                String::new()
            } else {
                format!(": {}", h.matched.join(", "))
            };
            why.push(format!("words #{rank}{words}"));
        } else if !h.matched.is_empty() {
            why.push(format!("words: {}", h.matched.join(", ")));
        }
        if let Some((rank, cosine)) = h.semantic {
            why.push(format!("meaning #{rank} ({cosine:.2})"));
        }
        if !record.tags.is_empty() {
            why.push(format!("[{}]", record.tags.join(", ")));
        }
        writeln!(out, "    {}", style.dim(&why.join(" · ")))?;
        if let Some(p) = &h.passage {
            let (excerpt, ranges) = p.excerpt(260);
            let text = format!(
                "{} {}",
                style.mark(&format!("matched in §{}:", p.section)),
                highlight(&excerpt, &ranges, style)
            );
            for line in crate::cli::output::wrap(&text, cols.saturating_sub(4).max(40)).lines() {
                writeln!(out, "    {line}")?;
            }
        } else if !h.snippet.is_empty() {
            let text = highlight(&h.snippet, &h.highlights, style);
            for line in crate::cli::output::wrap(&text, cols.saturating_sub(4).max(40)).lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    Ok(())
}

/// The snippet with matched words in bold (plain text without colour).
fn highlight(snippet: &str, ranges: &[(usize, usize)], style: Style) -> String {
    let mut out = String::with_capacity(snippet.len() + 16);
    let mut at = 0;
    for &(a, b) in ranges {
        let (Some(before), Some(word)) = (snippet.get(at..a), snippet.get(a..b)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&style.bold(word));
        at = b;
    }
    out.push_str(snippet.get(at..).unwrap_or(""));
    crate::paper::fold_whitespace(&out)
}

/// `litradar reindex`.
pub fn reindex(ctx: &Context) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let index = TextIndex::rebuild(&ctx.index_dir(), &s.lib)?;
    eprintln!("Rebuilt the full-text index: {} papers.", index.len());
    let model = model_ref(&s.config, None);
    if model.installed() {
        after_ingest(ctx, &mut s)?;
        eprintln!(
            "{} of {} papers have a {} vector; {} passages of full text too.",
            s.lib.embedding_count(&model.name)?,
            s.lib.paper_count()?,
            model.name,
            s.lib.passage_embedding_count(&model.name)?
        );
    }
    Ok(())
}

/// `litradar eval DIR`.
/// `eval --fusion`: every fusion variant on the same two rankings.
fn fusion_study(
    ctx: &Context,
    config: &crate::config::Config,
    args: &EvalArgs,
    dataset: &beir::Dataset,
    model_ref: &crate::embed::ModelRef,
) -> anyhow::Result<()> {
    if !model_ref.installed() {
        return Err(crate::search::SearchError::NoModel.into());
    }
    let model = load(ctx, config, model_ref)?;
    let work = std::env::temp_dir().join(format!("litradar-eval-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let bar = Bar::new("eval");
    let result = beir::fusion_study(dataset, &model, config.embed.batch, &work, &bar);
    bar.finish();
    let _ = std::fs::remove_dir_all(&work);
    let variants = result?;
    if args.json {
        return print_json(&variants);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "split {}, {} queries, {} variants",
        args.split,
        dataset.queries.len(),
        variants.len()
    )?;
    writeln!(
        out,
        "{:<22} {:>8} {:>10}",
        "fusion", "nDCG@10", "Recall@100"
    )?;
    for v in &variants {
        writeln!(
            out,
            "{:<22} {:>8.4} {:>10.4}{}",
            v.fusion,
            v.scores.ndcg10,
            v.scores.recall100,
            if v.default { "  (the default)" } else { "" }
        )?;
    }
    Ok(())
}

pub fn eval(ctx: &Context, args: EvalArgs) -> anyhow::Result<()> {
    let config = crate::config::Config::load(&ctx.config_file())?;
    let dataset = beir::load(&args.dir, &args.split).map_err(|e| anyhow::anyhow!("{e}"))?;
    let model_ref = model_ref(&config, None);
    let installed = model_ref.installed();
    if args.fusion {
        return fusion_study(ctx, &config, &args, &dataset, &model_ref);
    }
    let mut modes: Vec<Mode> = args.mode.iter().map(|m| mode(*m)).collect();
    if modes.is_empty() {
        modes = if installed {
            vec![Mode::Lexical, Mode::Semantic, Mode::Hybrid]
        } else {
            eprintln!(
                "No embedding model: evaluating words only (`litradar model fetch` adds meaning and hybrid)."
            );
            vec![Mode::Lexical]
        };
    }
    let needs_model = modes.iter().any(|m| *m != Mode::Lexical);
    let model = if needs_model {
        if !installed {
            return Err(crate::search::SearchError::NoModel.into());
        }
        Some(load(ctx, &config, &model_ref)?)
    } else {
        None
    };
    let work = std::env::temp_dir().join(format!("litradar-eval-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    eprintln!(
        "{}: {} documents, {} judged queries ({})",
        args.dir.display(),
        dataset.corpus.len(),
        dataset.queries.len(),
        args.split
    );
    let bar = Bar::new("eval");
    let result = beir::run(
        &dataset,
        &args.split,
        &modes,
        model.as_ref(),
        config.embed.batch,
        &work,
        &bar,
    );
    bar.finish();
    let _ = std::fs::remove_dir_all(&work);
    let report = result?;
    if args.json {
        return print_json(&report);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "split {}, {} queries", report.split, report.queries)?;
    writeln!(out, "{:<9} {:>8} {:>10}", "mode", "nDCG@10", "Recall@100")?;
    for (name, scores) in &report.modes {
        writeln!(
            out,
            "{name:<9} {:>8.4} {:>10.4}",
            scores.ndcg10, scores.recall100
        )?;
    }
    Ok(())
}
