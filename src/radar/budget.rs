//! Where reading time went, against the 70/20/10 plan: minutes logged on
//! papers linked to blips, summed per ring and per quadrant of the current
//! edition. A paper linked to several blips splits its minutes evenly among
//! them; papers linked to none are "unassigned".

use super::Shape;
use serde::Serialize;
use std::collections::HashMap;

/// One row of the budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// Ring or quadrant name ("unassigned" for time on unlinked papers).
    pub name: String,
    /// Minutes logged.
    pub minutes: f64,
    /// Share of all minutes, percent.
    pub percent: f64,
    /// The plan's share, percent (rings only).
    pub planned: Option<f64>,
}

/// The whole budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// Minutes in all.
    pub total_minutes: f64,
    /// Per ring (centre first), then "unassigned".
    pub rings: Vec<Share>,
    /// Per quadrant, then "unassigned".
    pub quadrants: Vec<Share>,
}

/// How far a ring's share is from the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// Ten points or more above the plan.
    OverPlan,
    /// Ten points or more below.
    UnderPlan,
}

impl Gap {
    /// "over plan", "under plan".
    pub fn label(self) -> &'static str {
        match self {
            Gap::OverPlan => "over plan",
            Gap::UnderPlan => "under plan",
        }
    }
}

impl Budget {
    /// Whether a row is off the plan: ten points or more either way, once
    /// any time was logged (the CLI, the app and the review all flag by it).
    pub fn gap(&self, share: &Share) -> Option<Gap> {
        let planned = share.planned?;
        if self.total_minutes <= 0.0 || (share.percent - planned).abs() < 10.0 {
            return None;
        }
        Some(if share.percent > planned {
            Gap::OverPlan
        } else {
            Gap::UnderPlan
        })
    }
}

/// Sums `minutes` (per paper) by the (quadrant, ring) of the blips each
/// paper is linked to (`links`: paper → [(quadrant, ring)]); `plan` gives
/// the planned percent per ring.
pub fn compute(
    shape: &Shape,
    plan: &[f64],
    minutes: &HashMap<String, f64>,
    links: &HashMap<String, Vec<(String, String)>>,
) -> Budget {
    let mut rings = vec![0.0; shape.rings.len()];
    let mut quadrants = vec![0.0; shape.quadrants.len()];
    let (mut unassigned, mut total) = (0.0, 0.0);
    let mut papers: Vec<(&String, &f64)> = minutes.iter().collect();
    papers.sort_by(|a, b| a.0.cmp(b.0));
    for (paper, m) in papers {
        total += m;
        let placed: Vec<(usize, usize)> = links
            .get(paper)
            .map(|l| {
                l.iter()
                    .filter_map(|(q, r)| Some((shape.quadrant(q)?, shape.ring(r)?)))
                    .collect()
            })
            .unwrap_or_default();
        if placed.is_empty() {
            unassigned += m;
            continue;
        }
        let share = m / placed.len() as f64;
        for (q, r) in placed {
            quadrants[q] += share;
            rings[r] += share;
        }
    }
    let pct = |x: f64| if total > 0.0 { 100.0 * x / total } else { 0.0 };
    let mut ring_rows: Vec<Share> = shape
        .rings
        .iter()
        .zip(&rings)
        .enumerate()
        .map(|(i, (name, m))| Share {
            name: name.clone(),
            minutes: *m,
            percent: pct(*m),
            planned: plan.get(i).copied(),
        })
        .collect();
    let mut quadrant_rows: Vec<Share> = shape
        .quadrants
        .iter()
        .zip(&quadrants)
        .map(|(name, m)| Share {
            name: name.clone(),
            minutes: *m,
            percent: pct(*m),
            planned: None,
        })
        .collect();
    for rows in [&mut ring_rows, &mut quadrant_rows] {
        rows.push(Share {
            name: "unassigned".into(),
            minutes: unassigned,
            percent: pct(unassigned),
            planned: None,
        });
    }
    Budget {
        total_minutes: total,
        rings: ring_rows,
        quadrants: quadrant_rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_on_a_known_fixture() {
        let shape = Shape::seed();
        let minutes: HashMap<String, f64> = [
            ("lora", 60.0),
            ("flash", 30.0),
            ("both", 20.0),
            ("loose", 10.0),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        let link = |q: &str, r: &str| (q.to_string(), r.to_string());
        let links: HashMap<String, Vec<(String, String)>> = [
            ("lora", vec![link("training methods", "mature")]),
            ("flash", vec![link("inference optimization", "emerging")]),
            (
                "both",
                vec![
                    link("training methods", "mature"),
                    link("foundation architectures", "edge"),
                ],
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let b = compute(&shape, &[70.0, 20.0, 10.0], &minutes, &links);
        assert_eq!(b.total_minutes, 120.0);
        let ring = |name: &str| {
            b.rings
                .iter()
                .find(|s| s.name == name)
                .map(|s| (s.minutes, s.planned))
        };
        assert_eq!(ring("mature"), Some((70.0, Some(70.0))));
        assert_eq!(ring("emerging"), Some((30.0, Some(20.0))));
        assert_eq!(ring("edge"), Some((10.0, Some(10.0))));
        assert_eq!(ring("unassigned"), Some((10.0, None)));
        let quadrant = |name: &str| {
            b.quadrants
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.minutes)
        };
        assert_eq!(quadrant("training methods"), Some(70.0));
        assert_eq!(quadrant("foundation architectures"), Some(10.0));
        let sum: f64 = b.rings.iter().map(|s| s.percent).sum();
        assert!((sum - 100.0).abs() < 1e-9);
    }

    #[test]
    fn no_time_is_no_division_by_zero() {
        let b = compute(
            &Shape::seed(),
            &[70.0, 20.0, 10.0],
            &HashMap::new(),
            &HashMap::new(),
        );
        assert!(b.rings.iter().all(|s| s.percent == 0.0));
    }
}
