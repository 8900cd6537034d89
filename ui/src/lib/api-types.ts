// Types of the JSON that the core API (src/api.rs) answers, written to match its serde structs.
// Keep in step with src/api.rs, src/model.rs, src/search/query.rs and src/store/*.rs.
// (STYLE.md wants this file generated from the Rust types; until then, edit it by hand.)

export interface Text {
  fr: string;
  en?: string;
}

export interface Org {
  name: string;
  url?: string | null;
}

export interface Link {
  title: Text;
  url: string;
}

export interface Period {
  start?: string | null;
  end?: string | null;
  text: Text;
}

export interface Access {
  routes: string[];
  text: Text;
}

export interface Base {
  id: string;
  name: string;
  title: Text;
  kind: string;
  parent?: string | null;
  producer?: Org | null;
  contact?: string | null;
  description: Text;
  population: Text;
  period: Period;
  geography: Text;
  access: Access;
  links: Link[];
  doi?: string | null;
  citation?: string | null;
  produits: string[];
  keywords: string[];
  /** HealthDCAT-AP imports: unmapped properties, raw, and `hublot:missingMandatory`. */
  extra?: { [key in string]?: JsonValue };
}

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export interface BaseSummary extends Base {
  tables: number;
  variables: number;
}

export interface BaseRef {
  id: string;
  name: string;
  title: Text;
}

export interface TableSummary {
  name: string;
  title: string;
  produit: string;
  base: string;
  variables: number;
  sample_rows: number;
}

export interface CodeListRef {
  name: string;
  column: string | null;
}

export interface Variable {
  name: string;
  description: string;
  type: string;
  length: string | null;
  format: string | null;
  nomenclature: CodeListRef | null;
  constraints?: Record<string, unknown> | null;
  date_created: string | null;
  date_deleted: string | null;
  date_missing: string[];
  observation: string | null;
  regle_gestion: string | null;
}

export interface ForeignKey {
  fields: string[];
  table: string;
  ref_fields: string[];
}

export interface Table {
  name: string;
  title: string;
  produit: string;
  base: string;
  variables: Variable[];
  primary_key: string[];
  foreign_keys: ForeignKey[];
  observation: string | null;
  history?: unknown;
  source: string;
}

export interface Join {
  table: string;
  fields: string[];
  other_fields: string[];
  exists: boolean;
  title: string | null;
}

export interface SamplePreview {
  columns: string[];
  rows: unknown[][];
  total: number;
  source: string | null;
}

export interface Nomenclature {
  name: string;
  title: string;
  columns: string[];
  code_column: number;
  label_column: number | null;
  source: string;
  rows: number;
}

export interface Code {
  code: string;
  label: string;
  values: string[];
}

export interface CodePage {
  rows: Code[];
  total: number;
  offset: number;
}

export interface DocPage {
  path: string;
  title: string;
  text: string;
  html: string;
  dois: string[];
  headings: [number, string, string][];
}

export interface Stats {
  bases: number;
  tables: number;
  variables: number;
  nomenclatures: number;
  codes: number;
  docs: number;
  sample_rows: number;
}

export interface SourceReport {
  path: string;
  kind: string | null;
  bases: number;
  tables: number;
  variables: number;
  nomenclatures: number;
  sample_tables: number;
  docs: number;
}

export interface SnapshotInfo {
  id: string;
  created: string;
  hublot_version: string;
  format_version: number;
  catalogue_schema: number;
  index_format: number;
  fingerprint: string;
  sources: SourceReport[];
  merges: unknown[];
  warnings: string[];
  stats: Stats;
  build_ms: number;
  /** Only from `/api/-/snapshot`. */
  data_dir?: string;
}

export interface Overview {
  snapshot: SnapshotInfo;
  bases: BaseSummary[];
  stats: Stats;
}

export interface BasePage {
  base: Base;
  tables: TableSummary[];
  components: BaseRef[];
  parent: BaseRef | null;
}

