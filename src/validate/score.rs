//! The completeness score: for every node of a class the bundled profile targets (datasets,
//! distributions, agents, contact points), how many of the profile's mandatory, recommended and
//! optional properties have at least one value. The levels are read from the bundled shapes
//! themselves (`sh:minCount` with `sh:Violation` is mandatory, with `sh:Warning` recommended,
//! no `sh:minCount` optional), so the score and the findings cannot disagree.

use super::report::{Count, Score};
use super::shacl::BUNDLED_SHAPES;
use crate::ingest::healthdcat::graph::{for_each_triple, RdfFormat};
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use std::path::Path;
use std::sync::OnceLock;

const SH: &str = "http://www.w3.org/ns/shacl#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Mandatory,
    Recommended,
    Optional,
}

/// (target class, [(property, level)]) of the bundled profile.
type Profile = Vec<(String, Vec<(String, Level)>)>;

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        let mut g = Graph::new();
        for_each_triple(
            BUNDLED_SHAPES.as_bytes(),
            RdfFormat::Turtle,
            None,
            Path::new("hublot-healthdcat.ttl"),
            |t| {
                g.insert(&t);
            },
        )
        .expect("the bundled shapes parse");
        let sh = |l: &str| oxrdf::NamedNode::new_unchecked(format!("{SH}{l}"));
        let (target, property, path, min, severity) = (
            sh("targetClass"),
            sh("property"),
            sh("path"),
            sh("minCount"),
            sh("severity"),
        );
        let mut out: Profile = Vec::new();
        for t in g.triples_for_predicate(&target) {
            let TermRef::NamedNode(class) = t.object else {
                continue;
            };
            let mut props = Vec::new();
            for ps in g.objects_for_subject_predicate(t.subject, &property) {
                let ps: NamedOrBlankNodeRef = match ps {
                    TermRef::NamedNode(n) => n.into(),
                    TermRef::BlankNode(b) => b.into(),
                    _ => continue,
                };
                let Some(TermRef::NamedNode(p)) = g.object_for_subject_predicate(ps, &path) else {
                    continue;
                };
                let has_min = g
                    .object_for_subject_predicate(ps, &min)
                    .is_some_and(|m| matches!(m, TermRef::Literal(l) if l.value() != "0"));
                let warning = g.object_for_subject_predicate(ps, &severity).is_some_and(
                    |s| matches!(s, TermRef::NamedNode(n) if n.as_str().ends_with("#Warning")),
                );
                let level = match (has_min, warning) {
                    (true, false) => Level::Mandatory,
                    (true, true) => Level::Recommended,
                    _ => Level::Optional,
                };
                props.push((p.as_str().to_string(), level));
            }
            out.push((class.as_str().to_string(), props));
        }
        out
    })
}

/// Adds the completeness of the nodes of `g` to `score`.
pub fn add(score: &mut Score, g: &Graph) {
    let rdf_type = NamedNodeRef::new_unchecked(RDF_TYPE);
    for (class, props) in profile() {
        let class = NamedNodeRef::new_unchecked(class);
        for node in g.subjects_for_predicate_object(rdf_type, class) {
            for (p, level) in props {
                let filled = g
                    .object_for_subject_predicate(node, NamedNodeRef::new_unchecked(p))
                    .is_some();
                let c: &mut Count = match level {
                    Level::Mandatory => &mut score.mandatory,
                    Level::Recommended => &mut score.recommended,
                    Level::Optional => &mut score.optional,
                };
                c.total += 1;
                c.filled += u64::from(filled);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_has_the_three_levels() {
        let p = profile();
        let dataset = &p
            .iter()
            .find(|(c, _)| c == "http://www.w3.org/ns/dcat#Dataset")
            .unwrap()
            .1;
        let n = |l: Level| dataset.iter().filter(|(_, x)| *x == l).count();
        assert_eq!(n(Level::Mandatory), 18);
        assert!(n(Level::Recommended) >= 10);
        assert!(n(Level::Optional) >= 10);
    }
}
