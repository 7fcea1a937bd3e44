//! Changes made from the app: tags, removals, the radar's edits and the
//! review's accept and dismiss, each through the library function the CLI
//! uses, followed by what the screens need to show the change at once.

use super::{Setup, radar, send};
use crate::library::Library;
use crate::radar::store::{Acceptance, ReviewSettings};
use crate::tui::state::{Level, RadarEdit, Update};
use std::sync::mpsc::Sender;

fn info(updates: &Sender<Update>, text: String) {
    send(updates, Update::Message(Level::Info, text));
}

/// Sends the month's review (nothing when there is no radar yet).
pub fn send_review(setup: &Setup, lib: &Library, updates: &Sender<Update>) -> anyhow::Result<()> {
    if lib.radar_editions()?.is_empty() {
        return Ok(());
    }
    let review = lib.radar_review(None, &ReviewSettings::from_config(&setup.config))?;
    send(updates, Update::Review(Box::new(review)));
    Ok(())
}

/// Adds and removes a paper's tags.
pub fn tag(
    lib: &mut Library,
    paper: &str,
    add: &[String],
    remove: &[String],
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let mut said = Vec::new();
    if !add.is_empty() {
        let id = lib.tag(paper, add)?;
        said.push(format!("{id} tagged {}", add.join(", ")));
    }
    if !remove.is_empty() {
        let (id, missing) = lib.untag(paper, remove)?;
        let gone: Vec<&String> = remove.iter().filter(|t| !missing.contains(t)).collect();
        if !gone.is_empty() {
            said.push(format!(
                "{id} untagged {}",
                gone.iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !missing.is_empty() {
            said.push(format!("{id} had no tag {}", missing.join(", ")));
        }
    }
    send(updates, Update::Tags(lib.tag_counts()?));
    send(updates, Update::Paper(Box::new(super::detail(lib, paper)?)));
    info(updates, said.join("; "));
    Ok(())
}

/// Applies a radar edit and sends the radar as it is now.
pub fn radar_edit(
    setup: &Setup,
    lib: &mut Library,
    edit: RadarEdit,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let said = match edit {
        RadarEdit::Move {
            blip,
            ring,
            quadrant,
            rationale,
        } => {
            lib.radar_move(&blip, Some(&ring), Some(&quadrant), &rationale)?;
            format!("{blip} moved to {ring}, {quadrant}")
        }
        RadarEdit::Add {
            name,
            quadrant,
            ring,
            description,
        } => {
            lib.radar_add(&name, &quadrant, &ring, &description, &[])?;
            format!("{name} added to {quadrant}, {ring}")
        }
        RadarEdit::Describe {
            blip,
            description,
            rationale,
        } => {
            lib.radar_describe(&blip, description.as_deref(), rationale.as_deref())?;
            if rationale.is_some() {
                format!("{blip}: reassessment recorded")
            } else {
                format!("{blip}: description changed")
            }
        }
        RadarEdit::PhaseOut { blip, rationale } => {
            lib.radar_phase_out(&blip, &rationale)?;
            format!("{blip} phased out (it stays in the history)")
        }
        RadarEdit::Link { blip, paper } => {
            let (blip, paper) = lib.radar_link(&blip, &paper)?;
            send(
                updates,
                Update::Paper(Box::new(super::detail(lib, &paper)?)),
            );
            format!("{paper} is evidence for {blip}")
        }
        RadarEdit::NewEdition => {
            let name = lib.radar_new_edition(None)?;
            format!("Started {name} from the edition before")
        }
        RadarEdit::Freeze(edition) => {
            let name = lib.radar_freeze(Some(&edition))?;
            format!("{name} is frozen (published)")
        }
    };
    send(
        updates,
        Update::Radar(Box::new(radar(lib, &setup.config, None)?)),
    );
    info(updates, said);
    Ok(())
}

/// Accepts (or dismisses) a review proposal and sends the radar and the
/// review as they are now.
pub fn proposal(
    setup: &Setup,
    lib: &mut Library,
    id: &str,
    accept: Option<Option<String>>,
    updates: &Sender<Update>,
) -> anyhow::Result<()> {
    let review = lib.radar_review(None, &ReviewSettings::from_config(&setup.config))?;
    let said = match accept {
        Some(rationale) => {
            let edit = Acceptance {
                rationale,
                ..Acceptance::default()
            };
            format!("Accepted: {}", lib.radar_review_accept(&review, id, &edit)?)
        }
        None => format!(
            "Dismissed {}; no review proposes it again",
            lib.radar_review_dismiss(&review, id)?
        ),
    };
    send(
        updates,
        Update::Radar(Box::new(radar(lib, &setup.config, None)?)),
    );
    send_review(setup, lib, updates)?;
    info(updates, said);
    Ok(())
}
