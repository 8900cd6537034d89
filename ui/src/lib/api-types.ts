// GENERATED from the Rust types by `tests/api_types.rs` (ts-rs): DO NOT EDIT.
// Regenerate with `HUBLOT_UPDATE_TYPES=1 cargo test --test api_types`.

export type Access = { 
/**
 * Route codes (`cesrees-cnil`, `mr-004`, `egb-simplified`, `open-data`…).
 */
routes: Array<string>, 
/**
 * Conditions in words.
 */
text: Text, };

export type AnswerKind = "json" | "file";

export type AnyRecord = { "kind": "base" } & BasePage | { "kind": "table" } & TablePage | { "kind": "variable" } & VariablePage | { "kind": "nomenclature" } & NomenclaturePage | { "kind": "code" } & CodeRecord | { "kind": "doc" } & DocPage;

export type Bar = { 
/**
 * What it stands for: the value, or the interval (`10–20`, `2019-03`).
 */
label: string, 
/**
 * The code's label, for a bar of a coded column.
 */
code_label: string | null, 
/**
 * Rows in it.
 */
count: number, };

export type Base = { 
/**
 * Stable identifier, a slug (`dcir`, `pmsi-mco`).
 */
id: string, 
/**
 * Short name (`DCIR`).
 */
name: string, 
/**
 * Full title.
 */
title: Text, 
/**
 * `claims`, `hospital`, `mortality`, `sample`, `cohort`, `registry`…
 */
kind: string, 
/**
 * The base this one is a component of.
 */
parent: string | null, 
/**
 * Who produces the data.
 */
producer: Org | null, 
/**
 * Contact (e-mail or page).
 */
contact: string | null, 
/**
 * What the base holds.
 */
description: Text, 
/**
 * Who is covered.
 */
population: Text, 
/**
 * When.
 */
period: Period, 
/**
 * Where.
 */
geography: Text, 
/**
 * How to get access.
 */
access: Access, 
/**
 * Useful pages.
 */
links: Array<Link>, 
/**
 * The base's DOI, only when real and sourced.
 */
doi: string | null, 
/**
 * How to cite it.
 */
citation: string | null, 
/**
 * Table Schema `produit` values whose tables belong to this base.
 */
produits: Array<string>, 
/**
 * Search keywords, in any language.
 */
keywords: Array<string>, 
/**
 * Properties read from a source that Hublot does not map, kept to show raw.
 */
extra?: { [key in string]: JsonValue }, };

export type BaseGet = { 
/**
 * The base's id (`dcir`).
 */
id: string, };

export type BasePage = { 
/**
 * The base.
 */
base: Base, 
/**
 * Its tables, by domain then name.
 */
tables: Array<TableSummary>, 
/**
 * Bases whose parent it is.
 */
components: Array<BaseRef>, 
/**
 * Its parent.
 */
parent: BaseRef | null, };

export type BaseRef = { 
/**
 * Id.
 */
id: string, 
/**
 * Short name.
 */
name: string, 
/**
 * Title.
 */
title: Text, };

export type BaseSummary = { 
/**
 * Its tables.
 */
tables: number, 
/**
 * Its variables.
 */
variables: number, 
/**
 * Stable identifier, a slug (`dcir`, `pmsi-mco`).
 */
id: string, 
/**
 * Short name (`DCIR`).
 */
name: string, 
/**
 * Full title.
 */
title: Text, 
/**
 * `claims`, `hospital`, `mortality`, `sample`, `cohort`, `registry`…
 */
kind: string, 
/**
 * The base this one is a component of.
 */
parent: string | null, 
/**
 * Who produces the data.
 */
producer: Org | null, 
/**
 * Contact (e-mail or page).
 */
contact: string | null, 
/**
 * What the base holds.
 */
description: Text, 
/**
 * Who is covered.
 */
population: Text, 
/**
 * When.
 */
period: Period, 
/**
 * Where.
 */
geography: Text, 
/**
 * How to get access.
 */
access: Access, 
/**
 * Useful pages.
 */
links: Array<Link>, 
/**
 * The base's DOI, only when real and sourced.
 */
doi: string | null, 
/**
 * How to cite it.
 */
citation: string | null, 
/**
 * Table Schema `produit` values whose tables belong to this base.
 */
produits: Array<string>, 
/**
 * Search keywords, in any language.
 */
keywords: Array<string>, 
/**
 * Properties read from a source that Hublot does not map, kept to show raw.
 */
extra?: { [key in string]: JsonValue }, };

export type Change = { 
/**
 * Added, removed or changed.
 */
op: ChangeOp, 
/**
 * The field (`period.start`) or item (`variable/ER_PRS_F/BEN_NIR_PSA`).
 */
what: string, 
/**
 * The value before (for an item: its justification).
 */
before: string, 
/**
 * The value after.
 */
after: string, };

export type ChangeOp = "added" | "removed" | "changed";

export type ChartKind = "histogram" | "bars";

export type ChartRequest = { 
/**
 * The table.
 */
name: string, 
/**
 * The column.
 */
column: string, 
/**
 * Width in pixels (default 520, 200 to 2000).
 */
width?: number | null, 
/**
 * Height in pixels of a histogram (default 260, 120 to 1500).
 */
height?: number | null, };

export type ChartSpec = { 
/**
 * Histogram or bars.
 */
kind: ChartKind, 
/**
 * Its bars, in drawing order.
 */
bars: Array<Bar>, 
/**
 * Non-null rows outside the bars (the less frequent values of a bar chart).
 */
other: number, 
/**
 * The width of a histogram's bins (`1`, `0.5`, `month`…).
 */
bin: string | null, };

export type CheckReport = { 
/**
 * Every finding, most severe first.
 */
findings: Array<Finding>, 
/**
 * How many errors.
 */
errors: number, 
/**
 * How many warnings.
 */
warnings: number, 
/**
 * How many infos.
 */
infos: number, };

export type Citation = { 
/**
 * The base's id.
 */
base: string, 
/**
 * The base's DOI, normalised, when the catalogue has a valid one.
 */
doi: string | null, 
/**
 * Its resolver URL (`https://doi.org/…`).
 */
doi_url: string | null, 
/**
 * The style of `text`.
 */
style: CiteStyle, 
/**
 * The language of `text`.
 */
lang: Lang, 
/**
 * Every item in the style, the base first, ready to paste.
 */
text: string, 
/**
 * The items one by one.
 */
items: Array<CitedItem>, 
/**
 * What the citation lacks (no DOI, no producer, no date…), in `lang`.
 */
warnings: Array<string>, 
/**
 * The media type of `text` (`application/x-bibtex`…).
 */
media_type: string, 
/**
 * A file name for `text` (`dcir.bib`).
 */
filename: string, };

export type CiteRequest = { 
/**
 * The base's id (`dcir`).
 */
id: string, 
/**
 * `apa` (default), `vancouver`, `bibtex`, `ris` or `csl-json`.
 */
style?: CiteStyle | null, 
/**
 * `fr` (default) or `en`: the style's terms and the title.
 */
lang?: Lang | null, 
/**
 * Date of access, `YYYY-MM-DD` (default: today): a need statement keeps the date it was
 * written.
 */
accessed?: string | null, };

export type CiteStyle = "apa" | "vancouver" | "bibtex" | "ris" | "csl-json";

export type CitedItem = { 
/**
 * The base itself or a reference publication.
 */
role: ItemRole, 
/**
 * Its DOI, normalised (`10.5072/abc`).
 */
doi: string | null, 
/**
 * Where its metadata comes from.
 */
source: ItemSource, 
/**
 * The item in the requested style.
 */
text: string, };

export type Code = { 
/**
 * The code (`I21`).
 */
code: string, 
/**
 * Its label.
 */
label: string, 
/**
 * All the row's values, in column order.
 */
values: Array<string>, };

export type CodeGet = { 
/**
 * The code list.
 */
nomenclature: string, 
/**
 * The code.
 */
code: string, };

export type CodeListRef = { 
/**
 * The code list (`IR_SEX_V`).
 */
name: string, 
/**
 * The column of the code list holding the codes, when given (`IR_BER_V:BEN_RNG_GEM`).
 */
column: string | null, };

export type CodePage = { 
/**
 * Rows matching, in list order.
 */
rows: Array<Code>, 
/**
 * How many rows match in all.
 */
total: number, 
/**
 * Offset of the first row.
 */
offset: number, };

export type CodeRecord = { 
/**
 * Its code list.
 */
nomenclature: Nomenclature, 
/**
 * The row.
 */
code: Code, };

export type ColumnInfo = { 
/**
 * Its name (`BEN_SEX_COD`).
 */
name: string, 
/**
 * Its Table Schema type (`integer`, `date`, `string`…); `string` when the schema does not
 * describe it.
 */
type: string, 
/**
 * Its SQL storage type in `samples.sqlite` (`INTEGER`, `REAL`, `TEXT`).
 */
sql_type: string, 
/**
 * The code list its values come from, when the schema names one.
 */
nomenclature: string | null, 
/**
 * What it holds (the schema's description).
 */
description: string, };

