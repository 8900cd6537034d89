//! Cuts the synthetic world into the rows of each SNDS table. Kept apart from the story
//! (`world.rs`): this side only maps people, stays and prestations onto column names.

use super::*;
use crate::render::{opt_date, opt_text, text, Record, Val};
use std::collections::BTreeMap;

impl World {
    pub fn tables(&mut self) -> BTreeMap<&'static str, Vec<Record>> {
        let mut t: BTreeMap<&'static str, Vec<Record>> = BTreeMap::new();
        let prs = self.prestation_records(&mut t);
        t.insert("ER_PRS_F", prs);
        t.insert("IR_BEN_R", self.beneficiary_records());
        t.insert("IR_IMB_R", self.ald_records());
        t.insert("KI_CCI_R", self.death_records());
        t.insert("DA_PRA_R", self.professional_records());
        t.insert("BE_IDE_R", self.establishment_records());
        self.stay_records(&mut t);
        t
    }

    fn beneficiary_records(&mut self) -> Vec<Record> {
        let mut last_trt: BTreeMap<usize, Date> = BTreeMap::new();
        for (i, x) in self.prests.iter().enumerate() {
            let trt = self.flx_trt(i, x);
            let e = last_trt.entry(x.person).or_insert(trt);
            *e = (*e).max(trt);
        }
        let mut out = Vec::new();
        for (i, p) in self.people.iter().enumerate() {
            let mut r = Record::new();
            r.insert("BEN_NIR_PSA", text(&p.nir_psa));
            r.insert("BEN_RNG_GEM", Val::Int(p.rng_gem));
            r.insert("BEN_NIR_ANO", text(&p.nir_ano));
            r.insert("BEN_IDT_ANO", text(&p.idt_ano));
            r.insert("BEN_CDI_NIR", text("00"));
            r.insert("BEN_NAI_ANN", Val::Int(p.birth.year()));
            r.insert("BEN_NAI_MOI", Val::Date(p.birth));
            r.insert("BEN_SEX_COD", Val::Int(p.sex));
            r.insert("BEN_DCD_DTE", opt_date(p.death));
            r.insert("BEN_DCD_AME", opt_date(p.death));
            r.insert("ORG_AFF_BEN", text(&p.org));
            r.insert("BEN_RES_DPT", text(&self.depts[p.dept].code3));
            r.insert("BEN_RES_COM", text(&p.commune));
            r.insert("BEN_TOP_CNS", Val::Bool(last_trt.contains_key(&i)));
            r.insert("MAX_TRT_DTD", opt_date(last_trt.get(&i).copied()));
            r.insert("BEN_DTE_INS", Val::Date(p.inserted));
            let touched = p
                .death
                .unwrap_or(p.inserted)
                .max(last_trt.get(&i).copied().unwrap_or(p.inserted));
            let maj = touched.add(self.rng.range(1, 30)).min(extract_date());
            r.insert("BEN_DTE_MAJ", Val::Date(maj));
            out.push(r);
        }
        out
    }

    fn ald_records(&mut self) -> Vec<Record> {
        let mut out = Vec::new();
        for p in &self.people {
            let (Some((start, end)), Some(c)) = (p.ald, p.cond) else {
                continue;
            };
            let ins = start.add(self.rng.range(5, 40));
            let upd = ins.add(self.rng.range(0, 800)).min(extract_date());
            let mut r = Record::new();
            r.insert("BEN_NIR_PSA", text(&p.nir_psa));
            r.insert("BEN_RNG_GEM", Val::Int(p.rng_gem));
            r.insert("IMB_ALD_DTD", Val::Date(start));
            r.insert("IMB_ALD_DTF", Val::Date(end));
            r.insert("IMB_ALD_NUM", Val::Int(c.ald()));
            r.insert("IMB_ETM_NAT", Val::Int(41));
            r.insert("INS_DTE", Val::Date(ins));
            r.insert("MED_MTF_COD", text(c.icd()));
            r.insert("MED_NCL_IDT", text("CIM10"));
            r.insert("UPD_DTE", Val::Date(upd.max(ins)));
            out.push(r);
        }
        out
    }

    fn death_records(&mut self) -> Vec<Record> {
        let mut out = Vec::new();
        for pi in 0..self.people.len() {
            let Some(death) = self.people[pi].death else {
                continue;
            };
            if death.year() > LAST_CODED_DEATH_YEAR {
                continue;
            }
            // The cause is the main diagnosis of the stay that ended in death, else drawn again.
            let last_stay = self
                .stays
                .iter()
                .find(|s| s.person == pi && s.sor_mod == "9");
            let (cause, place, dept) = match last_stay {
                Some(s) => (
                    s.dp,
                    if self.etabs[s.etab].public { 2 } else { 3 },
                    self.etabs[s.etab].dept,
                ),
                None => {
                    let c = self.cause_of_death(pi, death);
                    let age = self.age_at(pi, death);
                    let place = if c == "X70" {
                        *self.rng.pick(&[1, 5])
                    } else if age >= 80 && self.rng.chance(0.5) {
                        4
                    } else {
                        1
                    };
                    (c, place, self.people[pi].dept)
                }
            };
            let age = self.age_at(pi, death);
            let marital = if age < 30 {
                1
            } else {
                1 + self
                    .rng
                    .weighted(&[0.2, 0.45, if age >= 70 { 0.3 } else { 0.05 }, 0.1])
                    as i64
            };
            let p = &self.people[pi];
            let mut r = Record::new();
            r.insert(
                "DCD_IDT_ENC",
                text(
                    (0..4)
                        .map(|_| format!("{:016x}", self.rng.next_u64()))
                        .collect::<String>(),
                ),
            );
            r.insert("DCD_IDT_TOP", Val::Int(1));
            r.insert("BEN_IDT_ANO", text(&p.idt_ano));
            r.insert("BEN_NIR_ANO", text(&p.nir_ano));
            r.insert("FLX_PER_ANN", Val::Int(death.year()));
            r.insert("DCD_DPT_COD", text(&self.depts[dept].code3));
            r.insert("BEN_RES_DPT", text(&self.depts[p.dept].code3));
            r.insert("BEN_DCD_DTE", Val::Date(death));
            r.insert("BEN_DCD_AME", Val::Date(death));
            r.insert("DCD_LIE_COD", Val::Int(place));
            r.insert("BEN_NAI_ANN", Val::Int(p.birth.year()));
            r.insert("BEN_SEX_COD", Val::Int(p.sex));
            r.insert("ETA_MAR_COD", Val::Int(marital));
            r.insert("DCD_CIM_COD", text(cause));
            out.push(r);
        }
        out
    }

    fn professional_records(&self) -> Vec<Record> {
        self.ps
            .iter()
            .map(|ps| {
                let mut r = Record::new();
                r.insert("DTE_MOI_FIN", Val::Date(Date::ymd(2023, 12, 1)));
                r.insert("DTE_ANN_TRT", Val::Int(2023));
                r.insert("PFS_PFS_NUM", text(&ps.num));
                r.insert("IPP_SEX_COD", text(ps.sex.to_string()));
                r.insert("IPP_ANN_NAI", Val::Int(ps.birth_year));
                r.insert("CAI_NUM", text(&self.depts[ps.dept].code3));
                r.insert("PFS_PRA_SPE", text(ps.spe.to_string()));
                r.insert("CNV_CNV_COD", text(ps.cnv.to_string()));
                r.insert("PFS_INS_DSD", Val::Date(ps.installed));
                r.insert("PFS_EXC_COM", text(&ps.com));
                r.insert("PFS_COD_POS", text(&ps.postal));
                r.insert("PFS_FIN_NUM", opt_text(ps.finess.clone()));
                r
            })
            .collect()
    }

    fn establishment_records(&self) -> Vec<Record> {
        self.etabs
            .iter()
            .map(|e| {
                let mut r = Record::new();
                r.insert("IDE_ETA_NUM", text(&e.finess));
                r.insert("IDE_ETA_NU8", text(&e.finess[..8]));
                r.insert("IDE_ETA_NOM", text(&e.name));
                r.insert("IDE_BDI_COD", text(&e.postal));
                r.insert("IDE_CPT_RSC", text(&e.full));
                r.insert("IDE_INS_COM", text(&e.com));
                r.insert("IDE_PSH_CAT", text(e.cat.to_string()));
                r.insert("IDE_GES_NUM", text(&e.ges));
                r.insert("IDE_IMP_DPT", text(&self.depts[e.dept].code3));
                r
            })
            .collect()
    }

    /// Processing date of prestation `i`: a few days to three weeks after the care. Derived
    /// from the index so that it is the same wherever it is asked for.
    fn flx_trt(&self, i: usize, x: &Prest) -> Date {
        x.end.add(2 + (i as i64 * 7919) % 19)
    }

    /// ER_PRS_F and its detail tables, which share the nine DCIR join keys.
    fn prestation_records(&mut self, t: &mut BTreeMap<&'static str, Vec<Record>>) -> Vec<Record> {
        let mut prs = Vec::new();
        let (mut pha, mut cam, mut ete) = (Vec::new(), Vec::new(), Vec::new());
        let mut dct = self.rng.range(1_000_000, 2_000_000);
        for i in 0..self.prests.len() {
            let x = &self.prests[i];
            let p = &self.people[x.person];
            dct += self.rng.range(1, 500);
            let trt = self.flx_trt(i, x);
            let mut keys = Record::new();
            keys.insert("DCT_ORD_NUM", Val::Int(dct));
            keys.insert("FLX_DIS_DTD", Val::Date(trt.next_month_start()));
            keys.insert("FLX_EMT_NUM", Val::Int(self.rng.range(1, 40)));
            keys.insert("FLX_EMT_ORD", Val::Int(self.rng.range(1, 9999)));
            keys.insert("FLX_EMT_TYP", Val::Int(1));
            keys.insert("FLX_TRT_DTD", Val::Date(trt));
            keys.insert("ORG_CLE_NUM", text(&p.org));
            keys.insert("PRS_ORD_NUM", Val::Int(1));
            keys.insert("REM_TYP_AFF", Val::Int(1));

            let mut r = keys.clone();
            r.insert("BEN_NIR_PSA", text(&p.nir_psa));
            r.insert("BEN_RNG_GEM", Val::Int(p.rng_gem));
            r.insert("BEN_SEX_COD", Val::Int(p.sex));
            r.insert("BEN_NAI_ANN", Val::Int(p.birth.year()));
            let ama = if x.start.years_since(p.birth) < 2 {
                x.start.months_since(p.birth)
            } else {
                x.start.years_since(p.birth)
            };
            r.insert("BEN_AMA_COD", Val::Int(ama));
            r.insert("BEN_RES_DPT", text(&self.depts[p.dept].code3));
            r.insert("EXE_SOI_DTD", Val::Date(x.start));
            r.insert("EXE_SOI_DTF", Val::Date(x.end));
            r.insert("EXE_SOI_AMD", Val::Date(x.start));
            r.insert("PRE_PRE_DTD", opt_date(x.presc));
            r.insert("PRS_NAT_REF", Val::Int(x.nature));
            r.insert("PRS_ACT_QTE", Val::Num(x.qte));
            r.insert("PRS_PAI_MNT", Val::Num(x.pai));
            r.insert("BSE_REM_BSE", Val::Num(x.bse));
            r.insert("BSE_REM_MNT", Val::Num(x.reimbursed));
            r.insert("RGO_REM_TAU", Val::Num(x.tau));
            r.insert("DPN_QLF", Val::Int(x.dpn));
            r.insert(
                "PFS_EXE_NUM",
                opt_text(x.exe.map(|k| self.ps[k].num.clone())),
            );
            r.insert(
                "PFS_PRE_NUM",
                opt_text(x.pre.map(|k| self.ps[k].num.clone())),
            );
            r.insert("PSE_SPE_COD", x.spe.map_or(Val::Null, Val::Int));
            r.insert(
                "ETB_PRE_FIN",
                opt_text(x.etb_pre.map(|k| self.etabs[k].finess[..8].to_owned())),
            );
            prs.push(r);

            match &x.detail {
                Detail::None => {}
                Detail::Pharma(items) => {
                    for (k, (cip, boxes, price)) in items.iter().enumerate() {
                        let mut d = keys.clone();
                        d.insert("PHA_ACT_PRU", Val::Num(*price));
                        d.insert("PHA_ACT_QSN", Val::Int(*boxes));
                        d.insert("PHA_ORD_NUM", Val::Int(k as i64 + 1));
                        d.insert("PHA_PRS_C13", text(cip));
                        pha.push(d);
                    }
                }
                Detail::Ccam(code, price) => {
                    let mut d = keys.clone();
                    d.insert("CAM_ACT_COD", text("1"));
                    d.insert("CAM_ACT_PRU", Val::Num(*price));
                    d.insert("CAM_ORD_NUM", Val::Int(1));
                    d.insert("CAM_PRS_IDE", text(*code));
                    d.insert("CAM_REM_BSE", Val::Num(*price));
                    cam.push(d);
                }
                Detail::Etab { etab, ghs } => {
                    let e = &self.etabs[*etab];
                    let mut d = keys.clone();
                    d.insert("ETB_EXE_FIN", text(&e.finess[..8]));
                    d.insert("ETE_CAT_COD", Val::Int(e.cat));
                    d.insert("ETE_GHS_NUM", ghs.map_or(Val::Null, Val::Int));
                    d.insert("PRS_PPU_SEC", Val::Int(if e.public { 1 } else { 2 }));
                    ete.push(d);
                }
            }
        }
        t.insert("ER_PHA_F", pha);
        t.insert("ER_CAM_F", cam);
        t.insert("ER_ETE_F", ete);
        prs
    }

    fn stay_records(&self, t: &mut BTreeMap<&'static str, Vec<Record>>) {
        let (mut b, mut c, mut d, mut a) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut stays: Vec<&Stay> = self.stays.iter().collect();
        stays.sort_by_key(|s| (s.exit, s.etab, s.rsa));
        for s in stays {
            let p = &self.people[s.person];
            let e = &self.etabs[s.etab];
            let mut key = Record::new();
            key.insert("ETA_NUM", text(&e.finess));
            key.insert("RSA_NUM", Val::Int(s.rsa));

            let mut rb = key.clone();
            rb.insert("AGE_ANN", Val::Int(s.entry.years_since(p.birth)));
            rb.insert("BDI_DEP", text(&self.depts[p.dept].code2));
            rb.insert("COD_SEX", text(p.sex.to_string()));
            rb.insert("DGN_PAL", text(s.dp));
            rb.insert("DGN_REL", opt_text(s.dr));
            rb.insert("ENT_MOD", text("8"));
            rb.insert("ENT_PRV", if s.via_er { text("5") } else { Val::Null });
            rb.insert("NBR_ACT", Val::Int(s.acts.len() as i64));
            rb.insert("NBR_DGN", Val::Int(s.das.len() as i64));
            rb.insert(
                "NBR_RUM",
                Val::Int(if s.exit.0 - s.entry.0 > 6 { 2 } else { 1 }),
            );
            rb.insert("NBR_SEA", Val::Int(if s.seance { 1 } else { 0 }));
            rb.insert("SEJ_NBJ", Val::Int(s.exit.0 - s.entry.0));
            rb.insert("SOR_ANN", Val::Int(s.exit.year()));
            rb.insert("SOR_DES", opt_text(s.sor_des));
            rb.insert("SOR_MOD", text(s.sor_mod));
            rb.insert("SOR_MOI", Val::Date(s.exit));
            b.push(rb);

            let mut rc = key.clone();
            for ret in [
                "COH_NAI_RET",
                "COH_SEX_RET",
                "FHO_RET",
                "NIR_RET",
                "PMS_RET",
                "SEJ_RET",
                "SEX_RET",
            ] {
                rc.insert(ret, Val::Bool(false));
            }
            rc.insert("DAT_RET", text("0"));
            rc.insert("NAI_RET", text("0"));
            rc.insert("ENT_DAT", Val::Date(s.entry));
            rc.insert("SOR_DAT", Val::Date(s.exit));
            rc.insert("EXE_SOI_AMD", Val::Date(s.entry));
            rc.insert("EXE_SOI_AMF", Val::Date(s.exit));
            rc.insert("EXE_SOI_DTD", Val::DateTime(s.entry, s.entry_secs));
            rc.insert("EXE_SOI_DTF", Val::DateTime(s.exit, s.exit_secs));
            rc.insert("NIR_ANO_17", text(&p.nir_psa));
            rc.insert("SOR_ANN", Val::Int(s.exit.year()));
            rc.insert("SOR_MOI", Val::Date(s.exit));
            c.push(rc);

            for (k, das) in s.das.iter().enumerate() {
                let mut rd = key.clone();
                rd.insert("ASS_DGN", text(*das));
                rd.insert("DGN_ASS_NUM", Val::Int(k as i64 + 1));
                d.push(rd);
            }
            for (code, activity, delay) in &s.acts {
                let mut ra = key.clone();
                ra.insert("ACV_ACT", text(*activity));
                ra.insert("CDC_ACT", text(*code));
                ra.insert("ENT_DAT_DEL", Val::Int(*delay));
                ra.insert("NBR_EXE_ACT", Val::Int(1));
                ra.insert("PHA_ACT", text("0"));
                a.push(ra);
            }
        }
        t.insert("T_MCOaaB", b);
        t.insert("T_MCOaaC", c);
        t.insert("T_MCOaaD", d);
        t.insert("T_MCOaaA", a);
    }
}
