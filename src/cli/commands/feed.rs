//! `feed`: new papers ranked for the reader, and the marks that teach it.

use super::embed::{after_ingest, model_ref};
use super::{Context, open, print_json};
use crate::cli::feed_args::{FeedArgs, MarkCommand};
use crate::cli::output::{Style, cut, width};
use crate::feed::{self, Feed, Mark, Request, Window};
use chrono::{Duration, NaiveTime, Utc};
use std::io::Write;

/// `litradar feed ...`.
pub fn run(ctx: &Context, args: FeedArgs) -> anyhow::Result<()> {
    if let Some(command) = args.mark {
        return mark(ctx, command);
    }
    let mut s = open(ctx)?;
    let model = model_ref(&s.config, None);
    // New papers get their vectors first, so all candidates have the same features.
    if model.installed() && !s.lib.pending_embeddings(&model.name)?.is_empty() {
        after_ingest(ctx, &mut s)?;
    }
    let now = Utc::now();
    let window = if args.all {
        Window::All
    } else if let Some(day) = args.since {
        Window::Since(day.and_time(NaiveTime::MIN).and_utc())
    } else if let Some(days) = args.days {
        Window::Since(now - Duration::days(i64::from(days)))
    } else {
        Window::SinceLastLook
    };
    let remember = window == Window::SinceLastLook;
    let request = Request {
        tag: args.tag,
        window,
        limit: args.limit.max(1),
        model: Some(model.name.clone()),
    };
    let result = feed::look(&s.lib, &request)?;
    if remember {
        s.lib.set_feed_last_look(&result.view, now)?;
    }
    if args.json {
        return print_json(&json(&result));
    }
    print_text(&result, args.all)
}

fn json(feed: &Feed) -> serde_json::Value {
    feed.items
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i.id,
                "title": i.title,
                "score": i.score,
                "why": {"similar": i.similar, "words": i.words},
            })
        })
        .collect()
}

fn print_text(feed: &Feed, all: bool) -> anyhow::Result<()> {
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    let scope = match (&feed.since, all) {
        (_, true) => "every paper you have not tagged, queued, read or marked".to_string(),
        (Some(since), false) => {
            format!("papers added since {}", since.format("%Y-%m-%d %H:%M UTC"))
        }
        (None, false) => {
            "every paper you have not tagged, queued, read or marked (first look)".to_string()
        }
    };
    let ranking = if feed.positives == 0 {
        "newest first: nothing to learn from yet (tag, queue, read or `feed like` papers)"
            .to_string()
    } else {
        let features = if feed.with_vectors {
            "words and meaning"
        } else {
            "words"
        };
        let negatives = if feed.negatives > 0 {
            format!(" and {} dislikes", feed.negatives)
        } else {
            String::new()
        };
        format!(
            "ranked by {} of your papers{negatives}, on {features}",
            feed.positives
        )
    };
    writeln!(
        out,
        "{} ({}): {}; {} of {} shown, {ranking}.",
        style.bold("Feed"),
        feed.view,
        scope,
        feed.items.len(),
        feed.candidates,
    )?;
    if feed.items.is_empty() {
        writeln!(
            out,
            "Nothing new. `litradar feed --days 7` shows the past week; `--all` every paper you have not read."
        )?;
        return Ok(());
    }
    let columns = width().unwrap_or(100).max(60);
    for (n, item) in feed.items.iter().enumerate() {
        let score = item.score.map_or(String::new(), |s| format!("{s:+.2}"));
        let head = format!("{:>3}  {:<12} {:>6}  ", n + 1, item.id, score);
        let title = cut(&item.title, columns.saturating_sub(head.chars().count()));
        writeln!(
            out,
            "{:>3}  {} {:>6}  {}",
            n + 1,
            style.id(&format!("{:<12}", item.id)),
            score,
            title
        )?;
        let mut why = Vec::new();
        if !item.similar.is_empty() {
            why.push(format!("like {}", item.similar.join(", ")));
        }
        if !item.words.is_empty() {
            why.push(format!("words: {}", item.words.join(", ")));
        }
        if !why.is_empty() {
            let line = cut(&why.join(" · "), columns.saturating_sub(6));
            writeln!(out, "      {}", style.dim(&line))?;
        }
    }
    Ok(())
}

fn mark(ctx: &Context, command: MarkCommand) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let now = Utc::now();
    let (ids, mark, verb) = match command {
        MarkCommand::Like { ids } => (ids, Some(Mark::Like), "Liked"),
        MarkCommand::Dislike { ids } => (ids, Some(Mark::Dislike), "Disliked"),
        MarkCommand::Dismiss { ids } => (ids, Some(Mark::Dismiss), "Dismissed"),
        MarkCommand::Unmark { ids } => (ids, None, "Unmarked"),
    };
    // Every key is checked before anything is written: all or nothing.
    let mut found = Vec::with_capacity(ids.len());
    for key in &ids {
        found.push(s.lib.find(key)?.paper.id);
    }
    for id in &found {
        match mark {
            Some(m) => {
                s.lib.set_feed_mark(id, m, now)?;
                println!("{verb} {id}");
            }
            None => {
                let (id, had) = s.lib.clear_feed_mark(id)?;
                if had {
                    println!("{verb} {id}");
                } else {
                    println!("{id} had no mark");
                }
            }
        }
    }
    Ok(())
}
