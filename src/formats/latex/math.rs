//! Simple math read as text: `$\mu$`, `$^2$`, `\(\Sigma\)`, `\({}^{\mbox{k}}\)`
//! become μ, ², Σ, ᵏ where Unicode has them.

use super::matching_brace;

/// Math with a plain-text form: Greek letters, common symbols, digits and
/// letters, and single-character super- and subscripts; `None` for the rest.
pub(super) fn simple_math(math: &str) -> Option<String> {
    let chars: Vec<char> = math.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && chars[end].is_ascii_alphabetic() {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                // Math spacing (`2\,\mu m`) reads as a space, `\!` as none.
                if name.is_empty() {
                    match chars.get(start)? {
                        ',' | ';' | ':' | ' ' => out.push(' '),
                        '!' => {}
                        // Escaped braces are braces (`$\{$z$\}$`).
                        &brace @ ('{' | '}') => out.push(brace),
                        _ => return None,
                    }
                    i = start + 1;
                    continue;
                }
                // Text and font wrappers (`\mathrm{\mu}`, `\mbox{k}`) read as
                // what they wrap.
                let wrapper = matches!(
                    name.as_str(),
                    "mathrm" | "mathit" | "mathbf" | "mathsf" | "text" | "textrm" | "mbox"
                );
                if wrapper && chars.get(end) == Some(&'{') {
                    let close = matching_brace(&chars, end)?;
                    let inner: String = chars[end + 1..close].iter().collect();
                    out.push_str(&simple_math(&inner)?);
                    i = close + 1;
                    continue;
                }
                out.push_str(math_symbol(&name)?);
                i = end;
                // A control word's trailing space is not text.
                while chars.get(i) == Some(&' ') {
                    i += 1;
                }
            }
            '^' | '_' => {
                let (arg, next) = match chars.get(i + 1)? {
                    '{' => {
                        let close = matching_brace(&chars, i + 1)?;
                        let inner: String = chars[i + 2..close].iter().collect();
                        (simple_math(&inner)?, close + 1)
                    }
                    // `M_\odot`: the command is the script.
                    '\\' => {
                        let mut end = i + 2;
                        while end < chars.len() && chars[end].is_ascii_alphabetic() {
                            end += 1;
                        }
                        let name: String = chars[i + 2..end].iter().collect();
                        (math_symbol(&name)?.to_string(), end)
                    }
                    &a => (a.to_string(), i + 2),
                };
                for a in arg.chars() {
                    match script(a, c == '^') {
                        Some(s) => out.push(s),
                        // A symbol with no raised or lowered form reads
                        // well inline (M☉, L*, x′); a letter or digit
                        // without one would change the meaning.
                        None if !a.is_alphanumeric() => out.push(a),
                        None => return None,
                    }
                }
                i = next;
            }
            // Grouping braces (`{}^{k}`) carry nothing to read.
            '{' | '}' => i += 1,
            c if c.is_alphanumeric() || !c.is_ascii() || " +-=()/.,<>*'|[]:;!".contains(c) => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn math_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "pm" => "±",
        "mp" => "∓",
        "times" => "×",
        "cdot" => "·",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "sim" => "∼",
        "infty" => "∞",
        "to" | "rightarrow" => "→",
        "leftarrow" => "←",
        "ell" => "ℓ",
        "partial" => "∂",
        "nabla" => "∇",
        "in" => "∈",
        "sqrt" => "√",
        "circ" => "°",
        "lt" => "<",
        "gt" => ">",
        "simeq" | "sime" => "≃",
        "lesssim" | "lapprox" | "la" => "≲",
        "gtrsim" | "gapprox" | "ga" => "≳",
        "propto" => "∝",
        "prime" => "′",
        "star" => "⋆",
        "ast" => "∗",
        // Astronomers' sun and earth: M_\odot is a solar mass.
        "odot" | "sun" => "☉",
        "oplus" | "earth" => "⊕",
        "AA" => "Å",
        _ => return None,
    })
}

pub(super) fn script(c: char, up: bool) -> Option<char> {
    const DIGITS_UP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    const DIGITS_DOWN: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    if let Some(d) = c.to_digit(10) {
        let table = if up { DIGITS_UP } else { DIGITS_DOWN };
        return Some(table[d as usize]);
    }
    // Unicode's modifier letters: every small letter but q upward, some
    // downward.
    const LETTERS_UP: &str = "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖ ʳˢᵗᵘᵛʷˣʸᶻ";
    const LETTERS_DOWN: &str = "ₐ   ₑ  ₕᵢⱼₖₗₘₙₒₚ ᵣₛₜᵤᵥ ₓ  ";
    if c.is_ascii_lowercase() {
        let table = if up { LETTERS_UP } else { LETTERS_DOWN };
        return table
            .chars()
            .nth((c as u8 - b'a') as usize)
            .filter(|s| *s != ' ');
    }
    match (c, up) {
        ('+', true) => Some('⁺'),
        ('-', true) => Some('⁻'),
        ('=', true) => Some('⁼'),
        ('(', true) => Some('⁽'),
        (')', true) => Some('⁾'),
        ('+', false) => Some('₊'),
        ('-', false) => Some('₋'),
        ('=', false) => Some('₌'),
        ('(', false) => Some('₍'),
        (')', false) => Some('₎'),
        _ => None,
    }
}