export type ColumnProfile = { 
/**
 * The column, with its types and code list.
 */
column: ColumnInfo, 
/**
 * Empty values.
 */
nulls: number, 
/**
 * Distinct non-null values.
 */
distinct: number, 
/**
 * Smallest value (SQLite's order: numbers before text).
 */
min: JsonValue, 
/**
 * Largest value.
 */
max: JsonValue, 
/**
 * Mean of the numeric values of a numeric column.
 */
mean: number | null, 
/**
 * Values that do not have the column's type (text in a number column).
 */
off_type: number, 
/**
 * The most frequent values, most frequent first (ties by value).
 */
top: Array<TopValue>, 
/**
 * Its chart, when one makes sense (not for identifiers).
 */
chart: ChartSpec | null, };

export type CompletenessScore = { 
/**
 * Mandatory properties (missing one is a violation).
 */
mandatory: FillCount, 
/**
 * Recommended properties (missing one is a warning).
 */
recommended: FillCount, 
/**
 * Optional properties.
 */
optional: FillCount, };

export type Completion = { 
/**
 * Every table of the samples with its columns.
 */
tables: Array<CompletionTable>, 
/**
 * The names matching the prefix (tables, then columns), at most 50.
 */
matches: Array<string>, };

export type CompletionTable = { 
/**
 * The table.
 */
name: string, 
/**
 * Its columns, in order.
 */
columns: Array<string>, };

export type Criterion = { 
/**
 * Includes (true) or excludes (false) the people it matches.
 */
include: boolean, 
/**
 * What it looks at.
 */
kind: CriterionKind, 
/**
 * The code list the codes come from (`IR_CIM_V` for CIM-10 diagnoses, `IR_CCAM_V`…).
 */
nomenclature: string, 
/**
 * The codes, or prefixes ending with `*` (`I21*`).
 */
codes: Array<string>, 
/**
 * In words (how many times, in which window, which tables).
 */
text: string, };

export type CriterionKind = "diagnosis" | "act" | "drug" | "ald" | "other";

export type DataItem = { 
/**
 * The base (its catalogue id, `dcir`; for an SNDS table, the base its table belongs to).
 */
base: string, 
/**
 * The table (`ER_PRS_F`); none: the whole base.
 */
table?: string, 
/**
 * The variable (`BEN_NIR_PSA`); none: the whole table.
 */
variable?: string, 
/**
 * Why the project needs it (data minimisation: every variable is justified).
 */
why: string, 
/**
 * Brought along because a linkage needs it (a join key), not chosen for itself.
 */
key?: boolean, };

export type DocGet = { 
/**
 * The page's path in the documentation tree (`fiches/beneficiaires.md`).
 */
path: string, };

export type DocPage = { 
/**
 * Path relative to the documentation root, `/`-separated.
 */
path: string, 
/**
 * Title (front matter, else first heading, else file name).
 */
title: string, 
/**
 * Plain text, for search.
 */
text: string, 
/**
 * Sanitised HTML, for display.
 */
html: string, 
/**
 * DOIs found in the page.
 */
dois: Array<string>, 
/**
 * Headings, for a table of contents: (level, text, anchor).
 */
headings: Array<[number, string, string]>, };

export type Download = { 
/**
 * The suggested file name (`need-statement.pdf`).
 */
filename: string, 
/**
 * Its media type (`application/pdf`).
 */
media_type: string, 
/**
 * Its bytes, base64 in JSON.
 */
bytes: string, };

export type DraftBase = { 
/**
 * The base page, as the catalogue with the draft shows it.
 */
page: BasePage, 
/**
 * The published base page, when the active snapshot has a base of the same id.
 */
published: BasePage | null, 
/**
 * What the draft changes in the published base, field by field (empty for a new base).
 */
changes: Array<FieldChange>, 
/**
 * Tables the draft adds, removes or changes in the published base.
 */
table_changes: Array<TableChange>, };

export type DraftChangeKind = "added" | "removed" | "changed";

export type DraftExportFormat = "ttl" | "html";

export type DraftFinding = { 
/**
 * `violation`, `warning` or `info`.
 */
severity: string, 
/**
 * The node or record the finding is about (dataset IRI, table name…).
 */
focus: string, 
/**
 * The property path (`dct:title`, `dct:publisher/foaf:mbox`, `fields[2].type`…).
 */
path: string, 
/**
 * The constraint that failed (`sh:MinCountConstraintComponent`…).
 */
constraint: string, 
/**
 * The offending value, when there is one.
 */
value: string | null, 
/**
 * What is wrong.
 */
message: string, 
/**
 * How to fix it.
 */
fix: string, 
/**
 * The file, relative to the draft folder.
 */
file: string | null, 
/**
 * The line in that file.
 */
line: number | null, 
/**
 * The field of the page it is shown beside: a base field (`title`, `description`,
 * `producer`, `contact`, `keywords`, `period`, `geography`, `access`, `population`,
 * `identifier`, `links`), `table/NAME`, or `other`.
 */
field: string, };

export type DraftStatus = { 
/**
 * True when a draft is open.
 */
open: boolean, 
/**
 * Its view's version.
 */
version: number, 
/**
 * The folder.
 */
root: string | null, 
/**
 * The last reload's error.
 */
error: string | null, };

export type DraftView = { 
/**
 * Bumped at every reload (the page refetches when `producer.status` or the event stream
 * says another).
 */
version: number, 
/**
 * The folder (or file) previewed.
 */
root: string, 
/**
 * When the draft was last read (RFC 3339).
 */
loaded: string, 
/**
 * How long the last reload took (reading, overlay, validation), in milliseconds.
 */
took_ms: number, 
/**
 * Why the last reload failed (file, line, field); the view keeps the last draft that
 * loaded.
 */
error: string | null, 
/**
 * The draft's bases.
 */
bases: Array<DraftBase>, 
/**
 * The draft's tables, as the catalogue's table pages show them.
 */
tables: Array<TablePage>, 
/**
 * The draft's code lists (name, title, rows).
 */
nomenclatures: Array<Nomenclature>, 
/**
 * The draft's documentation pages (path, title).
 */
docs: Array<[string, string]>, 
/**
 * The validation's findings.
 */
findings: Array<DraftFinding>, 
/**
 * True when the validation found no violation.
 */
conforms: boolean, 
/**
 * The completeness score, as the validation reports it (absent when it did not run).
 */
score: unknown, 
/**
 * Why the validation could not run, if it could not.
 */
validation_error: string | null, 
/**
 * Warnings of the reading (links dropped, bases ignored…).
 */
warnings: Array<string>, 
/**
 * The files of the draft, relative to its folder.
 */
files: Array<string>, 
/**
 * The published snapshot the draft is laid over.
 */
snapshot: string, };

export type ErrorBody = { 
/**
 * Always false: tells an error body from an answer.
 */
ok: boolean, 
/**
 * What went wrong, for people: what failed, where, and what to do.
 */
error: string, 
/**
 * The HTTP-like status (400 bad request, 403 forbidden, 404 not found, 409 busy, 413 too
 * large, 503 overloaded, 500 otherwise).
 */
status: number, };

export type ExerciseCheck = { 
/**
 * The exercise.
 */
id: number, 
/**
 * The learner's query.
 */
sql: string, };

export type ExerciseGet = { 
/**
 * Its number.
 */
id: number, };

export type ExerciseList = { 
/**
 * Every exercise, in order.
 */
exercises: Array<ExerciseSummary>, 
/**
 * How many are solved.
 */
solved: number, };

export type ExercisePage = { 
/**
 * The exercise as listed.
 */
summary: ExerciseSummary, 
/**
 * What to find, French.
 */
statement_fr: string, 
/**
 * What to find, English.
 */
statement_en: string, 
/**
 * Hints, French.
 */
hints_fr: Array<string>, 
/**
 * Hints, English.
 */
hints_en: Array<string>, 
/**
 * Whether the order of the rows counts.
 */
ordered: boolean, 
/**
 * The last query checked.
 */
last_sql?: string | null, 
/**
 * The reference query, once solved.
 */
reference?: string | null, };

export type ExerciseResult = { 
/**
 * Same result set as the reference.
 */
pass: boolean, 
/**
 * Why (not), in words.
 */
message: string, 
/**
 * The learner's rows (masked by the SNDS export rule), when the query ran.
 */
output?: QueryOutput | null, 
/**
 * Why the query did not run.
 */
error?: SqlError | null, 
/**
 * The reference query, once solved.
 */
reference?: string | null, };

export type ExerciseSummary = { 
/**
 * Its number.
 */
id: number, 
/**
 * Title, French.
 */
title_fr: string, 
/**
 * Title, English.
 */
title_en: string, 
/**
 * Tables it uses.
 */
tables: Array<string>, 
/**
 * Checks asked.
 */
attempts: number, 
/**
 * Solved (when, RFC 3339).
 */
solved?: string | null, };

export type ExportFormat = "pdf" | "docx" | "md" | "csv" | "json";

export type Facet = { 
/**
 * The value (`table`).
 */
value: string, 
/**
 * How many documents match with it.
 */
count: number, 
/**
 * Whether the request filters on it.
 */
selected: boolean, };

export type FieldChange = { 
/**
 * The field (`title.fr`, `keywords`, `producer`…; for a variable, its name).
 */
field: string, 
/**
 * Added, removed or changed.
 */
change: DraftChangeKind, 
/**
 * The published value, as shown.
 */
published: string | null, 
/**
 * The draft's value, as shown.
 */
draft: string | null, };

export type FillCount = { 
/**
 * Properties present (with at least one value), summed over the records.
 */
filled: number, 
/**
 * Properties expected, summed over the records.
 */
total: number, };

