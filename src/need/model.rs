//! The need statement as a document: what a project asks for, section by section. It is the
//! unit that is autosaved, versioned, exported as JSON and imported back, so it carries every
//! field the user wrote and nothing the store adds (ids and timestamps of rows live beside it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `format` of every need-statement document: tells one from any other JSON file.
pub const NEED_FORMAT: &str = "hublot.need-statement";

/// Version of the document's layout. An import of a newer one is refused with a sentence; an
/// older one is migrated forward.
pub const NEED_SCHEMA_VERSION: u32 = 1;

/// Largest need-statement document accepted (JSON bytes), on import and on every save: a
/// statement of a thousand justified variables is about 300 KiB.
pub const MAX_NEED_BYTES: usize = 2 * 1024 * 1024;

/// Most data items (bases, tables, variables) in one statement.
pub const MAX_ITEMS: usize = 5_000;

/// The need statement (expression de besoin) of a data-access request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NeedStatement {
    /// Always [`NEED_FORMAT`].
    pub format: String,
    /// [`NEED_SCHEMA_VERSION`] when written.
    pub schema: u32,
    /// The language the statement is written in (`fr` or `en`): exports use it.
    #[serde(default)]
    pub lang: crate::cite::Lang,
    /// The project.
    pub project: Project,
    /// The access route.
    #[serde(default)]
    pub route: Route,
    /// Bases, tables and variables asked for, each with its justification.
    #[serde(default)]
    pub data: Vec<DataItem>,
    /// Study period and historical depth.
    #[serde(default)]
    pub period: StudyPeriod,
    /// The population: inclusion and exclusion criteria.
    #[serde(default)]
    pub population: Population,
    /// How the data of several sources are linked.
    #[serde(default)]
    pub linkage: Linkage,
    /// Where the data is processed.
    #[serde(default)]
    pub processing: Processing,
    /// How long the data is kept, in months.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub retention_months: Option<u32>,
    /// The people who will access the data.
    #[serde(default)]
    pub team: Vec<Member>,
    /// Where the request stands, and how it got there (oldest first).
    #[serde(default)]
    pub status: Vec<StatusChange>,
}

/// The project section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Project {
    /// Title of the project.
    pub title: String,
    /// Acronym.
    pub acronym: String,
    /// Project lead (responsable de mise en œuvre).
    pub lead: String,
    /// The organisation that carries the project (responsable de traitement).
    pub organisation: String,
    /// Contacts (names, e-mail addresses), one per entry.
    pub contacts: Vec<String>,
    /// Purpose: the question the project answers.
    pub purpose: String,
    /// Why the project is of public interest.
    pub public_interest: String,
    /// Expected outputs (publications, indicators, tools).
    pub outputs: String,
    /// Funding.
    pub funding: String,
}

/// The route of an access request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Not chosen yet.
    #[default]
    Unset,
    /// Standard authorisation: HDH, CESREES opinion, CNIL authorisation.
    Authorisation,
    /// MR-004: research not involving people, on existing data.
    #[serde(rename = "mr-004")]
    Mr004,
    /// MR-005: hospital PMSI data accessed by establishments and federations.
    #[serde(rename = "mr-005")]
    Mr005,
    /// MR-006: hospital PMSI data accessed by industry.
    #[serde(rename = "mr-006")]
    Mr006,
    /// MR-007: the main SNDS base, research not involving people.
    #[serde(rename = "mr-007")]
    Mr007,
    /// MR-008: the main SNDS base, by public health bodies and research teams.
    #[serde(rename = "mr-008")]
    Mr008,
    /// Fast route to the SNDS sample (ESND, formerly EGB).
    Esnd,
}

impl Route {
    /// Every route, in the order of the UI.
    pub const ALL: [Route; 8] = [
        Route::Unset,
        Route::Authorisation,
        Route::Mr004,
        Route::Mr005,
        Route::Mr006,
        Route::Mr007,
        Route::Mr008,
        Route::Esnd,
    ];

    /// Its name in JSON and on the command line (`mr-004`).
    pub fn name(self) -> &'static str {
        match self {
            Route::Unset => "unset",
            Route::Authorisation => "authorisation",
            Route::Mr004 => "mr-004",
            Route::Mr005 => "mr-005",
            Route::Mr006 => "mr-006",
            Route::Mr007 => "mr-007",
            Route::Mr008 => "mr-008",
            Route::Esnd => "esnd",
        }
    }

    /// The route named `s` (`mr-004`, `MR004`, `authorisation`…).
    pub fn parse(s: &str) -> Option<Route> {
        let k: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Route::ALL.into_iter().find(|r| {
            let n: String = r.name().chars().filter(|c| *c != '-').collect();
            n == k
                || (k == "authorization" && *r == Route::Authorisation)
                || (k == "egb" && *r == Route::Esnd)
        })
    }
}

