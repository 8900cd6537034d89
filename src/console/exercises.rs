//! Guided SNDS exercises on the synthetic samples: a statement, hints, a reference query, and a
//! check that compares the learner's result set with the reference's on the current data
//! (column names ignored; row order ignored unless the statement asks for an order; numbers
//! equal within 1e-6, relative).
//!
//! The statements are ours. They use the tables of the bundled catalogue (beneficiaries,
//! DCIR prestations and pharmacy, PMSI MCO stays, diagnoses and patient links, ALD, causes of
//! death) and each reference answers at least one row on its 60 synthetic persons.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// One exercise, as written.
pub struct Exercise {
    /// Its number, from 1.
    pub id: u32,
    /// Short title, French.
    pub title_fr: &'static str,
    /// Short title, English.
    pub title_en: &'static str,
    /// What to find, French.
    pub statement_fr: &'static str,
    /// What to find, English.
    pub statement_en: &'static str,
    /// Hints, French, from gentle to almost the answer.
    pub hints_fr: &'static [&'static str],
    /// Hints, English.
    pub hints_en: &'static [&'static str],
    /// The tables it needs.
    pub tables: &'static [&'static str],
    /// The reference query.
    pub reference: &'static str,
    /// Whether the order of the rows counts.
    pub ordered: bool,
}

/// The nine keys that join a DCIR prestation to its detail rows.
pub const DCIR_KEYS: [&str; 9] = [
    "DCT_ORD_NUM",
    "FLX_DIS_DTD",
    "FLX_EMT_NUM",
    "FLX_EMT_ORD",
    "FLX_EMT_TYP",
    "FLX_TRT_DTD",
    "ORG_CLE_NUM",
    "PRS_ORD_NUM",
    "REM_TYP_AFF",
];

const PRS_PHA_ON: &str = "ph.DCT_ORD_NUM = p.DCT_ORD_NUM AND ph.FLX_DIS_DTD = p.FLX_DIS_DTD \
AND ph.FLX_EMT_NUM = p.FLX_EMT_NUM AND ph.FLX_EMT_ORD = p.FLX_EMT_ORD \
AND ph.FLX_EMT_TYP = p.FLX_EMT_TYP AND ph.FLX_TRT_DTD = p.FLX_TRT_DTD \
AND ph.ORG_CLE_NUM = p.ORG_CLE_NUM AND ph.PRS_ORD_NUM = p.PRS_ORD_NUM \
AND ph.REM_TYP_AFF = p.REM_TYP_AFF";

macro_rules! prs_pha {
    ($head:literal, $tail:literal) => {
        concat!(
            $head,
            " JOIN ER_PHA_F ph ON ph.DCT_ORD_NUM = p.DCT_ORD_NUM AND ph.FLX_DIS_DTD = p.FLX_DIS_DTD \
AND ph.FLX_EMT_NUM = p.FLX_EMT_NUM AND ph.FLX_EMT_ORD = p.FLX_EMT_ORD \
AND ph.FLX_EMT_TYP = p.FLX_EMT_TYP AND ph.FLX_TRT_DTD = p.FLX_TRT_DTD \
AND ph.ORG_CLE_NUM = p.ORG_CLE_NUM AND ph.PRS_ORD_NUM = p.PRS_ORD_NUM \
AND ph.REM_TYP_AFF = p.REM_TYP_AFF ",
            $tail
        )
    };
}

