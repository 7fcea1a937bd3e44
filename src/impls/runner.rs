//! Runs an implementation's command: as an argument list (never through a
//! shell), in its own process group so that a timeout or Ctrl-C stops the
//! program and everything it started, with output streamed line by line to
//! the caller while the last part of each stream and the printed metrics
//! are kept for the run log.

use super::metrics::Collector;
use super::{Metric, Outcome};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop the program after this long.
    pub timeout: Option<Duration>,
    /// Bytes of each stream kept for the log (the end of it).
    pub tail_bytes: usize,
    /// After asking the program to stop (SIGTERM), how long to wait before
    /// killing it (SIGKILL).
    pub grace: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: None,
            tail_bytes: 16 * 1024,
            grace: Duration::from_secs(3),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// How it ended.
    pub outcome: Outcome,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    /// How long it ran.
    pub duration: Duration,
    /// The end of standard output.
    pub stdout_tail: String,
    /// The end of standard error (or why it could not start).
    pub stderr_tail: String,
    /// Metrics printed on standard output.
    pub metrics: Vec<Metric>,
}

/// Keeps the last `limit` bytes of a stream, cut at a line start.
#[derive(Debug)]
struct Tail {
    text: String,
    limit: usize,
    cut: bool,
}

impl Tail {
    fn new(limit: usize) -> Tail {
        Tail {
            text: String::new(),
            limit: limit.max(64),
            cut: false,
        }
    }

    fn push_line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        if self.text.len() > self.limit * 2 {
            self.trim();
        }
    }

    fn trim(&mut self) {
        if self.text.len() <= self.limit {
            return;
        }
        let mut start = self.text.len() - self.limit;
        while !self.text.is_char_boundary(start) {
            start += 1;
        }
        // Start at a whole line when one begins in the kept part.
        if let Some(nl) = self.text[start..].find('\n') {
            if start + nl + 1 < self.text.len() {
                start += nl + 1;
            }
        }
        self.text.drain(..start);
        self.cut = true;
    }

    fn finish(mut self) -> String {
        self.trim();
        if self.cut {
            format!("[… earlier output cut]\n{}", self.text)
        } else {
            self.text
        }
    }
}

/// Longest line passed on whole; longer ones arrive in pieces.
const MAX_LINE: usize = 64 * 1024;

/// Reads a pipe and sends its lines (lossy UTF-8, bounded length).
fn pump(mut pipe: impl Read, stream: Stream, tx: mpsc::Sender<(Stream, String)>) {
    let mut buf = [0u8; 8192];
    let mut pending: Vec<u8> = Vec::new();
    let send = |bytes: &[u8]| {
        let line = String::from_utf8_lossy(bytes);
        tx.send((stream, line.trim_end_matches('\r').to_string()))
            .is_ok()
    };
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(nl) = pending.iter().position(|&b| b == b'\n') {
            if !send(&pending[..nl]) {
                return;
            }
            pending.drain(..=nl);
        }
        while pending.len() > MAX_LINE {
            if !send(&pending[..MAX_LINE]) {
                return;
            }
            pending.drain(..MAX_LINE);
        }
    }
    if !pending.is_empty() {
        send(&pending);
    }
}

#[cfg(unix)]
fn signal_group(pid: u32, signal: nix::sys::signal::Signal) {
    // The child leads its own group (process_group(0)), so its id is the
    // group's; a group that is already gone is not an error here.
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid as i32), signal);
}

