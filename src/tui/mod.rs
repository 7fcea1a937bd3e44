//! The terminal app: `litradar` with no command, and `litradar demo`. The
//! loop draws the state, turns keys into intents, hands them to the worker
//! thread and applies what comes back; it never waits on the database, the
//! network, the model or a running program. The terminal is restored on
//! exit, on error and on panic.

pub mod app;
pub mod state;
pub mod ui;
pub mod worker;

use app::App;
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use state::{Intent, Level, Update};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use worker::Setup;

/// Rows loaded before the first frame; the rest arrive from the worker.
const FIRST_PAGE: usize = 500;

/// Puts the terminal back however the app ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen)
}

/// Whether to use colour: not when NO_COLOR is set (to anything but "").
pub fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the app until the user quits.
pub fn run(setup: Setup) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the terminal app needs a terminal; in scripts use the commands (`litradar --help`)"
        );
    }
    let started = Instant::now();
    let mut app = App::new(color_wanted());
    // The first page comes straight from SQLite so the first frame shows
    // papers; the worker loads the rest.
    let lib = crate::library::Library::open(&setup.home.database())?;
    app.on_update(Update::Papers(lib.paper_rows(
        &crate::library::RowFilter {
            limit: Some(FIRST_PAGE),
            ..Default::default()
        },
    )?));
    app.library.loading = true;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous_hook(info);
    }));
    enter()?;
    let _restore = Restore;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    terminal.draw(|f| ui::draw(f, &app))?;
    if std::env::var_os("LITRADAR_TUI_TIMING").is_some() {
        app.message = Some((
            Level::Info,
            format!("first frame after {} ms", started.elapsed().as_millis()),
        ));
    }
    let (intent_tx, intent_rx) = mpsc::channel::<Intent>();
    let (update_tx, update_rx) = mpsc::channel::<Update>();
    let worker = worker::spawn(setup.clone(), intent_rx, update_tx);
    for i in app.startup() {
        let _ = intent_tx.send(i);
    }
    let result = event_loop(&mut terminal, &mut app, &setup, &intent_tx, &update_rx);
    drop(intent_tx);
    // The worker ends at its next receive; a long job thread is left to the OS.
    drop(worker);
    result
}

fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    setup: &Setup,
    intents: &mpsc::Sender<Intent>,
    updates: &mpsc::Receiver<Update>,
) -> anyhow::Result<()> {
    let mut last_draw = Instant::now();
    let mut dirty = true;
    while !app.quit {
        if dirty || last_draw.elapsed() >= Duration::from_secs(1) {
            // Once a second at least, for the timer in the status bar.
            terminal.draw(|f| ui::draw(f, app))?;
            last_draw = Instant::now();
            dirty = false;
        }
        if event::poll(Duration::from_millis(50))? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    for intent in app.on_key(key) {
                        dispatch(terminal, app, setup, intents, intent)?;
                    }
                    dirty = true;
                }
                Event::Resize(..) => {
                    terminal.autoresize()?;
                    dirty = true;
                }
                _ => {}
            }
        }
        for update in updates.try_iter() {
            for intent in app.on_update(update) {
                dispatch(terminal, app, setup, intents, intent)?;
            }
            dirty = true;
        }
    }
    Ok(())
}

/// Sends an intent to the worker; editing a note suspends the app instead.
fn dispatch<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    setup: &Setup,
    intents: &mpsc::Sender<Intent>,
    intent: Intent,
) -> anyhow::Result<()> {
    if let Intent::EditNote(id, pass) = intent {
        restore();
        let result = edit_note(setup, &id, pass);
        enter()?;
        terminal.clear()?;
        app.message = Some(match result {
            Ok(text) => (Level::Info, text),
            Err(e) => (
                Level::Error,
                crate::paper::fold_whitespace(&format!("{e:#}")),
            ),
        });
        let _ = intents.send(Intent::LoadPaper(id));
        return Ok(());
    }
    // The worker only goes away with the app.
    let _ = intents.send(intent);
    Ok(())
}

/// Opens the current pass's note in $EDITOR (the terminal is the editor's
/// meanwhile) and saves it.
fn edit_note(
    setup: &Setup,
    id: &str,
    pass: Option<crate::reading::Pass>,
) -> anyhow::Result<String> {
    let mut lib = crate::library::Library::open(&setup.home.database())?;
    let draft = lib.note_draft(id, pass)?;
    let (paper_id, pass) = (draft.paper_id, draft.pass);
    match crate::reading::editor::edit(&draft.seed, &draft.file_name)? {
        Some(text) => {
            lib.save_note(&paper_id, pass, &text, chrono::Utc::now())?;
            Ok(format!("Saved the {pass} note of {paper_id}"))
        }
        None => Ok("No changes; nothing saved.".into()),
    }
}

#[cfg(test)]
mod test_kit;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod worker_tests;

#[cfg(test)]
mod action_tests;

#[cfg(test)]
mod inbox_tests;

#[cfg(test)]
mod text_tests;
