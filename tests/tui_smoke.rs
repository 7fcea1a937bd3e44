//! The terminal app in a real terminal: `litradar demo` inside tmux, a
//! search typed, a paper opened, the radar shown, a paper tagged and a
//! blip moved, quit — checking the captured screens, the exit status and,
//! with the CLI, what the app changed. Skipped without tmux unless
//! LITRADAR_REQUIRE_TMUX=1 (CI sets it).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux")
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            assert!(self.cmd(&["send-keys", "-t", "app", k]).status.success());
            // Separate keys, so Esc is not read as Alt+key.
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Types text as it is (no key names).
    fn type_text(&self, text: &str) {
        assert!(
            self.cmd(&["send-keys", "-t", "app", "-l", text])
                .status
                .success()
        );
        std::thread::sleep(Duration::from_millis(60));
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "app"]).stdout).into_owned()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen is:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn demo_in_a_real_terminal_search_open_radar_quit() {
    if !have_tmux() {
        assert!(
            std::env::var_os("LITRADAR_REQUIRE_TMUX").is_none(),
            "tmux is required here"
        );
        eprintln!("skipped: no tmux");
        return;
    }
    let home = tempfile::tempdir().expect("home");
    let status_file = home.path().join("exit-status");
    let script = format!(
        "LITRADAR_HOME={home} LITRADAR_MODELS_DIR={home}/models {bin} --no-embed demo; echo $? > {status}",
        home = home.path().display(),
        bin = env!("CARGO_BIN_EXE_litradar"),
        status = status_file.display(),
    );
    let tmux = Tmux {
        // The process id alone can repeat across runs; a server left by an
        // earlier one must not answer for this one.
        socket: format!(
            "litradar-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ),
    };
    let new_session = [
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        &script,
    ];
    let mut started = tmux.cmd(&new_session);
    // A tmux server that is just starting can fail to; try again.
    for _ in 0..5 {
        if started.status.success() {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
        started = tmux.cmd(&new_session);
    }
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );

    tmux.wait_for("29 papers");
    // The rows may reach the terminal a frame after the tab bar's count.
    let screen = tmux.wait_for("Attention Is All You Need");
    assert!(screen.contains("1 Library"), "{screen}");

    tmux.keys(&["/", "l", "o", "w", "-", "r", "a", "n", "k"]);
    let screen = tmux.wait_for("LoRA: Low-Rank Adaptation");
    assert!(
        screen.contains("Search ·") && screen.contains("low-rank"),
        "{screen}"
    );
    assert!(screen.contains("words #1"), "{screen}");

    tmux.keys(&["Tab", "Enter"]);
    let screen = tmux.wait_for("Edward J. Hu");
    assert!(
        screen.contains("Paper") && screen.contains("2106.09685"),
        "{screen}"
    );

    tmux.keys(&["4"]);
    let screen = tmux.wait_for("15 blips");
    assert!(
        screen.contains("2026-11") && screen.contains("LoRA"),
        "{screen}"
    );

    // Another process adds papers to the same library: the app picks them up.
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/arxiv/api2026_q_testing_s0_m10.xml"
    );
    let import = Command::new(env!("CARGO_BIN_EXE_litradar"))
        .args(["--no-embed", "--home"])
        .arg(home.path().join("demo"))
        .args(["import", fixture, "--format", "atom"])
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    tmux.keys(&["1"]);
    tmux.wait_for("39 papers");

    // Acting from the app: tag the first paper, move a blip with a reason.
    tmux.keys(&["T"]);
    tmux.wait_for("Tab completes");
    tmux.type_text("from-tmux");
    tmux.keys(&["Enter"]);
    tmux.wait_for("tagged from-tmux");
    tmux.keys(&["4", "j", "j", "j"]);
    tmux.wait_for("15 blips");
    tmux.keys(&["M"]);
    tmux.wait_for("Move RWKV to the ring");
    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("to the quadrant");
    tmux.keys(&["Enter"]);
    tmux.wait_for("why does RWKV move to edge");
    tmux.type_text("quiet this year");
    tmux.keys(&["Enter"]);
    tmux.wait_for("RWKV moved to edge");
    tmux.keys(&["1"]);

    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !status_file.exists() {
        assert!(
            Instant::now() < deadline,
            "litradar did not quit; the screen is:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = std::fs::read_to_string(&status_file).expect("status");
    assert_eq!(status.trim(), "0", "exit status");
    assert!(Path::new(&home.path().join("demo/library.sqlite3")).exists());
    // The CLI sees what the app did.
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_litradar"))
            .args(["--no-embed", "--home"])
            .arg(home.path().join("demo"))
            .args(args)
            .output()
            .expect("litradar");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let tagged = cli(&["list", "--tag", "from-tmux", "--json"]);
    assert_eq!(tagged.as_array().map(Vec::len), Some(1), "{tagged}");
    let rwkv = cli(&["radar", "blip", "RWKV", "--json"]);
    assert_eq!(rwkv["ring"], "edge", "{rwkv}");
    assert_eq!(rwkv["rationale"], "quiet this year", "{rwkv}");
}
