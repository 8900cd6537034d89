//! The synthetic world, person by person: who they are, then their stays in hospital and their
//! care in town, written as rows as soon as they are made (grown from the small world of
//! `tools/gen-samples`). Each person has their own random stream, derived from the seed and their
//! number; the counters that make keys unique (DCIR document numbers, PMSI stay numbers) run over
//! persons in order. Both make the output a function of the seed alone.

use super::date::Date;
use super::out::{pick_code, text, Row, TableOut, Val};
use super::rng::Rng;
use super::{CodeLists, GenerateOptions, TableCount};
use crate::Result;
use std::collections::HashMap;

fn care_start() -> Date {
    Date::ymd(2019, 1, 1)
}
fn care_end() -> Date {
    Date::ymd(2023, 12, 31)
}
fn extract_date() -> Date {
    Date::ymd(2024, 1, 31)
}
/// Causes of death reach the SNDS late: deaths after this year are not yet in KI_CCI_R.
const LAST_CODED_DEATH_YEAR: i64 = 2022;
const MAX_DEPTS: usize = 12;
/// Rows of a reference table the world does not model.
const REFERENCE_ROWS: usize = 10;
/// Chance that a generated row gets a row in a child table the world does not model.
const CHILD_CHANCE: f64 = 0.5;
/// Chance that a person gets a row in a person table the world does not model.
const PERSON_CHANCE: f64 = 0.3;
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The tables the world models.
pub(crate) const KNOWN: [&str; 13] = [
    "IR_BEN_R", "ER_PRS_F", "ER_PHA_F", "ER_CAM_F", "ER_ETE_F", "T_MCOaaB", "T_MCOaaC", "T_MCOaaD",
    "T_MCOaaA", "IR_IMB_R", "KI_CCI_R", "DA_PRA_R", "BE_IDE_R",
];
/// Columns that identify a person.
const PERSON_COLS: [&str; 3] = ["BEN_NIR_PSA", "NIR_ANO_17", "BEN_IDT_ANO"];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Cond {
    Diabetes,
    Coronary,
    Stroke,
    BreastCancer,
    HeartFailure,
    Asthma,
    Depression,
    Parkinson,
}

impl Cond {
    fn icd(self) -> &'static str {
        match self {
            Cond::Diabetes => "E119",
            Cond::Coronary => "I219",
            Cond::Stroke => "I639",
            Cond::BreastCancer => "C509",
            Cond::HeartFailure => "I509",
            Cond::Asthma => "J459",
            Cond::Depression => "F329",
            Cond::Parkinson => "G20",
        }
    }
    fn ald(self) -> i64 {
        match self {
            Cond::Diabetes => 8,
            Cond::Coronary => 13,
            Cond::Stroke => 1,
            Cond::BreastCancer => 30,
            Cond::HeartFailure => 5,
            Cond::Asthma => 14,
            Cond::Depression => 23,
            Cond::Parkinson => 16,
        }
    }
    fn specialty(self) -> i64 {
        match self {
            Cond::Diabetes => 42,
            Cond::Coronary | Cond::HeartFailure => 3,
            Cond::Stroke | Cond::Parkinson => 32,
            Cond::BreastCancer => 73,
            Cond::Asthma => 13,
            Cond::Depression => 33,
        }
    }
    fn acute_onset(self) -> bool {
        matches!(self, Cond::Coronary | Cond::Stroke | Cond::BreastCancer)
    }
}

struct Dept {
    code3: String,
    code2: String,
}

struct Etab {
    finess: String,
    ges: String,
    name: String,
    cat: i64,
    public: bool,
    dept: usize,
    postal: String,
    com: String,
    next_rsa: i64,
}

struct Ps {
    num: String,
    spe: i64,
    sex: i64,
    birth_year: i64,
    dept: usize,
    cnv: i64,
    installed: Date,
    com: String,
    postal: String,
    finess: Option<String>,
}

