//! What the app's tests share: keys, drawing on a test terminal, and a real
//! worker thread on a real library file with its channels.

use super::app::App;
use super::state::{Intent, Update};
use super::worker::{Setup, spawn};
use crate::config::Config;
use crate::home::Home;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A typed character.
pub fn key(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

/// A named key.
pub fn code(k: KeyCode) -> KeyEvent {
    KeyEvent::from(k)
}

/// Draws `app` on a test terminal of `w`×`h`.
pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| super::ui::draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

/// Settings for a worker test: no model (so nothing embeds unasked).
pub fn without_model(dir: &Path) -> Config {
    let mut config = Config::default();
    config.embed.models_dir = Some(dir.join("no-models"));
    config
}

/// The worker thread as the app runs it, with both ends of its channels.
pub struct TestWorker {
    /// What the app asks.
    pub intents: Sender<Intent>,
    /// What the worker answers.
    pub updates: Receiver<Update>,
    thread: JoinHandle<()>,
}

impl TestWorker {
    /// Starts a worker on `home` (CPU, its own pacer).
    pub fn start(home: &Home, config: Config) -> TestWorker {
        let (intents, intent_rx) = channel();
        let (update_tx, updates) = channel();
        let thread = spawn(
            Setup {
                home: home.clone(),
                config,
                device: Some("cpu".into()),
                pacer: crate::arxiv::Pacer::new(),
            },
            intent_rx,
            update_tx,
        );
        TestWorker {
            intents,
            updates,
            thread,
        }
    }

    /// Asks the worker.
    pub fn send(&self, intent: Intent) {
        self.intents.send(intent).expect("the worker is listening");
    }

    /// Waits (a minute at most) for the first update `pick` accepts.
    pub fn wait<T>(&self, mut pick: impl FnMut(Update) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let update = self
                .updates
                .recv_timeout(left)
                .expect("an update before the deadline");
            if let Some(t) = pick(update) {
                return t;
            }
        }
    }

    /// The next message the worker shows.
    pub fn message(&self) -> String {
        self.wait(|u| match u {
            Update::Message(_, m) => Some(m),
            _ => None,
        })
    }

    /// Closes the app's end and checks that the worker ends with it.
    pub fn finish(self) {
        drop(self.intents);
        self.thread
            .join()
            .expect("the worker ends when the app goes");
    }
}