export type Filter = { 
/**
 * The column.
 */
column: string, 
/**
 * The comparison.
 */
op: FilterOp, 
/**
 * The value (the lower bound for `between`); empty for `null` / `notnull`.
 */
value: string, 
/**
 * The upper bound of `between`.
 */
high: string | null, };

export type FilterOp = "eq" | "ne" | "contains" | "ge" | "le" | "gt" | "lt" | "between" | "null" | "not-null";

export type Finding = { 
/**
 * How much it matters.
 */
severity: Severity, 
/**
 * The rule (`minimisation.unjustified`, `identifier.birth-month`…).
 */
rule: string, 
/**
 * The item concerned: a data reference (`variable/IR_BEN_R/BEN_NAI_MOI`) or a field path
 * (`project.purpose`); none for the statement as a whole.
 */
item?: string | null, 
/**
 * What is wrong, in a sentence.
 */
message: string, 
/**
 * How to fix it, in a sentence.
 */
fix: string, };

export type FindingSeverity = "violation" | "warning" | "info";

export type ForeignKey = { 
/**
 * Columns of this table.
 */
fields: Array<string>, 
/**
 * The table referenced.
 */
table: string, 
/**
 * Its columns.
 */
ref_fields: Array<string>, };

export type HistoryEntry = { 
/**
 * Its id.
 */
id: number, 
/**
 * The query.
 */
sql: string, 
/**
 * When, RFC 3339.
 */
at: string, 
/**
 * The snapshot it ran on.
 */
snapshot: string, 
/**
 * Time taken, milliseconds.
 */
elapsed_ms: number, 
/**
 * Rows shown, when it ran.
 */
rows?: number | null, 
/**
 * Why it failed, when it did.
 */
error?: string | null, 
/**
 * The exercise it answered, if any.
 */
exercise?: number | null, };

export type ImportReport = { 
/**
 * The snapshot now active.
 */
snapshot: string, 
/**
 * True when the inputs were unchanged and nothing was rebuilt.
 */
unchanged: boolean, 
/**
 * What each source contributed.
 */
sources: Array<SourceReport>, 
/**
 * Tables described by several sources, and which one won.
 */
merges: Array<MergeNote>, 
/**
 * Warnings.
 */
warnings: Array<string>, 
/**
 * Counts of the new snapshot.
 */
stats: Stats, 
/**
 * Time taken, in milliseconds.
 */
took_ms: number, 
/**
 * How the snapshot was built: incrementally from the active one, or in full; `None`
 * when nothing was rebuilt.
 */
rebuilt: Rebuilt | null, };

export type ImportRequest = { 
/**
 * Sources: snapshots, SNDS trees, Markdown trees, in order of precedence.
 */
paths: Array<string>, 
/**
 * Rebuild even if the inputs did not change.
 */
force?: boolean, };

export type ItemRole = "dataset" | "reference-publication";

export type ItemSource = "catalogue" | "catalogue-text" | "doi-only" | "doi-org";

export type JobState = "idle" | "running" | "done" | "failed" | "cancelled";

export type Join = { 
/**
 * The table on the other side.
 */
table: string, 
/**
 * Columns on this side.
 */
fields: Array<string>, 
/**
 * Columns on the other side.
 */
other_fields: Array<string>, 
/**
 * Whether the other table exists in this snapshot.
 */
exists: boolean, 
/**
 * Its title, when it exists.
 */
title: string | null, };

export type JoinPlan = { 
/**
 * The first table.
 */
from: string, 
/**
 * The tables joined after it, in order; the last is the second table.
 */
steps: Array<JoinStep>, 
/**
 * The query.
 */
sql: string, 
/**
 * What to know (intermediate tables, key count).
 */
notes: Array<string>, };

export type JoinStep = { 
/**
 * The table joined at this step.
 */
table: string, 
/**
 * Its alias in the SQL.
 */
alias: string, 
/**
 * The pairs `(column of the previous table, column of this one)`.
 */
on: Array<[string, string]>, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type KeygenReport = { 
/**
 * The secret key file (keep it private).
 */
key_file: string, 
/**
 * The public key file.
 */
public_key_file: string, 
/**
 * The public key, hex: what subscribers pin.
 */
public_key: string, };

export type KeygenRequest = { 
/**
 * Where to write the secret key; the public key goes to `<out>.pub`.
 */
out: string, 
/**
 * Overwrite existing files.
 */
force?: boolean, };

export type Lang = "fr" | "en";

export type Link = { 
/**
 * What the link is.
 */
title: Text, 
/**
 * Where it goes.
 */
url: string, };

export type Linkage = { 
/**
 * The kind of linkage.
 */
kind: LinkageKind, 
/**
 * The keys used (`BEN_NIR_PSA`, `BEN_RNG_GEM`, `NIR_ANO_17`).
 */
keys: Array<string>, 
/**
 * In words.
 */
text: string, };

export type LinkageKind = "none" | "direct" | "indirect" | "cohort";

export type MaskedCell = { 
/**
 * Row index in the shown rows.
 */
row: number, 
/**
 * Column index.
 */
column: number, 
/**
 * `primary` (a count under 10), `secondary` (masked so that a primary cell cannot be
 * recomputed from the margin) or `group` (an aggregate of a masked group).
 */
kind: string, 
/**
 * Why, in words.
 */
reason: string, };

export type Masking = { 
/**
 * Columns read as counts.
 */
count_columns: Array<string>, 
/**
 * Columns read as other aggregates (masked with their row's count).
 */
aggregate_columns: Array<string>, 
/**
 * Every masked cell, with why.
 */
cells: Array<MaskedCell>, 
/**
 * One sentence per reason, for people.
 */
notes: Array<string>, };

export type Member = { 
/**
 * Name.
 */
name: string, 
/**
 * Role in the project.
 */
role: string, 
/**
 * Organisation.
 */
organisation: string, 
/**
 * What they access (`all`, `aggregates`…).
 */
access: string, };

export type MergeNote = { 
/**
 * The table.
 */
table: string, 
/**
 * The source whose schema was kept.
 */
schema_from: string, 
/**
 * The source whose sample rows were kept.
 */
samples_from: string | null, 
/**
 * The other sources that described it.
 */
also_in: Array<string>, };

export type NeedAdded = { 
/**
 * The statement after the addition.
 */
view: NeedView, 
/**
 * What was added: the items asked for that were not there yet, then the join keys their
 * linkage needs (`key: true`).
 */
added: Array<DataItem>, };

export type NeedDiff = { 
/**
 * Its id.
 */
id: number, 
/**
 * The older version.
 */
from: number, 
/**
 * The newer version; absent: the current draft.
 */
to?: number | null, };

export type NeedExport = { 
/**
 * Its id.
 */
id: number, 
/**
 * `pdf`, `docx`, `md`, `csv` or `json`.
 */
format: ExportFormat, };

export type NeedId = { 
/**
 * Its id.
 */
id: number, };

export type NeedImport = { 
/**
 * The JSON text of an exported need statement.
 */
document: string, 
/**
 * Names the text in errors (the file's name); default `need statement`.
 */
name?: string | null, };

export type NeedItems = { 
/**
 * Its id.
 */
id: number, 
/**
 * Items: `base/ID`, `table/NAME`, `variable/TABLE/NAME`.
 */
items: Array<string>, 
/**
 * The justification given to the items added (`need.add`).
 */
why?: string | null, };

export type NeedNew = { 
/**
 * The project's title.
 */
title: string, 
/**
 * The access route (`authorisation`, `mr-004`…; default: not chosen).
 */
route?: string | null, 
/**
 * The statement's language (default `fr`).
 */
lang?: Lang | null, };

export type NeedSave = { 
/**
 * Its id.
 */
id: number, 
/**
 * Why this version.
 */
note?: string | null, };

export type NeedSet = { 
/**
 * Its id.
 */
id: number, 
/**
 * The field's path (`project.purpose`, `period.start`, `retention_months`) or a project
 * field's name alone (`purpose`).
 */
field: string, 
/**
 * The new value: text, or JSON for numbers and lists.
 */
value: string, };

export type NeedStatement = { 
/**
 * Always [`NEED_FORMAT`].
 */
format: string, 
/**
 * [`NEED_SCHEMA_VERSION`] when written.
 */
schema: number, 
/**
 * The language the statement is written in (`fr` or `en`): exports use it.
 */
lang: Lang, 
/**
 * The project.
 */
project: Project, 
/**
 * The access route.
 */
route: Route, 
/**
 * Bases, tables and variables asked for, each with its justification.
 */
data: Array<DataItem>, 
/**
 * Study period and historical depth.
 */
period: StudyPeriod, 
/**
 * The population: inclusion and exclusion criteria.
 */
population: Population, 
/**
 * How the data of several sources are linked.
 */
linkage: Linkage, 
/**
 * Where the data is processed.
 */
processing: Processing, 
/**
 * How long the data is kept, in months.
 */
retention_months?: number | null, 
/**
 * The people who will access the data.
 */
team: Array<Member>, 
/**
 * Where the request stands, and how it got there (oldest first).
 */
status: Array<StatusChange>, };

export type NeedStatusRequest = { 
/**
 * Its id.
 */
id: number, 
/**
 * The new status.
 */
status: Status, 
/**
 * Why (a committee's reference, the reason of an amendment).
 */
note?: string | null, };

export type NeedSummary = { 
/**
 * Its id.
 */
id: number, 
/**
 * The project's title.
 */
title: string, 
/**
 * The project's acronym.
 */
acronym: string, 
/**
 * Where it stands.
 */
status: Status, 
/**
 * Its access route.
 */
route: Route, 
/**
 * How many data items it asks for.
 */
items: number, 
/**
 * Created, RFC 3339.
 */
created: string, 
/**
 * Last changed, RFC 3339.
 */
updated: string, 
/**
 * The last saved version (0: none).
 */
version: number, };

export type NeedUpdate = { 
/**
 * Its id.
 */
id: number, 
/**
 * The whole document as edited. Its status history is kept from the store (`need.status`
 * changes it).
 */
document: NeedStatement, 
/**
 * The revision the editor read; absent: overwrite whatever is there.
 */
rev?: number | null, };

export type NeedVersion = { 
/**
 * 1, 2, …
 */
version: number, 
/**
 * When, RFC 3339.
 */
saved: string, 
/**
 * Why, in words.
 */
note: string, 
/**
 * The status it was saved in.
 */
status: Status, };

export type NeedView = { 
/**
 * Its id.
 */
id: number, 
/**
 * Revision of the draft: give it back to `need.update` so that a stale editor cannot
 * overwrite a newer draft.
 */
rev: number, 
/**
 * Created, RFC 3339.
 */
created: string, 
/**
 * Last changed, RFC 3339.
 */
updated: string, 
/**
 * The saved versions, oldest first.
 */
versions: Array<NeedVersion>, 
/**
 * The document.
 */
document: NeedStatement, 
/**
 * What the active catalogue says of each item, by reference (`variable/T/V` → its
 * description, `table/T` → its title, `base/B` → its title); items it does not know are
 * absent.
 */
labels: { [key in string]: string }, };

export type NoArgs = Record<symbol, never>;

export type Nomenclature = { 
/**
 * Its name (`IR_SEX_V`).
 */
name: string, 
/**
 * Its title.
 */
title: string, 
/**
 * Column names, in order.
 */
columns: Array<string>, 
/**
 * Index of the code column.
 */
code_column: number, 
/**
 * Index of the label column, when there is one.
 */
label_column: number | null, 
/**
 * Where it was read.
 */
source: string, 
/**
 * Number of rows.
 */
rows: number, };

export type NomenclaturePage = { 
/**
 * The code list.
 */
nomenclature: Nomenclature, 
/**
 * The requested page of rows.
 */
codes: CodePage, 
/**
 * Variables using it, as `table/variable`.
 */
used_by: Array<string>, };

export type NomenclatureRequest = { 
/**
 * Code list name.
 */
name: string, 
/**
 * Filter: code prefix or label words.
 */
q?: string | null, 
/**
 * First row.
 */
offset?: number | null, 
/**
 * Rows per page (default 50, at most 1000).
 */
limit?: number | null, };

export type OpAccess = "read" | "write" | "local-only";

export type OperationInfo = { 
/**
 * Dotted name.
 */
name: string, 
/**
 * Read, write or local-only.
 */
access: OpAccess, 
/**
 * What it does.
 */
summary: string, 
/**
 * `/api/<name>`.
 */
path: string, 
/**
 * Its page-shaped twin, if any.
 */
page: string | null, 
/**
 * HTTP methods `hublot serve` accepts for it (none: command line and desktop app only).
 */
methods: Array<string>, 
/**
 * JSON or a file.
 */
answer: AnswerKind, 
/**
 * TypeScript name of the request type (`ui/src/lib/api-types.ts`).
 */
request: string, 
/**
 * TypeScript name of the answer type.
 */
response: string, };

export type Org = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its web site.
 */
url?: string | null, };

