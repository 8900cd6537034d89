//! A small curated glossary of the domain: English words and French acronyms or lay terms,
//! mapped to the French words the catalogue actually uses. Queries are expanded with it, at a
//! lower weight than the words typed, so "date of death" finds `BEN_DCD_DTE` and "AVC" finds
//! "accident vasculaire cérébral".

/// (term as typed, lowercase and unaccented; French expansion). Multi-word keys are matched on
/// consecutive query words.
pub const GLOSSARY: &[(&str, &str)] = &[
    // English → French
    ("death", "décès"),
    ("deaths", "décès"),
    ("dead", "décès"),
    ("died", "décès"),
    ("mortality", "mortalité décès"),
    ("cause of death", "cause décès"),
    ("date", "date"),
    ("birth", "naissance"),
    ("born", "naissance"),
    ("year of birth", "année naissance"),
    ("age", "âge"),
    ("sex", "sexe"),
    ("gender", "sexe"),
    ("woman", "femme féminin"),
    ("women", "femme féminin"),
    ("man", "homme masculin"),
    ("men", "homme masculin"),
    ("diagnosis", "diagnostic"),
    ("diagnoses", "diagnostic"),
    ("main diagnosis", "diagnostic principal"),
    ("principal diagnosis", "diagnostic principal"),
    ("primary diagnosis", "diagnostic principal"),
    ("secondary diagnosis", "diagnostic associé"),
    ("associated diagnosis", "diagnostic associé"),
    ("drug", "médicament pharmacie"),
    ("drugs", "médicament pharmacie"),
    ("medication", "médicament"),
    ("medicine", "médicament"),
    ("dispensing", "délivrance pharmacie"),
    ("dispensed", "délivré pharmacie"),
    ("pharmacy", "pharmacie"),
    ("prescription", "prescription prescripteur"),
    ("prescriber", "prescripteur"),
    ("hospital", "hôpital hospitalier établissement"),
    ("hospital stay", "séjour hospitalier"),
    ("stay", "séjour"),
    ("stays", "séjour"),
    ("admission", "entrée séjour"),
    ("discharge", "sortie"),
    ("inpatient", "hospitalisation séjour"),
    ("outpatient", "soins de ville"),
    ("emergency", "urgence urgences"),
    ("emergencies", "urgences"),
    ("patient", "bénéficiaire patient"),
    ("patients", "bénéficiaire patient"),
    ("beneficiary", "bénéficiaire"),
    ("identifier", "identifiant"),
    ("id", "identifiant"),
    ("physician", "médecin praticien"),
    ("doctor", "médecin praticien"),
    ("gp", "médecin généraliste"),
    ("general practitioner", "médecin généraliste"),
    ("specialty", "spécialité"),
    ("nurse", "infirmier"),
    ("procedure", "acte"),
    ("procedures", "acte"),
    ("medical act", "acte médical"),
    ("surgery", "chirurgie"),
    ("lab test", "biologie"),
    ("laboratory", "biologie"),
    ("biology", "biologie"),
    ("device", "dispositif"),
    ("devices", "dispositif"),
    ("transport", "transport"),
    ("ambulance", "transport ambulance"),
    ("reimbursement", "remboursement"),
    ("reimbursed", "remboursé"),
    ("amount", "montant"),
    ("cost", "montant dépense"),
    ("expenditure", "dépense"),
    ("fee", "honoraire"),
    ("long-term condition", "affection longue durée"),
    ("chronic disease", "affection longue durée"),
    ("disease", "maladie pathologie"),
    ("diseases", "maladie pathologie"),
    ("heart attack", "infarctus myocarde"),
    ("myocardial infarction", "infarctus myocarde"),
    ("stroke", "accident vasculaire cérébral"),
    ("breast cancer", "tumeur maligne sein"),
    ("cancer", "cancer tumeur maligne"),
    ("diabetes", "diabète"),
    ("pregnancy", "grossesse"),
    ("abortion", "interruption volontaire grossesse"),
    ("childbirth", "accouchement"),
    ("delivery", "accouchement"),
    ("newborn", "nouveau-né"),
    ("dialysis", "dialyse"),
    ("psychiatry", "psychiatrie"),
    ("mental health", "psychiatrie santé mentale"),
    ("rehabilitation", "soins de suite réadaptation"),
    ("home hospitalisation", "hospitalisation à domicile"),
    ("home hospitalization", "hospitalisation à domicile"),
    ("region", "région"),
    ("department", "département"),
    ("municipality", "commune"),
    ("town", "commune"),
    ("address", "commune résidence"),
    ("residence", "résidence"),
    ("income", "revenu"),
    ("social security", "assurance maladie"),
    ("health insurance", "assurance maladie"),
    ("establishment", "établissement"),
    ("facility", "établissement"),
    ("access", "accès"),
    ("twin", "rang gémellaire"),
    ("twins", "rang gémellaire"),
    ("code list", "nomenclature"),
    ("table", "table"),
    ("sample", "échantillon"),
    ("synthetic data", "données synthétiques"),
    ("vaccine", "vaccin"),
    ("vaccination", "vaccin vaccination"),
    ("covid", "covid-19 sars-cov-2"),
    // French acronyms and lay terms → catalogue words
    ("avc", "accident vasculaire cérébral"),
    ("idm", "infarctus myocarde"),
    ("infarctus", "infarctus myocarde"),
    ("infractus", "infarctus myocarde"),
    ("crise cardiaque", "infarctus myocarde"),
    ("cancer", "tumeur maligne"),
    ("ald", "affection longue durée"),
    ("ivg", "interruption volontaire grossesse"),
    ("dp", "diagnostic principal"),
    ("das", "diagnostic associé"),
    ("dr", "diagnostic relié"),
    ("had", "hospitalisation à domicile"),
    ("ssr", "soins de suite réadaptation"),
    ("smr", "soins médicaux réadaptation"),
    ("rimp", "psychiatrie"),
    ("rim-p", "psychiatrie"),
    ("mco", "médecine chirurgie obstétrique"),
    ("ghm", "groupe homogène malades"),
    ("ghs", "groupe homogène séjours"),
    ("ccam", "classification commune actes médicaux"),
    ("cim", "cim-10 classification internationale maladies"),
    ("cim10", "cim-10 classification internationale maladies"),
    ("icd", "cim-10 classification internationale maladies"),
    ("icd10", "cim-10 classification internationale maladies"),
    ("atc", "classe atc anatomique thérapeutique"),
    ("cip", "cip13 code médicament"),
    ("nir", "nir identifiant"),
    ("finess", "finess établissement"),
    ("egb", "échantillon généraliste bénéficiaires"),
    ("esnd", "échantillon"),
    ("dcir", "dcir datamart consommation inter-régimes"),
    ("pmsi", "pmsi programme médicalisation systèmes information"),
    ("cmu", "couverture maladie universelle"),
    ("css", "complémentaire santé solidaire"),
    ("ehpad", "ehpad hébergement personnes âgées dépendantes"),
    ("urgences", "urgence urgences passage"),
    ("mort", "décès"),
    ("avortement", "interruption volontaire grossesse ivg"),
    ("lunettes", "optique verres monture"),
    ("appareil auditif", "audioprothèse audioprothèses"),
    ("prothèse auditive", "audioprothèse"),
    ("généraliste", "médecine générale"),
    ("kiné", "masseur kinésithérapeute"),
    ("dentiste", "chirurgien dentiste"),
    ("morts", "décès"),
    ("décédé", "décès"),
    ("medicament", "médicament pharmacie"),
    ("medicaments", "médicament pharmacie"),
    ("hopital", "hospitalisation établissement"),
    ("sexe", "sexe"),
    ("tumeur", "tumeur"),
    ("cnil", "cnil commission nationale informatique libertés"),
    ("rgpd", "rgpd protection données"),
    ("cesrees", "cesrees comité éthique"),
];

/// The glossary by folded key (its entries in order), folded once rather than at every search.
static BY_KEY: std::sync::LazyLock<std::collections::HashMap<String, Vec<&'static str>>> =
    std::sync::LazyLock::new(|| {
        let mut m: std::collections::HashMap<String, Vec<&'static str>> =
            std::collections::HashMap::new();
        for (k, v) in GLOSSARY {
            m.entry(crate::search::fold_accents(k))
                .or_default()
                .push(*v);
        }
        m
    });

/// Expansions for the words of a query (already lowercased and unaccented), longest match first.
pub fn expand(words: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut matched = 0;
        for n in (1..=3.min(words.len() - i)).rev() {
            let key = words[i..i + n].join(" ");
            if let Some(hits) = BY_KEY.get(&key) {
                out.extend(hits.iter().copied());
                matched = n;
                break;
            }
        }
        i += matched.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiword_keys_win() {
        let w: Vec<String> = ["main", "diagnosis"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(expand(&w), vec!["diagnostic principal"]);
        let w: Vec<String> = ["date", "of", "death"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(expand(&w), vec!["date", "décès"]);
    }
}