/// One thing asked for: a whole base, a whole table, or one variable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DataItem {
    /// The base (its catalogue id, `dcir`; for an SNDS table, the base its table belongs to).
    pub base: String,
    /// The table (`ER_PRS_F`); none: the whole base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub table: Option<String>,
    /// The variable (`BEN_NIR_PSA`); none: the whole table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variable: Option<String>,
    /// Why the project needs it (data minimisation: every variable is justified).
    #[serde(default)]
    pub why: String,
    /// Brought along because a linkage needs it (a join key), not chosen for itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub key: bool,
}

impl DataItem {
    /// Its reference as the command line writes it: `base/dcir`, `table/ER_PRS_F`,
    /// `variable/ER_PRS_F/BEN_NIR_PSA`.
    pub fn reference(&self) -> String {
        match (&self.table, &self.variable) {
            (Some(t), Some(v)) => format!("variable/{t}/{v}"),
            (Some(t), None) => format!("table/{t}"),
            _ => format!("base/{}", self.base),
        }
    }
}

/// Study period and historical depth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct StudyPeriod {
    /// First day (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub start: String,
    /// Last day, same forms.
    pub end: String,
    /// Historical depth asked for before the period, in years (for antecedents).
    #[ts(optional = nullable)]
    pub history_years: Option<u32>,
    /// Why this period and depth.
    pub why: String,
}

/// The population.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Population {
    /// In words: who is in the study.
    pub text: String,
    /// Inclusion and exclusion criteria built from code lists.
    pub criteria: Vec<Criterion>,
}

/// An inclusion or exclusion criterion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Criterion {
    /// Includes (true) or excludes (false) the people it matches.
    pub include: bool,
    /// What it looks at.
    pub kind: CriterionKind,
    /// The code list the codes come from (`IR_CIM_V` for CIM-10 diagnoses, `IR_CCAM_V`…).
    pub nomenclature: String,
    /// The codes, or prefixes ending with `*` (`I21*`).
    pub codes: Vec<String>,
    /// In words (how many times, in which window, which tables).
    pub text: String,
}

/// What a criterion looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    /// CIM-10 diagnoses of hospital stays (PMSI).
    #[default]
    Diagnosis,
    /// CCAM medical acts.
    Act,
    /// Drugs dispensed (CIP13, UCD, ATC classes).
    Drug,
    /// Long-term conditions (ALD).
    Ald,
    /// Anything else, in words.
    Other,
}

/// How sources are linked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Linkage {
    /// The kind of linkage.
    pub kind: LinkageKind,
    /// The keys used (`BEN_NIR_PSA`, `BEN_RNG_GEM`, `NIR_ANO_17`).
    pub keys: Vec<String>,
    /// In words.
    pub text: String,
}

/// Kinds of linkage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum LinkageKind {
    /// No linkage with data outside the SNDS.
    #[default]
    None,
    /// Direct, on the NIR (the social security number), through a trusted third party.
    Direct,
    /// Indirect, on shared variables (probabilistic).
    Indirect,
    /// A cohort's members found in the SNDS from its inclusion criteria.
    Cohort,
}

/// Where the data is processed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Processing {
    /// The environment.
    pub place: Place,
    /// In words (which environment, which security).
    pub text: String,
}

/// Processing environments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// Not chosen yet.
    #[default]
    Unset,
    /// The Health Data Hub's platform.
    Hdh,
    /// The CNAM's SNDS portal.
    CnamPortal,
    /// Another environment approved against the SNDS security framework.
    Other,
}

/// A person who will access the data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Role in the project.
    pub role: String,
    /// Organisation.
    pub organisation: String,
    /// What they access (`all`, `aggregates`…).
    pub access: String,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Being written.
    #[default]
    Draft,
    /// Complete in the author's eyes, checked.
    Ready,
    /// Sent to the HDH (or the CNAM for a reference methodology).
    Submitted,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
}

impl Status {
    /// Its name in JSON (`submitted`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }

    /// The statuses a statement may move to from this one. An approved or rejected request is
    /// amended by going back to draft (a new version records what changed).
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Draft => &[Status::Ready],
            Status::Ready => &[Status::Draft, Status::Submitted],
            Status::Submitted => &[Status::Draft, Status::Approved, Status::Rejected],
            Status::Approved | Status::Rejected => &[Status::Draft],
        }
    }
}

/// A change of status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// When, RFC 3339.
    pub at: String,
    /// Why, in words (the committee's reference, the reason of an amendment).
    #[serde(default)]
    pub note: String,
    /// The saved version the change froze.
    #[serde(default)]
    pub version: u32,
}

impl NeedStatement {
    /// A new, empty statement.
    pub fn new(title: &str, route: Route, lang: crate::cite::Lang) -> Self {
        NeedStatement {
            format: NEED_FORMAT.into(),
            schema: NEED_SCHEMA_VERSION,
            lang,
            project: Project {
                title: title.trim().into(),
                ..Default::default()
            },
            route,
            data: Vec::new(),
            period: StudyPeriod::default(),
            population: Population::default(),
            linkage: Linkage::default(),
            processing: Processing::default(),
            retention_months: None,
            team: Vec::new(),
            status: Vec::new(),
        }
    }

    /// The current status.
    pub fn current_status(&self) -> Status {
        self.status.last().map(|s| s.status).unwrap_or_default()
    }
}
