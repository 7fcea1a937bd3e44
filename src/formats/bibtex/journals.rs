//! The journal macros of the AAS (`\apj`, `\mnras`, `\aap`): NASA ADS
//! writes `journal = {\apj}` and leaves the macro to the AASTeX class, so a
//! library read outside LaTeX must spell them out itself. The names are the
//! abbreviations the AAS macros print.

/// The journal an AAS macro (`\apj`, with or without the backslash and
/// braces) names; `None` for anything else.
pub(super) fn aas_journal(value: &str) -> Option<&'static str> {
    let name = value
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .strip_prefix('\\')?;
    Some(match name {
        "aj" => "AJ",
        "actaa" => "Acta Astron.",
        "araa" => "ARA&A",
        "apj" => "ApJ",
        "apjl" => "ApJL",
        "apjs" => "ApJS",
        "ao" => "Appl. Opt.",
        "apss" => "Ap&SS",
        "aap" | "astap" => "A&A",
        "aapr" => "A&A Rev.",
        "aaps" => "A&AS",
        "azh" => "AZh",
        "baas" => "BAAS",
        "caa" => "Chinese Astron. Astrophys.",
        "cjaa" => "Chinese J. Astron. Astrophys.",
        "icarus" => "Icarus",
        "jcap" => "JCAP",
        "jrasc" => "JRASC",
        "memras" => "MmRAS",
        "mnras" => "MNRAS",
        "na" => "New A",
        "nar" => "New A Rev.",
        "pra" => "Phys. Rev. A",
        "prb" => "Phys. Rev. B",
        "prc" => "Phys. Rev. C",
        "prd" => "Phys. Rev. D",
        "pre" => "Phys. Rev. E",
        "prl" => "Phys. Rev. Lett.",
        "pasa" => "PASA",
        "pasp" => "PASP",
        "pasj" => "PASJ",
        "psj" => "PSJ",
        "qjras" => "QJRAS",
        "rmxaa" => "Rev. Mexicana Astron. Astrofis.",
        "skytel" => "S&T",
        "solphys" => "Sol. Phys.",
        "sovast" => "Soviet Ast.",
        "ssr" => "Space Sci. Rev.",
        "zap" => "ZAp",
        "nat" => "Nature",
        "iaucirc" => "IAU Circ.",
        "aplett" => "Astrophys. Lett.",
        "apspr" => "Astrophys. Space Phys. Res.",
        "bain" => "Bull. Astron. Inst. Netherlands",
        "fcp" => "Fund. Cosmic Phys.",
        "gca" => "Geochim. Cosmochim. Acta",
        "grl" => "Geophys. Res. Lett.",
        "jcp" => "J. Chem. Phys.",
        "jgr" => "J. Geophys. Res.",
        "jqsrt" => "J. Quant. Spec. Radiat. Transf.",
        "memsai" => "Mem. Soc. Astron. Italiana",
        "nphysa" => "Nucl. Phys. A",
        "physrep" => "Phys. Rep.",
        "physscr" => "Phys. Scr",
        "planss" => "Planet. Space Sci.",
        "procspie" => "Proc. SPIE",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::aas_journal;

    #[test]
    fn aas_macros_are_spelled_out_and_other_values_are_not_touched() {
        assert_eq!(aas_journal(r"\apj"), Some("ApJ"));
        assert_eq!(aas_journal(r"{\mnras}"), Some("MNRAS"));
        assert_eq!(aas_journal(r" \aap "), Some("A&A"));
        assert_eq!(aas_journal(r"\apjlett"), None);
        assert_eq!(aas_journal("Nature"), None);
        assert_eq!(aas_journal(r"\emph{Nature}"), None);
    }
}