/// Every exercise, in order.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        id: 1,
        title_fr: "Les bénéficiaires par sexe",
        title_en: "Beneficiaries by sex",
        statement_fr: "Combien de bénéficiaires compte le référentiel IR_BEN_R pour chaque code de sexe ? Rendez deux colonnes : le code de sexe, le nombre de personnes.",
        statement_en: "How many beneficiaries does the IR_BEN_R reference table hold for each sex code? Return two columns: the sex code, the number of persons.",
        hints_fr: &["Le sexe est dans BEN_SEX_COD (1 homme, 2 femme).", "Regroupez avec GROUP BY et comptez avec count(*)."],
        hints_en: &["Sex is in BEN_SEX_COD (1 male, 2 female).", "Group with GROUP BY and count with count(*)."],
        tables: &["IR_BEN_R"],
        reference: "SELECT BEN_SEX_COD, count(*) FROM IR_BEN_R GROUP BY BEN_SEX_COD",
        ordered: false,
    },
    Exercise {
        id: 2,
        title_fr: "Sexe et tranche d'âge",
        title_en: "Sex and age band",
        statement_fr: "Comptez les bénéficiaires par sexe et par tranche d'âge atteint en 2019 : « 00-19 », « 20-39 », « 40-59 », « 60-79 », « 80+ ». Trois colonnes : sexe, tranche, effectif.",
        statement_en: "Count the beneficiaries by sex and by age reached in 2019, in the bands '00-19', '20-39', '40-59', '60-79', '80+'. Three columns: sex, band, count.",
        hints_fr: &["L'âge atteint en 2019 vaut 2019 - BEN_NAI_ANN.", "Une expression CASE WHEN … THEN '00-19' … END donne la tranche ; regroupez sur le sexe et sur cette expression."],
        hints_en: &["Age reached in 2019 is 2019 - BEN_NAI_ANN.", "A CASE WHEN … THEN '00-19' … END expression gives the band; group on sex and on that expression."],
        tables: &["IR_BEN_R"],
        reference: "SELECT BEN_SEX_COD, CASE WHEN 2019 - BEN_NAI_ANN < 20 THEN '00-19' WHEN 2019 - BEN_NAI_ANN < 40 THEN '20-39' WHEN 2019 - BEN_NAI_ANN < 60 THEN '40-59' WHEN 2019 - BEN_NAI_ANN < 80 THEN '60-79' ELSE '80+' END AS tranche, count(*) AS n FROM IR_BEN_R GROUP BY 1, 2",
        ordered: false,
    },
    Exercise {
        id: 3,
        title_fr: "Les personnes décédées",
        title_en: "Deceased persons",
        statement_fr: "Combien de bénéficiaires ont une date de décès renseignée dans IR_BEN_R ? Une seule valeur.",
        statement_en: "How many beneficiaries have a date of death in IR_BEN_R? A single value.",
        hints_fr: &["La date de décès est BEN_DCD_DTE ; elle est vide (NULL) pour les vivants.", "count(colonne) ne compte que les valeurs non nulles."],
        hints_en: &["The date of death is BEN_DCD_DTE; it is empty (NULL) for the living.", "count(column) only counts non-null values."],
        tables: &["IR_BEN_R"],
        reference: "SELECT count(BEN_DCD_DTE) FROM IR_BEN_R",
        ordered: false,
    },
    Exercise {
        id: 4,
        title_fr: "Les causes de décès",
        title_en: "Causes of death",
        statement_fr: "Dans la table des causes médicales de décès KI_CCI_R, comptez les décès par catégorie CIM-10 (les trois premiers caractères du code de cause). Deux colonnes : catégorie, nombre de décès.",
        statement_en: "In the medical causes of death table KI_CCI_R, count the deaths by ICD-10 category (the first three characters of the cause code). Two columns: category, number of deaths.",
        hints_fr: &["La cause est dans DCD_CIM_COD.", "substr(DCD_CIM_COD, 1, 3) donne la catégorie (I21 : infarctus aigu du myocarde)."],
        hints_en: &["The cause is in DCD_CIM_COD.", "substr(DCD_CIM_COD, 1, 3) gives the category (I21: acute myocardial infarction)."],
        tables: &["KI_CCI_R"],
        reference: "SELECT substr(DCD_CIM_COD, 1, 3) AS cat, count(*) AS deces FROM KI_CCI_R GROUP BY 1",
        ordered: false,
    },
    Exercise {
        id: 5,
        title_fr: "Les séjours par établissement",
        title_en: "Stays per hospital",
        statement_fr: "Combien de séjours MCO (T_MCOaaB) chaque établissement a-t-il produits ? Rendez le numéro FINESS et le nombre de séjours, du plus grand au plus petit nombre (à égalité, par FINESS croissant).",
        statement_en: "How many acute-care stays (T_MCOaaB) did each hospital produce? Return the FINESS number and the number of stays, largest first (ties by increasing FINESS).",
        hints_fr: &["Un séjour est identifié par ETA_NUM (l'établissement) et RSA_NUM (le résumé).", "ORDER BY 2 DESC, 1 trie sur la deuxième colonne puis la première."],
        hints_en: &["A stay is identified by ETA_NUM (the hospital) and RSA_NUM (the discharge summary).", "ORDER BY 2 DESC, 1 sorts on the second column, then the first."],
        tables: &["T_MCOaaB"],
        reference: "SELECT ETA_NUM, count(*) AS sejours FROM T_MCOaaB GROUP BY ETA_NUM ORDER BY 2 DESC, 1",
        ordered: true,
    },
    Exercise {
        id: 6,
        title_fr: "Durée de séjour des infarctus",
        title_en: "Length of stay of infarctions",
        statement_fr: "Quelle est la durée moyenne (en jours) des séjours MCO dont le diagnostic principal est un infarctus aigu du myocarde (codes CIM-10 commençant par I21) ? Une seule valeur.",
        statement_en: "What is the mean length (in days) of the acute-care stays whose main diagnosis is an acute myocardial infarction (ICD-10 codes starting with I21)? A single value.",
        hints_fr: &["Le diagnostic principal est DGN_PAL, la durée SEJ_NBJ.", "DGN_PAL LIKE 'I21%' retient les codes qui commencent par I21 ; avg() fait la moyenne."],
        hints_en: &["The main diagnosis is DGN_PAL, the length SEJ_NBJ.", "DGN_PAL LIKE 'I21%' keeps the codes starting with I21; avg() averages."],
        tables: &["T_MCOaaB"],
        reference: "SELECT avg(SEJ_NBJ) FROM T_MCOaaB WHERE DGN_PAL LIKE 'I21%'",
        ordered: false,
    },
    Exercise {
        id: 7,
        title_fr: "Un séjour et ses diagnostics associés",
        title_en: "A stay and its associated diagnoses",
        statement_fr: "Pour chaque diagnostic associé (T_MCOaaD), donnez l'établissement, le numéro de séjour, le diagnostic principal du séjour (T_MCOaaB) et le diagnostic associé. Quatre colonnes.",
        statement_en: "For each associated diagnosis (T_MCOaaD), give the hospital, the stay number, the stay's main diagnosis (T_MCOaaB) and the associated diagnosis. Four columns.",
        hints_fr: &["Dans le PMSI, un séjour se retrouve dans ses tables filles par le couple ETA_NUM + RSA_NUM.", "Joindre sur RSA_NUM seul mélangerait des séjours de deux hôpitaux différents."],
        hints_en: &["In the PMSI, a stay is found in its child tables by the pair ETA_NUM + RSA_NUM.", "Joining on RSA_NUM alone would mix stays of two different hospitals."],
        tables: &["T_MCOaaB", "T_MCOaaD"],
        reference: "SELECT b.ETA_NUM, b.RSA_NUM, b.DGN_PAL, d.ASS_DGN FROM T_MCOaaB b JOIN T_MCOaaD d ON d.ETA_NUM = b.ETA_NUM AND d.RSA_NUM = b.RSA_NUM",
        ordered: false,
    },
    Exercise {
        id: 8,
        title_fr: "Les boîtes délivrées par sexe",
        title_en: "Boxes dispensed by sex",
        statement_fr: "Joignez les prestations (ER_PRS_F) à leurs lignes de pharmacie (ER_PHA_F) et donnez, pour chaque sexe du bénéficiaire, le nombre total de boîtes délivrées. Deux colonnes.",
        statement_en: "Join the prestations (ER_PRS_F) to their pharmacy rows (ER_PHA_F) and give, for each sex of the beneficiary, the total number of boxes dispensed. Two columns.",
        hints_fr: &["Une ligne de pharmacie rejoint sa prestation par les neuf clés du DCIR : DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF.", "Le nombre de boîtes est PHA_ACT_QSN ; le sexe BEN_SEX_COD de la prestation."],
        hints_en: &["A pharmacy row joins its prestation on the nine DCIR keys: DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF.", "The number of boxes is PHA_ACT_QSN; the sex is the prestation's BEN_SEX_COD."],
        tables: &["ER_PRS_F", "ER_PHA_F"],
        reference: prs_pha!("SELECT p.BEN_SEX_COD, sum(ph.PHA_ACT_QSN) AS boites FROM ER_PRS_F p", "GROUP BY p.BEN_SEX_COD"),
        ordered: false,
    },
    Exercise {
        id: 9,
        title_fr: "Médicaments après un infarctus",
        title_en: "Drugs after a myocardial infarction",
        statement_fr: "Quels médicaments (codes CIP13) ont été délivrés, à la date d'entrée ou après, à des personnes hospitalisées pour un infarctus aigu du myocarde (diagnostic principal I21…) ? La liste des codes distincts.",
        statement_en: "Which drugs (CIP13 codes) were dispensed, on or after the admission date, to persons hospitalised for an acute myocardial infarction (main diagnosis I21…)? The list of distinct codes.",
        hints_fr: &["Le séjour (T_MCOaaB) mène à la personne par T_MCOaaC (ETA_NUM + RSA_NUM), qui porte NIR_ANO_17, l'identifiant qui vaut BEN_NIR_PSA dans le DCIR.", "ENT_DAT est au format JJMMAAAA : substr(ENT_DAT,5,4)||'-'||substr(ENT_DAT,3,2)||'-'||substr(ENT_DAT,1,2) la rend comparable à EXE_SOI_DTD.", "Puis les neuf clés du DCIR entre ER_PRS_F et ER_PHA_F ; le code est PHA_PRS_C13."],
        hints_en: &["The stay (T_MCOaaB) leads to the person through T_MCOaaC (ETA_NUM + RSA_NUM), which holds NIR_ANO_17, the id that is BEN_NIR_PSA in the DCIR.", "ENT_DAT is DDMMYYYY: substr(ENT_DAT,5,4)||'-'||substr(ENT_DAT,3,2)||'-'||substr(ENT_DAT,1,2) makes it comparable with EXE_SOI_DTD.", "Then the nine DCIR keys between ER_PRS_F and ER_PHA_F; the code is PHA_PRS_C13."],
        tables: &["T_MCOaaB", "T_MCOaaC", "ER_PRS_F", "ER_PHA_F"],
        reference: prs_pha!("SELECT DISTINCT ph.PHA_PRS_C13 FROM T_MCOaaB b JOIN T_MCOaaC c ON c.ETA_NUM = b.ETA_NUM AND c.RSA_NUM = b.RSA_NUM JOIN ER_PRS_F p ON p.BEN_NIR_PSA = c.NIR_ANO_17 AND p.EXE_SOI_DTD >= substr(c.ENT_DAT, 5, 4) || '-' || substr(c.ENT_DAT, 3, 2) || '-' || substr(c.ENT_DAT, 1, 2)", "WHERE b.DGN_PAL LIKE 'I21%'"),
        ordered: false,
    },
    Exercise {
        id: 10,
        title_fr: "Les affections de longue durée",
        title_en: "Long-term conditions (ALD)",
        statement_fr: "Combien de personnes distinctes ont une ALD, pour chaque numéro d'ALD (IR_IMB_R) ? Deux colonnes : numéro d'ALD, nombre de personnes.",
        statement_en: "How many distinct persons have a long-term condition, for each ALD number (IR_IMB_R)? Two columns: ALD number, number of persons.",
        hints_fr: &["Le numéro d'ALD est IMB_ALD_NUM.", "Une personne peut avoir plusieurs lignes : count(DISTINCT BEN_NIR_PSA)."],
        hints_en: &["The ALD number is IMB_ALD_NUM.", "A person may have several rows: count(DISTINCT BEN_NIR_PSA)."],
        tables: &["IR_IMB_R"],
        reference: "SELECT IMB_ALD_NUM, count(DISTINCT BEN_NIR_PSA) FROM IR_IMB_R GROUP BY IMB_ALD_NUM",
        ordered: false,
    },
    Exercise {
        id: 11,
        title_fr: "Hospitalisés par sexe",
        title_en: "Hospitalised persons by sex",
        statement_fr: "Combien de personnes distinctes ont au moins un séjour MCO, par sexe du référentiel des bénéficiaires ? Deux colonnes : sexe (BEN_SEX_COD), nombre de personnes.",
        statement_en: "How many distinct persons have at least one acute-care stay, by sex from the beneficiary reference table? Two columns: sex (BEN_SEX_COD), number of persons.",
        hints_fr: &["T_MCOaaC relie le séjour à la personne : NIR_ANO_17 = BEN_NIR_PSA de IR_BEN_R.", "Comptez les NIR_ANO_17 distincts."],
        hints_en: &["T_MCOaaC links the stay to the person: NIR_ANO_17 = BEN_NIR_PSA of IR_BEN_R.", "Count distinct NIR_ANO_17."],
        tables: &["T_MCOaaC", "IR_BEN_R"],
        reference: "SELECT ben.BEN_SEX_COD, count(DISTINCT c.NIR_ANO_17) FROM T_MCOaaC c JOIN IR_BEN_R ben ON ben.BEN_NIR_PSA = c.NIR_ANO_17 GROUP BY ben.BEN_SEX_COD",
        ordered: false,
    },
    Exercise {
        id: 12,
        title_fr: "Montants remboursés par nature de prestation",
        title_en: "Amounts reimbursed by prestation nature",
        statement_fr: "Pour chaque nature de prestation (PRS_NAT_REF), quel est le total de la base de remboursement (BSE_REM_MNT) ? Du plus grand total au plus petit. Deux colonnes.",
        statement_en: "For each prestation nature (PRS_NAT_REF), what is the total reimbursement base (BSE_REM_MNT)? Largest total first. Two columns.",
        hints_fr: &["sum(BSE_REM_MNT) par PRS_NAT_REF.", "ORDER BY 2 DESC."],
        hints_en: &["sum(BSE_REM_MNT) per PRS_NAT_REF.", "ORDER BY 2 DESC."],
        tables: &["ER_PRS_F"],
        reference: "SELECT PRS_NAT_REF, sum(BSE_REM_MNT) AS total FROM ER_PRS_F GROUP BY PRS_NAT_REF ORDER BY 2 DESC",
        ordered: true,
    },
    Exercise {
        id: 13,
        title_fr: "Le piège des jumeaux",
        title_en: "The twins trap",
        statement_fr: "Combien de prestations du DCIR retrouvent leur bénéficiaire dans IR_BEN_R quand on joint correctement, sur l'identifiant ET le rang de naissance ? Une seule valeur.",
        statement_en: "How many DCIR prestations find their beneficiary in IR_BEN_R when joined correctly, on the id AND the birth rank? A single value.",
        hints_fr: &["Des jumeaux de même sexe partagent le même BEN_NIR_PSA ; BEN_RNG_GEM les distingue.", "JOIN IR_BEN_R ben ON ben.BEN_NIR_PSA = p.BEN_NIR_PSA AND ben.BEN_RNG_GEM = p.BEN_RNG_GEM"],
        hints_en: &["Twins of the same sex share the same BEN_NIR_PSA; BEN_RNG_GEM tells them apart.", "JOIN IR_BEN_R ben ON ben.BEN_NIR_PSA = p.BEN_NIR_PSA AND ben.BEN_RNG_GEM = p.BEN_RNG_GEM"],
        tables: &["ER_PRS_F", "IR_BEN_R"],
        reference: "SELECT count(*) FROM ER_PRS_F p JOIN IR_BEN_R ben ON ben.BEN_NIR_PSA = p.BEN_NIR_PSA AND ben.BEN_RNG_GEM = p.BEN_RNG_GEM",
        ordered: false,
    },
];

