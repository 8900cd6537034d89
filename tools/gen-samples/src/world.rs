//! A small synthetic population and its care, from which the sample rows are cut.
//!
//! Unlike per-column random data, everything here hangs together so that students can practise
//! the real joins: the same people appear in the beneficiary register, the outpatient claims
//! (DCIR), the hospital stays (PMSI, under `NIR_ANO_17`), the long-term conditions and the causes
//! of death; detail tables reuse the nine DCIR keys of their prestation; dates follow
//! birth < care < death. A few real traps are kept on purpose and listed in the README: twins
//! sharing one pseudonym, lines "for information" (`DPN_QLF = 71`), deaths of the last year not
//! yet in the causes-of-death table. None of it describes real people.

use crate::date::Date;
use crate::rng::Rng;
use crate::snapshot::CodeLists;
use std::collections::BTreeSet;

mod export;

/// Care is simulated over these five years.
fn care_start() -> Date {
    Date::ymd(2019, 1, 1)
}
fn care_end() -> Date {
    Date::ymd(2023, 12, 31)
}
/// Date the extract is supposed to be taken: last updates happen before it.
fn extract_date() -> Date {
    Date::ymd(2024, 1, 31)
}
/// Causes of death reach the SNDS two or three years late: deaths after this year are in the
/// register (date of death) but not yet in KI_CCI_R.
const LAST_CODED_DEATH_YEAR: i64 = 2022;

const PEOPLE: usize = 60;
const STUDY_DEPTS: usize = 6;
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

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
    /// ICD-10 code of the condition (as coded in the ALD table and the PMSI).
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
    /// Number in the list of 30 long-term conditions (ALD).
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
    /// Specialty (IR_SPE_V) of the doctor who follows it in town.
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
    /// Onset shows up as a hospital stay (ALD starts after it) rather than years before.
    fn acute_onset(self) -> bool {
        matches!(self, Cond::Coronary | Cond::Stroke | Cond::BreastCancer)
    }
    fn ald_probability(self) -> f64 {
        match self {
            Cond::Asthma => 0.3,
            Cond::Depression => 0.5,
            _ => 0.85,
        }
    }
}

struct Dept {
    code3: String,
    code2: String,
}

struct Person {
    nir_psa: String,
    rng_gem: i64,
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
    inserted: Date,
    /// Forced place of death (in hospital or not) for the anchor profiles; random otherwise.
    hospital_death: Option<bool>,
}

/// The first people are fixed profiles, so that every teaching case is present whatever the
/// seed: a cancer with chemotherapy sessions and outpatient visits, a myocardial infarction
/// ending in a death in hospital, a stroke, diabetes, a death at home in the last year (still
/// missing from the causes of death), a psychiatric and a neurological long-term condition.
struct Anchor {
    /// 0 child, 1 adult, 2 senior (see `make_people`).
    group: usize,
    sex: i64,
    cond: Option<Cond>,
    /// (year of death, died in hospital)
    death: Option<(i64, bool)>,
}

const ANCHORS: [Anchor; 7] = [
    Anchor {
        group: 2,
        sex: 2,
        cond: Some(Cond::BreastCancer),
        death: None,
    },
    Anchor {
        group: 2,
        sex: 1,
        cond: Some(Cond::Coronary),
        death: Some((2021, true)),
    },
    Anchor {
        group: 2,
        sex: 1,
        cond: Some(Cond::Stroke),
        death: None,
    },
    Anchor {
        group: 1,
        sex: 2,
        cond: Some(Cond::Diabetes),
        death: None,
    },
    Anchor {
        group: 2,
        sex: 2,
        cond: Some(Cond::HeartFailure),
        death: Some((2023, false)),
    },
    Anchor {
        group: 1,
        sex: 1,
        cond: Some(Cond::Depression),
        death: None,
    },
    Anchor {
        group: 2,
        sex: 1,
        cond: Some(Cond::Parkinson),
        death: None,
    },
];

impl Person {
    fn ald_active(&self, d: Date) -> bool {
        self.ald.is_some_and(|(a, b)| a <= d && d <= b)
    }
    /// Last day on which care (other than a stay ending in death) can happen.
    fn last_day(&self) -> Date {
        self.death.map_or(care_end(), |d| d.add(-1).min(care_end()))
    }
    fn first_day(&self) -> Date {
        self.birth.add(1).max(care_start())
    }
}