struct Person {
    nir_psa: String,
    nir_ano: String,
    idt_ano: String,
    sex: i64,
    birth: Date,
    dept: usize,
    commune: String,
    org: String,
    death: Option<Date>,
    cond: Option<Cond>,
    ald: Option<(Date, Date)>,
    stays: Vec<(Date, Date)>,
    /// Main diagnosis of the stay that ended in death.
    death_dp: Option<(&'static str, usize)>,
    last_care: Option<Date>,
}

impl Person {
    fn first_day(&self) -> Date {
        self.birth.add(1).max(care_start())
    }
    fn last_day(&self) -> Date {
        self.death.map_or(care_end(), |d| d.add(-1).min(care_end()))
    }
    fn age(&self, d: Date) -> i64 {
        d.years_since(self.birth)
    }
    fn ald_active(&self, d: Date) -> bool {
        self.ald.is_some_and(|(a, b)| a <= d && d <= b)
    }
    fn busy(&self, d: Date) -> bool {
        self.stays.iter().any(|&(a, b)| a <= d && d <= b)
    }
}

/// How a table the world does not model gets rows.
#[derive(Clone, Copy, PartialEq)]
enum How {
    World,
    Child(usize),
    Person,
    Reference,
}

/// Index of each modelled table in the output, when it is generated.
#[derive(Default)]
struct Ix {
    ben: Option<usize>,
    prs: Option<usize>,
    pha: Option<usize>,
    cam: Option<usize>,
    ete: Option<usize>,
    b: Option<usize>,
    c: Option<usize>,
    d: Option<usize>,
    a: Option<usize>,
    imb: Option<usize>,
    cci: Option<usize>,
    pra: Option<usize>,
    ide: Option<usize>,
}

/// What a prestation's detail row holds.
enum Detail {
    None,
    /// (CIP13, boxes, unit price)
    Pharma(Vec<(String, i64, f64)>),
    /// (CCAM code, price)
    Ccam(&'static str, f64),
    Etab(usize, Option<i64>),
}

struct Prest {
    start: Date,
    end: Date,
    nature: i64,
    qte: f64,
    bse: f64,
    pai: f64,
    tau: f64,
    exe: Option<usize>,
    pre: Option<usize>,
    etb_pre: Option<usize>,
    presc: Option<Date>,
    detail: Detail,
}

struct StayPlan {
    dp: &'static str,
    dr: Option<&'static str>,
    das: Vec<&'static str>,
    acts: Vec<(&'static str, &'static str, i64)>,
    los: (i64, i64),
    via_er: bool,
    clinic_ok: bool,
}

fn plan(dp: &'static str, los: (i64, i64), via_er: bool) -> StayPlan {
    StayPlan {
        dp,
        dr: None,
        das: Vec::new(),
        acts: Vec::new(),
        los,
        via_er,
        clinic_ok: false,
    }
}

fn ean13(first12: &str) -> String {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

fn luhn(first8: &str) -> String {
    let sum: u32 = first8
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    format!("{first8}{}", (10 - sum % 10) % 10)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A 17-character pseudonym unique per person: six random characters, then the person's
/// number scrambled by a bijection of `0..36^11` (multiplication by a number prime to 36).
fn pseudonym(i: u64, k: u64, rng: &mut Rng) -> String {
    const M: u128 = 131_621_703_842_267_136; // 36^11
    let mut x = ((i as u128) * (k as u128) + 0x1F2E_3D4C_5B6A) % M;
    let mut tail = [b'0'; 11];
    for c in tail.iter_mut().rev() {
        *c = ALNUM[(x % 36) as usize];
        x /= 36;
    }
    let mut s = rng.chars(ALNUM, 6);
    s.push_str(std::str::from_utf8(&tail).expect("ascii"));
    s
}

struct World<'a> {
    outs: Vec<TableOut>,
    how: Vec<How>,
    children: Vec<Vec<usize>>,
    ix: Ix,
    codes: &'a CodeLists,
    depts: Vec<Dept>,
    etabs: Vec<Etab>,
    ps: Vec<Ps>,
    cips: Vec<(String, f64)>,
    dct: i64,
    processed: u64,
}

pub(crate) fn run(
    outs: Vec<TableOut>,
    codes: &CodeLists,
    opts: &GenerateOptions,
) -> Result<Vec<TableCount>> {
    let by_name: HashMap<String, usize> = outs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.table.name.clone(), i))
        .collect();
    let get = |n: &str| by_name.get(n).copied();
    let ix = Ix {
        ben: get("IR_BEN_R"),
        prs: get("ER_PRS_F"),
        pha: get("ER_PHA_F"),
        cam: get("ER_CAM_F"),
        ete: get("ER_ETE_F"),
        b: get("T_MCOaaB"),
        c: get("T_MCOaaC"),
        d: get("T_MCOaaD"),
        a: get("T_MCOaaA"),
        imb: get("IR_IMB_R"),
        cci: get("KI_CCI_R"),
        pra: get("DA_PRA_R"),
        ide: get("BE_IDE_R"),
    };
    let how = classify(&outs, &by_name);
    let mut children = vec![Vec::new(); outs.len()];
    for (i, h) in how.iter().enumerate() {
        if let How::Child(p) = h {
            children[*p].push(i);
        }
    }
    let mut w = World {
        outs,
        how,
        children,
        ix,
        codes,
        depts: Vec::new(),
        etabs: Vec::new(),
        ps: Vec::new(),
        cips: Vec::new(),
        dct: 1_000_000,
        processed: 0,
    };
    let mut rng = Rng::derive(opts.seed, 1);
    w.pools(&mut rng);
    w.write_pools(&mut rng)?;
    for i in 0..opts.persons {
        let mut rng = Rng::derive(opts.seed, 0x1_0000_0000 + i);
        w.person(i, &mut rng)?;
    }
    let mut rng = Rng::derive(opts.seed, 2);
    for t in 0..w.outs.len() {
        if w.how[t] == How::Reference {
            for _ in 0..REFERENCE_ROWS {
                let anchor = care_start().add(rng.range(0, care_end().0 - care_start().0));
                w.emit(Some(t), None, anchor, None, &mut rng, |_, _| {})?;
            }
        }
    }
    let World { outs, how, .. } = w;
    let names: Vec<String> = outs.iter().map(|o| o.table.name.clone()).collect();
    let mut counts = Vec::new();
    for (o, h) in outs.into_iter().zip(how) {
        let (name, produit) = (o.table.name.clone(), o.table.produit.clone());
        let rows = o.finish()?;
        let how = match h {
            How::World => "world".to_string(),
            How::Child(p) => format!("child of {}", names[p]),
            How::Person => "person".into(),
            How::Reference => "reference".into(),
        };
        counts.push(TableCount {
            name,
            produit,
            how,
            rows,
        });
    }
    Ok(counts)
}

/// Decides how each table gets rows: modelled, child of a generated table (first foreign key
/// to a modelled table, else to a generated one), rows of some persons, or a few typed rows.
fn classify(outs: &[TableOut], by_name: &HashMap<String, usize>) -> Vec<How> {
    let mut how: Vec<Option<How>> = outs
        .iter()
        .map(|o| KNOWN.contains(&o.table.name.as_str()).then_some(How::World))
        .collect();
    let has_person = |o: &TableOut| PERSON_COLS.iter().any(|c| o.col(c).is_some());
    // Children of modelled tables.
    for (i, o) in outs.iter().enumerate() {
        if how[i].is_some() {
            continue;
        }
        for fk in &o.table.foreign_keys {
            if let Some(&p) = by_name.get(&fk.table) {
                if how[p] == Some(How::World) && p != i {
                    how[i] = Some(How::Child(p));
                    break;
                }
            }
        }
    }
    // Person tables: a person column, or a child (by key) that has one.
    for (i, o) in outs.iter().enumerate() {
        if how[i].is_none() && has_person(o) {
            how[i] = Some(How::Person);
        }
    }
    for (i, o) in outs.iter().enumerate() {
        if how[i].is_some() {
            continue;
        }
        let parent_of_person = outs.iter().any(|c| {
            has_person(c)
                && c.table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.table == o.table.name)
        });
        if parent_of_person {
            how[i] = Some(How::Person);
        }
    }
    // Children of generated tables, a few rounds for chains.
    for _ in 0..4 {
        for i in 0..outs.len() {
            if matches!(how[i], Some(How::World | How::Child(_))) {
                continue;
            }
            let parent = outs[i].table.foreign_keys.iter().find_map(|fk| {
                let p = *by_name.get(&fk.table)?;
                (p != i && how[p].is_some() && how[p] != Some(How::Reference)).then_some(p)
            });
            // A person table keyed to another generated table follows that table's rows.
            if let Some(p) = parent {
                if !creates_cycle(&how, i, p) {
                    how[i] = Some(How::Child(p));
                }
            }
        }
    }
    how.into_iter()
        .map(|h| h.unwrap_or(How::Reference))
        .collect()
}

fn creates_cycle(how: &[Option<How>], child: usize, mut p: usize) -> bool {
    for _ in 0..how.len() {
        if p == child {
            return true;
        }
        match how[p] {
            Some(How::Child(q)) => p = q,
            _ => return false,
        }
    }
    true
}

