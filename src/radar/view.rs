//! An edition as the user sees it: blips numbered like the picture's
//! legend, with their movement since the edition before, their evidence
//! and, on the newest edition, how long they have gone unreassessed. The
//! command line, the SVG and the terminal picture all draw from this.

use super::layout::{self, BlipIn, Placed};
use super::store::RadarError;
use super::{Movement, Shape, compare};
use crate::library::Library;
use serde::Serialize;

/// One blip of a view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewBlip {
    /// Legend number (quadrant, then ring, then name).
    pub number: usize,
    /// Name.
    pub name: String,
    /// Quadrant name.
    pub quadrant: String,
    /// Ring name.
    pub ring: String,
    /// Since the edition before.
    pub movement: Movement,
    /// What it is.
    pub description: String,
    /// Why it is where it is, when recorded for this edition.
    pub rationale: Option<String>,
    /// Linked paper ids.
    pub papers: Vec<String>,
    /// Editions without reassessment, when at or past the stale limit.
    pub stale_editions: Option<usize>,
}

/// An edition ready to print or draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    /// The edition.
    pub edition: String,
    /// Frozen (published).
    pub frozen: bool,
    /// The edition compared with.
    pub previous: Option<String>,
    /// Quadrants and rings.
    pub shape: Shape,
    /// Blips in legend order.
    pub blips: Vec<ViewBlip>,
    /// Blips gone since the edition before (phased out or dropped).
    pub gone: Vec<String>,
    /// Where each blip goes on the picture (same order as `blips`).
    #[serde(skip)]
    pub placed: Vec<Placed>,
}

impl Library {
    /// The view of an edition (default: the newest); `stale_after` is the
    /// staleness limit in editions.
    pub fn radar_view(
        &self,
        edition: Option<&str>,
        stale_after: usize,
    ) -> Result<View, RadarError> {
        let (shape, e) = self.radar_edition(edition)?;
        let previous = self.radar_previous(&e.name)?;
        let changes = compare(&shape, previous.as_ref(), &e);
        let newest = self.radar_latest()? == e.name;
        let stale = if newest {
            self.radar_stale(stale_after)?
        } else {
            Vec::new()
        };
        let links = self.radar_links()?;
        let movement_of = |name: &str| {
            changes
                .iter()
                .find(|c| c.blip == name)
                .map_or(Movement::Unchanged, |c| c.movement)
        };
        let inputs: Vec<BlipIn> = e
            .visible()
            .map(|entry| BlipIn {
                name: entry.name.clone(),
                quadrant: shape.quadrant(&entry.quadrant).unwrap_or(0),
                ring: shape.ring(&entry.ring).unwrap_or(0),
                movement: movement_of(&entry.name),
            })
            .collect();
        let mut placed = layout::place(&shape, &inputs);
        if previous.is_none() {
            // The first edition has nothing to move from: its picture shows
            // plain markers, while the data still says every blip is new.
            for p in &mut placed {
                p.movement = Movement::Unchanged;
            }
        }
        let blips = placed
            .iter()
            .filter_map(|p| {
                let entry = e.entry(&p.name)?;
                Some(ViewBlip {
                    number: p.number,
                    name: entry.name.clone(),
                    quadrant: entry.quadrant.clone(),
                    ring: entry.ring.clone(),
                    movement: movement_of(&entry.name),
                    description: entry.description.clone(),
                    rationale: entry.rationale.clone(),
                    papers: links.get(&entry.name).cloned().unwrap_or_default(),
                    stale_editions: stale.iter().find(|(b, _)| *b == entry.name).map(|s| s.1),
                })
            })
            .collect();
        Ok(View {
            edition: e.name.clone(),
            frozen: e.frozen,
            previous: previous.map(|p| p.name),
            gone: changes
                .iter()
                .filter(|c| c.movement == Movement::Gone)
                .map(|c| c.blip.clone())
                .collect(),
            shape,
            blips,
            placed,
        })
    }
}