struct Etab {
    finess: String,
    ges: String,
    name: String,
    full: String,
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

struct Stay {
    person: usize,
    etab: usize,
    rsa: i64,
    entry: Date,
    entry_secs: i64,
    exit: Date,
    exit_secs: i64,
    dp: &'static str,
    dr: Option<&'static str>,
    das: Vec<&'static str>,
    /// (CCAM code, activity, days after entry)
    acts: Vec<(&'static str, &'static str, i64)>,
    via_er: bool,
    sor_mod: &'static str,
    sor_des: Option<&'static str>,
    seance: bool,
}

enum Detail {
    None,
    /// (CIP13, boxes, unit price)
    Pharma(Vec<(String, i64, f64)>),
    /// (CCAM code, price)
    Ccam(&'static str, f64),
    Etab {
        etab: usize,
        ghs: Option<i64>,
    },
}

struct Prest {
    person: usize,
    start: Date,
    end: Date,
    nature: i64,
    qte: f64,
    bse: f64,
    pai: f64,
    tau: f64,
    reimbursed: f64,
    dpn: i64,
    exe: Option<usize>,
    pre: Option<usize>,
    etb_pre: Option<usize>,
    presc: Option<Date>,
    spe: Option<i64>,
    detail: Detail,
}

/// A stay to plan: the clinical content; dates and establishment are chosen by `add_stay`.
struct StayPlan {
    dp: &'static str,
    dr: Option<&'static str>,
    das: Vec<&'static str>,
    acts: Vec<(&'static str, &'static str, i64)>,
    los: (i64, i64),
    via_er: bool,
    /// Elective surgery that private clinics also do.
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

pub struct World {
    rng: Rng,
    depts: Vec<Dept>,
    people: Vec<Person>,
    etabs: Vec<Etab>,
    ps: Vec<Ps>,
    stays: Vec<Stay>,
    prests: Vec<Prest>,
    cips: Vec<(String, f64)>,
}

/// EAN-13 check digit, so that the synthetic CIP13 codes are well formed (they are NOT real drugs).
fn ean13(first12: &str) -> String {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

/// Luhn check digit, as FINESS numbers carry one.
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

impl World {
    pub fn build(codes: &CodeLists, seed: u64) -> World {
        let mut w = World {
            rng: Rng::new(seed),
            depts: Vec::new(),
            people: Vec::new(),
            etabs: Vec::new(),
            ps: Vec::new(),
            stays: Vec::new(),
            prests: Vec::new(),
            cips: Vec::new(),
        };
        w.pick_departments(codes);
        w.make_establishments();
        w.make_professionals();
        w.make_drugs();
        w.make_people();
        for p in 0..w.people.len() {
            w.simulate(p);
        }
        w.prests.sort_by_key(|x| (x.end, x.person));
        w
    }

    /// Six metropolitan departments where our people live and are treated: a small area keeps the
    /// joins dense (the same GP, pharmacy and hospital come back).
    fn pick_departments(&mut self, codes: &CodeLists) {
        let fallback: Vec<String> = ["013", "031", "033", "059", "069", "075"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut candidates: Vec<String> = codes
            .get("IR_DPT_V")
            .map(|l| l.to_vec())
            .unwrap_or(fallback)
            .into_iter()
            // Metropolitan departments 10 to 95 only: their two-digit prefix never starts with 0,
            // so FINESS numbers stay the same whether a column reads them as text or integer.
            .filter(|c| {
                c.len() == 3
                    && c.bytes().all(|b| b.is_ascii_digit())
                    && c.as_str() >= "010"
                    && c.as_str() <= "095"
            })
            .collect();
        for _ in 0..STUDY_DEPTS.min(candidates.len()) {
            let i = self.rng.below(candidates.len() as u64) as usize;
            let code3 = candidates.remove(i);
            self.depts.push(Dept {
                code2: code3[1..].to_owned(),
                code3,
            });
        }
        self.depts.sort_by(|a, b| a.code3.cmp(&b.code3));
    }

    fn postal(&mut self, dept: usize) -> String {
        format!("{}{}", self.depts[dept].code2, self.rng.range(100, 990))
    }

    fn make_establishments(&mut self) {
        // (category, public, department index, label); names say plainly they are fictitious.
        let mut plan: Vec<(i64, bool, usize, &str)> = vec![(101, true, 0, "CHR")];
        for d in 1..self.depts.len() {
            plan.push((355, true, d, "CH"));
        }
        plan.push((131, true, 0, "CLCC"));
        plan.push((128, false, 1 % self.depts.len(), "CLINIQUE"));
        plan.push((128, false, 3 % self.depts.len(), "CLINIQUE"));
        let mut seen = BTreeSet::new();
        for (i, (cat, public, dept, label)) in plan.into_iter().enumerate() {
            let finess = loop {
                let f = luhn(&format!("{}{}", self.depts[dept].code2, self.rng.digits(6)));
                if seen.insert(f.clone()) {
                    break f;
                }
            };
            let ges = luhn(&format!("{}{}", self.depts[dept].code2, self.rng.digits(6)));
            let long = match label {
                "CHR" => "CENTRE HOSPITALIER REGIONAL",
                "CH" => "CENTRE HOSPITALIER",
                "CLCC" => "CENTRE DE LUTTE CONTRE LE CANCER",
                _ => "CLINIQUE CHIRURGICALE",
            };
            let postal = self.postal(dept);
            let com = format!("{}{}", self.depts[dept].code2, self.rng.digits(3));
            self.etabs.push(Etab {
                finess,
                ges,
                name: format!("{label} FICTIF {:02}", i + 1),
                full: format!("{long} FICTIF {:02} (DONNEES SYNTHETIQUES)", i + 1),
                cat,
                public,
                dept,
                postal,
                com,
                next_rsa: self.rng.range(100, 900),
            });
        }
    }

    fn add_ps(&mut self, spe: i64, dept: usize) {
        let num = loop {
            let n = format!("{}{}", self.depts[dept].code2, self.rng.digits(6));
            if !self.ps.iter().any(|p| p.num == n) {
                break n;
            }
        };
        let birth_year = self.rng.range(1955, 1990);
        let installed = Date::ymd(birth_year + 30, 1, 1).add(self.rng.range(0, 3000));
        // Some specialists practise with free fees (sector 2): their consultations carry an overrun.
        let cnv = if ![1, 24, 26, 50].contains(&spe) && self.rng.chance(0.4) {
            3
        } else {
            1
        };
        let finess =
            (spe == 50).then(|| format!("{}{}", self.depts[dept].code2, self.rng.digits(6)));
        let com = self.rng.digits(3);
        let postal = self.postal(dept);
        let sex = self.rng.range(1, 2);
        self.ps.push(Ps {
            num,
            spe,
            sex,
            birth_year,
            dept,
            cnv,
            installed,
            com,
            postal,
            finess,
        });
    }

    fn make_professionals(&mut self) {
        for d in 0..self.depts.len() {
            self.add_ps(1, d); // general practitioner
            self.add_ps(50, d); // pharmacy
        }
        for spe in [3, 6, 7, 13, 32, 33, 42, 73] {
            let d = self.rng.below(self.depts.len() as u64) as usize;
            self.add_ps(spe, d);
        }
        for (spe, d) in [(24, 0), (24, 2), (26, 1), (26, 4)] {
            self.add_ps(spe, d % self.depts.len());
        }
    }

    /// The professional of that specialty in the department, else any of that specialty.
    fn ps_for(&self, spe: i64, dept: usize) -> usize {
        self.ps
            .iter()
            .position(|p| p.spe == spe && p.dept == dept)
            .or_else(|| self.ps.iter().position(|p| p.spe == spe))
            .expect("a professional of each specialty used")
    }

    /// A pool of synthetic drug packs (CIP13 with the French 34009 prefix and a valid check
    /// digit, but random otherwise) and their prices, so that the same packs come back.
    fn make_drugs(&mut self) {
        for _ in 0..24 {
            let cip = ean13(&format!("34009{}", self.rng.digits(7)));
            let price = round2(self.rng.range(150, 4500) as f64 / 100.0);
            self.cips.push((cip, price));
        }
    }

    fn pseudonym(&mut self, taken: &mut BTreeSet<String>) -> String {
        loop {
            let s = self.rng.chars(ALNUM, 17);
            if taken.insert(s.clone()) {
                return s;
            }
        }
    }

    fn make_people(&mut self) {
        let mut taken = BTreeSet::new();
        let twins_at = 10;
        let mut i = 0;
        while i < PEOPLE {
            let anchor = ANCHORS.get(i);
            let dept = self.rng.below(self.depts.len() as u64) as usize;
            let group = match anchor {
                Some(a) => a.group,
                None if i == twins_at => 0,
                None => self.rng.weighted(&[0.12, 0.56, 0.32]),
            };
            // Seniors are born 1930-1950 for the anchors so that they are old enough for their story.
            let (y0, y1) = [
                (2005, 2019),
                (1960, 2004),
                (1930, if anchor.is_some() { 1950 } else { 1959 }),
            ][group];
            let birth = Date::ymd(self.rng.range(y0, y1), 1, 1).add(self.rng.range(0, 364));
            let sex = anchor.map_or_else(|| self.rng.range(1, 2), |a| a.sex);
            let age = Date::ymd(2021, 7, 1).years_since(birth);
            let (cond, death, hospital_death) = match anchor {
                Some(a) => {
                    let death = a.death.map(|(y, _)| {
                        let from = Date::ymd(y, 1, 1).max(Date::ymd(2019, 6, 1));
                        from.add(self.rng.range(0, Date::ymd(y, 12, 31).0 - from.0))
                    });
                    (a.cond, death, a.death.map(|(_, h)| h))
                }
                None => (
                    self.draw_condition(age, sex),
                    self.draw_death(age, birth),
                    None,
                ),
            };
            let commune = self.rng.digits(3);
            let org = format!("01C{}{}", self.depts[dept].code3, self.rng.digits(3));
            let inserted = birth.max(Date::ymd(2006, 1, 1)).add(self.rng.range(0, 400));
            // Twins of the same sex: one pseudonym, told apart by the birth rank only.
            let n = if i == twins_at { 2 } else { 1 };
            let nir_psa = self.pseudonym(&mut taken);
            for rank in 1..=n {
                let cond = if rank == 2 { Some(Cond::Asthma) } else { cond };
                let nir_ano = self.pseudonym(&mut taken);
                let idt_ano = self.pseudonym(&mut taken);
                self.people.push(Person {
                    nir_psa: nir_psa.clone(),
                    rng_gem: rank,
                    nir_ano,
                    idt_ano,
                    sex,
                    birth,
                    dept,
                    commune: commune.clone(),
                    org: org.clone(),
                    death: if n == 2 { None } else { death },
                    cond,
                    ald: None,
                    inserted,
                    hospital_death,
                });
            }
            i += n as usize;
        }
    }

    fn draw_condition(&mut self, age: i64, sex: i64) -> Option<Cond> {
        use Cond::*;
        let (p, pool): (f64, Vec<Cond>) = if age >= 62 {
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
        self.rng.chance(p).then(|| *self.rng.pick(&pool))
    }

    fn draw_death(&mut self, age: i64, birth: Date) -> Option<Date> {
        let p = match age {
            80.. => 0.5,
            65..=79 => 0.25,
            50..=64 => 0.08,
            _ => 0.0,
        };
        if !self.rng.chance(p) {
            return None;
        }
        let from = Date::ymd(2019, 6, 1).max(birth.add(1));
        Some(from.add(self.rng.range(0, (care_end().0 - from.0).max(0))))
    }

    fn date_between(&mut self, a: Date, b: Date) -> Option<Date> {
        (a <= b).then(|| a.add(self.rng.range(0, b.0 - a.0)))
    }

    /// True when the person is in hospital that day: outpatient care is not placed there.
    fn busy(&self, p: usize, d: Date) -> bool {
        self.stays
            .iter()
            .any(|s| s.person == p && s.entry <= d && d <= s.exit)
    }

    /// A day in `a..=b` outside the person's stays (a few tries, then give up).
    fn free_day(&mut self, p: usize, a: Date, b: Date) -> Option<Date> {
        for _ in 0..10 {
            let d = self.date_between(a, b)?;
            if !self.busy(p, d) {
                return Some(d);
            }
        }
        None
    }

    fn age_at(&self, p: usize, d: Date) -> i64 {
        d.years_since(self.people[p].birth)
    }

    /// The acute-care hospital of the person's department.
    fn local_hospital(&self, p: usize) -> usize {
        let dept = self.people[p].dept;
        self.etabs
            .iter()
            .position(|e| e.public && e.dept == dept && e.cat != 131)
            .unwrap_or(0)
    }

    fn choose_etab(&mut self, p: usize, clinic_ok: bool, cancer: bool) -> usize {
        if cancer {
            if let Some(i) = self.etabs.iter().position(|e| e.cat == 131) {
                return i;
            }
        }
        if clinic_ok && self.rng.chance(0.6) {
            let clinics: Vec<usize> = (0..self.etabs.len())
                .filter(|&i| !self.etabs[i].public)
                .collect();
            if !clinics.is_empty() {
                let dept = self.people[p].dept;
                return clinics
                    .iter()
                    .copied()
                    .find(|&i| self.etabs[i].dept == dept)
                    .unwrap_or(clinics[0]);
            }
        }
        self.local_hospital(p)
    }

    /// Records a stay starting on `entry`; returns its exit date, or None when it cannot fit
    /// before `limit` (the day before death, or the end of the period).
    fn add_stay(
        &mut self,
        p: usize,
        entry: Date,
        sp: StayPlan,
        limit: Date,
        death_stay: bool,
    ) -> Option<Date> {
        if entry < self.people[p].first_day() || entry > limit {
            return None;
        }
        let cancer = sp.dp.starts_with('C') || sp.dp == "Z511";
        let etab = self.choose_etab(p, sp.clinic_ok, cancer);
        let los = self.rng.range(sp.los.0, sp.los.1);
        let exit = if death_stay {
            limit
        } else {
            entry.add(los).min(limit)
        };
        // One stay at a time: a stay that would overlap another one of the person is dropped.
        if self
            .stays
            .iter()
            .any(|s| s.person == p && s.entry <= exit && entry <= s.exit)
        {
            return None;
        }
        let los = exit.0 - entry.0;
        let rsa = self.etabs[etab].next_rsa;
        self.etabs[etab].next_rsa += self.rng.range(1, 250);
        let entry_secs = if sp.via_er {
            self.rng.range(0, 86_399)
        } else {
            self.rng.range(7 * 3600, 10 * 3600)
        };
        let exit_secs = self
            .rng
            .range(10 * 3600, 18 * 3600)
            .max(if los == 0 { entry_secs + 3600 } else { 0 })
            .min(86_399);
        let (sor_mod, sor_des) = if death_stay {
            ("9", None)
        } else if sp.dp == "I639" && self.rng.chance(0.4) {
            ("7", Some("2")) // transferred to a rehabilitation unit
        } else {
            ("8", None)
        };
        let acts = sp
            .acts
            .into_iter()
            .map(|(c, a, d)| (c, a, d.min(los)))
            .collect();
        let seance = sp.dp == "Z511";
        self.stays.push(Stay {
            person: p,
            etab,
            rsa,
            entry,
            entry_secs,
            exit,
            exit_secs,
            dp: sp.dp,
            dr: sp.dr,
            das: sp.das,
            acts,
            via_er: sp.via_er,
            sor_mod,
            sor_des,
            seance,
        });
        // Private clinics bill the stay through the DCIR (the public sector is paid otherwise).
        if !self.etabs[etab].public {
            let bse = round2(self.rng.range(80_000, 480_000) as f64 / 100.0);
            let tau = if self.people[p].ald_active(entry) {
                100.0
            } else {
                80.0
            };
            let ghs = Some(self.rng.range(1000, 9999));
            self.push_prest(
                p,
                entry,
                exit,
                2111,
                1.0,
                bse,
                bse,
                tau,
                None,
                None,
                None,
                Detail::Etab { etab, ghs },
            );
        }
        // A prescription at discharge, dispensed in town a few days later.
        if sor_mod == "8" && self.rng.chance(0.5) {
            if let Some(day) = self.free_day(p, exit, exit.add(3).min(self.people[p].last_day())) {
                self.pharmacy(p, day, None, Some(etab), Some(exit));
            }
        }
        Some(exit)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_prest(
        &mut self,
        p: usize,
        start: Date,
        end: Date,
        nature: i64,
        qte: f64,
        bse: f64,
        pai: f64,
        tau: f64,
        exe: Option<usize>,
        pre: Option<usize>,
        presc: Option<Date>,
        detail: Detail,
    ) {
        let spe = exe
            .map(|i| self.ps[i].spe)
            .filter(|s| ![24, 26, 50].contains(s));
        self.prests.push(Prest {
            person: p,
            start,
            end,
            nature,
            qte,
            bse,
            pai,
            tau,
            reimbursed: round2(bse * tau / 100.0),
            dpn: 0,
            exe,
            pre,
            etb_pre: None,
            presc,
            spe,
            detail,
        });
    }

    /// Drugs dispensed on `day` at the local pharmacy, prescribed by a doctor or a hospital.
    fn pharmacy(
        &mut self,
        p: usize,
        day: Date,
        by_doctor: Option<usize>,
        by_hospital: Option<usize>,
        presc: Option<Date>,
    ) {
        let pharmacist = self.ps_for(50, self.people[p].dept);
        let lines = 1 + self.rng.weighted(&[0.5, 0.35, 0.15]);
        let mut items = Vec::new();
        for _ in 0..lines {
            let (cip, price) = self.rng.pick(&self.cips).clone();
            items.push((cip, self.rng.range(1, 3), price));
        }
        let total = round2(items.iter().map(|(_, q, pr)| *q as f64 * pr).sum());
        let boxes: i64 = items.iter().map(|(_, q, _)| q).sum();
        let (nature, tau) = if self.people[p].ald_active(day) && self.rng.chance(0.7) {
            (3311, 100.0)
        } else if self.rng.chance(0.1) {
            (3312, 15.0)
        } else {
            (3313, 65.0)
        };
        self.push_prest(
            p,
            day,
            day,
            nature,
            boxes as f64,
            total,
            total,
            tau,
            Some(pharmacist),
            by_doctor,
            presc,
            Detail::Pharma(items),
        );
        if let Some(h) = by_hospital {
            self.prests.last_mut().unwrap().etb_pre = Some(h);
        }
    }

    fn consultation(&mut self, p: usize, day: Date, doctor: usize) {
        let gp = self.ps[doctor].spe == 1;
        let (nature, bse) = if gp { (1111, 25.0) } else { (1112, 30.0) };
        let overrun = if self.ps[doctor].cnv == 3 {
            self.rng.range(10, 40) as f64
        } else {
            0.0
        };
        let tau = if self.people[p].ald_active(day) {
            100.0
        } else {
            70.0
        };
        self.push_prest(
            p,
            day,
            day,
            nature,
            1.0,
            bse,
            bse + overrun,
            tau,
            Some(doctor),
            None,
            None,
            Detail::None,
        );
        if self.rng.chance(if gp { 0.4 } else { 0.3 }) {
            if let Some(d) = self.free_day(p, day, day.add(5).min(self.people[p].last_day())) {
                self.pharmacy(p, d, Some(doctor), None, Some(day));
            }
        }
    }

    fn ccam_in_town(
        &mut self,
        p: usize,
        day: Date,
        doctor: usize,
        code: &'static str,
        nature: i64,
        price: f64,
    ) {
        let tau = if self.people[p].ald_active(day) {
            100.0
        } else {
            70.0
        };
        self.push_prest(
            p,
            day,
            day,
            nature,
            1.0,
            price,
            price,
            tau,
            Some(doctor),
            None,
            None,
            Detail::Ccam(code, price),
        );
    }

    /// A consultation in a public hospital's outpatient clinic, billed to the DCIR, plus the
    /// copy of the same line sent "for information" (DPN_QLF = 71) that must be filtered out.
    fn outpatient_visit(&mut self, p: usize, day: Date, etab: usize) {
        let tau = if self.people[p].ald_active(day) {
            100.0
        } else {
            70.0
        };
        for dpn in [0, 71] {
            self.push_prest(
                p,
                day,
                day,
                1112,
                1.0,
                30.0,
                30.0,
                tau,
                None,
                None,
                None,
                Detail::Etab { etab, ghs: None },
            );
            let last = self.prests.last_mut().unwrap();
            last.dpn = dpn;
            if dpn == 71 {
                last.reimbursed = 0.0;
            }
        }
    }

    fn simulate(&mut self, p: usize) {
        let first = self.people[p].first_day();
        let last = self.people[p].last_day();
        if first > last {
            return;
        }
        let mid = Date((first.0 + last.0) / 2);
        let age = self.age_at(p, mid);
        let sex = self.people[p].sex;
        let cond = self.people[p].cond;

        // Long-term conditions known before the period start years earlier.
        if let Some(c) = cond {
            if !c.acute_onset() && self.rng.chance(c.ald_probability()) {
                let from = self.people[p].birth.add(365).max(Date::ymd(2008, 1, 1));
                let start = self
                    .date_between(from, Date::ymd(2019, 6, 30))
                    .or_else(|| self.date_between(first, mid));
                self.set_ald(p, c, start);
            }
        }

        // Stays due to the condition.
        if let Some(c) = cond {
            self.condition_stays(p, c, first, mid, last);
        }
        self.acute_stays(p, age, sex, first, last);

        // Death: in hospital about half of the time, for causes treated there.
        if let Some(death) = self.people[p].death {
            let cause = self.cause_of_death(p, death);
            let hospital_cause = [
                "I219", "I639", "C509", "I509", "C349", "J189", "U071", "I64", "C189", "K703",
            ]
            .contains(&cause);
            let in_hospital = match self.people[p].hospital_death {
                Some(forced) => forced,
                None => hospital_cause && self.rng.chance(0.55),
            };
            if in_hospital {
                let mut sp = plan(cause, (1, 10), true);
                if cause == "U071" {
                    sp.das.push("J960");
                }
                let entry = death.add(-self.rng.range(1, 10)).max(first);
                self.add_stay(p, entry, sp, death, true);
            }
        }

        // Outpatient care.
        let gp = self.ps_for(1, self.people[p].dept);
        let healthy = cond.is_none();
        let mut visits = if healthy {
            if self.rng.chance(0.15) {
                0
            } else {
                1
            }
        } else {
            self.rng.range(1, 2)
        };
        if age >= 65 && self.rng.chance(0.3) {
            visits += 1;
        }
        for _ in 0..visits {
            if let Some(d) = self.free_day(p, first, last) {
                self.consultation(p, d, gp);
            }
        }
        if let Some(c) = cond {
            let spec = self.ps_for(c.specialty(), self.people[p].dept);
            for _ in 0..self.rng.weighted(&[0.2, 0.6, 0.2]) {
                let Some(d) = self.free_day(p, first, last) else {
                    break;
                };
                if c == Cond::BreastCancer {
                    let clcc = self.etabs.iter().position(|e| e.cat == 131).unwrap_or(0);
                    self.outpatient_visit(p, d, clcc);
                    continue;
                }
                self.consultation(p, d, spec);
                if self.ps[spec].spe == 3 && self.rng.chance(0.6) {
                    let (code, nature, price) = if self.rng.chance(0.5) {
                        ("DEQP003", 1352, 14.26)
                    } else {
                        ("DZQM006", 1324, 95.0)
                    };
                    self.ccam_in_town(p, d, spec, code, nature, price);
                }
            }
        }
        let radiologist = self.ps_for(6, self.people[p].dept);
        let screening: Vec<(bool, f64, &'static str, i64, f64)> = vec![
            (
                sex == 2 && (50..=74).contains(&age),
                0.5,
                "QEQK001",
                1351,
                66.0,
            ),
            (age >= 65, 0.15, "ZBQK002", 1351, 21.0),
            (sex == 2 && age >= 65, 0.15, "PAQK007", 1351, 40.0),
            ((50..=74).contains(&age), 0.08, "ZCQM006", 1324, 56.0),
        ];
        for (eligible, prob, code, nature, price) in screening {
            if eligible && self.rng.chance(prob) {
                if let Some(d) = self.free_day(p, first, last) {
                    self.ccam_in_town(p, d, radiologist, code, nature, price);
                }
            }
        }
        if age >= 65 && !healthy && self.rng.chance(0.4) {
            let nurse = self.ps_for(24, self.people[p].dept);
            for _ in 0..self.rng.range(1, 2) {
                if let Some(d) = self.free_day(p, first, last) {
                    let n = self.rng.range(2, 10) as f64;
                    let tau = if self.people[p].ald_active(d) {
                        100.0
                    } else {
                        60.0
                    };
                    self.push_prest(
                        p,
                        d,
                        d.add(n as i64 - 1).min(last),
                        3111,
                        n,
                        n * 6.3,
                        n * 6.3,
                        tau,
                        Some(nurse),
                        Some(gp),
                        Some(d),
                        Detail::None,
                    );
                }
            }
        }
    }

    fn set_ald(&mut self, p: usize, c: Cond, start: Option<Date>) {
        let Some(start) = start else { return };
        let years = if c == Cond::BreastCancer { 5 } else { 10 };
        self.people[p].ald = Some((start, start.add(years * 365 + years / 4)));
    }

    fn condition_stays(&mut self, p: usize, c: Cond, first: Date, mid: Date, last: Date) {
        let Some(onset) = self.date_between(first, mid) else {
            return;
        };
        let exit = match c {
            Cond::Coronary => {
                let mut sp = plan("I219", (3, 7), true);
                sp.acts = vec![("DDAF008", "1", 0), ("DEQP003", "1", 0)];
                self.maybe_das(&mut sp, &[("I10", 0.5), ("E780", 0.4)]);
                self.add_stay(p, onset, sp, last, false)
            }
            Cond::Stroke => {
                let mut sp = plan("I639", (5, 12), true);
                sp.acts = vec![("ACQN001", "1", 0)];
                self.maybe_das(&mut sp, &[("I10", 0.6), ("I489", 0.3)]);
                self.add_stay(p, onset, sp, last, false)
            }
            Cond::BreastCancer => {
                let mut sp = plan("C509", (2, 5), false);
                sp.acts = vec![("QEFA005", "1", 0), ("QEFA005", "4", 0)];
                let exit = self.add_stay(p, onset, sp, last, false);
                // Chemotherapy sessions every three weeks, coded Z511 with the cancer as related diagnosis.
                if let Some(e) = exit {
                    for k in 0..2 {
                        let mut s = plan("Z511", (0, 0), false);
                        s.dr = Some("C509");
                        if self
                            .add_stay(p, e.add(30 + 21 * k), s, last, false)
                            .is_none()
                        {
                            break;
                        }
                    }
                }
                exit
            }
            Cond::HeartFailure => {
                let mut exit = None;
                let mut day = onset;
                for _ in 0..self.rng.range(1, 2) {
                    let mut sp = plan("I509", (5, 10), true);
                    sp.acts = vec![("DZQM006", "1", 1)];
                    self.maybe_das(&mut sp, &[("I489", 0.5), ("N185", 0.15)]);
                    exit = exit.or(self.add_stay(p, day, sp, last, false));
                    day = day.add(self.rng.range(90, 400));
                }
                exit
            }
            Cond::Asthma if self.rng.chance(0.35) => {
                self.add_stay(p, onset, plan("J459", (1, 3), true), last, false)
            }
            Cond::Diabetes if self.rng.chance(0.2) => {
                let mut sp = plan("E119", (2, 4), false);
                self.maybe_das(&mut sp, &[("I10", 0.5), ("E669", 0.3)]);
                self.add_stay(p, onset, sp, last, false)
            }
            _ => None,
        };
        // Conditions revealed by a stay get their ALD a few weeks later.
        if c.acute_onset() && self.rng.chance(c.ald_probability()) {
            if let Some(e) = exit {
                let start = e.add(self.rng.range(15, 60));
                if start <= last {
                    self.set_ald(p, c, Some(start));
                }
            }
        }
    }

    fn maybe_das(&mut self, sp: &mut StayPlan, options: &[(&'static str, f64)]) {
        for (code, prob) in options {
            if self.rng.chance(*prob) {
                sp.das.push(code);
            }
        }
    }

    fn acute_stays(&mut self, p: usize, age: i64, sex: i64, first: Date, last: Date) {
        let covid_first = first.max(Date::ymd(2020, 3, 1));
        let covid_last = last.min(Date::ymd(2022, 12, 31));
        // (eligible, probability, plan)
        let mut options: Vec<(bool, f64, StayPlan)> = Vec::new();
        let surgery = |dp, code, los, via_er, clinic_ok| StayPlan {
            dp,
            dr: None,
            das: Vec::new(),
            acts: vec![(code, "1", 0), (code, "4", 0)],
            los,
            via_er,
            clinic_ok,
        };
        options.push((
            (5..=40).contains(&age),
            0.06,
            surgery("K359", "HHFA016", (1, 3), true, false),
        ));
        options.push((
            (30..=75).contains(&age),
            0.05,
            surgery("K802", "HMFC004", (1, 2), false, true),
        ));
        options.push((
            age >= 55,
            0.08,
            surgery("M169", "NEKA020", (4, 6), false, true),
        ));
        options.push((
            age >= 55,
            0.06,
            surgery("M179", "NFKA007", (4, 6), false, true),
        ));
        let mut cataract = plan("H259", (0, 0), false);
        cataract.acts = vec![("BFGA427", "1", 0)];
        cataract.clinic_ok = true;
        options.push((age >= 60, 0.2, cataract));
        let mut birth = plan("O800", (2, 4), false);
        birth.acts = vec![("JQGD010", "1", 0)];
        birth.clinic_ok = true;
        options.push((sex == 2 && (20..=42).contains(&age), 0.22, birth));
        let mut fracture = surgery("S720", "NEKA020", (7, 12), true, false);
        fracture.das = vec!["W190"];
        options.push((age >= 70, 0.1, fracture));
        let mut pneumonia = plan("J189", (4, 8), true);
        pneumonia.acts = vec![("ZBQK002", "1", 0)];
        let p_resp = self.rng.chance(0.3);
        if p_resp {
            pneumonia.das.push("J960");
        }
        options.push((age >= 65, 0.15, pneumonia));
        options.push((age >= 70, 0.08, plan("N390", (2, 5), true)));

        for (eligible, prob, sp) in options {
            if !eligible || !self.rng.chance(prob) {
                continue;
            }
            let Some(day) = self.date_between(first, last) else {
                continue;
            };
            let rehab = ["M169", "M179"].contains(&sp.dp);
            if let Some(exit) = self.add_stay(p, day, sp, last, false) {
                if rehab {
                    // Physiotherapy after a joint replacement.
                    let kine = self.ps_for(26, self.people[p].dept);
                    for k in 0..2 {
                        let d = exit.add(7 + 14 * k);
                        if d <= last {
                            let n = 10.0;
                            self.push_prest(
                                p,
                                d,
                                d.add(13).min(last),
                                3122,
                                n,
                                n * 16.13,
                                n * 16.13,
                                60.0,
                                Some(kine),
                                None,
                                Some(exit),
                                Detail::None,
                            );
                            self.prests.last_mut().unwrap().etb_pre =
                                Some(self.stays.last().unwrap().etab);
                        }
                    }
                }
            }
        }
        if age >= 40 && self.rng.chance(0.05) {
            if let Some(day) = self.date_between(covid_first, covid_last) {
                let mut sp = plan("U071", (5, 14), true);
                if self.rng.chance(0.5) {
                    sp.das.push("J960");
                }
                self.add_stay(p, day, sp, last, false);
            }
        }
    }

    fn cause_of_death(&mut self, p: usize, death: Date) -> &'static str {
        let age = self.age_at(p, death);
        match self.people[p].cond {
            Some(Cond::Coronary) => "I219",
            Some(Cond::Stroke) => "I639",
            Some(Cond::BreastCancer) => "C509",
            Some(Cond::HeartFailure) => "I509",
            Some(Cond::Parkinson) => "G20",
            Some(Cond::Diabetes) if self.rng.chance(0.5) => "I219",
            _ => {
                if death >= Date::ymd(2020, 3, 1)
                    && death <= Date::ymd(2022, 12, 31)
                    && self.rng.chance(0.25)
                {
                    return "U071";
                }
                let pool: &[&'static str] = if age >= 75 {
                    &["C349", "J189", "R99", "F03", "I64", "C189"]
                } else {
                    &["C349", "X70", "C189", "K703", "R99"]
                };
                pool[self.rng.below(pool.len() as u64) as usize]
            }
        }
    }

    /// Self-checks of the story itself (the CSV-level checks live in main): every event of a
    /// person falls between birth and death.
    pub fn check_dates(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut check = |p: usize, d: Date, what: &str, allow_death_day: bool| {
            let person = &self.people[p];
            let after_death =
                person
                    .death
                    .is_some_and(|x| if allow_death_day { d > x } else { d >= x });
            if d <= person.birth || after_death {
                errors.push(format!(
                    "person {p}: {what} on {:?} outside life span",
                    d.parts()
                ));
            }
        };
        for s in &self.stays {
            check(s.person, s.entry, "stay entry", false);
            check(s.person, s.exit, "stay exit", s.sor_mod == "9");
        }
        for x in &self.prests {
            check(x.person, x.start, "care", false);
            check(x.person, x.end, "care end", false);
        }
        for p in &self.people {
            if let Some((a, _)) = p.ald {
                if a <= p.birth {
                    errors.push("ALD before birth".into());
                }
            }
        }
        errors
    }
}
