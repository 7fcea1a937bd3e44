//! The metrics protocol: a program reports a number by printing, on
//! standard output, a line
//!
//! ```text
//! METRIC name=value [unit]
//! ```
//!
//! or a JSON object on one line, `{"metric": "name", "value": 0.93, "unit": "%"}`
//! (`unit` optional). Names are letters, digits and `_ . - / :`; values are
//! finite numbers. Every other line is plain output. When a name is printed
//! more than once, the last value counts (a training loop may print its loss
//! every epoch).

use super::Metric;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/:".contains(c))
}

/// Reads one line of output; `None` for plain output.
pub fn parse_line(line: &str) -> Option<Metric> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix("METRIC ") {
        let rest = rest.trim_start();
        let (pair, unit) = match rest.split_once(char::is_whitespace) {
            Some((p, u)) => (p, Some(u.trim()).filter(|u| !u.is_empty())),
            None => (rest, None),
        };
        let (name, value) = pair.split_once('=')?;
        let value: f64 = value.parse().ok().filter(|v: &f64| v.is_finite())?;
        return valid_name(name).then(|| Metric {
            name: name.to_string(),
            value,
            unit: unit.map(str::to_string),
        });
    }
    if t.starts_with('{') && t.ends_with('}') && t.contains("\"metric\"") {
        let v: serde_json::Value = serde_json::from_str(t).ok()?;
        let name = v.get("metric")?.as_str()?;
        let value = v.get("value")?.as_f64().filter(|x| x.is_finite())?;
        let unit = v.get("unit").and_then(|u| u.as_str()).map(str::to_string);
        return valid_name(name).then(|| Metric {
            name: name.to_string(),
            value,
            unit,
        });
    }
    None
}

/// Collects metrics as lines arrive, keeping the last value of each name
/// in the order names first appeared.
#[derive(Debug, Default, Clone)]
pub struct Collector {
    metrics: Vec<Metric>,
}

impl Collector {
    /// Looks at one line of standard output; returns the metric it held.
    pub fn line(&mut self, line: &str) -> Option<&Metric> {
        let m = parse_line(line)?;
        let i = match self.metrics.iter().position(|x| x.name == m.name) {
            Some(i) => {
                self.metrics[i] = m;
                i
            }
            None => {
                self.metrics.push(m);
                self.metrics.len() - 1
            }
        };
        self.metrics.get(i)
    }

    /// What was collected.
    pub fn into_metrics(self) -> Vec<Metric> {
        self.metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_and_ignores_the_rest() {
        let m = parse_line("METRIC copy_accuracy=0.984").expect("metric");
        assert_eq!(
            (m.name.as_str(), m.value, m.unit),
            ("copy_accuracy", 0.984, None)
        );
        let m = parse_line("  METRIC train/loss=1.5e-3 nats per token").expect("unit");
        assert_eq!(m.unit.as_deref(), Some("nats per token"));
        let m = parse_line(r#"{"metric": "bleu", "value": 28.4, "unit": "BLEU"}"#).expect("json");
        assert_eq!(
            (m.name.as_str(), m.value, m.unit.as_deref()),
            ("bleu", 28.4, Some("BLEU"))
        );
        for plain in [
            "epoch 3 loss 0.2",
            "METRIC",
            "METRIC x=",
            "METRIC x=abc",
            "METRIC x=inf",
            "METRIC bad name=1",
            "METRIC =1",
            "metric x=1",
            r#"{"metric": "x"}"#,
            r#"{"metric": "x", "value": "high"}"#,
            r#"{"value": 1}"#,
            "{not json \"metric\"}",
        ] {
            assert_eq!(parse_line(plain), None, "{plain}");
        }
    }

    #[test]
    fn the_last_value_of_a_name_counts() {
        let mut c = Collector::default();
        for line in ["METRIC loss=3", "hello", "METRIC acc=0.5", "METRIC loss=1"] {
            c.line(line);
        }
        let names: Vec<(String, f64)> = c
            .into_metrics()
            .into_iter()
            .map(|m| (m.name, m.value))
            .collect();
        assert_eq!(names, [("loss".to_string(), 1.0), ("acc".to_string(), 0.5)]);
    }
}
