//! How fast the terminal app opens on a 100,000-paper library (target: the
//! first frame within 150 ms). The app draws its first frame from the first
//! page of rows; the worker then loads the whole list. Measured here in
//! process, step by step, and (when tmux is installed) end to end with the
//! real binary in a real terminal.
//!
//! `cargo bench --bench tui` (PAPERS=N to change the size).

use litradar::library::{Library, Merge, RowFilter};
use litradar::tui::app::App;
use litradar::tui::state::Update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::process::Command;
use std::time::{Duration, Instant};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("PAPERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    // BENCH_HOME keeps the library for a look afterwards.
    let home = std::env::var_os("BENCH_HOME")
        .map_or_else(|| dir.path().to_path_buf(), std::path::PathBuf::from);
    std::fs::create_dir_all(&home).expect("home");
    let db = home.join("library.sqlite3");
    {
        let mut lib = Library::open(&db).expect("library");
        for chunk in support::sample_papers(n, 0).chunks(5000) {
            lib.upsert(chunk, "bench", Merge::Refresh).expect("papers");
        }
    }
    println!("library: {n} papers");
    let mut first_frame = Vec::new();
    let mut full_list = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let lib = Library::open(&db).expect("open");
        let rows = lib
            .paper_rows(&RowFilter {
                limit: Some(500),
                ..Default::default()
            })
            .expect("first page");
        let mut app = App::new(true);
        app.on_update(Update::Papers(rows));
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        terminal
            .draw(|f| litradar::tui::ui::draw(f, &app))
            .expect("draw");
        first_frame.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let all = lib.paper_rows(&RowFilter::default()).expect("all rows");
        assert_eq!(all.len(), n);
        app.on_update(Update::Papers(all));
        terminal
            .draw(|f| litradar::tui::ui::draw(f, &app))
            .expect("draw");
        full_list.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "first frame (open, first 500 rows, draw 160x48): median {:.1} ms",
        median(first_frame)
    );
    println!(
        "whole list in the worker ({n} rows) and redraw:  median {:.1} ms",
        median(full_list)
    );
    end_to_end(&home);
}

/// The real binary in tmux; the app reports when its first frame was drawn.
fn end_to_end(home: &std::path::Path) {
    if !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("end to end: skipped (no tmux)");
        return;
    }
    let bin = std::env::var("LITRADAR_BIN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/litradar").to_string()
    });
    let socket = format!("litradar-bench-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
            .expect("tmux")
    };
    let mut samples = Vec::new();
    for _ in 0..5 {
        let script = format!(
            "LITRADAR_TUI_TIMING=1 LITRADAR_HOME={} {bin}; echo EXIT=$?; sleep 30",
            home.display()
        );
        // A server that is just starting up can fail to; try again.
        let new_session = [
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            "160",
            "-y",
            "48",
            "sh",
            "-c",
            &script,
        ];
        let mut started = tmux(&new_session);
        for _ in 0..5 {
            if started.status.success() {
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
            started = tmux(&new_session);
        }
        if !started.status.success() {
            println!(
                "end to end: tmux failed: {}",
                String::from_utf8_lossy(&started.stderr)
            );
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let ms = loop {
            let screen = String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "b"]).stdout)
                .into_owned();
            if let Some(at) = screen.find("first frame after ") {
                let rest = &screen[at + 18..];
                break rest
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<f64>().ok());
            }
            if Instant::now() > deadline || screen.contains("EXIT=") {
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if ms.is_none() {
            println!(
                "{}",
                String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "b"]).stdout)
            );
        }
        tmux(&["kill-server"]);
        match ms {
            Some(ms) => samples.push(ms),
            None => {
                println!(
                    "end to end: the app did not report (is {bin} built? cargo build --release)"
                );
                return;
            }
        }
    }
    println!(
        "end to end, real binary in tmux (open to first frame): median {:.0} ms",
        median(samples)
    );
}