/// The exercise numbered `id`.
pub fn exercise(id: u32) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.id == id)
}

/// The ON clause of the nine DCIR keys between aliases `p` (prestation) and `ph` (pharmacy).
pub fn prs_pha_on() -> &'static str {
    PRS_PHA_ON
}

/// How a learner's result compares with the reference's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Comparison {
    /// Same result set.
    pub pass: bool,
    /// Why not, in words (French / English).
    pub message: String,
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|_| {
            // Codes with leading zeros stay text: "014" is not 14.
            !(s.len() > 1 && s.starts_with('0') && !s.starts_with("0."))
        }),
        _ => None,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0),
        _ => match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::String(x), Value::String(y)) => x == y,
            _ => a == b,
        },
    }
}

/// A key that sorts rows the same way whatever their values' types (numbers first, rounded).
fn sort_key(r: &[Value]) -> Vec<String> {
    r.iter()
        .map(|v| match num(v) {
            Some(x) => format!("0{:+030.6}", x),
            None => match v {
                Value::Null => "2".into(),
                Value::String(s) => format!("1{s}"),
                o => format!("3{o}"),
            },
        })
        .collect()
}

/// Compares a learner's rows with the reference's.
pub fn compare(learner: &[Vec<Value>], reference: &[Vec<Value>], ordered: bool) -> Comparison {
    let fail = |m: String| Comparison {
        pass: false,
        message: m,
    };
    let lw = learner.first().map(|r| r.len());
    let rw = reference.first().map(|r| r.len());
    if let (Some(l), Some(r)) = (lw, rw) {
        if l != r {
            return fail(format!(
                "{l} colonne(s) au lieu de {r} / {l} column(s) instead of {r}"
            ));
        }
    }
    if learner.len() != reference.len() {
        return fail(format!(
            "{} ligne(s) au lieu de {} / {} row(s) instead of {}",
            learner.len(),
            reference.len(),
            learner.len(),
            reference.len()
        ));
    }
    let (mut l, mut r): (Vec<&Vec<Value>>, Vec<&Vec<Value>>) =
        (learner.iter().collect(), reference.iter().collect());
    if !ordered {
        l.sort_by_key(|x| sort_key(x));
        r.sort_by_key(|x| sort_key(x));
    }
    for (i, (a, b)) in l.iter().zip(&r).enumerate() {
        if !a.iter().zip(b.iter()).all(|(x, y)| same(x, y)) {
            let what = if ordered {
                format!(
                    "la ligne {} diffère (ou l'ordre) / row {} differs (or the order)",
                    i + 1,
                    i + 1
                )
            } else {
                "les valeurs diffèrent de la référence / the values differ from the reference"
                    .to_string()
            };
            return fail(what);
        }
    }
    Comparison {
        pass: true,
        message: "Bravo : même résultat que la référence / Well done: same result as the reference"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_dense_and_there_are_at_least_twelve() {
        assert!(EXERCISES.len() >= 12);
        for (i, e) in EXERCISES.iter().enumerate() {
            assert_eq!(e.id as usize, i + 1);
            assert!(!e.hints_fr.is_empty() && e.hints_fr.len() == e.hints_en.len());
        }
        assert!(exercise(9).unwrap().reference.contains("REM_TYP_AFF"));
    }

    #[test]
    fn order_names_and_number_types_do_not_matter_unless_asked() {
        let r = vec![vec![json!(1), json!(33)], vec![json!(2), json!(27)]];
        let l = vec![vec![json!("2"), json!(27.0)], vec![json!(1), json!(33)]];
        assert!(compare(&l, &r, false).pass);
        assert!(!compare(&l, &r, true).pass);
        assert!(!compare(&l[..1], &r, false).pass);
        let w = vec![vec![json!(1), json!(34)], vec![json!(2), json!(27)]];
        assert!(!compare(&w, &r, false).pass);
        assert!(!compare(&[vec![json!("014")]], &[vec![json!(14)]], false).pass);
    }
}
