use super::metrics::text_width;
use super::*;
use crate::radar::Movement;
use crate::radar::layout::{BlipIn, place};
use quick_xml::events::Event;

#[test]
fn renders_the_seed_shape_with_markers_and_legends() {
    let shape = Shape::seed();
    let blips = vec![
        BlipIn {
            name: "Transformer".into(),
            quadrant: 0,
            ring: 0,
            movement: Movement::Unchanged,
        },
        BlipIn {
            name: "RWKV".into(),
            quadrant: 0,
            ring: 1,
            movement: Movement::New,
        },
        BlipIn {
            name: "LoRA".into(),
            quadrant: 1,
            ring: 0,
            movement: Movement::MovedIn,
        },
        BlipIn {
            name: "DoRA & co <x>".into(),
            quadrant: 1,
            ring: 2,
            movement: Movement::MovedOut,
        },
        BlipIn {
            name: "vLLM".into(),
            quadrant: 2,
            ring: 0,
            movement: Movement::Unchanged,
        },
        BlipIn {
            name: "DSPy".into(),
            quadrant: 3,
            ring: 1,
            movement: Movement::New,
        },
    ];
    let svg = render(&shape, &place(&shape, &blips), "Radar 2026-11");
    insta::assert_snapshot!(svg);
    assert!(svg.contains("DoRA &amp; co &lt;x&gt;"), "text is escaped");
    assert_eq!(
        super::escape("a\u{1}b \"c\" 'd'"),
        "ab &quot;c&quot; &apos;d&apos;"
    );
    assert_eq!(svg.matches("class=\"blip\"").count(), 6);
}

/// A text as drawn: its box on the page, what it says, and whether it is
/// legend text or part of a marker.
#[derive(Debug)]
struct Drawn {
    text: String,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    legend: bool,
    in_marker: bool,
}

