//! Every starter implementation under papers/ runs and its manifest's
//! checks pass. `cargo test` builds the examples; these tests run those
//! binaries (target/<profile>/examples) directly rather than through
//! `cargo run --release`, which would rebuild everything in release.

use litradar::impls::Claim;
use litradar::impls::ledger::{Verdict, verdict};
use litradar::impls::metrics::Collector;
use litradar::impls::starter::{self, Manifest};
use std::path::PathBuf;
use std::process::Command;

/// target/<profile>/examples, next to this test's deps/ folder.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .join("examples")
}

fn example_name(m: &Manifest) -> String {
    let at = m
        .command
        .iter()
        .position(|a| a == "--example")
        .expect("--example in the command");
    m.command[at + 1].clone()
}

fn claims(m: &Manifest) -> Vec<Claim> {
    m.claims
        .iter()
        .enumerate()
        .map(|(i, c)| Claim {
            id: i as i64,
            paper_id: m.paper.clone(),
            metric: c.metric.clone(),
            value: c.value,
            compare: c.compare,
            tolerance: c.tolerance().expect("tolerance"),
            task: c.task.clone(),
            dataset: c.dataset.clone(),
            note: c.note.clone(),
        })
        .collect()
}

fn run_starter(folder: &str) {
    let (_, manifest) = starter::all()
        .expect("manifests")
        .into_iter()
        .find(|(f, _)| f == folder)
        .expect("manifest");
    let binary = examples_dir().join(example_name(&manifest));
    assert!(
        binary.exists(),
        "{} is not built; run `cargo test` (it builds the examples)",
        binary.display()
    );
    let output = Command::new(&binary).output().expect("run the starter");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{folder} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut collector = Collector::default();
    for line in stdout.lines() {
        collector.line(line);
    }
    let metrics = collector.into_metrics();
    for claim in claims(&manifest) {
        let observed = metrics
            .iter()
            .find(|m| m.name == claim.metric)
            .map(|m| m.value);
        assert_eq!(
            verdict(&claim, observed),
            Verdict::Reproduced,
            "{folder}: {} {} {} but the run printed {observed:?}\n{stdout}",
            claim.metric,
            claim.compare.symbol(),
            claim.value
        );
    }
}

#[test]
fn transformer_attention_positional_encoding_and_copying() {
    run_starter("1706.03762-transformer");
}

#[test]
fn resnet_shortcuts_beat_the_degradation_of_plain_depth() {
    run_starter("1512.03385-resnet");
}

#[test]
fn batchnorm_modes_statistics_and_high_learning_rates() {
    run_starter("1502.03167-batchnorm");
}

#[test]
fn lora_trains_a_low_rank_update_of_a_frozen_layer() {
    run_starter("2106.09685-lora");
}

#[test]
fn swish_values_gradients_and_dead_units() {
    run_starter("1710.05941-swish");
}

/// The whole path a user takes: a starter linked as a local folder, run by
/// `litradar impl run`, its claims reproduced in the ledger.
#[test]
fn a_starter_run_through_the_cli_reproduces_its_claims() {
    let home = tempfile::tempdir().expect("home");
    let litradar = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_litradar"))
            .args(args)
            .env("LITRADAR_HOME", home.path())
            .env("LITRADAR_MODELS_DIR", home.path().join("models"))
            .env_remove("NO_COLOR")
            .output()
            .expect("litradar")
    };
    let starter = concat!(env!("CARGO_MANIFEST_DIR"), "/papers/starter.atom");
    assert!(
        litradar(&["--no-embed", "import", starter])
            .status
            .success()
    );
    let examples = examples_dir().display().to_string();
    assert!(
        litradar(&[
            "impl",
            "link",
            "2106.09685",
            &examples,
            "--cmd",
            "./lora",
            "--framework",
            "candle"
        ])
        .status
        .success()
    );
    let manifest = starter::all()
        .expect("manifests")
        .into_iter()
        .find(|(_, m)| m.paper == "2106.09685")
        .expect("lora")
        .1;
    for c in &manifest.claims {
        let value = c.value.to_string();
        let mut args = vec!["claim", "add", "2106.09685", &c.metric, &value];
        match c.compare {
            litradar::impls::Compare::AtLeast => args.push("--at-least"),
            litradar::impls::Compare::AtMost => args.push("--at-most"),
            litradar::impls::Compare::About => {}
        }
        if let Some(t) = &c.tolerance {
            args.extend(["--tolerance", t]);
        }
        assert!(litradar(&args).status.success());
    }
    let run = litradar(&["impl", "run", "2106.09685"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ledger = litradar(&["impl", "ledger", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&ledger.stdout).expect("JSON");
    assert_eq!(
        v[0]["reproduced"].as_u64(),
        Some(manifest.claims.len() as u64),
        "{v:#}"
    );
}