#[cfg(unix)]
fn exit_signal(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

#[cfg(not(unix))]
fn exit_signal(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

/// Runs `argv` in `workdir`. `on_line` sees every line as it arrives;
/// `stop` (set by Ctrl-C) ends the run early. Only a program that cannot
/// be started ends as [`Outcome::FailedToStart`]; everything else is a run.
pub fn run(
    argv: &[String],
    workdir: &Path,
    options: &Options,
    stop: &AtomicBool,
    on_line: &mut dyn FnMut(Stream, &str),
) -> Finished {
    let started = Instant::now();
    let failed = |why: String| Finished {
        outcome: Outcome::FailedToStart,
        exit_code: None,
        signal: None,
        duration: started.elapsed(),
        stdout_tail: String::new(),
        stderr_tail: why,
        metrics: Vec::new(),
    };
    let Some((program, args)) = argv.split_first() else {
        return failed("no command to run".into());
    };
    if !workdir.is_dir() {
        return failed(format!(
            "the working directory {} does not exist",
            workdir.display()
        ));
    }
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return failed(format!(
                "cannot start '{program}': no such program (is it installed and on PATH, or is the path right?)"
            ));
        }
        Err(e) => return failed(format!("cannot start '{program}': {e}")),
    };
    let (tx, rx) = mpsc::channel();
    let mut pumps = Vec::new();
    if let Some(out) = child.stdout.take() {
        let tx = tx.clone();
        pumps.push(std::thread::spawn(move || pump(out, Stream::Stdout, tx)));
    }
    if let Some(err) = child.stderr.take() {
        let tx = tx.clone();
        pumps.push(std::thread::spawn(move || pump(err, Stream::Stderr, tx)));
    }
    drop(tx);

    let mut stdout_tail = Tail::new(options.tail_bytes);
    let mut stderr_tail = Tail::new(options.tail_bytes);
    let mut metrics = Collector::default();
    let mut ended_by: Option<Outcome> = None;
    let mut asked_to_stop: Option<Instant> = None;
    let mut killed = false;
    let mut status = None;
    let mut exited_at: Option<Instant> = None;
    let mut pipes_open = true;
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok((stream, line)) => {
                match stream {
                    Stream::Stdout => {
                        metrics.line(&line);
                        stdout_tail.push_line(&line);
                    }
                    Stream::Stderr => stderr_tail.push_line(&line),
                }
                on_line(stream, &line);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => pipes_open = false,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if status.is_none() {
            if let Ok(Some(s)) = child.try_wait() {
                status = Some(s);
                exited_at = Some(Instant::now());
            }
        }
        if status.is_some() {
            if !pipes_open {
                break;
            }
            // Children of the program still hold its output open: give them
            // a moment, then stop them too.
            if exited_at.is_some_and(|t| t.elapsed() > Duration::from_secs(1)) {
                #[cfg(unix)]
                signal_group(child.id(), nix::sys::signal::Signal::SIGKILL);
                if exited_at.is_some_and(|t| t.elapsed() > Duration::from_secs(3)) {
                    break;
                }
            }
            continue;
        }
        if ended_by.is_none() {
            if stop.load(Ordering::SeqCst) {
                ended_by = Some(Outcome::Interrupted);
            } else if options.timeout.is_some_and(|t| started.elapsed() >= t) {
                ended_by = Some(Outcome::TimedOut);
            }
            if ended_by.is_some() {
                asked_to_stop = Some(Instant::now());
                #[cfg(unix)]
                signal_group(child.id(), nix::sys::signal::Signal::SIGTERM);
                #[cfg(not(unix))]
                {
                    let _ = child.kill();
                }
            }
        }
        if let Some(t) = asked_to_stop {
            if !killed && t.elapsed() >= options.grace {
                killed = true;
                #[cfg(unix)]
                signal_group(child.id(), nix::sys::signal::Signal::SIGKILL);
                let _ = child.kill();
            }
        }
    }
    // The pumps end when the pipes close; detached ones are not waited for.
    for p in pumps {
        if p.is_finished() {
            let _ = p.join();
        }
    }
    let status = status.or_else(|| child.wait().ok());
    Finished {
        outcome: ended_by.unwrap_or(Outcome::Exited),
        exit_code: status.and_then(|s| s.code()),
        signal: status.as_ref().and_then(exit_signal),
        duration: started.elapsed(),
        stdout_tail: stdout_tail.finish(),
        stderr_tail: stderr_tail.finish(),
        metrics: metrics.into_metrics(),
    }
}