export type Overview = { 
/**
 * Active snapshot.
 */
snapshot: SnapshotInfo, 
/**
 * Bases with sizes.
 */
bases: Array<BaseSummary>, 
/**
 * Counts.
 */
stats: Stats, };

export type Period = { 
/**
 * First year (or date) covered.
 */
start: string | null, 
/**
 * Last year covered; `None` while the base is still fed.
 */
end: string | null, 
/**
 * The period in words.
 */
text: Text, };

export type Phase = "manifest" | "download" | "extract" | "build" | "done";

export type Place = "unset" | "hdh" | "cnam-portal" | "other";

export type Population = { 
/**
 * In words: who is in the study.
 */
text: string, 
/**
 * Inclusion and exclusion criteria built from code lists.
 */
criteria: Array<Criterion>, };

export type Processing = { 
/**
 * The environment.
 */
place: Place, 
/**
 * In words (which environment, which security).
 */
text: string, };

export type ProducerExport = { 
/**
 * `ttl` (default) or `html`.
 */
format?: DraftExportFormat, 
/**
 * A folder to export instead of the open draft (command line and desktop app only).
 */
folder?: string | null, };

export type ProducerExportSnapshot = { 
/**
 * The snapshot folder to write (new, empty, or an earlier snapshot to replace).
 */
out: string, 
/**
 * A folder to export instead of the open draft.
 */
folder?: string | null, 
/**
 * The manifest id (default: `<base id>-draft`).
 */
id?: string | null, };

export type ProducerOpen = { 
/**
 * The producer's folder (or one record file).
 */
folder: string, 
/**
 * Watch it and reload on changes (default true).
 */
watch?: boolean | null, };

export type ProfilePage = { 
/**
 * The profile of every column.
 */
profile: TableProfile, 
/**
 * The SVG chart of each column that has one, by column name (when asked).
 */
charts: { [key in string]: string }, };

export type ProfileRequest = { 
/**
 * The table.
 */
name: string, 
/**
 * Also answer each column's chart as SVG markup.
 */
charts?: boolean | null, };

export type Progress = { 
/**
 * Phase.
 */
phase: Phase, 
/**
 * The source being worked on.
 */
source: string, 
/**
 * Files finished in this source.
 */
files_done: number, 
/**
 * Files to fetch in this source.
 */
files_total: number, 
/**
 * Bytes received.
 */
bytes_done: number, 
/**
 * Bytes to fetch.
 */
bytes_total: number, };

export type Project = { 
/**
 * Title of the project.
 */
title: string, 
/**
 * Acronym.
 */
acronym: string, 
/**
 * Project lead (responsable de mise en œuvre).
 */
lead: string, 
/**
 * The organisation that carries the project (responsable de traitement).
 */
organisation: string, 
/**
 * Contacts (names, e-mail addresses), one per entry.
 */
contacts: Array<string>, 
/**
 * Purpose: the question the project answers.
 */
purpose: string, 
/**
 * Why the project is of public interest.
 */
public_interest: string, 
/**
 * Expected outputs (publications, indicators, tools).
 */
outputs: string, 
/**
 * Funding.
 */
funding: string, };

export type QueryOutput = { 
/**
 * Column names.
 */
columns: Array<string>, 
/**
 * Rows shown (values as JSON: numbers, strings, null; blobs as `(blob N bytes)`).
 */
rows: Array<Array<JsonValue>>, 
/**
 * More rows exist than shown (the row cap): "export all" gives them.
 */
truncated: boolean, 
/**
 * Time taken, milliseconds.
 */
elapsed_ms: number, 
/**
 * What the SNDS export rule masked (`null`: the rule was off).
 */
masking?: Masking | null, };

export type Rebuilt = { 
/**
 * `incremental` (from the active snapshot) or `full` (from all sources).
 */
path: string, 
/**
 * Entities (bases, tables, code lists, pages) added, removed or changed since the active
 * snapshot; for a full build without a previous snapshot, all of them.
 */
entities: number, 
/**
 * Code-list rows written again (all of them for a full build).
 */
code_rows: number, 
/**
 * Why the full build was used, when it was.
 */
reason: string | null, };

export type RecordShow = { 
/**
 * `kind/…` (`table/IR_BEN_R`) or a bare name.
 */
id: string, };

export type Route = "unset" | "authorisation" | "mr-004" | "mr-005" | "mr-006" | "mr-007" | "mr-008" | "esnd";

export type RowsPage = { 
/**
 * The table.
 */
table: string, 
/**
 * Its columns.
 */
columns: Array<ColumnInfo>, 
/**
 * The rows of the page (values as JSON: numbers, strings, null).
 */
rows: Array<Array<JsonValue>>, 
/**
 * Labels of the codes shown, by column then code (only columns with a code list).
 */
labels: { [key in string]: { [key in string]: string } }, 
/**
 * Rows passing the filters.
 */
total: number, 
/**
 * Rows in the table.
 */
table_rows: number, 
/**
 * First row of the page.
 */
offset: number, 
/**
 * Rows per page asked.
 */
limit: number, 
/**
 * The sort column.
 */
sort: string | null, 
/**
 * Descending.
 */
desc: boolean, 
/**
 * The filters, parsed.
 */
filters: Array<Filter>, 
/**
 * Where the rows came from.
 */
source: string, };

export type RowsRequest = { 
/**
 * The table (`ER_PRS_F`).
 */
name: string, 
/**
 * Sort by this column.
 */
sort?: string | null, 
/**
 * Sort descending.
 */
desc?: boolean | null, 
/**
 * Filters, each `COLUMN=VALUE`, `COLUMN!=VALUE`, `COLUMN~TEXT` (contains), `COLUMN>=V`,
 * `COLUMN<=V`, `COLUMN>V`, `COLUMN<V`, `COLUMN=LOW..HIGH`, `COLUMN:null` or
 * `COLUMN:notnull`; a row passes them all. At most 16, of 256 bytes each.
 */
filter?: Array<string> | null, 
/**
 * First row, 0-based (wins over `page`).
 */
offset?: number | null, 
/**
 * Page number, 1-based, of `limit` rows.
 */
page?: number | null, 
/**
 * Rows per page (default 50, at most 500; ignored by the export).
 */
limit?: number | null, };

