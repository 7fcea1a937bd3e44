//! What LaTeX's text commands print: symbols, accents and the commands
//! that print nothing in running text (layout, fonts, spacing).

/// The text a symbol command prints, when it is one.
pub fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "ldots" | "dots" | "textellipsis" => "…",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteleft" | "lq" => "‘",
        "textquoteright" | "rq" => "’",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "textbullet" => "•",
        "textbackslash" => "\\",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textless" => "<",
        "textgreater" => ">",
        "textbar" => "|",
        "textdegree" => "°",
        "textregistered" => "®",
        "texttrademark" => "™",
        "copyright" | "textcopyright" => "©",
        "pounds" | "textsterling" => "£",
        "euro" | "texteuro" => "€",
        "S" | "textsection" => "§",
        "P" | "textparagraph" => "¶",
        "dag" | "textdagger" => "†",
        "ddag" | "textdaggerdbl" => "‡",
        "LaTeX" => "LaTeX",
        "LaTeXe" => "LaTeX2e",
        "TeX" => "TeX",
        "BibTeX" => "BibTeX",
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "%" => "%",
        "&" => "&",
        "#" => "#",
        "_" => "_",
        "$" => "$",
        "{" => "{",
        "}" => "}",
        "textunderscore" => "_",
        "\\" | "newline" | "linebreak" | "break" | "," | ";" | ":" | " " | "quad" | "qquad"
        | "enspace" | "thinspace" | "enskip" | "hfill" | "hfil" | "cr" | "tabularnewline"
        | "par" => " ",
        "-"
        | "/"
        | "!"
        | "@"
        | "xspace"
        | "unskip"
        | "ignorespaces"
        | "nobreak"
        | "allowbreak"
        | "relax"
        | "protect"
        | "leavevmode"
        | "null"
        | "today"
        | "footnotemark"
        | "maketitle"
        | "noindent"
        | "indent"
        | "centering"
        | "raggedright"
        | "raggedleft"
        | "small"
        | "footnotesize"
        | "scriptsize"
        | "tiny"
        | "large"
        | "Large"
        | "LARGE"
        | "huge"
        | "Huge"
        | "normalsize"
        | "bfseries"
        | "itshape"
        | "scshape"
        | "ttfamily"
        | "rmfamily"
        | "sffamily"
        | "mdseries"
        | "upshape"
        | "slshape"
        | "normalfont"
        | "bf"
        | "it"
        | "sc"
        | "tt"
        | "rm"
        | "sf"
        | "sl"
        | "em"
        | "boldmath"
        | "unboldmath"
        | "newpage"
        | "clearpage"
        | "cleardoublepage"
        | "pagebreak"
        | "nopagebreak"
        | "smallskip"
        | "medskip"
        | "bigskip"
        | "tableofcontents"
        | "listoffigures"
        | "listoftables"
        | "hline"
        | "toprule"
        | "midrule"
        | "bottomrule"
        | "cline"
        | "sloppy"
        | "fussy"
        | "frenchspacing"
        | "onecolumn"
        | "twocolumn"
        | "vfill"
        | "vfil"
        | "hss"
        | "vss"
        | "selectfont"
        | "flushleft"
        | "flushright"
        | "center"
        | "strut"
        | "nonumber"
        | "notag"
        | "displaystyle"
        | "textstyle"
        | "appendixpage"
        | "and"
        | "printbibliography"
        | "balance"
        | "IEEEpeerreviewmaketitle"
        | "acknowledgments"
        | "fi"
        | "else"
        | "makeatletter"
        | "makeatother"
        | "phantomsection"
        | "FloatBarrier"
        | "endinput"
        | "frontmatter"
        | "mainmatter"
        | "backmatter"
        | "normalcolor"
        | "ECCVSubNumber"
        | "textwidth"
        | "linewidth"
        | "columnwidth"
        | "textheight"
        | "hsize"
        | "vsize"
        | "baselineskip"
        | "parindent"
        | "parskip"
        | "tabcolsep"
        | "arraystretch"
        | "paperwidth"
        | "columnsep"
        | "fill"
        | "expandafter"
        | "noexpand"
        | "endcsname"
        | "string"
        | "begingroup"
        | "endgroup"
        | "bgroup"
        | "egroup"
        | "hrule"
        | "vrule"
        | "hrulefill"
        | "dotfill"
        | "offinterlineskip" => "",
        _ => return None,
    })
}

/// Accent commands that take one argument: `\'e`, `\"{o}`, `\v{s}`, `\c c`.
pub fn is_accent(name: &str) -> bool {
    matches!(
        name,
        "'" | "`"
            | "^"
            | "\""
            | "~"
            | "="
            | "."
            | "v"
            | "u"
            | "H"
            | "c"
            | "k"
            | "r"
            | "d"
            | "b"
            | "t"
    )
}

