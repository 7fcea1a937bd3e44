//! From a stored link to something that can run: the folder, the working
//! directory and the program, each checked, so that a folder that is gone
//! or a program that is not installed is reported before anything starts.

use super::{Implementation, Kind};
use std::path::{Path, PathBuf};

/// A link ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runnable {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Where it runs.
    pub workdir: PathBuf,
    /// The folder of the code (for its git commit).
    pub folder: PathBuf,
}

/// Where litradar's own source tree is, for the bundled starter
/// implementations: `LITRADAR_SOURCE_DIR`, else the tree it was built from.
pub fn source_root() -> PathBuf {
    std::env::var_os("LITRADAR_SOURCE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// `~/x` → the home directory's `x`.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

/// Finds a program the way the OS would: a path when it has a slash
/// (relative to `workdir`), else the first match on `PATH`.
pub fn find_program(program: &str, workdir: &Path) -> Option<PathBuf> {
    let is_runnable = |p: &Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file()
        }
    };
    if program.contains('/') {
        let p = workdir.join(program);
        return is_runnable(&p).then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| is_runnable(p))
}

/// Why a link cannot run now; each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannotRun {
    /// A repository link without a clone to run in.
    #[error("{0} is a repository: clone it, then link the folder (or give --workdir CLONE)")]
    NotCloned(String),
    /// The bundled starters need litradar's source tree.
    #[error(
        "the starter implementations run from litradar's source tree, which is not at {} (set LITRADAR_SOURCE_DIR)",
        .0.display()
    )]
    NoSourceTree(PathBuf),
    /// The linked folder was moved or deleted.
    #[error("the folder {} is gone", .0.display())]
    FolderGone(PathBuf),
    /// The working directory was moved or deleted.
    #[error("the working directory {} is gone", .0.display())]
    WorkdirGone(PathBuf),
    /// The link has no command.
    #[error("no command to run: set one with `litradar impl link ID LOCATION --cmd \"...\"`")]
    NoCommand,
    /// The program is not installed or not executable.
    #[error("cannot start '{program}': not found {}", match .workdir {
        Some(dir) => format!("in {}", dir.display()),
        None => "on PATH".to_string(),
    })]
    ProgramNotFound {
        /// As linked.
        program: String,
        /// The folder a relative path was looked up in; `None` for `PATH`.
        workdir: Option<PathBuf>,
    },
}

/// Checks a link and says how to run it, or why it cannot run.
pub fn resolve(imp: &Implementation, source: &Path) -> Result<Runnable, CannotRun> {
    let folder = match imp.kind {
        Kind::Local => expand_home(&imp.location),
        Kind::Starter => source.join(&imp.location),
        Kind::Git => match &imp.workdir {
            Some(w) => expand_home(w),
            None => return Err(CannotRun::NotCloned(imp.location.clone())),
        },
    };
    if !folder.is_dir() {
        return Err(match imp.kind {
            Kind::Starter => CannotRun::NoSourceTree(source.to_path_buf()),
            _ => CannotRun::FolderGone(folder),
        });
    }
    let workdir = match (&imp.workdir, imp.kind) {
        (Some(_), Kind::Git) | (None, Kind::Git) => folder.clone(),
        (Some(w), Kind::Starter) => source.join(w),
        (Some(w), _) => {
            let w = expand_home(w);
            if w.is_absolute() { w } else { folder.join(w) }
        }
        (None, _) => folder.clone(),
    };
    if !workdir.is_dir() {
        return Err(CannotRun::WorkdirGone(workdir));
    }
    let Some(program) = imp.command.first() else {
        return Err(CannotRun::NoCommand);
    };
    if find_program(program, &workdir).is_none() {
        return Err(CannotRun::ProgramNotFound {
            program: program.clone(),
            workdir: program.contains('/').then(|| workdir.clone()),
        });
    }
    Ok(Runnable {
        argv: imp.command.clone(),
        workdir,
        folder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kind: Kind, location: &str, command: &[&str], workdir: Option<&str>) -> Implementation {
        Implementation {
            id: 1,
            paper_id: "1706.03762".into(),
            kind,
            location: location.into(),
            command: command.iter().map(|s| s.to_string()).collect(),
            workdir: workdir.map(String::from),
            framework: None,
            official: false,
            mentioned_in_paper: false,
        }
    }

    #[test]
    fn folders_programs_and_workdirs_are_checked() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir(root.join("code")).expect("mkdir");
        std::fs::create_dir(root.join("code/sub")).expect("mkdir");
        let loc = root.join("code").display().to_string();
        let ok = resolve(
            &link(Kind::Local, &loc, &["sh", "-c", "true"], Some("sub")),
            root,
        )
        .expect("runs");
        assert_eq!(ok.workdir, root.join("code/sub"));
        assert_eq!(ok.folder, root.join("code"));
        let gone =
            resolve(&link(Kind::Local, "/no/such/folder", &["sh"], None), root).expect_err("gone");
        assert_eq!(gone, CannotRun::FolderGone("/no/such/folder".into()));
        assert_eq!(gone.to_string(), "the folder /no/such/folder is gone");
        let missing = resolve(
            &link(Kind::Local, &loc, &["no-such-program-litradar"], None),
            root,
        )
        .expect_err("missing");
        assert!(
            matches!(&missing, CannotRun::ProgramNotFound { workdir: None, .. }),
            "{missing}"
        );
        assert!(
            missing.to_string().ends_with("not found on PATH"),
            "{missing}"
        );
        let script =
            resolve(&link(Kind::Local, &loc, &["./run.sh"], None), root).expect_err("no script");
        assert_eq!(
            script,
            CannotRun::ProgramNotFound {
                program: "./run.sh".into(),
                workdir: Some(root.join("code")),
            }
        );
        let none = resolve(&link(Kind::Local, &loc, &[], None), root).expect_err("no command");
        assert_eq!(none, CannotRun::NoCommand);
        let repo = resolve(
            &link(Kind::Git, "https://github.com/x/y", &["sh"], None),
            root,
        )
        .expect_err("repo");
        assert!(matches!(&repo, CannotRun::NotCloned(_)), "{repo}");
        assert!(repo.to_string().contains("clone it"), "{repo}");
        let starter = resolve(
            &link(Kind::Starter, "papers/x", &["sh"], Some(".")),
            Path::new("/no/source"),
        )
        .expect_err("no tree");
        assert_eq!(starter, CannotRun::NoSourceTree("/no/source".into()));
    }
}