export type SamplePreview = { 
/**
 * Column names.
 */
columns: Array<string>, 
/**
 * Rows (values as JSON: numbers, strings, null).
 */
rows: Array<Array<JsonValue>>, 
/**
 * Rows in the sample table.
 */
total: number, 
/**
 * Where the rows came from.
 */
source: string | null, };

export type SearchHit = { 
/**
 * Kind of document.
 */
kind: string, 
/**
 * Its id (`table/IR_BEN_R`, `variable/IR_BEN_R/BEN_SEX_COD`…), also its page's route.
 */
id: string, 
/**
 * What to show.
 */
title: string, 
/**
 * Relevance (higher is better; comparable within one response only).
 */
score: number, 
/**
 * Variable or table or base name.
 */
name: string | null, 
/**
 * Table of a variable.
 */
table: string | null, 
/**
 * Code list of a code.
 */
nomenclature: string | null, 
/**
 * The code.
 */
code: string | null, 
/**
 * The code's label.
 */
label: string | null, 
/**
 * Path of a doc page.
 */
path: string | null, 
/**
 * Base of a table, variable or base.
 */
base: string | null, 
/**
 * Domain (`produit`) of a table or variable.
 */
produit: string | null, 
/**
 * For a variable: in how many tables a variable of that name exists.
 */
tables_count: number | null, 
/**
 * For a collapsed variable: the other matching tables, best first.
 */
also_in?: Array<string>, 
/**
 * Why it matched, when the request asked to `explain`: each word searched and the fields
 * of this hit it was found in.
 */
why?: Array<Why>, };

export type SearchRequest = { 
/**
 * What was typed.
 */
q: string, 
/**
 * Only this kind (`base`, `table`, `variable`, `nomenclature`, `code`, `doc`).
 */
kind?: string | null, 
/**
 * Only this base (slug).
 */
base?: string | null, 
/**
 * Only this domain (`produit`).
 */
produit?: string | null, 
/**
 * Only this table.
 */
table?: string | null, 
/**
 * Only this code list (codes and variables using it).
 */
nomenclature?: string | null, 
/**
 * How many hits (default 20, at most 500).
 */
limit?: number | null, 
/**
 * Do not collapse a variable name present in several tables into one hit.
 */
no_group?: boolean, 
/**
 * Say, for each hit, which typed word or synonym matched which of its fields (`why`).
 */
explain?: boolean, };

export type SearchResponse = { 
/**
 * The query as typed.
 */
query: string, 
/**
 * How many documents matched (before grouping).
 */
total: number, 
/**
 * Time taken in the core, in milliseconds.
 */
took_ms: number, 
/**
 * Hits, best first.
 */
hits: Array<SearchHit>, 
/**
 * Counts by kind (over the whole query, ignoring the kind filter).
 */
kinds: Array<Facet>, 
/**
 * The words matched, lowercased and unaccented, for highlighting.
 */
terms: Array<string>, 
/**
 * True when some words matched only approximately (typo tolerance).
 */
fuzzy: boolean, };

export type SettingsSet = { 
/**
 * The setting (`ui.lang`, `sync.sources`…).
 */
key: string, 
/**
 * Its new value.
 */
value: string, };

export type Severity = "error" | "warning" | "info";

export type SnapshotBuildReport = { 
/**
 * The snapshot directory.
 */
out: string, 
/**
 * Manifest id.
 */
id: string, 
/**
 * Files listed in the manifest.
 */
files: number, 
/**
 * Their total size.
 */
bytes: number, 
/**
 * Tables, code lists and doc pages a reader finds in it (checked by reading it back).
 */
tables: number, 
/**
 * Code lists.
 */
nomenclatures: number, 
/**
 * Doc pages.
 */
docs: number, 
/**
 * Public key of the signature, when signed.
 */
public_key: string | null, 
/**
 * Files given twice by the sources, and which source won.
 */
shadowed: Array<string>, };

export type SnapshotBuildRequest = { 
/**
 * Sources in order of precedence (the first one wins for a file at the same place).
 */
paths: Array<string>, 
/**
 * Output directory: created, or replaced if it holds an earlier snapshot (a manifest.json).
 */
out: string, 
/**
 * Secret key file (`hublot keygen`) to sign the manifest with.
 */
sign?: string | null, 
/**
 * A bases.json to include (default: the first snapshot source's, else an empty list).
 */
bases?: string | null, 
/**
 * Manifest `id` (default: the output directory's name and today's date).
 */
id?: string | null, 
/**
 * Manifest title, French.
 */
title?: string | null, 
/**
 * Manifest title, English.
 */
title_en?: string | null, 
/**
 * Manifest publisher.
 */
publisher?: string | null, 
/**
 * Manifest licence.
 */
licence?: string | null, };

export type SnapshotInfo = { 
/**
 * Snapshot id (directory name).
 */
id: string, 
/**
 * When it was built (RFC 3339, UTC).
 */
created: string, 
/**
 * Hublot version that built it.
 */
hublot_version: string, 
/**
 * Snapshot format version of the builder.
 */
format_version: number, 
/**
 * Catalogue schema version.
 */
catalogue_schema: number, 
/**
 * Index layout version.
 */
index_format: number, 
/**
 * Fingerprint of the inputs; an import with the same fingerprint is skipped.
 */
fingerprint: string, 
/**
 * Sources, with what each contributed.
 */
sources: Array<SourceReport>, 
/**
 * Tables described by several sources.
 */
merges: Array<MergeNote>, 
/**
 * Warnings of the import.
 */
warnings: Array<string>, 
/**
 * Counts.
 */
stats: Stats, 
/**
 * Build time in milliseconds.
 */
build_ms: number, };

export type SourceKind = "snapshot" | "snds-tree" | "markdown" | "healthdcat";

export type SourceReport = { 
/**
 * The path as given.
 */
path: string, 
/**
 * Its kind.
 */
kind: SourceKind | null, 
/**
 * Bases read.
 */
bases: number, 
/**
 * Table schemas read.
 */
tables: number, 
/**
 * Variables in those tables.
 */
variables: number, 
/**
 * Code-list schemas read.
 */
nomenclatures: number, 
/**
 * Tables with a sample CSV.
 */
sample_tables: number, 
/**
 * Markdown pages read.
 */
docs: number, };

export type SourceState = { 
/**
 * The source as given.
 */
source: string, 
/**
 * The URL fetched (manifest or archive).
 */
url: string, 
/**
 * `ETag` of the last successful fetch.
 */
etag: string | null, 
/**
 * `Last-Modified` of the last successful fetch.
 */
last_modified: string | null, 
/**
 * SHA-256 of the manifest (or archive) bytes synced.
 */
sha256: string, 
/**
 * When (RFC 3339).
 */
synced_at: string, };

export type SourceSync = { 
/**
 * The source as given.
 */
source: string, 
/**
 * `snapshot`, `archive`, `directory` or `healthdcat`.
 */
kind: string, 
/**
 * False when the source was unchanged.
 */
changed: boolean, 
/**
 * Files new in the source.
 */
added: number, 
/**
 * Files gone.
 */
removed: number, 
/**
 * Files changed.
 */
changed_files: number, 
/**
 * Files downloaded.
 */
downloaded_files: number, 
/**
 * Bytes downloaded.
 */
downloaded_bytes: number, 
/**
 * True when its manifest's signature was checked against the pinned key.
 */
signature_verified: boolean, };

export type SqlAnswer = { 
/**
 * The rows, when it ran.
 */
output?: QueryOutput | null, 
/**
 * Why it did not, with the position when known.
 */
error?: SqlError | null, 
/**
 * Its entry in the history.
 */
history_id: number, };

export type SqlCancel = { 
/**
 * The `run_id` given to `sql.run`.
 */
run_id: string, };

export type SqlCancelled = { 
/**
 * Whether a run of that id was running (it stops at its next step). A cancel that arrives
 * before its run (the two requests raced) stops the run as soon as it starts.
 */
cancelled: boolean, };

export type SqlComplete = { 
/**
 * Only names starting with this (case-insensitive); a `T.` prefix lists T's columns.
 */
prefix?: string | null, };

export type SqlError = { 
/**
 * `syntax` (SQLite could not read it; position given), `refused` (a guard: writes,
 * ATTACH, pragmas, extensions), `timeout`, `cancelled`, `input` (empty, several statements,
 * too long) or `sql` (any other SQLite error).
 */
kind: string, 
/**
 * What went wrong, for people.
 */
message: string, 
/**
 * Where, as a character offset into the query (0-based), when SQLite knows it.
 */
offset?: number | null, 
/**
 * Line of the offset, 1-based.
 */
line?: number | null, 
/**
 * Column of the offset, 1-based, in characters.
 */
column?: number | null, };

export type SqlExport = { 
/**
 * The query.
 */
sql: string, 
/**
 * Time limit, milliseconds (default 5000, at most 60000).
 */
timeout_ms?: number | null, 
/**
 * Apply the SNDS export rule (default true).
 */
mask?: boolean | null, };

export type SqlHistory = { 
/**
 * The newest first.
 */
entries: Array<HistoryEntry>, };

export type SqlHistoryRequest = { 
/**
 * How many (default 50, at most 1000).
 */
limit?: number | null, };

