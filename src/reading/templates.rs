//! The note each pass starts from.

use super::Pass;

/// The Markdown a new note for `pass` is seeded with; `title` heads it.
pub fn template(pass: Pass, title: &str) -> String {
    let body = match pass {
        Pass::Skim => PASS1,
        Pass::Derive => PASS2,
        Pass::Reproduce => PASS3,
    };
    // The heading is a comment: exported notes sit under their own headings.
    format!(
        "<!-- Pass {} ({}) of \"{}\" -->\n{body}",
        pass.number(),
        pass.name(),
        title.replace("--", "-")
    )
}

const PASS1: &str = "\
<!-- 5–10 minutes: title, abstract, introduction, section headings, conclusion, figures. -->

## Category
What kind of paper is this? (measurement, analysis of an existing system, new method, survey, ...)

## Context
Which other papers is it related to? Which theory does it build on?

## Correctness
Do the assumptions appear valid?

## Contributions
The core innovations, in a few bullets:

-

## Clarity
Is the paper well written?

## Verdict
One line: go on to pass 2 or not, and why.
";

const PASS2: &str = "\
<!-- 30–60 minutes: the method section; re-derive the main equations. -->

## Main equations, re-derived

$$
$$

## Assumptions each step uses

-

## What was unclear

-

## References to chase

-
";

const PASS3: &str = "\
<!-- 2–4 hours: implement the core module and compare with the paper's results. -->

## Implementation
Which implementation (yours, the official one, another), and where it lives.

## What was run
Command, data, hardware, settings.

## Results

| metric | paper | mine |
|---|---|---|
|  |  |  |

## Verdict
Reproduced / partly / not, and why.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_asks_for_what_its_pass_produces() {
        let skim = template(Pass::Skim, "LoRA");
        assert!(skim.starts_with("<!-- Pass 1 (structured skim) of \"LoRA\" -->\n"));
        for heading in [
            "## Category",
            "## Context",
            "## Correctness",
            "## Contributions",
            "## Clarity",
            "## Verdict",
        ] {
            assert!(skim.contains(heading), "{heading}");
        }
        let derive = template(Pass::Derive, "LoRA");
        for heading in [
            "## Main equations",
            "## Assumptions",
            "## What was unclear",
            "## References to chase",
        ] {
            assert!(derive.contains(heading), "{heading}");
        }
        let reproduce = template(Pass::Reproduce, "LoRA");
        for heading in [
            "## Implementation",
            "## What was run",
            "| metric | paper | mine |",
            "Reproduced / partly / not",
        ] {
            assert!(reproduce.contains(heading), "{heading}");
        }
    }
}
