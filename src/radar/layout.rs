//! Where blips go on the picture: quadrants as quarter circles, rings as
//! concentric bands of equal area (so outer rings are not emptier to the
//! eye), blips numbered in legend order and placed by a generator seeded
//! with their name, so a radar looks the same every time it is drawn.
//! Coordinates are in units of the radar's radius, y pointing up; the SVG
//! and the terminal canvas scale them.

use super::{Movement, Shape};

/// A marker's radius, in radar radii.
pub const MARKER_RADIUS: f64 = 0.026;
/// Closest allowed distance between marker centres.
pub const MIN_DISTANCE: f64 = MARKER_RADIUS * 2.3;

/// A blip to place.
#[derive(Debug, Clone, PartialEq)]
pub struct BlipIn {
    /// Name.
    pub name: String,
    /// Quadrant index.
    pub quadrant: usize,
    /// Ring index (0 = centre).
    pub ring: usize,
    /// Movement since the previous edition.
    pub movement: Movement,
}

/// A placed blip.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Legend number (1-based).
    pub number: usize,
    /// Name.
    pub name: String,
    /// Quadrant index.
    pub quadrant: usize,
    /// Ring index.
    pub ring: usize,
    /// Movement.
    pub movement: Movement,
    /// Position, radar radii, y up.
    pub x: f64,
    /// Position, radar radii, y up.
    pub y: f64,
}

/// Outer radius of each ring (equal areas): ring i ends at sqrt((i+1)/n).
pub fn ring_radii(rings: usize) -> Vec<f64> {
    (1..=rings.max(1))
        .map(|i| (i as f64 / rings.max(1) as f64).sqrt())
        .collect()
}

/// The angle range of a quadrant, radians: 0 top-left, 1 top-right,
/// 2 bottom-left, 3 bottom-right.
pub fn quadrant_angles(q: usize) -> (f64, f64) {
    use std::f64::consts::{FRAC_PI_2, PI};
    match q % 4 {
        0 => (FRAC_PI_2, PI),
        1 => (0.0, FRAC_PI_2),
        2 => (PI, 3.0 * FRAC_PI_2),
        _ => (3.0 * FRAC_PI_2, 2.0 * PI),
    }
}

/// Deterministic pseudo-random numbers in [0, 1).
struct Rng(u64);

impl Rng {
    fn seeded(name: &str) -> Rng {
        // FNV-1a: stable across runs and platforms.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }

    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Numbers and places the blips. Numbers follow the legend: quadrant, then
/// ring, then name.
pub fn place(shape: &Shape, blips: &[BlipIn]) -> Vec<Placed> {
    let mut order: Vec<&BlipIn> = blips.iter().collect();
    order.sort_by(|a, b| {
        (a.quadrant, a.ring, a.name.to_lowercase()).cmp(&(
            b.quadrant,
            b.ring,
            b.name.to_lowercase(),
        ))
    });
    let radii = ring_radii(shape.rings.len());
    let mut placed: Vec<Placed> = Vec::with_capacity(order.len());
    for (i, b) in order.into_iter().enumerate() {
        let inner = if b.ring == 0 {
            0.0
        } else {
            radii.get(b.ring - 1).copied().unwrap_or(0.0)
        };
        let outer = radii.get(b.ring).copied().unwrap_or(1.0);
        let (a0, a1) = quadrant_angles(b.quadrant);
        let mut rng = Rng::seeded(&b.name);
        let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
        for _ in 0..400 {
            // Keep clear of the axes and ring lines by one marker and a bit.
            let r_lo = (inner + MARKER_RADIUS * 1.4).max(MARKER_RADIUS * 3.0);
            let r_hi = (outer - MARKER_RADIUS * 1.4).max(r_lo);
            let r = r_lo + (r_hi - r_lo) * rng.next().sqrt();
            let margin = (MARKER_RADIUS * 1.6 / r.max(1e-6)).min((a1 - a0) / 4.0);
            let angle = a0 + margin + (a1 - a0 - 2.0 * margin) * rng.next();
            let (x, y) = (r * angle.cos(), r * angle.sin());
            let nearest = placed
                .iter()
                .map(|p| ((p.x - x).powi(2) + (p.y - y).powi(2)).sqrt())
                .fold(f64::INFINITY, f64::min);
            if nearest > best.0 {
                best = (nearest, x, y);
            }
            if nearest >= MIN_DISTANCE {
                break;
            }
        }
        placed.push(Placed {
            number: i + 1,
            name: b.name.clone(),
            quadrant: b.quadrant,
            ring: b.ring,
            movement: b.movement,
            x: best.1,
            y: best.2,
        });
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blips(n: usize, shape: &Shape) -> Vec<BlipIn> {
        (0..n)
            .map(|i| BlipIn {
                name: format!("Technology {i:02}"),
                quadrant: i % 4,
                ring: (i / 4) % shape.rings.len(),
                movement: Movement::Unchanged,
            })
            .collect()
    }

    #[test]
    fn sixty_blips_never_overlap_and_stay_in_their_sector() {
        let shape = Shape::seed();
        let placed = place(&shape, &blips(60, &shape));
        assert_eq!(placed.len(), 60);
        let radii = ring_radii(3);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(
                    d >= 2.0 * MARKER_RADIUS,
                    "{} and {} overlap ({d})",
                    a.name,
                    b.name
                );
            }
            let r = (a.x * a.x + a.y * a.y).sqrt();
            let inner = if a.ring == 0 { 0.0 } else { radii[a.ring - 1] };
            assert!(
                r > inner && r < radii[a.ring],
                "{} outside its ring",
                a.name
            );
            let mut angle = a.y.atan2(a.x);
            if angle < 0.0 {
                angle += 2.0 * std::f64::consts::PI;
            }
            let (a0, a1) = quadrant_angles(a.quadrant);
            assert!(angle > a0 && angle < a1, "{} outside its quadrant", a.name);
        }
    }

    #[test]
    fn the_layout_is_stable_and_numbered_like_the_legend() {
        let shape = Shape::seed();
        let input = blips(12, &shape);
        let first = place(&shape, &input);
        let mut reversed = input.clone();
        reversed.reverse();
        assert_eq!(
            first,
            place(&shape, &reversed),
            "input order does not matter"
        );
        let numbers: Vec<(usize, usize)> = first.iter().map(|p| (p.quadrant, p.ring)).collect();
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!(numbers, sorted);
        assert_eq!(
            first.iter().map(|p| p.number).collect::<Vec<_>>(),
            (1..=12).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rings_have_equal_areas() {
        let r = ring_radii(4);
        let areas: Vec<f64> = (0..4)
            .map(|i| r[i] * r[i] - if i == 0 { 0.0 } else { r[i - 1] * r[i - 1] })
            .collect();
        assert!(areas.iter().all(|a| (a - 0.25).abs() < 1e-12));
    }
}