export type SqlJoin = { 
/**
 * The first table (`ER_PRS_F`).
 */
from: string, 
/**
 * The second table (`ER_PHA_F`).
 */
to: string, };

export type SqlRun = { 
/**
 * One SQL statement that reads (SELECT, WITH, VALUES, EXPLAIN, schema pragmas).
 */
sql: string, 
/**
 * Time limit, milliseconds (default 5000, at most 60000).
 */
timeout_ms?: number | null, 
/**
 * Rows shown (default 1000, at most 10000).
 */
max_rows?: number | null, 
/**
 * Apply the SNDS export rule (default true): counts under 10 masked.
 */
mask?: boolean | null, 
/**
 * An id chosen by the caller, so that `sql.cancel` can stop this run.
 */
run_id?: string | null, };

export type Stats = { 
/**
 * Bases.
 */
bases: number, 
/**
 * Distinct tables.
 */
tables: number, 
/**
 * (table, variable) pairs.
 */
variables: number, 
/**
 * Code lists.
 */
nomenclatures: number, 
/**
 * Data rows of all code lists.
 */
codes: number, 
/**
 * Documentation pages.
 */
docs: number, 
/**
 * Synthetic sample rows.
 */
sample_rows: number, };

export type Status = "draft" | "ready" | "submitted" | "approved" | "rejected";

export type StatusChange = { 
/**
 * The new status.
 */
status: Status, 
/**
 * When, RFC 3339.
 */
at: string, 
/**
 * Why, in words (the committee's reference, the reason of an amendment).
 */
note: string, 
/**
 * The saved version the change froze.
 */
version: number, };

export type StudyPeriod = { 
/**
 * First day (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
 */
start: string, 
/**
 * Last day, same forms.
 */
end: string, 
/**
 * Historical depth asked for before the period, in years (for antecedents).
 */
history_years?: number | null, 
/**
 * Why this period and depth.
 */
why: string, };

export type SyncJob = { 
/**
 * Increases with every sync started by this process (0: none yet).
 */
id: number, 
/**
 * Where it is.
 */
state: JobState, 
/**
 * The sources asked for (empty: the `sync.sources` setting).
 */
sources: Array<string>, 
/**
 * When it started (RFC 3339).
 */
started_at: string | null, 
/**
 * When it ended.
 */
finished_at: string | null, 
/**
 * The last progress report (phase, source, files and bytes).
 */
progress: Progress | null, 
/**
 * How it ended, when it is done.
 */
report: SyncReport | null, 
/**
 * Why it failed.
 */
error: string | null, 
/**
 * True once `sync.cancel` was asked while it ran.
 */
cancel_requested: boolean, };

export type SyncOptions = { 
/**
 * Files downloaded at the same time.
 */
concurrency: number, 
/**
 * Time allowed to connect, in ms.
 */
connect_timeout_ms: number, 
/**
 * Time allowed without any data (response headers or the next chunk), in ms.
 */
read_timeout_ms: number, 
/**
 * Retries after the first attempt, for 5xx, 408, 429, network errors, timeouts, short bodies.
 */
retries: number, 
/**
 * First backoff, in ms; doubled at every retry (capped at 30 s), plus up to 25 % jitter.
 */
backoff_ms: number, 
/**
 * Redirects followed per request.
 */
max_redirects: number, 
/**
 * Largest manifest accepted, in bytes.
 */
max_manifest_bytes: number, 
/**
 * Largest file accepted (and largest archive), in bytes.
 */
max_file_bytes: number, 
/**
 * Largest snapshot accepted (sum of the manifest's sizes, or an archive once extracted).
 */
max_total_bytes: number, 
/**
 * Most entries in an archive.
 */
max_archive_files: number, 
/**
 * Most pages followed in a HealthDCAT-AP collection.
 */
max_pages: number, };

export type SyncReport = { 
/**
 * The active snapshot after the sync.
 */
snapshot: string, 
/**
 * Per source.
 */
sources: Array<SourceSync>, 
/**
 * HTTP requests sent (attempts and redirect hops included).
 */
requests: number, 
/**
 * Something worth saying (e.g. a snapshot made active again).
 */
note: string | null, 
/**
 * Time spent fetching and verifying (manifests, downloads, extraction), ms.
 */
fetch_ms: number, 
/**
 * Time spent building and activating the snapshot, ms (0 when nothing was built).
 */
build_ms: number, 
/**
 * Time taken in total, ms.
 */
took_ms: number, 
/**
 * How the snapshot was built (incrementally from the active one, or in full, and how
 * many entities changed); `None` when nothing was built.
 */
rebuilt: Rebuilt | null, } & ({ "outcome": "up_to_date" } | { "outcome": "updated", 
/**
 * Files new in the sources.
 */
added: number, 
/**
 * Files gone from the sources.
 */
removed: number, 
/**
 * Files whose content changed.
 */
changed: number, 
/**
 * Files downloaded.
 */
downloaded_files: number, 
/**
 * Bytes downloaded.
 */
downloaded_bytes: number, });

export type SyncRequest = { 
/**
 * Sources in order of precedence (as for import). Empty: the `sync.sources` setting.
 */
sources?: Array<string>, 
/**
 * Publisher public key to pin (hex). Empty: the `sync.publisher_key` setting, if any.
 */
publisher_key?: string | null, 
/**
 * Ignore validators and the local mirror: download and rebuild everything.
 */
force?: boolean, 
/**
 * Tunables.
 */
options?: SyncOptions, };

export type SyncSources = { 
/**
 * In order of precedence.
 */
sources: Array<string>, 
/**
 * True when they are [`DEFAULT_SOURCES`] (the setting was never set).
 */
defaults: boolean, };

export type SyncStatusRequest = { 
/**
 * The sources to describe (default: the `sync.sources` setting).
 */
sources?: Array<string>, };

export type SynthCheck = { 
/**
 * The directory (`schemas/<produit>/<TABLE>.json` beside `<TABLE>.csv`).
 */
dir: string, };

export type SynthCheckReport = { 
/**
 * The directory.
 */
dir: string, 
/**
 * Tables with rows.
 */
tables: number, 
/**
 * Rows in all tables.
 */
rows: number, 
/**
 * Rows whose foreign-key values (all non-empty) are found in the table referenced, over
 * every declared foreign key whose table is present.
 */
foreign_keys: SynthMeasure, 
/**
 * Rows of fact tables whose person (`BEN_NIR_PSA`, `NIR_ANO_17`, `BEN_IDT_ANO`) is in the
 * beneficiary table `IR_BEN_R`.
 */
person_ids: SynthMeasure, 
/**
 * Rows with a date out of order: start after end (`…_DTD`/`…_DTF`, `…_AMD`/`…_AMF`,
 * `ENT_DAT`/`SOR_DAT`), care before birth (year of `BEN_NAI_ANN`, the row's or the
 * person's) or after death (`BEN_DCD_DTE`), or a hospital stay overlapping an earlier stay
 * of the same person. `count` is the violations.
 */
date_violations: SynthMeasure, 
/**
 * Stays (rows with `NIR_ANO_17`, `ENT_DAT`, `SOR_DAT`) overlapping another stay of the
 * person (also counted in `date_violations`).
 */
stay_overlaps: SynthMeasure, 
/**
 * Non-empty cells of code-listed columns whose code is in the list (lists found in the
 * directory, else in the catalogue).
 */
valid_codes: SynthMeasure, 
/**
 * DCIR detail rows (a foreign key to `ER_PRS_F`) whose keys find their prestation.
 */
dcir_joinable: SynthMeasure, 
/**
 * Per table.
 */
per_table: Array<SynthTableCheck>, 
/**
 * The first problems found, with file, line and column.
 */
examples: Array<string>, };

export type SynthGenerate = { 
/**
 * The directory to write (created when missing).
 */
out: string, 
/**
 * Number of persons (1 to 10,000,000).
 */
persons: number, 
/**
 * Seed: the same seed gives the same bytes.
 */
seed: number, 
/**
 * Only these tables (every table of the active snapshot when empty).
 */
tables: Array<string>, };

export type SynthManifest = { 
/**
 * `hublot-synth`.
 */
generator: string, 
/**
 * [`GENERATOR_VERSION`].
 */
version: string, 
/**
 * The seed.
 */
seed: number, 
/**
 * Persons generated.
 */
persons: number, 
/**
 * Tables and their rows, by name.
 */
tables: Array<SynthTableCount>, 
/**
 * Rows in all tables.
 */
total_rows: number, 
/**
 * Code lists written under `nomenclatures/`.
 */
code_lists: number, 
/**
 * Time taken, in milliseconds (not part of the determinism promise).
 */
took_ms: number, };

export type SynthMeasure = { 
/**
 * Rows (or cells) that meet the criterion.
 */
count: number, 
/**
 * Rows (or cells) checked.
 */
total: number, 
/**
 * `count / total` in percent; `None` when nothing was checked.
 */
percent: number | null, };

export type SynthTableCheck = { 
/**
 * The table.
 */
name: string, 
/**
 * Its rows.
 */
rows: number, 
/**
 * Foreign-key values that resolve.
 */
foreign_keys: SynthMeasure, 
/**
 * Rows whose dates are out of order.
 */
date_violations: SynthMeasure, 
/**
 * Code-listed cells whose code is in the list.
 */
valid_codes: SynthMeasure, };

