//! What each screen shows, read from the library: plain data for the UI.

use crate::config::Config;
use crate::impls::resolve::{resolve, source_root};
use crate::library::Library;
use crate::search::SearchHit;
use crate::tui::state::{
    BlipStory, CodeData, Hit, PaperDetail, QueueRow, RadarData, ReadingData, TextView,
};

/// Everything the detail pane shows about one paper.
pub fn detail(lib: &Library, id: &str) -> anyhow::Result<PaperDetail> {
    let record = lib.find(id)?;
    let (_, passes) = lib.passes(&record.paper.id)?;
    let impls = lib.impl_list(Some(&record.paper.id))?;
    let ledger = lib
        .impl_ledger(Some(&record.paper.id))?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    let links = lib.radar_links()?;
    let mut blips: Vec<String> = links
        .into_iter()
        .filter(|(_, papers)| papers.contains(&record.paper.id))
        .map(|(blip, _)| blip)
        .collect();
    blips.sort();
    let text = lib.fulltext(&record.paper.id)?.map(|t| {
        let skim = crate::fulltext::skim::skim(
            &record.paper.title,
            &record.paper.abstract_text,
            Some(&t.document),
        );
        Box::new(TextView {
            origin: format!("v{} · from the {} ({})", t.version, t.source, t.extractor),
            source: t.source,
            method: crate::fulltext::skim::method_sections(&t.document),
            skim,
            document: t.document,
        })
    });
    Ok(PaperDetail {
        text,
        record,
        passes,
        impls,
        ledger,
        blips,
    })
}

/// The queue and budgets.
pub fn reading(lib: &Library, config: &Config) -> anyhow::Result<ReadingData> {
    let queue = crate::reading::order_queue(lib.queue_items()?)
        .into_iter()
        .map(|item| {
            let title = lib
                .get(&item.paper_id)?
                .map(|r| r.paper.title)
                .unwrap_or_default();
            Ok(QueueRow { item, title })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ReadingData {
        queue,
        budgets: Some(crate::reading::Budget::from_settings(&config.reading)),
    })
}

/// An edition with its diff and every blip's story.
pub fn radar(lib: &Library, config: &Config, edition: Option<&str>) -> anyhow::Result<RadarData> {
    let view = lib.radar_view(edition, config.radar.stale_after)?;
    let editions = lib.radar_editions()?.into_iter().map(|e| e.name).collect();
    let (_, _, diff) = lib.radar_diff(None, Some(&view.edition))?;
    let stories = view
        .blips
        .iter()
        .map(|b| {
            Ok(BlipStory {
                history: lib.radar_history(&b.name)?,
                evidence: lib.radar_evidence(&b.name)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(RadarData {
        editions,
        view,
        diff,
        stories,
    })
}

/// A paper's links (checked), ledger and runs.
pub fn code(lib: &Library, id: &str) -> anyhow::Result<CodeData> {
    let record = lib.find(id)?;
    let source = source_root();
    let impls = lib
        .impl_list(Some(&record.paper.id))?
        .into_iter()
        .map(|i| {
            let problem = resolve(&i, &source).err().map(|why| why.to_string());
            (i, problem)
        })
        .collect();
    let ledger = lib
        .impl_ledger(Some(&record.paper.id))?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    Ok(CodeData {
        paper: record.paper.id.clone(),
        title: record.paper.title,
        impls,
        ledger,
        runs: lib.impl_runs(Some(&record.paper.id), 10)?,
    })
}

pub fn decorate(lib: &Library, hits: Vec<SearchHit>) -> anyhow::Result<Vec<Hit>> {
    hits.into_iter()
        .map(|hit| {
            let record = lib.get(&hit.id)?;
            let (title, first_author, year) = match record {
                Some(r) => (
                    r.paper.title.clone(),
                    r.paper
                        .authors
                        .first()
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    r.paper.year(),
                ),
                None => (hit.id.clone(), String::new(), None),
            };
            Ok(Hit {
                hit,
                title,
                first_author,
                year,
            })
        })
        .collect()
}