/// The commit checked out in `dir`, when it is a git work tree and git is
/// installed.
pub fn git_commit(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "HEAD"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let commit = text.trim();
    (out.status.success() && commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| commit.to_string())
}

/// A flag that Ctrl-C sets instead of ending litradar, so a run can stop
/// its program cleanly and log itself. Installed once per process.
pub fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: std::sync::OnceLock<std::sync::Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = std::sync::Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        {
            // Registration fails only for forbidden signals; SIGINT is not.
            let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, flag.clone());
        }
        flag
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    fn go(argv: &[String], options: &Options) -> (Finished, Vec<(Stream, String)>) {
        let mut seen = Vec::new();
        let stop = AtomicBool::new(false);
        let f = run(argv, Path::new("."), options, &stop, &mut |s, l| {
            seen.push((s, l.to_string()))
        });
        (f, seen)
    }

    #[test]
    fn exit_status_output_and_metrics_are_captured() {
        let (f, seen) = go(
            &sh(
                "echo hello; echo 'METRIC acc=0.5'; echo oops >&2; echo 'METRIC acc=0.75 %'; exit 3",
            ),
            &Options::default(),
        );
        assert_eq!((f.outcome, f.exit_code), (Outcome::Exited, Some(3)));
        assert_eq!(f.metrics.len(), 1);
        assert_eq!(
            (f.metrics[0].value, f.metrics[0].unit.as_deref()),
            (0.75, Some("%"))
        );
        assert!(f.stdout_tail.starts_with("hello\n"));
        assert_eq!(f.stderr_tail, "oops\n");
        assert!(seen.contains(&(Stream::Stderr, "oops".to_string())));
        assert_eq!(seen.iter().filter(|(s, _)| *s == Stream::Stdout).count(), 3);
    }

    #[test]
    fn the_timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().expect("dir");
        let marker = dir.path().join("grandchild-survived");
        // The program starts a grandchild that would write a file later.
        let script = format!("(sleep 2; touch '{}') & sleep 30", marker.display());
        let options = Options {
            timeout: Some(Duration::from_millis(300)),
            grace: Duration::from_millis(300),
            ..Options::default()
        };
        let t = Instant::now();
        let (f, _) = go(&sh(&script), &options);
        assert_eq!(f.outcome, Outcome::TimedOut);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(f.signal.is_some());
        std::thread::sleep(Duration::from_millis(2500));
        assert!(
            !marker.exists(),
            "the grandchild was stopped with its group"
        );
    }

    #[test]
    fn a_stop_request_interrupts() {
        let stop = AtomicBool::new(true);
        let f = run(
            &sh("sleep 30"),
            Path::new("."),
            &Options::default(),
            &stop,
            &mut |_, _| {},
        );
        assert_eq!(f.outcome, Outcome::Interrupted);
    }

    #[test]
    fn output_tails_are_bounded() {
        let options = Options {
            tail_bytes: 1000,
            ..Options::default()
        };
        let (f, seen) = go(
            &sh("i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done"),
            &options,
        );
        assert_eq!(seen.len(), 2000);
        assert!(f.stdout_tail.len() < 1100, "{}", f.stdout_tail.len());
        assert!(f.stdout_tail.starts_with("[… earlier output cut]\nline "));
        assert!(f.stdout_tail.ends_with("line 1999\n"));
    }

    #[test]
    fn missing_programs_and_folders_are_clear_errors() {
        let (f, _) = go(
            &["no-such-program-litradar".to_string()],
            &Options::default(),
        );
        assert_eq!(f.outcome, Outcome::FailedToStart);
        assert!(
            f.stderr_tail.contains("no such program"),
            "{}",
            f.stderr_tail
        );
        let stop = AtomicBool::new(false);
        let f = run(
            &sh("true"),
            Path::new("/no/such/dir"),
            &Options::default(),
            &stop,
            &mut |_, _| {},
        );
        assert!(f.stderr_tail.contains("does not exist"));
        let (f, _) = go(&[], &Options::default());
        assert_eq!(f.outcome, Outcome::FailedToStart);
    }
}
