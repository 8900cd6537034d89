//! Words of the findings: compact names of IRIs, labels of the properties a producer fills, and
//! the line of a file where a node or value is written.

use crate::cite::Lang;
use crate::ingest::healthdcat::graph::compact as compact_predicate;

/// `http://purl.org/dc/terms/title` → `dct:title`; SHACL's own terms → `sh:…`; an IRI of no
/// known namespace stays whole.
pub fn compact(iri: &str) -> String {
    compact_predicate(iri)
}

/// A node as a sentence names it: `<https://…/x>` or the blank node `_:b0`.
pub fn node_label(node: &str) -> String {
    if node.starts_with("_:") {
        node.to_string()
    } else {
        format!("<{node}>")
    }
}

/// What a property holds, for people: `dct:title (le titre)`. Unknown properties are named by
/// their compact IRI alone.
pub fn prop_label(iri: &str, lang: Lang) -> String {
    let c = compact(iri);
    match hint(&c) {
        Some((fr, en)) => format!(
            "{c} ({})",
            match lang {
                Lang::Fr => fr,
                Lang::En => en,
            }
        ),
        None => c,
    }
}

/// (French, English) description of the HealthDCAT-AP properties a producer fills.
fn hint(compact: &str) -> Option<(&'static str, &'static str)> {
    Some(match compact {
        "dct:title" => ("le titre", "the title"),
        "dct:description" => ("la description", "the description"),
        "dct:identifier" => (
            "l'identifiant, une IRI typée xsd:anyURI",
            "the identifier, an IRI typed xsd:anyURI",
        ),
        "dct:publisher" => (
            "l'éditeur, une organisation foaf:Agent",
            "the publisher, a foaf:Agent",
        ),
        "dcat:contactPoint" => (
            "le point de contact, un vcard:Kind avec courriel et URL",
            "the contact point, a vcard:Kind with e-mail and URL",
        ),
        "dct:accessRights" => (
            "les droits d'accès, une IRI du vocabulaire AccessRights",
            "the access rights, an IRI of the AccessRights vocabulary",
        ),
        "dcatap:applicableLegislation" => (
            "la législation applicable, une IRI ELI",
            "the applicable legislation, an ELI IRI",
        ),
        "dct:type" => (
            "le type, une IRI du vocabulaire DatasetType",
            "the type, an IRI of the DatasetType vocabulary",
        ),
        "dcat:distribution" => ("une distribution dcat:Distribution", "a dcat:Distribution"),
        "dcat:keyword" => (
            "des mots-clés, un littéral chacun",
            "keywords, one literal each",
        ),
        "dcat:theme" => (
            "un thème, une IRI du vocabulaire data-theme",
            "a theme, an IRI of the data-theme vocabulary",
        ),
        "healthdcatap:healthCategory" => (
            "une catégorie de santé, une IRI du vocabulaire HealthCategories",
            "a health category, an IRI of the HealthCategories vocabulary",
        ),
        "healthdcatap:healthTheme" => (
            "un thème de santé, une IRI du vocabulaire HealthTheme",
            "a health theme, an IRI of the HealthTheme vocabulary",
        ),
        "dct:spatial" => (
            "la couverture géographique, une IRI de pays",
            "the geographic coverage, a country IRI",
        ),
        "dct:provenance" => (
            "la provenance, un dct:ProvenanceStatement",
            "the provenance, a dct:ProvenanceStatement",
        ),
        "dpv:hasPurpose" => ("la finalité, un dpv:Purpose", "the purpose, a dpv:Purpose"),
        "healthdcatap:hdab" => (
            "l'organisme d'accès aux données de santé, un foaf:Agent",
            "the health data access body, a foaf:Agent",
        ),
        "adms:sample" => (
            "un échantillon, une dcat:Distribution",
            "a sample, a dcat:Distribution",
        ),
        "dct:accrualPeriodicity" => (
            "la fréquence de mise à jour, une IRI du vocabulaire Frequency",
            "the update frequency, an IRI of the Frequency vocabulary",
        ),
        "dct:language" => (
            "la langue, une IRI du vocabulaire des langues",
            "the language, an IRI of the language vocabulary",
        ),
        "dct:issued" => (
            "la date de publication, typée xsd:date",
            "the issue date, typed xsd:date",
        ),
        "dct:modified" => (
            "la date de mise à jour, typée xsd:date",
            "the modification date, typed xsd:date",
        ),
        "dct:temporal" => (
            "la période couverte, un dct:PeriodOfTime",
            "the period covered, a dct:PeriodOfTime",
        ),
        "dcat:version" => ("le numéro de version", "the version number"),
        "healthdcatap:numberOfRecords" => (
            "le nombre d'enregistrements, typé xsd:nonNegativeInteger",
            "the number of records, typed xsd:nonNegativeInteger",
        ),
        "healthdcatap:numberOfUniqueIndividuals" => (
            "le nombre de personnes, typé xsd:nonNegativeInteger",
            "the number of individuals, typed xsd:nonNegativeInteger",
        ),
        "healthdcatap:minTypicalAge" => (
            "l'âge minimal typique, typé xsd:nonNegativeInteger",
            "the minimum typical age, typed xsd:nonNegativeInteger",
        ),
        "healthdcatap:maxTypicalAge" => (
            "l'âge maximal typique, typé xsd:nonNegativeInteger",
            "the maximum typical age, typed xsd:nonNegativeInteger",
        ),
        "healthdcatap:populationCoverage" => (
            "la population couverte, un texte",
            "the population covered, a text",
        ),
        "healthdcatap:publisherType" => (
            "le type d'éditeur, une IRI du vocabulaire PublisherType",
            "the publisher type, an IRI of the PublisherType vocabulary",
        ),
        "healthdcatap:publisherNote" => (
            "une présentation de l'éditeur, un texte",
            "a note on the publisher, a text",
        ),
        "healthdcatap:trustedDataHolder" => (
            "détenteur de données de confiance, typé xsd:boolean",
            "trusted data holder, typed xsd:boolean",
        ),
        "dpv:hasPersonalData" => (
            "les données personnelles, des IRI du vocabulaire PersonalData",
            "the personal data, IRIs of the PersonalData vocabulary",
        ),
        "dqv:hasLegalBasis" => (
            "la base légale, une IRI du vocabulaire LegalBasis",
            "the legal basis, an IRI of the LegalBasis vocabulary",
        ),
        "dcat:landingPage" => (
            "la page d'accueil du jeu de données",
            "the dataset's landing page",
        ),
        "dcat:accessURL" => ("l'adresse d'accès, une IRI", "the access URL, an IRI"),
        "dcat:byteSize" => (
            "la taille en octets, typée xsd:nonNegativeInteger",
            "the size in bytes, typed xsd:nonNegativeInteger",
        ),
        "dct:format" => (
            "le format, une IRI du vocabulaire FileType",
            "the format, an IRI of the FileType vocabulary",
        ),
        "dct:rights" => (
            "les droits, un dct:RightsStatement",
            "the rights, a dct:RightsStatement",
        ),
        "foaf:name" => ("le nom", "the name"),
        "foaf:homepage" => ("la page d'accueil, une IRI", "the home page, an IRI"),
        "foaf:mbox" => ("le courriel, une IRI mailto:", "the e-mail, a mailto: IRI"),
        "vcard:hasEmail" => ("le courriel, une IRI mailto:", "the e-mail, a mailto: IRI"),
        "vcard:hasURL" => ("l'adresse web, une IRI", "the web address, an IRI"),
        _ => return None,
    })
}

/// The lines of a file, to say where a node or value is written.
#[derive(Debug, Default)]
pub struct Lines {
    text: String,
}

impl Lines {
    /// Keeps the text of a file (lossy UTF-8).
    pub fn new(bytes: &[u8]) -> Lines {
        Lines {
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// The 1-based line of the first place `s` is written: `<s>` (Turtle), `"s"` (JSON,
    /// XML), then `s` itself; for a `_:` blank node or an empty string, none.
    pub fn find(&self, s: &str) -> Option<u64> {
        if s.is_empty() || s.starts_with("_:") {
            return None;
        }
        let at = self
            .text
            .find(&format!("<{s}>"))
            .or_else(|| self.text.find(&format!("\"{s}\"")))
            .or_else(|| self.text.find(s))?;
        Some(self.line_at(at))
    }

    /// The 1-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> u64 {
        self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    }
}