export interface TablePage {
  table: Table;
  base: BaseRef | null;
  joins_out: Join[];
  joins_in: Join[];
  sample: SamplePreview | null;
  samples_source: string | null;
}

export interface VariablePage {
  table: TableSummary;
  variable: Variable;
  in_primary_key: boolean;
  joins: Join[];
  nomenclature: Nomenclature | null;
  codes: Code[];
  other_tables: string[];
}

export interface NomenclaturePage {
  nomenclature: Nomenclature;
  codes: CodePage;
  used_by: string[];
}

export type Kind = 'base' | 'table' | 'variable' | 'nomenclature' | 'code' | 'doc';

export interface SearchRequest {
  q: string;
  kind?: string | null;
  base?: string | null;
  produit?: string | null;
  table?: string | null;
  nomenclature?: string | null;
  limit?: number | null;
  no_group?: boolean;
}

export interface SearchHit {
  kind: Kind;
  id: string;
  title: string;
  score: number;
  name?: string;
  table?: string;
  nomenclature?: string;
  code?: string;
  label?: string;
  path?: string;
  base?: string;
  produit?: string;
  tables_count?: number;
  also_in?: string[];
}

export interface Facet {
  value: string;
  count: number;
  selected: boolean;
}

export interface SearchResponse {
  query: string;
  total: number;
  took_ms: number;
  hits: SearchHit[];
  kinds: Facet[];
  terms: string[];
  fuzzy: boolean;
}

export interface VersionInfo {
  name: string;
  version: string;
  snapshot_format: number;
  catalogue_schema: number;
  index_format: number;
}

/** Arguments of `catalogue.sync` and `sync.start` (empty `sources`: the `sync.sources` setting). */
export interface SyncRequest {
  sources?: string[];
  force?: boolean;
}

/** Where a sync is: `progress` of `SyncJob`. */
export interface SyncProgress {
  phase: 'manifest' | 'download' | 'extract' | 'build' | 'done';
  source: string;
  files_done: number;
  files_total: number;
  bytes_done: number;
  bytes_total: number;
}

/** How a sync ended (`report` of `SyncJob`). */
export interface SyncReport {
  outcome: 'up_to_date' | 'updated';
  added?: number;
  removed?: number;
  changed?: number;
  downloaded_files?: number;
  downloaded_bytes?: number;
  snapshot: string;
  sources: { source: string; kind: string; changed: boolean; downloaded_files: number; downloaded_bytes: number }[];
  requests: number;
  note: string | null;
  took_ms: number;
}

/** The background sync: answer of `sync.start`, `sync.progress` and `sync.cancel`. */
export interface SyncJob {
  id: number;
  state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  sources: string[];
  started_at: string | null;
  finished_at: string | null;
  progress: SyncProgress | null;
  report: SyncReport | null;
  error: string | null;
  cancel_requested: boolean;
}

/** Every operation the UI calls, with its arguments and its answer. */
export interface Operations {
  'search.query': [SearchRequest, SearchResponse];
  'catalogue.overview': [Record<string, never>, Overview];
  'catalogue.snapshot': [Record<string, never>, SnapshotInfo];
  'catalogue.stats': [Record<string, never>, Stats];
  'base.get': [{ id: string }, BasePage];
  'table.get': [{ name: string }, TablePage];
  'variable.get': [{ table: string; name: string }, VariablePage];
  'nomenclature.get': [{ name: string; q?: string; offset?: number; limit?: number }, NomenclaturePage];
  'doc.get': [{ path: string }, DocPage];
  'doc.list': [Record<string, never>, [string, string][]];
  'settings.get': [Record<string, never>, [string, string][]];
  'settings.set': [{ key: string; value: string }, null];
  'sync.sources': [Record<string, never>, { sources: string[]; defaults: boolean }];
  'sync.start': [SyncRequest, SyncJob];
  'sync.progress': [Record<string, never>, SyncJob];
  'sync.cancel': [Record<string, never>, SyncJob];
}
