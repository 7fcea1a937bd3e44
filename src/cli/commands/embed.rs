//! `model fetch|list|info`, `embed`, and the automatic embedding that
//! follows fetch, add, import and watch sync.

use super::{Context, Session, open, print_json};
use crate::cli::UsageError;
use crate::cli::args::{EmbedArgs, ModelCommand};
use crate::cli::output::{Bar, Style};
use crate::config::Config;
use crate::embed::{self, EmbedError, Embedder, ModelRef, registry};
use std::io::Write;

/// Meta key: the user has been told how to turn on semantic search.
const HINT_SHOWN: &str = "hint.semantic-search";

/// The device the user asked for (flag, then config/environment).
pub fn device(ctx: &Context, config: &Config) -> anyhow::Result<candle_core::Device> {
    // A name that is not a device exits with 2 (cli::exit_code).
    Ok(embed::device::configured(
        ctx.options.device.as_deref(),
        &config.embed,
    )?)
}

/// The configured (or named) model.
pub fn model_ref(config: &Config, spec: Option<&str>) -> ModelRef {
    match spec {
        Some(spec) => embed::resolve(spec, &config.embed.models_dir()),
        None => embed::configured(&config.embed),
    }
}

/// Loads a model and says where it runs.
pub fn load(ctx: &Context, config: &Config, model: &ModelRef) -> anyhow::Result<Embedder> {
    let device = device(ctx, config)?;
    let embedder = model.load(&device)?;
    Ok(embedder)
}

/// After new papers arrive: embed what needs it when a model is installed,
/// else say once how to enable semantic search.
pub fn after_ingest(ctx: &Context, s: &mut Session) -> anyhow::Result<()> {
    let wanted = crate::workflow::embeds_after_ingest(&s.config.embed, ctx.options.no_embed);
    embed_new(ctx, s, wanted, None)
}

/// Embeds what is pending (for `model`, else the configured one) and says so.
fn embed_new(
    ctx: &Context,
    s: &mut Session,
    wanted: bool,
    model: Option<&ModelRef>,
) -> anyhow::Result<()> {
    let (papers, passages) = (Bar::new("embedding"), Bar::new("passages"));
    let result = crate::workflow::embed_new(
        &mut s.lib,
        &s.config.embed,
        wanted,
        ctx.options.device.as_deref(),
        model,
        &papers,
        &passages,
    );
    papers.finish();
    passages.finish();
    let done = result?;
    match done {
        Err(crate::workflow::Skipped::NoModel) => {
            if s.lib.meta(HINT_SHOWN)?.is_none() {
                eprintln!(
                    "Semantic search is off: no embedding model. Run `litradar model fetch` once to enable it (word search works without it)."
                );
                s.lib.set_meta(HINT_SHOWN, "1")?;
            }
        }
        Err(_) => {}
        Ok(v) => {
            if let Some(r) = v.passages {
                eprintln!(
                    "Embedded {} passages of papers' own text in {:.1} s ({:.1} passages/s)",
                    r.embedded,
                    r.seconds,
                    r.rate()
                );
            }
            if let Some(r) = v.papers.filter(|r| r.embedded > 0) {
                eprintln!(
                    "Embedded {} papers with {} on {} in {:.1} s ({:.1} texts/s)",
                    r.embedded,
                    v.model,
                    v.device,
                    r.seconds,
                    r.rate()
                );
            }
        }
    }
    Ok(())
}

/// `litradar embed`.
pub fn embed(ctx: &Context, args: EmbedArgs) -> anyhow::Result<()> {
    let mut s = open(ctx)?;
    let model = model_ref(&s.config, args.model.as_deref());
    if args.pending {
        if !model.installed() {
            return Err(EmbedError::Missing {
                name: model.name.clone(),
                dir: model.dir.clone(),
                files: "model files".into(),
            }
            .into());
        }
        let before = s.lib.pending_embeddings(&model.name)?.len()
            + s.lib.pending_passages(&model.name)?.len();
        embed_new(ctx, &mut s, true, Some(&model))?;
        if before == 0 {
            eprintln!(
                "Every paper (and passage of full text) already has a current {} vector.",
                model.name
            );
        }
        return Ok(());
    }
    if args.texts.is_empty() {
        anyhow::bail!(UsageError(
            "give texts to embed, or --pending to embed the library".into()
        ));
    }
    let embedder = load(ctx, &s.config, &model)?;
    let mut vectors = Vec::with_capacity(args.texts.len());
    for text in &args.texts {
        let v = if args.query {
            embedder.embed_query(text)?
        } else {
            embedder.embed(&[text.as_str()], 1, &mut |_| {})?.remove(0)
        };
        vectors.push(v);
    }
    if args.json {
        let items: Vec<serde_json::Value> = args
            .texts
            .iter()
            .zip(&vectors)
            .map(|(t, v)| serde_json::json!({"text": t, "embedding": v}))
            .collect();
        return print_json(&items);
    }
    let mut out = std::io::stdout().lock();
    for v in &vectors {
        let line: Vec<String> = v.iter().map(|x| format!("{x:.6}")).collect();
        writeln!(out, "{}", line.join(" "))?;
    }
    Ok(())
}