export type SynthTableCount = { 
/**
 * The table.
 */
name: string, 
/**
 * Its `produit` (the folder under `schemas/`).
 */
produit: string, 
/**
 * How its rows were made: `world` (modelled), `child of T` (keys of T's rows),
 * `person` (rows of some persons), `reference` (a few typed rows).
 */
how: string, 
/**
 * Rows written.
 */
rows: number, };

export type SystemSnapshot = { 
/**
 * The data directory.
 */
data_dir: string, 
/**
 * Snapshot id (directory name).
 */
id: string, 
/**
 * When it was built (RFC 3339, UTC).
 */
created: string, 
/**
 * Hublot version that built it.
 */
hublot_version: string, 
/**
 * Snapshot format version of the builder.
 */
format_version: number, 
/**
 * Catalogue schema version.
 */
catalogue_schema: number, 
/**
 * Index layout version.
 */
index_format: number, 
/**
 * Fingerprint of the inputs; an import with the same fingerprint is skipped.
 */
fingerprint: string, 
/**
 * Sources, with what each contributed.
 */
sources: Array<SourceReport>, 
/**
 * Tables described by several sources.
 */
merges: Array<MergeNote>, 
/**
 * Warnings of the import.
 */
warnings: Array<string>, 
/**
 * Counts.
 */
stats: Stats, 
/**
 * Build time in milliseconds.
 */
build_ms: number, };

export type Table = { 
/**
 * Its name (`ER_PRS_F`).
 */
name: string, 
/**
 * Its title.
 */
title: string, 
/**
 * The `produit` (domain) it belongs to (`DCIR`, `PMSI MCO`).
 */
produit: string, 
/**
 * The base it belongs to (slug).
 */
base: string, 
/**
 * Its columns, in order.
 */
variables: Array<Variable>, 
/**
 * Primary key columns.
 */
primary_key: Array<string>, 
/**
 * Links to other tables.
 */
foreign_keys: Array<ForeignKey>, 
/**
 * Observations on the table.
 */
observation: string | null, 
/**
 * History (created, deleted, missing), as given.
 */
history?: JsonValue | null, 
/**
 * Where the schema was read.
 */
source: string, };

export type TableChange = { 
/**
 * The table.
 */
table: string, 
/**
 * Added, removed or changed.
 */
change: DraftChangeKind, 
/**
 * For a changed table: its title and keys (`title`, `primary_key`, `foreign_keys`) and
 * each variable added, removed or changed (its description, type, length, code list).
 */
fields: Array<FieldChange>, };

export type TableGet = { 
/**
 * The table's name (`IR_BEN_R`).
 */
name: string, };

export type TableList = { 
/**
 * Only the tables of this base.
 */
base?: string | null, };

export type TablePage = { 
/**
 * The table (variables, keys…).
 */
table: Table, 
/**
 * Its base.
 */
base: BaseRef | null, 
/**
 * Tables it links to (its foreign keys).
 */
joins_out: Array<Join>, 
/**
 * Tables linking to it.
 */
joins_in: Array<Join>, 
/**
 * First sample rows, when the snapshot has samples for it.
 */
sample: SamplePreview | null, 
/**
 * Where the sample rows came from.
 */
samples_source: string | null, };

export type TableProfile = { 
/**
 * The table.
 */
table: string, 
/**
 * The snapshot it was computed on.
 */
snapshot: string, 
/**
 * Rows.
 */
rows: number, 
/**
 * One profile per column, in the table's order.
 */
columns: Array<ColumnProfile>, 
/**
 * How long computing it took, in milliseconds.
 */
compute_ms: number, 
/**
 * True when read from the cache.
 */
cached: boolean, 
/**
 * Where the rows came from.
 */
source: string, };

export type TableSummary = { 
/**
 * Name.
 */
name: string, 
/**
 * Title.
 */
title: string, 
/**
 * Domain.
 */
produit: string, 
/**
 * Base.
 */
base: string, 
/**
 * Number of variables.
 */
variables: number, 
/**
 * Number of sample rows.
 */
sample_rows: number, };

export type Text = { 
/**
 * French text.
 */
fr: string, 
/**
 * English text, empty when there is none.
 */
en?: string, };

export type TopValue = { 
/**
 * The value.
 */
value: JsonValue, 
/**
 * Rows holding it.
 */
count: number, 
/**
 * Its label in the column's code list.
 */
label: string | null, };

export type ValidateRequest = { 
/**
 * Files or folders: HealthDCAT-AP records (`.ttl`, `.jsonld`, `.rdf`), Table Schema
 * folders, code lists (CSV + schema), Markdown docs.
 */
paths: Array<string>, 
/**
 * SHACL shapes files (Turtle) instead of the bundled profile (the HDH's, for instance).
 */
shapes: Array<string>, 
/**
 * The HDH vocabularies folder (`*.yml`); default: `hdh-vocabularies/` beside the first
 * shapes file.
 */
vocabularies: string | null, 
/**
 * Language of messages and fixes (`fr`, default, or `en`).
 */
lang: Lang, };

export type ValidationFinding = { 
/**
 * Violation, warning or info.
 */
severity: FindingSeverity, 
/**
 * The node concerned: an IRI (`https://…/dataset/x`), a blank node (`_:b0`), or for
 * non-RDF inputs the table, code list or page (`table:ER_PRS_F`, `doc:guide/a.md`).
 */
focus: string, 
/**
 * The property path (`dct:title`, `^dcat:inSeries`), or the field of a non-RDF input
 * (`foreignKeys[0]`, `fields[3].nomenclature`); `None` when the whole node is concerned.
 */
path: string | null, 
/**
 * The constraint broken: a SHACL constraint component (`sh:MinCountConstraintComponent`)
 * or a Hublot check (`hublot:VocabularyConstraint`, `hublot:ForeignKeyConstraint`,
 * `hublot:CodeListConstraint`, `hublot:LinkConstraint`, …).
 */
constraint: string, 
/**
 * The offending value, when there is one (a missing property has none).
 */
value: string | null, 
/**
 * What is wrong, in the requested language.
 */
message: string, 
/**
 * One sentence saying how to fix it (« Ajoutez dct:title … »).
 */
fix: string, 
/**
 * The file the finding comes from.
 */
file: string | null, 
/**
 * The 1-based line in that file, when known.
 */
line: number | null, 
/**
 * The shape that produced it (SHACL findings), as an IRI or `_:b…`.
 */
shape?: string, };

export type ValidationReport = { 
/**
 * True when no finding is a violation (warnings and infos do not fail a record).
 */
conforms: boolean, 
/**
 * Every finding, violations first, then by file, line, focus and path.
 */
findings: Array<ValidationFinding>, 
/**
 * Completeness of the HealthDCAT-AP records among the inputs.
 */
score: CompletenessScore, };

export type Variable = { 
/**
 * Its name (`BEN_NIR_PSA`).
 */
name: string, 
/**
 * What it holds.
 */
description: string, 
/**
 * Table Schema type (`string`, `integer`, `date`…).
 */
type: string, 
/**
 * Length as documented (`17`, `4,0`).
 */
length: string | null, 
/**
 * Format (`default`, `%Y%m%d`…).
 */
format: string | null, 
/**
 * Code list it takes its values from.
 */
nomenclature: CodeListRef | null, 
/**
 * Constraints, as given.
 */
constraints?: JsonValue | null, 
/**
 * Year or date it appeared.
 */
date_created: string | null, 
/**
 * Year or date it was removed.
 */
date_deleted: string | null, 
/**
 * Periods it is missing.
 */
date_missing: Array<string>, 
/**
 * Observations.
 */
observation: string | null, 
/**
 * Management rule (`regle_gestion`).
 */
regle_gestion: string | null, };

export type VariableGet = { 
/**
 * Its table.
 */
table: string, 
/**
 * Its name.
 */
name: string, };

export type VariablePage = { 
/**
 * Table it belongs to.
 */
table: TableSummary, 
/**
 * The variable.
 */
variable: Variable, 
/**
 * Whether it is part of the table's primary key.
 */
in_primary_key: boolean, 
/**
 * Joins of the table that use it.
 */
joins: Array<Join>, 
/**
 * Its code list, if any and present in the snapshot.
 */
nomenclature: Nomenclature | null, 
/**
 * The first values of its code list.
 */
codes: Array<Code>, 
/**
 * Other tables with a variable of the same name.
 */
other_tables: Array<string>, };

export type VersionInfo = { 
/**
 * Always `hublot`.
 */
name: string, 
/**
 * The package version (`0.3.0`).
 */
version: string, 
/**
 * Snapshot format this build reads and writes.
 */
snapshot_format: number, 
/**
 * catalogue.sqlite schema version.
 */
catalogue_schema: number, 
/**
 * Search index layout version.
 */
index_format: number, 
/**
 * user.sqlite schema version.
 */
user_schema: number, };

export type Why = { 
/**
 * The word or words searched: as typed, or what a synonym searched in their place.
 */
term: string, 
/**
 * The hit's fields that contain it: `identifier`, `identifier part`, `title`, `label`,
 * `text` (description, documentation, base and table text).
 */
fields: Array<string>, 
/**
 * How it came into the search: `typed`, `identifier`, `glossary`, `synonym` (the
 * hand-written list), `acronym` (a mined expansion of a typed acronym), `expansion` (the
 * mined acronym of typed words), `label` (the query is this code's label).
 */
via: string, 
/**
 * For a synonym, acronym or expansion: the typed words it stands for.
 */
from: string | null, 
/**
 * Where the synonym comes from: the list and its line, or the page or code row of the
 * active snapshot it was mined from.
 */
source: string | null, };

