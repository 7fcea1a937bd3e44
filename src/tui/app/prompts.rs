//! What the bottom-line prompts, confirmations and pickers are for: the
//! state of a multi-step action (a move's ring, then its quadrant, then its
//! reason) while the user answers.

use super::Cursor;

/// What a text prompt is for, and what it has so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// What Enter does with the text.
    pub purpose: Purpose,
    /// The text typed (or pre-filled).
    pub text: String,
}

/// What a text prompt's answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Tags for a paper: comma-separated, a leading `-` removes one.
    Tags {
        /// The paper.
        paper: String,
    },
    /// arXiv ids or URLs to add.
    AddPapers,
    /// A file to import.
    Import,
    /// Why a blip moves.
    MoveRationale {
        /// The blip.
        blip: String,
        /// To this ring.
        ring: String,
        /// To this quadrant.
        quadrant: String,
    },
    /// A new blip's name.
    BlipName,
    /// A new blip's description (quadrant and ring picked).
    BlipDescription {
        /// Its name.
        name: String,
        /// Its quadrant.
        quadrant: String,
        /// Its ring.
        ring: String,
    },
    /// A blip's new description.
    Description {
        /// The blip.
        blip: String,
    },
    /// A reassessment of a blip that stays where it is.
    Reassess {
        /// The blip.
        blip: String,
    },
    /// Why a blip is phased out.
    PhaseOut {
        /// The blip.
        blip: String,
    },
    /// The rationale recorded when a review proposal is accepted.
    Accept {
        /// The proposal.
        id: String,
    },
}

/// A question answered with y or n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Remove a paper from the library.
    RemovePaper {
        /// Its id.
        id: String,
        /// Its title, to say which.
        title: String,
    },
    /// Freeze an edition.
    Freeze {
        /// The edition.
        edition: String,
    },
}

/// A list to pick one item from, over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// What is being picked.
    pub title: String,
    /// The choices.
    pub options: Vec<String>,
    /// The highlighted choice.
    pub cursor: Cursor,
    /// What the choice is for.
    pub purpose: Pick,
}

/// What a picked item is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// The ring a blip moves to (its quadrant is picked next).
    MoveRing {
        /// The blip.
        blip: String,
    },
    /// The quadrant a blip moves to (the rationale is asked next).
    MoveQuadrant {
        /// The blip.
        blip: String,
        /// The ring picked.
        ring: String,
    },
    /// A new blip's quadrant.
    AddQuadrant {
        /// Its name.
        name: String,
    },
    /// A new blip's ring.
    AddRing {
        /// Its name.
        name: String,
        /// Its quadrant.
        quadrant: String,
    },
    /// Edit a blip's description, or record a reassessment.
    EditWhat {
        /// The blip.
        blip: String,
    },
    /// The blip a paper becomes evidence for.
    LinkBlip {
        /// The paper.
        paper: String,
    },
    /// A tag to filter the library by.
    TagFilter,
}
