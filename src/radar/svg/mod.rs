//! The radar as an SVG picture: four quadrants, concentric rings, numbered
//! markers coloured by ring with ★ (new), ▲ (moved in) and ▼ (moved out)
//! badges, and a numbered legend per quadrant. A landscape page that fits
//! A4 (297 × 210 mm) and renders in any browser.

mod legend;
pub mod metrics;

use super::Shape;
use super::layout::{self, MARKER_RADIUS, Placed};

const WIDTH: f64 = 1485.0;
const HEIGHT: f64 = 1050.0;
const CENTER_X: f64 = WIDTH / 2.0;
const CENTER_Y: f64 = 540.0;
const RADIUS: f64 = 420.0;

/// Ring colours from the centre out (mature is dark green, edge orange).
const RING_COLOURS: &[&str] = &[
    "#1b7837", "#2c7fb8", "#e08214", "#b2182b", "#762a83", "#5e3c99", "#4d4d4d", "#8c510a",
];

/// Text for an SVG element or attribute: XML's five specials escaped by
/// quick-xml, and the control characters XML 1.0 forbids dropped (a blip
/// name pasted from a PDF can carry one, and one makes the file unreadable).
fn escape(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    quick_xml::escape::escape(allowed.as_str()).into_owned()
}

/// Where quadrant `q`'s legend goes: the page corner beside its quarter of
/// the radar, clear of the title, the disc and the key at the foot.
fn legend_area(q: usize) -> legend::Area {
    const MARGIN: f64 = 16.0;
    const LEGEND_WIDTH: f64 = CENTER_X - RADIUS - 2.0 * MARGIN + 10.0;
    let left = q % 2 == 0;
    let (y, bottom) = if q < 2 {
        (64.0, CENTER_Y - 20.0)
    } else {
        (CENTER_Y + 8.0, HEIGHT - 50.0)
    };
    legend::Area {
        x: if left {
            MARGIN
        } else {
            WIDTH - MARGIN - LEGEND_WIDTH
        },
        y,
        width: LEGEND_WIDTH,
        height: bottom - y,
    }
}

fn legend_text(line: &legend::Line) -> String {
    let weight = if line.bold {
        " font-weight=\"bold\""
    } else {
        ""
    };
    let fill = line
        .ring
        .map(|r| format!(" fill=\"{}\"", RING_COLOURS[r % RING_COLOURS.len()]))
        .unwrap_or_default();
    // A shortened line keeps the whole name as its tooltip.
    let title = line
        .full
        .as_deref()
        .map(|f| format!("<title>{}</title>", escape(f)))
        .unwrap_or_default();
    format!(
        "<text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"{}\"{weight}{fill}>{title}{}</text>\n",
        line.x,
        line.y,
        line.size,
        escape(&line.text)
    )
}

fn to_svg(x: f64, y: f64) -> (f64, f64) {
    (CENTER_X + x * RADIUS, CENTER_Y - y * RADIUS)
}

fn marker(p: &Placed, colour: &str) -> String {
    let (cx, cy) = to_svg(p.x, p.y);
    let r = MARKER_RADIUS * RADIUS;
    // A numbered disc, readable at any count, and the movement glyph as a
    // badge on its upper right.
    let badge = match p.movement.symbol() {
        "" => String::new(),
        glyph => format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"0.6\">{glyph}</text>",
            cx + r * 0.7,
            cy - r * 0.55
        ),
    };
    format!(
        "<g class=\"blip\"><title>{}. {}</title><circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" fill=\"{colour}\"/><text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"10\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>{badge}</g>\n",
        p.number,
        escape(&p.name),
        cy + 3.5,
        p.number
    )
}

/// Draws an edition. `title` heads the page.
pub fn render(shape: &Shape, placed: &[Placed], title: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"297mm\" height=\"210mm\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"Helvetica, Arial, sans-serif\">\n"
    ));
    out.push_str(&format!(
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\n"
    ));
    out.push_str(&format!(
        "<text x=\"{CENTER_X}\" y=\"44\" font-size=\"28\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>\n",
        escape(title)
    ));
    // Rings, outermost first so inner ones paint on top.
    let radii = layout::ring_radii(shape.rings.len());
    for (i, r) in radii.iter().enumerate().rev() {
        let shade = 245 - (i as u32 * 10).min(60);
        out.push_str(&format!(
            "<circle cx=\"{CENTER_X}\" cy=\"{CENTER_Y}\" r=\"{:.1}\" fill=\"rgb({shade},{shade},{shade})\" stroke=\"#bbbbbb\"/>\n",
            r * RADIUS
        ));
    }
    out.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{CENTER_Y}\" x2=\"{:.1}\" y2=\"{CENTER_Y}\" stroke=\"#ffffff\" stroke-width=\"4\"/>\n<line x1=\"{CENTER_X}\" y1=\"{:.1}\" x2=\"{CENTER_X}\" y2=\"{:.1}\" stroke=\"#ffffff\" stroke-width=\"4\"/>\n",
        CENTER_X - RADIUS,
        CENTER_X + RADIUS,
        CENTER_Y - RADIUS,
        CENTER_Y + RADIUS
    ));
    // Ring names along the horizontal axis.
    for (i, name) in shape.rings.iter().enumerate() {
        let inner = if i == 0 { 0.0 } else { radii[i - 1] };
        let mid = (inner + radii[i]) / 2.0 * RADIUS;
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#555555\" text-anchor=\"middle\">{}</text>\n",
            CENTER_X + mid,
            CENTER_Y - 6.0,
            escape(name)
        ));
    }
    for p in placed {
        let colour = RING_COLOURS[p.ring % RING_COLOURS.len()];
        out.push_str(&marker(p, colour));
    }
    // One legend per quadrant, in the page's corners.
    for q in 0..shape.quadrants.len() {
        for line in legend::lay_out(shape, placed, q, legend_area(q)) {
            out.push_str(&legend_text(&line));
        }
    }
    out.push_str(&format!(
        "<text x=\"{CENTER_X}\" y=\"{}\" font-size=\"12\" fill=\"#555555\" text-anchor=\"middle\">★ new · ▲ moved in · ▼ moved out · ● unchanged</text>\n",
        HEIGHT - 18.0
    ));
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests;