#[derive(Debug)]
struct Disc {
    cx: f64,
    cy: f64,
    r: f64,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn number(e: &quick_xml::events::BytesStart<'_>, name: &str) -> f64 {
    attr(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("<{}> without {name}", e.name().as_ref()))
}

/// Reads back every text and marker from the written SVG. Boxes use the
/// font's widths with 5% to spare, ascent 0.8 and descent 0.25 of the size.
fn measure(svg: &str) -> (Vec<Drawn>, Vec<Disc>) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let (mut texts, mut discs) = (Vec::new(), Vec::new());
    let mut in_marker = false;
    let mut in_title = false;
    let mut open: Option<(f64, f64, f64, bool, String, bool)> = None;
    let mut content = String::new();
    loop {
        match reader.read_event().expect("valid XML") {
            Event::Start(e) if e.name().as_ref() == "g" => {
                in_marker = attr(&e, "class").as_deref() == Some("blip");
            }
            Event::End(e) if e.name().as_ref() == "g" => in_marker = false,
            Event::Empty(e) if e.name().as_ref() == "circle" && in_marker => discs.push(Disc {
                cx: number(&e, "cx"),
                cy: number(&e, "cy"),
                r: number(&e, "r"),
            }),
            Event::Start(e) if e.name().as_ref() == "text" => {
                open = Some((
                    number(&e, "x"),
                    number(&e, "y"),
                    number(&e, "font-size"),
                    attr(&e, "font-weight").as_deref() == Some("bold"),
                    attr(&e, "text-anchor").unwrap_or_default(),
                    attr(&e, "class").as_deref() == Some("legend"),
                ));
                content.clear();
            }
            Event::Start(e) if e.name().as_ref() == "title" => in_title = true,
            Event::End(e) if e.name().as_ref() == "title" => in_title = false,
            Event::Text(t) if open.is_some() && !in_title => {
                content.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if open.is_some() && !in_title => {
                // Entities count as the one character they stand for.
                content.push(match &*r {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    _ => '"',
                });
            }
            Event::End(e) if e.name().as_ref() == "text" => {
                let (x, y, size, bold, anchor, legend) = open.take().expect("open text");
                let width = text_width(&content, size, bold) * 1.05;
                let x0 = match anchor.as_str() {
                    "middle" => x - width / 2.0,
                    "end" => x - width,
                    _ => x,
                };
                texts.push(Drawn {
                    text: content.clone(),
                    x0,
                    x1: x0 + width,
                    y0: y - 0.8 * size,
                    y1: y + 0.25 * size,
                    legend,
                    in_marker,
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (texts, discs)
}

fn overlaps(a: &Drawn, b: &Drawn) -> bool {
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

fn touches(t: &Drawn, d: &Disc) -> bool {
    // The badge glyph sits at the disc's upper right; count it as disc.
    let r = d.r * 1.9;
    let nx = d.cx.clamp(t.x0, t.x1);
    let ny = d.cy.clamp(t.y0, t.y1);
    (nx - d.cx).powi(2) + (ny - d.cy).powi(2) < r * r
}

/// Draws `blips` and checks the picture: every text on the page, no two
/// texts outside markers overlapping, no legend text on a marker, every
/// blip in a legend exactly once.
fn check_picture(shape: &Shape, blips: &[BlipIn]) -> String {
    let placed = place(shape, blips);
    let svg = render(shape, &placed, "Technology radar 2026-11");
    let (texts, discs) = measure(&svg);
    assert_eq!(discs.len(), blips.len());
    for t in &texts {
        assert!(
            t.x0 >= 0.0 && t.x1 <= WIDTH && t.y0 >= 0.0 && t.y1 <= HEIGHT,
            "'{}' leaves the page: {t:?}",
            t.text
        );
    }
    let free: Vec<&Drawn> = texts.iter().filter(|t| !t.in_marker).collect();
    for (i, a) in free.iter().enumerate() {
        for b in &free[i + 1..] {
            assert!(!overlaps(a, b), "'{}' overlaps '{}'", a.text, b.text);
        }
    }
    for t in texts.iter().filter(|t| t.legend) {
        for d in &discs {
            assert!(
                !touches(t, d),
                "legend '{}' lies on a marker at {d:?}",
                t.text
            );
        }
    }
    for p in &placed {
        let prefix = format!("{}. ", p.number);
        let listed = texts
            .iter()
            .filter(|t| t.legend && t.text.starts_with(&prefix))
            .count();
        assert_eq!(
            listed, 1,
            "blip {} ('{}') listed {listed} times",
            p.number, p.name
        );
    }
    svg
}

fn synthetic(n: usize, shape: &Shape, long: bool) -> Vec<BlipIn> {
    let words = [
        "Retrieval-augmented generation",
        "Mixture of experts",
        "Speculative decoding",
        "Low-rank adaptation",
        "State space models",
        "Direct preference optimisation",
        "Quantisation-aware training",
        "Structured outputs",
    ];
    (0..n)
        .map(|i| BlipIn {
            name: if long {
                format!(
                    "{} for {} {i}",
                    words[i % words.len()],
                    words[(i / 3) % words.len()]
                )
            } else {
                format!("{} {i}", words[i % words.len()])
            },
            quadrant: (i * 7 / 3) % 4,
            ring: (i * 5 / 2) % shape.rings.len(),
            movement: [
                Movement::New,
                Movement::Unchanged,
                Movement::MovedIn,
                Movement::MovedOut,
            ][i % 4],
        })
        .collect()
}

fn byor_shape() -> Shape {
    Shape {
        quadrants: ["Techniques", "Tools", "Platforms", "Languages & Frameworks"]
            .map(String::from)
            .to_vec(),
        rings: ["adopt", "trial", "assess", "hold"]
            .map(String::from)
            .to_vec(),
    }
}

#[test]
fn fifteen_and_sixty_blips_draw_without_overlap() {
    let seed = Shape::seed();
    check_picture(&seed, &synthetic(15, &seed, false));
    check_picture(&seed, &synthetic(60, &seed, true));
}

#[test]
fn a_whole_thoughtworks_volume_draws_without_overlap() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/radar/byor/thoughtworks-volume-33.csv"
    );
    let file =
        crate::radar::formats::read_path(std::path::Path::new(path), None, &Default::default())
            .expect("volume 33")
            .editions
            .remove(0);
    let mut quadrants: Vec<String> = Vec::new();
    for b in &file.blips {
        if !quadrants.contains(&b.quadrant) {
            quadrants.push(b.quadrant.clone());
        }
    }
    let shape = Shape {
        quadrants,
        rings: byor_shape().rings,
    };
    let blips: Vec<BlipIn> = file
        .blips
        .iter()
        .map(|b| BlipIn {
            name: b.name.clone(),
            quadrant: shape.quadrant(&b.quadrant).expect("quadrant"),
            ring: shape.ring(&b.ring).expect("ring"),
            movement: b.movement.unwrap_or(Movement::Unchanged),
        })
        .collect();
    assert_eq!(blips.len(), 114);
    let svg = check_picture(&shape, &blips);
    // Its longest names are shortened on the page and whole in tooltips.
    let longest = blips
        .iter()
        .map(|b| b.name.as_str())
        .max_by_key(|n| n.len())
        .expect("names");
    assert!(
        svg.contains(&format!("<title>{}</title>", escape(longest))),
        "{longest}"
    );
}

#[test]
fn a_hundred_and_fifty_long_names_still_fit() {
    let shape = byor_shape();
    let svg = check_picture(&shape, &synthetic(150, &shape, true));
    assert!(svg.contains('…'), "long names are shortened");
    // Even a radar with everything in one quadrant stays on the page.
    let lopsided: Vec<BlipIn> = synthetic(150, &shape, false)
        .into_iter()
        .map(|b| BlipIn { quadrant: 1, ..b })
        .collect();
    check_picture(&shape, &lopsided);
}