impl World<'_> {
    fn pools(&mut self, rng: &mut Rng) {
        let fallback: Vec<String> = ["013", "031", "033", "059", "069", "075"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut candidates: Vec<String> = self
            .codes
            .get("IR_DPT_V")
            .map(|l| l.codes.clone())
            .unwrap_or(fallback)
            .into_iter()
            .filter(|c| {
                c.len() == 3
                    && c.bytes().all(|b| b.is_ascii_digit())
                    && c.as_str() >= "010"
                    && c.as_str() <= "095"
            })
            .collect();
        if candidates.is_empty() {
            candidates = vec!["075".into()];
        }
        for _ in 0..MAX_DEPTS.min(candidates.len()) {
            let i = rng.below(candidates.len() as u64) as usize;
            let code3 = candidates.remove(i);
            self.depts.push(Dept {
                code2: code3[1..].to_owned(),
                code3,
            });
        }
        self.depts.sort_by(|a, b| a.code3.cmp(&b.code3));
        let n = self.depts.len();
        let mut plan: Vec<(i64, bool, usize, &str)> = vec![(101, true, 0, "CHR")];
        for d in 1..n {
            plan.push((355, true, d, "CH"));
        }
        plan.push((131, true, 0, "CLCC"));
        for d in (0..n).step_by(3) {
            plan.push((128, false, (d + 1) % n, "CLINIQUE"));
        }
        for (i, (cat, public, dept, label)) in plan.into_iter().enumerate() {
            let finess = luhn(&format!(
                "{}{:06}",
                self.depts[dept].code2,
                i * 7919 % 1_000_000
            ));
            let ges = luhn(&format!("{}{}", self.depts[dept].code2, rng.digits(6)));
            let postal = format!("{}{}", self.depts[dept].code2, rng.range(100, 990));
            let com = format!("{}{}", self.depts[dept].code2, rng.digits(3));
            self.etabs.push(Etab {
                finess,
                ges,
                name: format!("{label} FICTIF {:02}", i + 1),
                cat,
                public,
                dept,
                postal,
                com,
                next_rsa: rng.range(100, 900),
            });
        }
        let mut k = 0;
        let mut add = |w: &mut Self, spe: i64, dept: usize, rng: &mut Rng| {
            k += 1;
            let num = format!("{}{:06}", w.depts[dept].code2, k * 104_729 % 1_000_000);
            let birth_year = rng.range(1955, 1990);
            let installed = Date::ymd(birth_year + 30, 1, 1).add(rng.range(0, 3000));
            let cnv = if ![1, 24, 26, 50].contains(&spe) && rng.chance(0.4) {
                3
            } else {
                1
            };
            let finess = (spe == 50).then(|| format!("{}{}", w.depts[dept].code2, rng.digits(6)));
            w.ps.push(Ps {
                num,
                spe,
                sex: rng.range(1, 2),
                birth_year,
                dept,
                cnv,
                installed,
                com: rng.digits(3),
                postal: format!("{}{}", w.depts[dept].code2, rng.range(100, 990)),
                finess,
            });
        };
        for d in 0..n {
            for spe in [1, 1, 50, 24, 26] {
                add(self, spe, d, rng);
            }
        }
        for spe in [3, 6, 7, 13, 32, 33, 42, 73] {
            for _ in 0..2 {
                let d = rng.below(n as u64) as usize;
                add(self, spe, d, rng);
            }
        }
        for _ in 0..60 {
            let cip = ean13(&format!("34009{}", rng.digits(7)));
            let price = round2(rng.range(150, 4500) as f64 / 100.0);
            self.cips.push((cip, price));
        }
        // Real pack codes when the catalogue has a list for them.
        if let Some(list) = self.pha_list() {
            for c in self.cips.iter_mut() {
                c.0 = rng.pick(&list.codes).clone();
            }
        }
    }

    fn pha_list(&self) -> Option<std::sync::Arc<super::CodeList>> {
        let t = &self.outs[self.ix.pha?];
        let v = t.table.variables.iter().find(|v| v.name == "PHA_PRS_C13")?;
        self.codes
            .for_ref(v.nomenclature.as_ref()?)
            .filter(|l| !l.codes.is_empty())
    }

    fn write_pools(&mut self, rng: &mut Rng) -> Result<()> {
        let day = Date::ymd(2023, 12, 1);
        for k in 0..self.ps.len() {
            let ps = &self.ps[k];
            let vals = vec![
                ("DTE_MOI_FIN", Val::Date(day)),
                ("DTE_ANN_TRT", Val::Int(2023)),
                ("PFS_PFS_NUM", text(&ps.num)),
                ("IPP_SEX_COD", text(ps.sex.to_string())),
                ("IPP_ANN_NAI", Val::Int(ps.birth_year)),
                ("CAI_NUM", text(&self.depts[ps.dept].code3)),
                ("PFS_PRA_SPE", text(ps.spe.to_string())),
                ("CNV_CNV_COD", text(ps.cnv.to_string())),
                ("PFS_INS_DSD", Val::Date(ps.installed)),
                ("PFS_EXC_COM", text(&ps.com)),
                ("PFS_COD_POS", text(&ps.postal)),
            ];
            let fin = ps.finess.clone();
            self.emit(self.ix.pra, None, day, None, rng, |t, r| {
                for (n, v) in vals {
                    t.set(r, n, v);
                }
                if let Some(f) = fin {
                    t.set(r, "PFS_FIN_NUM", text(f));
                }
            })?;
        }
        for k in 0..self.etabs.len() {
            let e = &self.etabs[k];
            let vals = vec![
                ("IDE_ETA_NUM", text(&e.finess)),
                ("IDE_ETA_NU8", text(&e.finess[..8])),
                ("IDE_ETA_NOM", text(&e.name)),
                ("IDE_BDI_COD", text(&e.postal)),
                (
                    "IDE_CPT_RSC",
                    text(format!("{} (DONNEES SYNTHETIQUES)", e.name)),
                ),
                ("IDE_INS_COM", text(&e.com)),
                ("IDE_PSH_CAT", text(e.cat.to_string())),
                ("IDE_GES_NUM", text(&e.ges)),
                ("IDE_IMP_DPT", text(&self.depts[e.dept].code3)),
            ];
            self.emit(self.ix.ide, None, day, None, rng, |t, r| {
                for (n, v) in vals {
                    t.set(r, n, v);
                }
            })?;
        }
        Ok(())
    }

    /// Writes one row of table `t` (when generated): person columns, the parent's keys, then
    /// `fill`; then rows of the tables keyed to it. Returns the row.
    fn emit(
        &mut self,
        t: Option<usize>,
        p: Option<&Person>,
        anchor: Date,
        parent: Option<(usize, &Row)>,
        rng: &mut Rng,
        fill: impl FnOnce(&TableOut, &mut Row),
    ) -> Result<Option<Row>> {
        let Some(t) = t else { return Ok(None) };
        let o = &self.outs[t];
        let mut row = o.row(anchor, p.map(|p| (p.sex, p.age(anchor))));
        if let Some(p) = p {
            self.person_cols(o, &mut row, p);
        }
        if let Some((pi, prow)) = parent {
            o.copy_keys(&mut row, &self.outs[pi], prow);
        }
        fill(o, &mut row);
        self.outs[t].write(&row, rng)?;
        self.children(t, &row, p, rng, 0)?;
        Ok(Some(row))
    }

    fn children(
        &mut self,
        t: usize,
        row: &Row,
        p: Option<&Person>,
        rng: &mut Rng,
        depth: usize,
    ) -> Result<()> {
        if depth > 4 || self.children[t].is_empty() {
            return Ok(());
        }
        for k in 0..self.children[t].len() {
            let c = self.children[t][k];
            if !rng.chance(CHILD_CHANCE) {
                continue;
            }
            let o = &self.outs[c];
            let mut crow = o.row(row.anchor, row.person);
            if let Some(p) = p {
                self.person_cols(o, &mut crow, p);
            }
            o.copy_keys(&mut crow, &self.outs[t], row);
            self.outs[c].write(&crow, rng)?;
            self.children(c, &crow, p, rng, depth + 1)?;
        }
        Ok(())
    }

    fn person_cols(&self, o: &TableOut, r: &mut Row, p: &Person) {
        o.set(r, "BEN_NIR_PSA", text(&p.nir_psa));
        o.set(r, "BEN_RNG_GEM", Val::Int(1));
        o.set(r, "NIR_ANO_17", text(&p.nir_psa));
        o.set(r, "BEN_NIR_ANO", text(&p.nir_ano));
        o.set(r, "BEN_IDT_ANO", text(&p.idt_ano));
        o.set(r, "BEN_SEX_COD", Val::Int(p.sex));
        o.set(r, "BEN_NAI_ANN", Val::Int(p.birth.year()));
        o.set(r, "BEN_NAI_MOI", Val::Date(p.birth));
        o.set(r, "BEN_RES_DPT", text(&self.depts[p.dept].code3));
        o.set(r, "BEN_RES_COM", text(&p.commune));
        o.set(r, "ORG_AFF_BEN", text(&p.org));
        if let Some(d) = p.death {
            o.set(r, "BEN_DCD_DTE", Val::Date(d));
            o.set(r, "BEN_DCD_AME", Val::Date(d));
        } else {
            o.set(r, "BEN_DCD_DTE", text(""));
            o.set(r, "BEN_DCD_AME", text(""));
        }
    }

    fn ps_for(&self, spe: i64, dept: usize) -> usize {
        self.ps
            .iter()
            .position(|p| p.spe == spe && p.dept == dept)
            .or_else(|| self.ps.iter().position(|p| p.spe == spe))
            .unwrap_or(0)
    }

    fn person(&mut self, i: u64, rng: &mut Rng) -> Result<()> {
        let sex = rng.range(1, 2);
        let group = rng.weighted(&[0.22, 0.5, 0.28]);
        let age = [rng.range(0, 19), rng.range(20, 64), rng.range(65, 98)][group];
        let birth = Date::ymd(2021 - age, 1, 1).add(rng.range(0, 364));
        let dept = rng.below(self.depts.len() as u64) as usize;
        let pd = match age {
            85.. => 0.45,
            75..=84 => 0.2,
            65..=74 => 0.08,
            50..=64 => 0.03,
            _ => 0.002,
        };
        let death = rng.chance(pd).then(|| {
            let from = care_start().max(birth.add(2));
            from.add(rng.range(0, (care_end().0 - from.0).max(0)))
        });
        let cond = draw_condition(rng, age, sex);
        let mut p = Person {
            nir_psa: pseudonym(i, 0x5DEE_CE66D, rng),
            nir_ano: pseudonym(i, 0x2545_F491_4F6C_DD1D, rng),
            idt_ano: pseudonym(i, 0x9E37_79B9_7F4A_7C15, rng),
            sex,
            birth,
            dept,
            commune: rng.digits(3),
            org: format!("01C{}{}", self.depts[dept].code3, rng.digits(3)),
            death,
            cond,
            ald: None,
            stays: Vec::new(),
            death_dp: None,
            last_care: None,
        };
        self.care(&mut p, rng)?;
        self.beneficiary(&p, rng)?;
        // Rows of person tables the world does not model.
        let (first, last) = (p.first_day(), p.last_day());
        for t in 0..self.outs.len() {
            if self.how[t] == How::Person && first <= last && rng.chance(PERSON_CHANCE) {
                let d = first.add(rng.range(0, last.0 - first.0));
                self.emit(Some(t), Some(&p), d, None, rng, |_, _| {})?;
            }
        }
        Ok(())
    }

    fn beneficiary(&mut self, p: &Person, rng: &mut Rng) -> Result<()> {
        let inserted = p.birth.max(Date::ymd(2006, 1, 1)).add(rng.range(0, 400));
        let touched = p
            .death
            .unwrap_or(inserted)
            .max(p.last_care.unwrap_or(inserted));
        let maj = touched
            .add(rng.range(1, 30))
            .min(extract_date())
            .max(inserted);
        let last_care = p.last_care;
        self.emit(self.ix.ben, Some(p), p.birth, None, rng, |t, r| {
            t.set(r, "BEN_CDI_NIR", text("00"));
            t.set(r, "BEN_TOP_CNS", Val::Bool(last_care.is_some()));
            if let Some(d) = last_care {
                t.set(r, "MAX_TRT_DTD", Val::Date(d));
            } else {
                t.set(r, "MAX_TRT_DTD", text(""));
            }
            t.set(r, "BEN_DTE_INS", Val::Date(inserted));
            t.set(r, "BEN_DTE_MAJ", Val::Date(maj));
        })?;
        if let (Some((start, end)), Some(c)) = (p.ald, p.cond) {
            let ins = start.add(rng.range(5, 40));
            let upd = ins.add(rng.range(0, 800)).min(extract_date()).max(ins);
            self.emit(self.ix.imb, Some(p), start, None, rng, |t, r| {
                t.set(r, "IMB_ALD_DTD", Val::Date(start));
                t.set(r, "IMB_ALD_DTF", Val::Date(end));
                t.set(r, "IMB_ALD_NUM", Val::Int(c.ald()));
                t.set(r, "IMB_ETM_NAT", Val::Int(41));
                t.set(r, "INS_DTE", Val::Date(ins));
                t.set(r, "MED_MTF_COD", text(c.icd()));
                t.set(r, "MED_NCL_IDT", text("CIM10"));
                t.set(r, "UPD_DTE", Val::Date(upd));
            })?;
        }
        if let Some(death) = p.death.filter(|d| d.year() <= LAST_CODED_DEATH_YEAR) {
            let age = p.age(death);
            let (cause, place, dept) = match p.death_dp {
                Some((dp, e)) => (
                    dp,
                    if self.etabs[e].public { 2 } else { 3 },
                    self.etabs[e].dept,
                ),
                None => (cause_of_death(rng, p, death), 1, p.dept),
            };
            let marital = if age < 30 {
                1
            } else {
                1 + rng.weighted(&[0.2, 0.45, if age >= 70 { 0.3 } else { 0.05 }, 0.1]) as i64
            };
            let enc: String = (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect();
            let dpt = self.depts[dept].code3.clone();
            self.emit(self.ix.cci, Some(p), death, None, rng, |t, r| {
                t.set(r, "DCD_IDT_ENC", text(enc));
                t.set(r, "DCD_IDT_TOP", Val::Int(1));
                t.set(r, "FLX_PER_ANN", Val::Int(death.year()));
                t.set(r, "DCD_DPT_COD", text(dpt));
                t.set(r, "DCD_LIE_COD", Val::Int(place));
                t.set(r, "ETA_MAR_COD", Val::Int(marital));
                t.set(r, "DCD_CIM_COD", text(cause));
            })?;
        }
        Ok(())
    }

    fn care(&mut self, p: &mut Person, rng: &mut Rng) -> Result<()> {
        let (first, last) = (p.first_day(), p.last_day());
        if first > last {
            return Ok(());
        }
        let mid = Date((first.0 + last.0) / 2);
        let age = p.age(mid);
        if let Some(c) = p.cond {
            if !c.acute_onset() && rng.chance(0.7) {
                let from = p.birth.add(365).max(Date::ymd(2008, 1, 1));
                let start = between(rng, from, Date::ymd(2019, 6, 30).min(last))
                    .or_else(|| between(rng, first, mid));
                set_ald(p, c, start);
            }
            self.condition_stays(p, c, first, mid, last, rng)?;
        }
        self.acute_stays(p, age, first, last, rng)?;
        if let Some(death) = p.death {
            if rng.chance(0.5) {
                let cause = cause_of_death(rng, p, death);
                let entry = death.add(-rng.range(1, 10)).max(first);
                self.add_stay(p, entry, plan(cause, (1, 10), true), death, true, rng)?;
            }
        }
        // Outpatient care.
        let gp = self.ps_for(1, p.dept);
        let mut visits = if p.cond.is_none() {
            rng.range(0, 3)
        } else {
            rng.range(2, 6)
        };
        if age >= 65 {
            visits += rng.range(1, 3);
        }
        for _ in 0..visits {
            if let Some(d) = free_day(rng, p, first, last) {
                self.consultation(p, d, gp, rng)?;
            }
        }
        if let Some(c) = p.cond {
            let spec = self.ps_for(c.specialty(), p.dept);
            for _ in 0..rng.range(0, 2) {
                let Some(d) = free_day(rng, p, first, last) else {
                    break;
                };
                self.consultation(p, d, spec, rng)?;
                if self.ps[spec].spe == 3 && rng.chance(0.6) {
                    let (code, nature, price) = if rng.chance(0.5) {
                        ("DEQP003", 1352, 14.26)
                    } else {
                        ("DZQM006", 1324, 95.0)
                    };
                    self.ccam_in_town(p, d, spec, code, nature, price, rng)?;
                }
            }
        }
        let radiologist = self.ps_for(6, p.dept);
        let screening: [(bool, f64, &'static str, i64, f64); 4] = [
            (
                p.sex == 2 && (50..=74).contains(&age),
                0.5,
                "QEQK001",
                1351,
                66.0,
            ),
            (age >= 65, 0.15, "ZBQK002", 1351, 21.0),
            (p.sex == 2 && age >= 65, 0.15, "PAQK007", 1351, 40.0),
            ((50..=74).contains(&age), 0.08, "ZCQM006", 1324, 56.0),
        ];
        for (eligible, prob, code, nature, price) in screening {
            if eligible && rng.chance(prob) {
                if let Some(d) = free_day(rng, p, first, last) {
                    self.ccam_in_town(p, d, radiologist, code, nature, price, rng)?;
                }
            }
        }
        if age >= 65 && p.cond.is_some() && rng.chance(0.4) {
            let nurse = self.ps_for(24, p.dept);
            if let Some(d) = free_day(rng, p, first, last) {
                let n = rng.range(2, 10) as f64;
                let tau = if p.ald_active(d) { 100.0 } else { 60.0 };
                let x = Prest {
                    start: d,
                    end: d.add(n as i64 - 1).min(last),
                    nature: 3111,
                    qte: n,
                    bse: round2(n * 6.3),
                    pai: round2(n * 6.3),
                    tau,
                    exe: Some(nurse),
                    pre: Some(gp),
                    etb_pre: None,
                    presc: Some(d),
                    detail: Detail::None,
                };
                self.prestation(p, x, rng)?;
            }
        }
        Ok(())
    }

    fn condition_stays(
        &mut self,
        p: &mut Person,
        c: Cond,
        first: Date,
        mid: Date,
        last: Date,
        rng: &mut Rng,
    ) -> Result<()> {
        let Some(onset) = between(rng, first, mid) else {
            return Ok(());
        };
        let exit = match c {
            Cond::Coronary => {
                let mut sp = plan("I219", (3, 7), true);
                sp.acts = vec![("DDAF008", "1", 0), ("DEQP003", "1", 0)];
                maybe_das(rng, &mut sp, &[("I10", 0.5), ("E780", 0.4)]);
                self.add_stay(p, onset, sp, last, false, rng)?
            }
            Cond::Stroke => {
                let mut sp = plan("I639", (5, 12), true);
                sp.acts = vec![("ACQN001", "1", 0)];
                maybe_das(rng, &mut sp, &[("I10", 0.6), ("I489", 0.3)]);
                self.add_stay(p, onset, sp, last, false, rng)?
            }
            Cond::BreastCancer => {
                let mut sp = plan("C509", (2, 5), false);
                sp.acts = vec![("QEFA005", "1", 0), ("QEFA005", "4", 0)];
                let exit = self.add_stay(p, onset, sp, last, false, rng)?;
                if let Some(e) = exit {
                    for k in 0..3 {
                        let mut s = plan("Z511", (0, 0), false);
                        s.dr = Some("C509");
                        if self
                            .add_stay(p, e.add(30 + 21 * k), s, last, false, rng)?
                            .is_none()
                        {
                            break;
                        }
                    }
                }
                exit
            }
            Cond::HeartFailure => {
                let mut sp = plan("I509", (5, 10), true);
                sp.acts = vec![("DZQM006", "1", 1)];
                maybe_das(rng, &mut sp, &[("I489", 0.5), ("N185", 0.15)]);
                self.add_stay(p, onset, sp, last, false, rng)?
            }
            Cond::Asthma if rng.chance(0.35) => {
                self.add_stay(p, onset, plan("J459", (1, 3), true), last, false, rng)?
            }
            Cond::Diabetes if rng.chance(0.2) => {
                let mut sp = plan("E119", (2, 4), false);
                maybe_das(rng, &mut sp, &[("I10", 0.5), ("E669", 0.3)]);
                self.add_stay(p, onset, sp, last, false, rng)?
            }
            _ => None,
        };
        if c.acute_onset() && rng.chance(0.85) {
            if let Some(e) = exit {
                let start = e.add(rng.range(15, 60));
                if start <= last {
                    set_ald(p, c, Some(start));
                }
            }
        }
        Ok(())
    }

    fn acute_stays(
        &mut self,
        p: &mut Person,
        age: i64,
        first: Date,
        last: Date,
        rng: &mut Rng,
    ) -> Result<()> {
        let surgery = |dp, code, los, via_er, clinic_ok| StayPlan {
            dp,
            dr: None,
            das: Vec::new(),
            acts: vec![(code, "1", 0), (code, "4", 0)],
            los,
            via_er,
            clinic_ok,
        };
        let mut options: Vec<(bool, f64, StayPlan)> = vec![
            (
                (5..=40).contains(&age),
                0.06,
                surgery("K359", "HHFA016", (1, 3), true, false),
            ),
            (
                (30..=75).contains(&age),
                0.05,
                surgery("K802", "HMFC004", (1, 2), false, true),
            ),
            (
                age >= 55,
                0.08,
                surgery("M169", "NEKA020", (4, 6), false, true),
            ),
            (
                age >= 55,
                0.06,
                surgery("M179", "NFKA007", (4, 6), false, true),
            ),
        ];
        let mut cataract = plan("H259", (0, 0), false);
        cataract.acts = vec![("BFGA427", "1", 0)];
        cataract.clinic_ok = true;
        options.push((age >= 60, 0.2, cataract));
        let mut birth = plan("O800", (2, 4), false);
        birth.acts = vec![("JQGD010", "1", 0)];
        birth.clinic_ok = true;
        options.push((p.sex == 2 && (20..=42).contains(&age), 0.22, birth));
        let mut fracture = surgery("S720", "NEKA020", (7, 12), true, false);
        fracture.das = vec!["W190"];
        options.push((age >= 70, 0.1, fracture));
        let mut pneumonia = plan("J189", (4, 8), true);
        pneumonia.acts = vec![("ZBQK002", "1", 0)];
        options.push((age >= 65, 0.15, pneumonia));
        options.push((age >= 70, 0.08, plan("N390", (2, 5), true)));
        for (eligible, prob, sp) in options {
            if !eligible || !rng.chance(prob) {
                continue;
            }
            if let Some(day) = between(rng, first, last) {
                self.add_stay(p, day, sp, last, false, rng)?;
            }
        }
        Ok(())
    }

    /// Records a stay from `entry`, unless it falls outside the person's care period or
    /// overlaps another of their stays; returns its exit date.
    fn add_stay(
        &mut self,
        p: &mut Person,
        entry: Date,
        mut sp: StayPlan,
        limit: Date,
        death_stay: bool,
        rng: &mut Rng,
    ) -> Result<Option<Date>> {
        if entry < p.first_day() || entry > limit {
            return Ok(None);
        }
        let los = rng.range(sp.los.0, sp.los.1);
        let exit = if death_stay {
            limit
        } else {
            entry.add(los).min(limit)
        };
        if p.stays.iter().any(|&(a, b)| a <= exit && entry <= b) {
            return Ok(None);
        }
        p.stays.push((entry, exit));
        let cancer = sp.dp.starts_with('C') || sp.dp == "Z511";
        let etab = self.choose_etab(p, sp.clinic_ok, cancer, rng);
        let rsa = self.etabs[etab].next_rsa;
        self.etabs[etab].next_rsa += rng.range(1, 250);
        let los = exit.0 - entry.0;
        let entry_secs = if sp.via_er {
            rng.range(0, 86_399)
        } else {
            rng.range(7 * 3600, 10 * 3600)
        };
        let exit_secs = rng
            .range(10 * 3600, 18 * 3600)
            .max(if los == 0 { entry_secs + 3600 } else { 0 })
            .min(86_399);
        let (sor_mod, sor_des) = if death_stay {
            ("9", None)
        } else if sp.dp == "I639" && rng.chance(0.4) {
            ("7", Some("2"))
        } else {
            ("8", None)
        };
        if death_stay {
            p.death_dp = Some((sp.dp, etab));
        }
        // An associated diagnosis drawn from the real list, plausible for the person.
        let age = p.age(entry);
        let extra_das = self
            .outs
            .get(self.ix.d.unwrap_or(usize::MAX))
            .and_then(|t| {
                let v = t.table.variables.iter().find(|v| v.name == "ASS_DGN")?;
                self.codes.for_ref(v.nomenclature.as_ref()?)
            })
            .filter(|l| !l.codes.is_empty() && rng.chance(0.3))
            .map(|l| pick_code(&l, Some((p.sex, age)), rng));
        let acts: Vec<_> = sp
            .acts
            .iter()
            .map(|&(c, a, d)| (c, a, d.min(los)))
            .collect();
        let finess = self.etabs[etab].finess.clone();
        let bdi = self.depts[p.dept].code2.clone();
        let das = std::mem::take(&mut sp.das);
        let key = |t: &TableOut, r: &mut Row| {
            t.set(r, "ETA_NUM", text(&finess));
            t.set(r, "RSA_NUM", Val::Int(rsa));
        };
        let n_das = das.len() + extra_das.is_some() as usize;
        let brow = self.emit(self.ix.b, Some(&*p), entry, None, rng, |t, r| {
            key(t, r);
            t.set(r, "AGE_ANN", Val::Int(age));
            t.set(r, "BDI_DEP", text(&bdi));
            t.set(r, "COD_SEX", text(p.sex.to_string()));
            t.set(r, "DGN_PAL", text(sp.dp));
            t.set(r, "DGN_REL", text(sp.dr.unwrap_or("")));
            t.set(r, "ENT_MOD", text("8"));
            t.set(r, "ENT_PRV", text(if sp.via_er { "5" } else { "" }));
            t.set(r, "NBR_ACT", Val::Int(acts.len() as i64));
            t.set(r, "NBR_DGN", Val::Int(n_das as i64));
            t.set(r, "NBR_RUM", Val::Int(if los > 6 { 2 } else { 1 }));
            t.set(r, "NBR_SEA", Val::Int((sp.dp == "Z511") as i64));
            t.set(r, "SEJ_NBJ", Val::Int(los));
            t.set(r, "SOR_ANN", Val::Int(exit.year()));
            t.set(r, "SOR_DES", text(sor_des.unwrap_or("")));
            t.set(r, "SOR_MOD", text(sor_mod));
            t.set(r, "SOR_MOI", Val::Date(exit));
        })?;
        let parent = brow.as_ref().zip(self.ix.b).map(|(r, b)| (b, r));
        self.emit(self.ix.c, Some(&*p), entry, parent, rng, |t, r| {
            key(t, r);
            for ret in [
                "COH_NAI_RET",
                "COH_SEX_RET",
                "FHO_RET",
                "NIR_RET",
                "PMS_RET",
                "SEJ_RET",
                "SEX_RET",
            ] {
                t.set(r, ret, Val::Bool(false));
            }
            t.set(r, "DAT_RET", text("0"));
            t.set(r, "NAI_RET", text("0"));
            t.set(r, "ENT_DAT", Val::Date(entry));
            t.set(r, "SOR_DAT", Val::Date(exit));
            t.set(r, "EXE_SOI_AMD", Val::Date(entry));
            t.set(r, "EXE_SOI_AMF", Val::Date(exit));
            t.set(r, "EXE_SOI_DTD", Val::DateTime(entry, entry_secs));
            t.set(r, "EXE_SOI_DTF", Val::DateTime(exit, exit_secs));
            t.set(r, "SOR_ANN", Val::Int(exit.year()));
            t.set(r, "SOR_MOI", Val::Date(exit));
        })?;
        let all_das: Vec<String> = das.iter().map(|s| s.to_string()).chain(extra_das).collect();
        for (k, d) in all_das.into_iter().enumerate() {
            self.emit(self.ix.d, Some(&*p), entry, parent, rng, |t, r| {
                key(t, r);
                t.set(r, "ASS_DGN", text(d));
                t.set(r, "DGN_ASS_NUM", Val::Int(k as i64 + 1));
            })?;
        }
        for (code, activity, delay) in acts.iter().copied() {
            self.emit(
                self.ix.a,
                Some(&*p),
                entry.add(delay),
                parent,
                rng,
                |t, r| {
                    key(t, r);
                    t.set(r, "ACV_ACT", text(activity));
                    t.set(r, "CDC_ACT", text(code));
                    t.set(r, "ENT_DAT_DEL", Val::Int(delay));
                    t.set(r, "NBR_EXE_ACT", Val::Int(1));
                    t.set(r, "PHA_ACT", text("0"));
                },
            )?;
        }
        // Private clinics bill the stay through the DCIR.
        if !self.etabs[etab].public {
            let bse = round2(rng.range(80_000, 480_000) as f64 / 100.0);
            let tau = if p.ald_active(entry) { 100.0 } else { 80.0 };
            let ghs = Some(rng.range(1000, 9999));
            let x = Prest {
                start: entry,
                end: exit,
                nature: 2111,
                qte: 1.0,
                bse,
                pai: bse,
                tau,
                exe: None,
                pre: None,
                etb_pre: None,
                presc: None,
                detail: Detail::Etab(etab, ghs),
            };
            self.prestation(p, x, rng)?;
        }
        if sor_mod == "8" && rng.chance(0.5) {
            if let Some(day) = free_day(rng, p, exit.add(1), exit.add(3).min(p.last_day())) {
                self.pharmacy(p, day, None, Some(etab), Some(exit), rng)?;
            }
        }
        Ok(Some(exit))
    }

    fn choose_etab(&self, p: &Person, clinic_ok: bool, cancer: bool, rng: &mut Rng) -> usize {
        if cancer {
            if let Some(i) = self.etabs.iter().position(|e| e.cat == 131) {
                return i;
            }
        }
        if clinic_ok && rng.chance(0.6) {
            let clinics: Vec<usize> = (0..self.etabs.len())
                .filter(|&i| !self.etabs[i].public)
                .collect();
            if !clinics.is_empty() {
                return clinics
                    .iter()
                    .copied()
                    .find(|&i| self.etabs[i].dept == p.dept)
                    .unwrap_or(clinics[0]);
            }
        }
        self.etabs
            .iter()
            .position(|e| e.public && e.dept == p.dept && e.cat != 131)
            .unwrap_or(0)
    }

    fn consultation(
        &mut self,
        p: &mut Person,
        day: Date,
        doctor: usize,
        rng: &mut Rng,
    ) -> Result<()> {
        let gp = self.ps[doctor].spe == 1;
        let (nature, bse) = if gp { (1111, 25.0) } else { (1112, 30.0) };
        let overrun = if self.ps[doctor].cnv == 3 {
            rng.range(10, 40) as f64
        } else {
            0.0
        };
        let tau = if p.ald_active(day) { 100.0 } else { 70.0 };
        let x = Prest {
            start: day,
            end: day,
            nature,
            qte: 1.0,
            bse,
            pai: bse + overrun,
            tau,
            exe: Some(doctor),
            pre: None,
            etb_pre: None,
            presc: None,
            detail: Detail::None,
        };
        self.prestation(p, x, rng)?;
        if rng.chance(if gp { 0.5 } else { 0.3 }) {
            if let Some(d) = free_day(rng, p, day, day.add(5).min(p.last_day())) {
                self.pharmacy(p, d, Some(doctor), None, Some(day), rng)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn ccam_in_town(
        &mut self,
        p: &mut Person,
        day: Date,
        doctor: usize,
        code: &'static str,
        nature: i64,
        price: f64,
        rng: &mut Rng,
    ) -> Result<()> {
        let tau = if p.ald_active(day) { 100.0 } else { 70.0 };
        let x = Prest {
            start: day,
            end: day,
            nature,
            qte: 1.0,
            bse: price,
            pai: price,
            tau,
            exe: Some(doctor),
            pre: None,
            etb_pre: None,
            presc: None,
            detail: Detail::Ccam(code, price),
        };
        self.prestation(p, x, rng)
    }

    fn pharmacy(
        &mut self,
        p: &mut Person,
        day: Date,
        by_doctor: Option<usize>,
        by_hospital: Option<usize>,
        presc: Option<Date>,
        rng: &mut Rng,
    ) -> Result<()> {
        let pharmacist = self.ps_for(50, p.dept);
        let lines = 1 + rng.weighted(&[0.5, 0.35, 0.15]);
        let items: Vec<(String, i64, f64)> = (0..lines)
            .map(|_| {
                let (cip, price) = rng.pick(&self.cips).clone();
                (cip, rng.range(1, 3), price)
            })
            .collect();
        let total = round2(items.iter().map(|(_, q, pr)| *q as f64 * pr).sum());
        let boxes: i64 = items.iter().map(|(_, q, _)| q).sum();
        let (nature, tau) = if p.ald_active(day) && rng.chance(0.7) {
            (3311, 100.0)
        } else if rng.chance(0.1) {
            (3312, 15.0)
        } else {
            (3313, 65.0)
        };
        let x = Prest {
            start: day,
            end: day,
            nature,
            qte: boxes as f64,
            bse: total,
            pai: total,
            tau,
            exe: Some(pharmacist),
            pre: by_doctor,
            etb_pre: by_hospital,
            presc,
            detail: Detail::Pharma(items),
        };
        self.prestation(p, x, rng)
    }

    /// One ER_PRS_F row and its detail rows, which carry the nine DCIR join keys.
    fn prestation(&mut self, p: &mut Person, x: Prest, rng: &mut Rng) -> Result<()> {
        p.last_care = Some(p.last_care.map_or(x.end, |d| d.max(x.end)));
        self.dct += rng.range(1, 500);
        self.processed += 1;
        let trt = x.end.add(2 + rng.range(0, 18));
        let dct = self.dct;
        let org = p.org.clone();
        let emt_num = rng.range(1, 40);
        let emt_ord = rng.range(1, 9999);
        let keys = |t: &TableOut, r: &mut Row| {
            t.set(r, "DCT_ORD_NUM", Val::Int(dct));
            t.set(r, "FLX_DIS_DTD", Val::Date(trt.next_month_start()));
            t.set(r, "FLX_EMT_NUM", Val::Int(emt_num));
            t.set(r, "FLX_EMT_ORD", Val::Int(emt_ord));
            t.set(r, "FLX_EMT_TYP", Val::Int(1));
            t.set(r, "FLX_TRT_DTD", Val::Date(trt));
            t.set(r, "ORG_CLE_NUM", text(&org));
            t.set(r, "PRS_ORD_NUM", Val::Int(1));
            t.set(r, "REM_TYP_AFF", Val::Int(1));
        };
        let ama = if x.start.years_since(p.birth) < 2 {
            x.start.months_since(p.birth)
        } else {
            x.start.years_since(p.birth)
        };
        let exe = x.exe.map(|k| self.ps[k].num.clone());
        let spe = x
            .exe
            .map(|k| self.ps[k].spe)
            .filter(|s| ![24, 26, 50].contains(s));
        let pre = x.pre.map(|k| self.ps[k].num.clone());
        let etb = x.etb_pre.map(|k| self.etabs[k].finess[..8].to_owned());
        let reimbursed = round2(x.bse * x.tau / 100.0);
        let prow = self.emit(self.ix.prs, Some(&*p), x.start, None, rng, |t, r| {
            keys(t, r);
            t.set(r, "BEN_AMA_COD", Val::Int(ama));
            t.set(r, "EXE_SOI_DTD", Val::Date(x.start));
            t.set(r, "EXE_SOI_DTF", Val::Date(x.end));
            t.set(r, "EXE_SOI_AMD", Val::Date(x.start));
            t.set(r, "EXE_SOI_AMF", Val::Date(x.end));
            t.set(r, "PRE_PRE_DTD", x.presc.map_or(text(""), Val::Date));
            t.set(r, "PRS_NAT_REF", Val::Int(x.nature));
            t.set(r, "PRS_ACT_QTE", Val::Num(x.qte));
            t.set(r, "PRS_PAI_MNT", Val::Num(x.pai));
            t.set(r, "BSE_REM_BSE", Val::Num(x.bse));
            t.set(r, "BSE_REM_MNT", Val::Num(reimbursed));
            t.set(r, "RGO_REM_TAU", Val::Num(x.tau));
            t.set(r, "DPN_QLF", Val::Int(0));
            t.set(r, "PFS_EXE_NUM", text(exe.unwrap_or_default()));
            t.set(r, "PFS_PRE_NUM", text(pre.unwrap_or_default()));
            t.set(r, "PSE_SPE_COD", spe.map_or(text(""), Val::Int));
            t.set(r, "ETB_PRE_FIN", text(etb.unwrap_or_default()));
        })?;
        let parent = prow.as_ref().zip(self.ix.prs).map(|(r, i)| (i, r));
        match x.detail {
            Detail::None => {}
            Detail::Pharma(items) => {
                for (k, (cip, boxes, price)) in items.into_iter().enumerate() {
                    self.emit(self.ix.pha, Some(&*p), x.start, parent, rng, |t, r| {
                        keys(t, r);
                        t.set(r, "PHA_ACT_PRU", Val::Num(price));
                        t.set(r, "PHA_ACT_QSN", Val::Int(boxes));
                        t.set(r, "PHA_ORD_NUM", Val::Int(k as i64 + 1));
                        t.set(r, "PHA_PRS_C13", text(cip));
                    })?;
                }
            }
            Detail::Ccam(code, price) => {
                self.emit(self.ix.cam, Some(&*p), x.start, parent, rng, |t, r| {
                    keys(t, r);
                    t.set(r, "CAM_ACT_COD", text("1"));
                    t.set(r, "CAM_ACT_PRU", Val::Num(price));
                    t.set(r, "CAM_ORD_NUM", Val::Int(1));
                    t.set(r, "CAM_PRS_IDE", text(code));
                    t.set(r, "CAM_REM_BSE", Val::Num(price));
                })?;
            }
            Detail::Etab(e, ghs) => {
                let fin = self.etabs[e].finess[..8].to_owned();
                let (cat, public) = (self.etabs[e].cat, self.etabs[e].public);
                self.emit(self.ix.ete, Some(&*p), x.start, parent, rng, |t, r| {
                    keys(t, r);
                    t.set(r, "ETB_EXE_FIN", text(fin));
                    t.set(r, "ETE_CAT_COD", Val::Int(cat));
                    t.set(r, "ETE_GHS_NUM", ghs.map_or(text(""), Val::Int));
                    t.set(r, "PRS_PPU_SEC", Val::Int(if public { 1 } else { 2 }));
                })?;
            }
        }
        Ok(())
    }
}

fn between(rng: &mut Rng, a: Date, b: Date) -> Option<Date> {
    (a <= b).then(|| a.add(rng.range(0, b.0 - a.0)))
}

fn free_day(rng: &mut Rng, p: &Person, a: Date, b: Date) -> Option<Date> {
    for _ in 0..10 {
        let d = between(rng, a, b)?;
        if !p.busy(d) {
            return Some(d);
        }
    }
    None
}

fn set_ald(p: &mut Person, c: Cond, start: Option<Date>) {
    let Some(start) = start else { return };
    let years = if c == Cond::BreastCancer { 5 } else { 10 };
    p.ald = Some((start, start.add(years * 365 + years / 4)));
}

fn maybe_das(rng: &mut Rng, sp: &mut StayPlan, options: &[(&'static str, f64)]) {
    for (code, prob) in options {
        if rng.chance(*prob) {
            sp.das.push(code);
        }
    }
}

fn draw_condition(rng: &mut Rng, age: i64, sex: i64) -> Option<Cond> {
    use Cond::*;
    let (prob, pool): (f64, Vec<Cond>) = if age >= 62 {
        let mut v = vec![
            Diabetes,
            Diabetes,
            Coronary,
            Stroke,
            HeartFailure,
            Parkinson,
        ];
        if sex == 2 {
            v.push(BreastCancer);
        }
        (0.55, v)
    } else if age >= 18 {
        let mut v = vec![Diabetes, Asthma, Depression, Depression];
        if sex == 2 && age >= 40 {
            v.push(BreastCancer);
        }
        if age >= 45 {
            v.push(Coronary);
        }
        (0.30, v)
    } else {
        (0.10, vec![Asthma])
    };
    rng.chance(prob).then(|| *rng.pick(&pool))
}

fn cause_of_death(rng: &mut Rng, p: &Person, death: Date) -> &'static str {
    let age = p.age(death);
    match p.cond {
        Some(Cond::Coronary) => "I219",
        Some(Cond::Stroke) => "I639",
        Some(Cond::BreastCancer) => "C509",
        Some(Cond::HeartFailure) => "I509",
        Some(Cond::Parkinson) => "G20",
        Some(Cond::Diabetes) if rng.chance(0.5) => "I219",
        _ => {
            if death >= Date::ymd(2020, 3, 1) && death <= Date::ymd(2022, 12, 31) && rng.chance(0.2)
            {
                return "U071";
            }
            let pool: &[&'static str] = if age >= 75 {
                &["C349", "J189", "R99", "F03", "I64", "C189"]
            } else {
                &["C349", "X70", "C189", "K703", "R99"]
            };
            pool[rng.below(pool.len() as u64) as usize]
        }
    }
}