/// One-argument commands whose argument is printed as it stands.
pub fn is_text_wrapper(name: &str) -> bool {
    matches!(
        name,
        "textbf"
            | "textit"
            | "emph"
            | "textsc"
            | "texttt"
            | "textrm"
            | "textsf"
            | "textup"
            | "textsl"
            | "textmd"
            | "textnormal"
            | "text"
            | "mbox"
            | "hbox"
            | "fbox"
            | "makebox"
            | "framebox"
            | "underline"
            | "uline"
            | "ul"
            | "hl"
            | "sout"
            | "textsuperscript"
            | "textsubscript"
            | "mathrm"
            | "mathbf"
            | "mathit"
            | "mathsf"
            | "mathtt"
            | "emphasis"
            | "strong"
            | "textbfit"
            | "textls"
            | "MakeUppercase"
            | "MakeLowercase"
            | "uppercase"
            | "lowercase"
            | "NoCaseChange"
            | "texorpdfstring"
            | "centerline"
            | "smash"
            | "noindentparagraph"
            | "enquote"
    )
}

/// Commands whose (up to two) arguments print nothing: (name, optional
/// arguments read, mandatory arguments read).
pub fn dropped_with_args(name: &str) -> Option<(bool, usize)> {
    Some(match name {
        "vspace"
        | "hspace"
        | "label"
        | "color"
        | "pagestyle"
        | "thispagestyle"
        | "bibliographystyle"
        | "pagenumbering"
        | "linespread"
        | "input"
        | "include"
        | "includeonly"
        | "nocite"
        | "hypersetup"
        | "graphicspath"
        | "definecolor"
        | "keywords"
        | "pacs"
        | "footnotetext"
        | "thanks"
        | "email"
        | "affiliation"
        | "address"
        | "institute"
        | "date"
        | "author"
        | "orcid"
        | "affil"
        | "icmlauthor"
        | "icmlaffiliation"
        | "icmlcorrespondingauthor"
        | "icmlkeywords"
        | "acmConference"
        | "acmBooktitle"
        | "acmDOI"
        | "acmISBN"
        | "acmYear"
        | "copyrightyear"
        | "setcopyright"
        | "ccsdesc"
        | "vskip"
        | "pdfbookmark"
        | "addcontentsline"
        | "enlargethispage"
        | "pageref"
        | "special"
        | "AtBeginDocument"
        | "markboth"
        | "markright"
        | "bibliography"
        | "addbibresource"
        | "urlstyle"
        | "captionsetup" => (true, if name == "definecolor" { 3 } else { 1 }),
        "includegraphics" | "usepackage" | "RequirePackage" | "documentclass" | "epsfig"
        | "psfig" | "epsfbox" | "resizebox" | "scalebox" | "rotatebox" | "subfloat"
        | "subcaption" | "subcaptionbox" | "footnote" | "icmlsetsymbol" | "setlist" => (
            true,
            match name {
                "resizebox" => 2,
                "rotatebox" | "scalebox" | "icmlsetsymbol" => 1,
                _ => 1,
            },
        ),
        "setlength" | "addtolength" | "setcounter" | "addtocounter" | "newcounter"
        | "setcitestyle" | "newlength" | "settowidth" => {
            (false, if name == "newlength" { 1 } else { 2 })
        }
        _ => return None,
    })
}

/// Commands the walker handles itself (beyond the tables above).
const WALKER_COMMANDS: &[&str] = &[
    "begin",
    "end",
    "part",
    "chapter",
    "section",
    "subsection",
    "subsubsection",
    "paragraph",
    "subparagraph",
    "appendix",
    "title",
    "icmltitle",
    "abstract",
    "caption",
    "captionof",
    "item",
    "bibitem",
    "newblock",
    "ref",
    "eqref",
    "autoref",
    "cref",
    "Cref",
    "nameref",
    "vref",
    "url",
    "nolinkurl",
    "path",
    "href",
    "textcolor",
    "colorbox",
    "foreignlanguage",
    "fcolorbox",
    "numberwithin",
    "verb",
    "(",
    ")",
    "[",
    "]",
    "iffalse",
    "iftrue",
    "ensuremath",
    "hskip",
    "kern",
    "acks",
    "cite",
    "citep",
    "citet",
    "citealt",
    "citealp",
    "citeauthor",
    "citeyear",
    "parencite",
    "textcite",
    "autocite",
    "footcite",
    "csname",
    "thebibliography",
    "endthebibliography",
    "maketitle",
    "thanks",
];

/// Whether the walker gives `name` its meaning. A package's own style file
/// redefining such a command (for layout, through internals litradar does
/// not run) is not followed.
pub fn is_builtin(name: &str) -> bool {
    symbol(name).is_some()
        || is_accent(name)
        || is_text_wrapper(name)
        || dropped_with_args(name).is_some()
        || WALKER_COMMANDS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_answer_for_what_they_list() {
        assert_eq!(symbol("ldots"), Some("…"));
        assert_eq!(symbol("noindent"), Some(""));
        assert_eq!(symbol("unknownthing"), None);
        assert!(is_accent("v") && !is_accent("vspace"));
        assert!(is_text_wrapper("emph"));
        assert_eq!(dropped_with_args("setlength"), Some((false, 2)));
        assert_eq!(dropped_with_args("includegraphics"), Some((true, 1)));
        assert!(is_builtin("footnotesize") && is_builtin("section") && !is_builtin("ours"));
    }
}