/** Every operation of the core API: its request and answer types. */
export interface Operations {
  'search.query': [SearchRequest, SearchResponse];
  'catalogue.stats': [NoArgs, Stats];
  'catalogue.overview': [NoArgs, Overview];
  'base.list': [NoArgs, Array<BaseSummary>];
  'base.get': [BaseGet, BasePage];
  'table.list': [TableList, Array<TableSummary>];
  'table.get': [TableGet, TablePage];
  'variable.get': [VariableGet, VariablePage];
  'nomenclature.get': [NomenclatureRequest, NomenclaturePage];
  'code.get': [CodeGet, CodeRecord];
  'doc.list': [NoArgs, Array<[string, string]>];
  'doc.get': [DocGet, DocPage];
  'record.show': [RecordShow, AnyRecord];
  'catalogue.snapshot': [NoArgs, SnapshotInfo];
  'catalogue.import': [ImportRequest, ImportReport];
  'catalogue.rollback': [NoArgs, SnapshotInfo];
  'catalogue.sync': [SyncRequest, SyncReport];
  'sync.status': [SyncStatusRequest, Array<SourceState>];
  'sync.sources': [NoArgs, SyncSources];
  'sync.start': [SyncRequest, SyncJob];
  'sync.progress': [NoArgs, SyncJob];
  'sync.cancel': [NoArgs, SyncJob];
  'snapshot.build': [SnapshotBuildRequest, SnapshotBuildReport];
  'snapshot.keygen': [KeygenRequest, KeygenReport];
  'settings.get': [NoArgs, Array<[string, string]>];
  'settings.set': [SettingsSet, Array<[string, string]>];
  'system.version': [NoArgs, VersionInfo];
  'system.snapshot': [NoArgs, SystemSnapshot];
  'system.operations': [NoArgs, Array<OperationInfo>];
  'cite.get': [CiteRequest, Citation];
  'cite.refresh': [CiteRequest, Citation];
  'need.list': [NoArgs, Array<NeedSummary>];
  'need.get': [NeedId, NeedView];
  'need.new': [NeedNew, NeedView];
  'need.update': [NeedUpdate, NeedView];
  'need.set': [NeedSet, NeedView];
  'need.add': [NeedItems, NeedAdded];
  'need.remove': [NeedItems, NeedView];
  'need.status': [NeedStatusRequest, NeedView];
  'need.save': [NeedSave, NeedView];
  'need.diff': [NeedDiff, Array<Change>];
  'need.check': [NeedId, CheckReport];
  'need.export': [NeedExport, Download];
  'need.import': [NeedImport, NeedView];
  'need.delete': [NeedId, Array<NeedSummary>];
  'samples.rows': [RowsRequest, RowsPage];
  'samples.export': [RowsRequest, Download];
  'samples.profile': [ProfileRequest, ProfilePage];
  'samples.chart': [ChartRequest, Download];
  'sql.run': [SqlRun, SqlAnswer];
  'sql.export': [SqlExport, Download];
  'sql.cancel': [SqlCancel, SqlCancelled];
  'sql.complete': [SqlComplete, Completion];
  'sql.history': [SqlHistoryRequest, SqlHistory];
  'sql.join': [SqlJoin, JoinPlan];
  'exercise.list': [NoArgs, ExerciseList];
  'exercise.get': [ExerciseGet, ExercisePage];
  'exercise.check': [ExerciseCheck, ExerciseResult];
  'synth.generate': [SynthGenerate, SynthManifest];
  'synth.check': [SynthCheck, SynthCheckReport];
  'validate.paths': [ValidateRequest, ValidationReport];
  'producer.open': [ProducerOpen, DraftView];
  'producer.close': [NoArgs, DraftStatus];
  'producer.draft': [NoArgs, DraftView];
  'producer.status': [NoArgs, DraftStatus];
  'producer.export': [ProducerExport, Download];
  'producer.export_snapshot': [ProducerExportSnapshot, SnapshotBuildReport];
}

/** The name of an operation. */
export type OpName = keyof Operations;

/** How each operation is reached: access, page-shaped twin, answer kind. */
export const OPERATIONS: { readonly [K in OpName]: { access: OpAccess; page: string | null; answer: AnswerKind } } = {
  'search.query': { access: 'read', page: '/api/search', answer: 'json' },
  'catalogue.stats': { access: 'read', page: '/api/stats', answer: 'json' },
  'catalogue.overview': { access: 'read', page: '/api/overview', answer: 'json' },
  'base.list': { access: 'read', page: '/api/bases', answer: 'json' },
  'base.get': { access: 'read', page: '/api/bases/{id}', answer: 'json' },
  'table.list': { access: 'read', page: '/api/tables', answer: 'json' },
  'table.get': { access: 'read', page: '/api/tables/{name}', answer: 'json' },
  'variable.get': { access: 'read', page: '/api/variables/{table}/{name}', answer: 'json' },
  'nomenclature.get': { access: 'read', page: '/api/nomenclatures/{name}', answer: 'json' },
  'code.get': { access: 'read', page: '/api/codes/{nomenclature}/{*code}', answer: 'json' },
  'doc.list': { access: 'read', page: '/api/docs', answer: 'json' },
  'doc.get': { access: 'read', page: '/api/docs/{*path}', answer: 'json' },
  'record.show': { access: 'read', page: '/api/records/{*id}', answer: 'json' },
  'catalogue.snapshot': { access: 'read', page: null, answer: 'json' },
  'catalogue.import': { access: 'local-only', page: null, answer: 'json' },
  'catalogue.rollback': { access: 'write', page: null, answer: 'json' },
  'catalogue.sync': { access: 'write', page: null, answer: 'json' },
  'sync.status': { access: 'read', page: null, answer: 'json' },
  'sync.sources': { access: 'read', page: null, answer: 'json' },
  'sync.start': { access: 'write', page: null, answer: 'json' },
  'sync.progress': { access: 'read', page: null, answer: 'json' },
  'sync.cancel': { access: 'write', page: null, answer: 'json' },
  'snapshot.build': { access: 'local-only', page: null, answer: 'json' },
  'snapshot.keygen': { access: 'local-only', page: null, answer: 'json' },
  'settings.get': { access: 'read', page: '/api/settings', answer: 'json' },
  'settings.set': { access: 'write', page: null, answer: 'json' },
  'system.version': { access: 'read', page: '/api/-/version', answer: 'json' },
  'system.snapshot': { access: 'read', page: '/api/-/snapshot', answer: 'json' },
  'system.operations': { access: 'read', page: '/api/-/operations', answer: 'json' },
  'cite.get': { access: 'read', page: '/api/cite/{id}', answer: 'json' },
  'cite.refresh': { access: 'write', page: null, answer: 'json' },
  'need.list': { access: 'read', page: '/api/needs', answer: 'json' },
  'need.get': { access: 'read', page: '/api/needs/{id}', answer: 'json' },
  'need.new': { access: 'write', page: null, answer: 'json' },
  'need.update': { access: 'write', page: null, answer: 'json' },
  'need.set': { access: 'write', page: null, answer: 'json' },
  'need.add': { access: 'write', page: null, answer: 'json' },
  'need.remove': { access: 'write', page: null, answer: 'json' },
  'need.status': { access: 'write', page: null, answer: 'json' },
  'need.save': { access: 'write', page: null, answer: 'json' },
  'need.diff': { access: 'read', page: null, answer: 'json' },
  'need.check': { access: 'read', page: '/api/needs/{id}/check', answer: 'json' },
  'need.export': { access: 'read', page: '/api/needs/{id}/export', answer: 'file' },
  'need.import': { access: 'write', page: null, answer: 'json' },
  'need.delete': { access: 'write', page: null, answer: 'json' },
  'samples.rows': { access: 'read', page: '/api/tables/{name}/rows', answer: 'json' },
  'samples.export': { access: 'read', page: '/api/tables/{name}/rows.csv', answer: 'file' },
  'samples.profile': { access: 'read', page: '/api/tables/{name}/profile', answer: 'json' },
  'samples.chart': { access: 'read', page: '/api/tables/{name}/chart/{column}', answer: 'file' },
  'sql.run': { access: 'write', page: null, answer: 'json' },
  'sql.export': { access: 'read', page: null, answer: 'file' },
  'sql.cancel': { access: 'write', page: null, answer: 'json' },
  'sql.complete': { access: 'read', page: null, answer: 'json' },
  'sql.history': { access: 'read', page: null, answer: 'json' },
  'sql.join': { access: 'read', page: null, answer: 'json' },
  'exercise.list': { access: 'read', page: null, answer: 'json' },
  'exercise.get': { access: 'read', page: null, answer: 'json' },
  'exercise.check': { access: 'write', page: null, answer: 'json' },
  'synth.generate': { access: 'local-only', page: null, answer: 'json' },
  'synth.check': { access: 'local-only', page: null, answer: 'json' },
  'validate.paths': { access: 'local-only', page: null, answer: 'json' },
  'producer.open': { access: 'local-only', page: null, answer: 'json' },
  'producer.close': { access: 'local-only', page: null, answer: 'json' },
  'producer.draft': { access: 'read', page: '/api/producer', answer: 'json' },
  'producer.status': { access: 'read', page: null, answer: 'json' },
  'producer.export': { access: 'read', page: null, answer: 'file' },
  'producer.export_snapshot': { access: 'local-only', page: null, answer: 'json' },
};
