//! Text matching on catalogue metadata: descriptions and labels are folded to lowercase ASCII
//! words padded with spaces, so that a pattern `" commune"` matches a word starting with
//! `commune` and `" ivg "` the word alone, whatever the accents and punctuation.

use crate::cite::Lang;

/// `s` folded: accents removed, lowercase, every run of other characters one space, with a
/// space before and after.
pub(super) fn norm(s: &str) -> String {
    let folded = crate::search::fold_accents(s);
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether the folded text `d` holds any of `pats` (themselves folded, with their spaces).
pub(super) fn has_any(d: &str, pats: &[&str]) -> bool {
    pats.iter().any(|p| d.contains(p))
}

/// Words that say how precise a date is or glue a description together: two descriptions of
/// the same event at two precisions (`Date de sortie`, `Mois de sortie`) share the rest.
const PRECISION_WORDS: &[&str] = &[
    "date", "dates", "annee", "annees", "mois", "jour", "format", "au", "et", "la", "le", "les",
    "de", "du", "des", "d", "l", "en", "a", "aaaamm", "aaaa", "aaaammjj", "ssaammjj",
];

/// The words of a folded description that are not about precision, in order.
pub(super) fn core_words(d: &str) -> Vec<&str> {
    d.split_whitespace()
        .filter(|w| !PRECISION_WORDS.contains(w))
        .collect()
}

/// A list of names for a sentence: `A, B and C` / `A, B et C`.
pub(super) fn list(lang: Lang, items: &[String]) -> String {
    let and = match lang {
        Lang::Fr => "et",
        Lang::En => "and",
    };
    join(items, and)
}

/// Choices for a sentence: `A or B` / `A ou B`.
pub(super) fn list_or(lang: Lang, items: &[String]) -> String {
    let or = match lang {
        Lang::Fr => "ou",
        Lang::En => "or",
    };
    join(items, or)
}

fn join(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// At most `n` of `items` for a sentence, with how many more there are.
pub(super) fn list_some(lang: Lang, items: &[String], n: usize) -> String {
    if items.len() <= n {
        return list(lang, items);
    }
    let more = items.len() - n;
    let mut head = items[..n].to_vec();
    head.push(match lang {
        Lang::Fr => format!("{more} autres"),
        Lang::En => format!("{more} more"),
    });
    list(lang, &head)
}

/// Whether a justification says something: three words or more, not only filler.
pub(super) fn says_something(why: &str) -> bool {
    const FILLER: &[&str] = &[
        "besoin",
        "necessaire",
        "nécessaire",
        "utile",
        "etude",
        "analyse",
        "needed",
        "need",
        "necessary",
        "useful",
        "study",
        "analysis",
        "pour",
        "for",
        "the",
        "la",
        "le",
        "l",
        "de",
        "du",
        "d",
        "idem",
        "etc",
        "todo",
        "tbd",
        "voir",
        "see",
        "protocole",
        "protocol",
    ];
    let n = norm(why);
    let words: Vec<&str> = n.split_whitespace().collect();
    words.len() >= 3 && words.iter().any(|w| !FILLER.contains(w) && w.len() > 1)
}
