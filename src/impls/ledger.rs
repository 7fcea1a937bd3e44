//! The reproduction ledger: each number a paper claims beside the latest
//! run that printed that metric, the difference and a verdict.
//!
//! With `t` the claim's tolerance (an amount, or a percentage of the
//! claimed value):
//! - *about* `v`: reproduced when the run is within `t` of `v`, partly
//!   within `2t`, otherwise not;
//! - *at least* `v`: reproduced at `v − t` or more, partly at `v − 2t`;
//! - *at most* `v`: reproduced at `v + t` or less, partly at `v + 2t`;
//! - *not run* when no run of the paper's implementations printed it.

use super::{Claim, Compare, Run};
use serde::Serialize;
use std::fmt;

/// How a claim fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within the tolerance.
    Reproduced,
    /// Within twice the tolerance.
    Partly,
    /// Further off.
    Not,
    /// No run printed the metric.
    NotRun,
}

impl Verdict {
    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Partly => "partly",
            Verdict::Not => "not reproduced",
            Verdict::NotRun => "not run",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The verdict on one observed value.
pub fn verdict(claim: &Claim, observed: Option<f64>) -> Verdict {
    let Some(x) = observed else {
        return Verdict::NotRun;
    };
    let t = claim.tolerance.amount(claim.value);
    let v = claim.value;
    // How far past the allowed side the run is (0 when on the right side).
    let miss = match claim.compare {
        Compare::About => (x - v).abs(),
        Compare::AtLeast => (v - x).max(0.0),
        Compare::AtMost => (x - v).max(0.0),
    };
    // A little slack for numbers printed with rounding.
    let slack = 1e-9 * v.abs().max(1.0);
    if miss <= t + slack {
        Verdict::Reproduced
    } else if miss <= 2.0 * t + slack {
        Verdict::Partly
    } else {
        Verdict::Not
    }
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The claim.
    pub claim: Claim,
    /// The latest value a run printed.
    pub observed: Option<f64>,
    /// Observed minus claimed.
    pub difference: Option<f64>,
    /// The run it came from.
    pub run_id: Option<i64>,
    /// When that run started.
    pub run_started_at: Option<String>,
    /// The implementation that ran.
    pub impl_id: Option<i64>,
    /// How the claim fared.
    pub verdict: Verdict,
}

/// Builds the ledger from claims and runs (any order; the newest run that
/// printed a claim's metric counts).
pub fn rows(claims: &[Claim], runs: &[Run]) -> Vec<Row> {
    let mut newest_first: Vec<&Run> = runs.iter().collect();
    newest_first.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    claims
        .iter()
        .map(|claim| {
            let found = newest_first.iter().find_map(|r| {
                (r.paper_id == claim.paper_id)
                    .then(|| r.metrics.iter().find(|m| m.name == claim.metric))
                    .flatten()
                    .map(|m| (*r, m.value))
            });
            let observed = found.map(|(_, v)| v);
            Row {
                claim: claim.clone(),
                observed,
                difference: observed.map(|x| x - claim.value),
                run_id: found.map(|(r, _)| r.id),
                run_started_at: found.map(|(r, _)| r.started_at.clone()),
                impl_id: found.map(|(r, _)| r.impl_id),
                verdict: verdict(claim, observed),
            }
        })
        .collect()
}

/// Counts per verdict: (reproduced, partly, not, not run).
pub fn tally(rows: &[Row]) -> (usize, usize, usize, usize) {
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    (
        count(Verdict::Reproduced),
        count(Verdict::Partly),
        count(Verdict::Not),
        count(Verdict::NotRun),
    )
}

/// The ledger as a Markdown table (for the pass-3 note and exports).
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| metric | claimed | observed | difference | verdict |\n|---|---|---|---|---|\n",
    );
    for r in rows {
        let c = &r.claim;
        let dataset = c
            .dataset
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {}{dataset} | {} | {} | {} | {} |\n",
            c.metric,
            claimed(c),
            r.observed.map(number).unwrap_or_else(|| "—".into()),
            r.difference.map(signed).unwrap_or_else(|| "—".into()),
            r.verdict
        ));
    }
    out
}

/// "≥ 0.98", "≈ 28.4 ±5%": the claim as one reads it.
pub fn claimed(c: &Claim) -> String {
    if c.tolerance.is_zero() {
        format!("{} {}", c.compare.symbol(), number(c.value))
    } else {
        format!("{} {} {}", c.compare.symbol(), number(c.value), c.tolerance)
    }
}

/// A difference with its sign: +0.4, -1.2e-5, 0.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else {
        number(x)
    }
}