/// `litradar model ...`.
pub fn model(ctx: &Context, command: ModelCommand) -> anyhow::Result<()> {
    let config = Config::load(&ctx.config_file())?;
    match command {
        ModelCommand::Fetch { name } => fetch(&config, name.as_deref()),
        ModelCommand::List { json } => list(&config, json),
        ModelCommand::Info { name, verify, json } => {
            info(ctx, &config, name.as_deref(), verify, json)
        }
    }
}

fn fetch(config: &Config, name: Option<&str>) -> anyhow::Result<()> {
    let model = model_ref(config, name);
    let Some(known) = model.known else {
        let names: Vec<&str> = registry::KNOWN.iter().map(|k| k.name).collect();
        anyhow::bail!(UsageError(format!(
            "litradar cannot fetch '{}': known models are {}; for another model, put its files in a folder and use --model DIR",
            model.name,
            names.join(", ")
        )));
    };
    let bar = Bar::new("fetching");
    let result = embed::fetch::fetch(known, &model.dir, &bar);
    bar.finish();
    let fetched = result?;
    if let Some(hub) = &fetched.hub_error {
        eprintln!("The Hugging Face hub was out of reach ({hub}).");
    }
    eprintln!(
        "Fetched {} from {} into {} ({} files, checksums verified)",
        known.name,
        fetched.source,
        fetched.dir.display(),
        fetched.files.len()
    );
    Ok(())
}

fn list(config: &Config, json: bool) -> anyhow::Result<()> {
    let models_dir = config.embed.models_dir();
    let rows: Vec<(ModelRef, &registry::KnownModel)> = registry::KNOWN
        .iter()
        .map(|k| (embed::resolve(k.name, &models_dir), k))
        .collect();
    if json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(m, k)| {
                serde_json::json!({
                    "name": k.name,
                    "installed": m.installed(),
                    "dir": m.dir.display().to_string(),
                    "default": k.name == config.embed.model,
                    "hub_repo": k.hub_repo,
                    "pip_package": k.pip.map(|p| format!("{}=={}", p.package, p.version)),
                    "description": k.description,
                })
            })
            .collect();
        return print_json(&items);
    }
    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    for (m, k) in &rows {
        let mark = if k.name == config.embed.model {
            "*"
        } else {
            " "
        };
        let state = if m.installed() {
            "installed"
        } else {
            "not installed"
        };
        writeln!(
            out,
            "{mark} {:<20} {:<14} {}",
            style.bold(k.name),
            state,
            k.description
        )?;
    }
    writeln!(
        out,
        "\nModels live in {} (* = the configured model).",
        models_dir.display()
    )?;
    Ok(())
}

fn info(
    ctx: &Context,
    config: &Config,
    name: Option<&str>,
    verify: bool,
    json: bool,
) -> anyhow::Result<()> {
    let model = model_ref(config, name);
    let embedder = load(ctx, config, &model)?;
    let layout = embedder.layout();
    let bad = if verify {
        Some(embed::fetch::check(&model.dir, model.known)?)
    } else {
        None
    };
    let pooling = format!("{:?}", layout.pooling).to_lowercase();
    let device = embed::device::describe(embedder.device());
    if json {
        print_json(&serde_json::json!({
            "name": model.name,
            "dir": model.dir.display().to_string(),
            "dim": embedder.dim(),
            "pooling": pooling,
            "normalize": layout.normalize,
            "max_tokens": layout.max_tokens,
            "query_prefix": layout.query_prefix,
            "document_prefix": layout.document_prefix,
            "device": device,
            "verified": bad.as_ref().map(|b| b.is_empty()),
            "mismatched": bad,
        }))?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "Model:      {}", model.name)?;
        writeln!(out, "Folder:     {}", model.dir.display())?;
        writeln!(
            out,
            "Vectors:    {} dimensions, {pooling} pooling{}",
            embedder.dim(),
            if layout.normalize {
                ", L2-normalised"
            } else {
                ""
            }
        )?;
        writeln!(out, "Max tokens: {}", layout.max_tokens)?;
        let prefix = if layout.query_prefix.is_empty() {
            "none".to_string()
        } else {
            format!("{:?}", layout.query_prefix)
        };
        writeln!(out, "Query text: prefix {prefix}")?;
        let prefix = if layout.document_prefix.is_empty() {
            "none".to_string()
        } else {
            format!("{:?}", layout.document_prefix)
        };
        writeln!(out, "Documents:  prefix {prefix}")?;
        writeln!(out, "Device:     {device}")?;
        if let Some(bad) = &bad {
            if bad.is_empty() {
                writeln!(out, "Checksums:  all files match")?;
            }
        }
    }
    match bad {
        Some(bad) if !bad.is_empty() => anyhow::bail!(
            "{} does not match its checksums: {}; fetch it again with `litradar model fetch {}`",
            model.name,
            bad.join(", "),
            model.name
        ),
        _ => Ok(()),
    }
}