/// A number without trailing noise: 0.984, 28.4, 1.2e-7.
pub fn number(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e7) {
        format!("{x:.3e}")
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impls::{Metric, Outcome, Tolerance};

    fn claim(metric: &str, value: f64, compare: Compare, tolerance: Tolerance) -> Claim {
        Claim {
            id: 1,
            paper_id: "1706.03762".into(),
            metric: metric.into(),
            value,
            compare,
            tolerance,
            task: None,
            dataset: None,
            note: None,
        }
    }

    fn run(id: i64, started: &str, metrics: &[(&str, f64)]) -> Run {
        Run {
            id,
            impl_id: 7,
            paper_id: "1706.03762".into(),
            started_at: started.into(),
            duration_ms: 10,
            outcome: Outcome::Exited,
            exit_code: Some(0),
            command: vec!["x".into()],
            stdout_tail: String::new(),
            stderr_tail: String::new(),
            git_commit: None,
            metrics: metrics
                .iter()
                .map(|(n, v)| Metric {
                    name: n.to_string(),
                    value: *v,
                    unit: None,
                })
                .collect(),
        }
    }

    #[test]
    fn verdicts_follow_the_tolerance() {
        let bleu = claim("bleu", 28.4, Compare::About, Tolerance::Absolute(0.5));
        assert_eq!(verdict(&bleu, Some(28.0)), Verdict::Reproduced);
        assert_eq!(verdict(&bleu, Some(28.9)), Verdict::Reproduced);
        assert_eq!(verdict(&bleu, Some(27.6)), Verdict::Partly);
        assert_eq!(verdict(&bleu, Some(26.0)), Verdict::Not);
        assert_eq!(verdict(&bleu, None), Verdict::NotRun);
        let acc = claim("acc", 0.9, Compare::AtLeast, Tolerance::Relative(0.05));
        assert_eq!(verdict(&acc, Some(0.99)), Verdict::Reproduced);
        assert_eq!(verdict(&acc, Some(0.86)), Verdict::Reproduced);
        assert_eq!(verdict(&acc, Some(0.82)), Verdict::Partly);
        assert_eq!(verdict(&acc, Some(0.5)), Verdict::Not);
        let err = claim("err", 0.0, Compare::AtMost, Tolerance::Absolute(1e-5));
        assert_eq!(verdict(&err, Some(-3.0)), Verdict::Reproduced);
        assert_eq!(verdict(&err, Some(1e-6)), Verdict::Reproduced);
        assert_eq!(verdict(&err, Some(1e-3)), Verdict::Not);
        // A relative tolerance of a zero claim allows nothing but zero.
        let zero = claim("z", 0.0, Compare::About, Tolerance::Relative(0.05));
        assert_eq!(verdict(&zero, Some(0.0)), Verdict::Reproduced);
        assert_eq!(verdict(&zero, Some(0.01)), Verdict::Not);
    }

    #[test]
    fn the_newest_run_with_the_metric_counts() {
        let claims = vec![
            claim("bleu", 28.4, Compare::About, Tolerance::Absolute(0.5)),
            claim("ppl", 4.9, Compare::AtMost, Tolerance::Relative(0.05)),
        ];
        let runs = vec![
            run(1, "2026-11-01T10:00:00Z", &[("bleu", 20.0), ("ppl", 4.8)]),
            run(2, "2026-11-02T10:00:00Z", &[("bleu", 28.2)]),
            run(3, "2026-11-03T10:00:00Z", &[]),
        ];
        let r = rows(&claims, &runs);
        assert_eq!(
            (r[0].observed, r[0].run_id, r[0].verdict),
            (Some(28.2), Some(2), Verdict::Reproduced)
        );
        assert!((r[0].difference.expect("diff") + 0.2).abs() < 1e-9);
        assert_eq!((r[1].observed, r[1].run_id), (Some(4.8), Some(1)));
        assert_eq!(tally(&r), (2, 0, 0, 0));
        let md = markdown(&r);
        assert!(
            md.contains("| bleu | ≈ 28.4 ±0.5 | 28.2 | -0.2 | reproduced |"),
            "{md}"
        );
        assert_eq!(signed(0.25), "+0.25");
        assert_eq!(signed(-1.5e-5), "-1.500e-5");
        assert_eq!(signed(0.0), "0");
        assert_eq!(tally(&rows(&claims, &[])), (0, 0, 0, 2));
    }

    #[test]
    fn numbers_print_short() {
        assert_eq!(number(0.984), "0.984");
        assert_eq!(number(28.0), "28");
        assert_eq!(number(1.2e-7), "1.200e-7");
        assert_eq!(number(0.0), "0");
    }
}
