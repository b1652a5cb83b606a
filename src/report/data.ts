/** Everything a report shows, gathered through the named queries; the renderers only format it. */
import { SYMPTOM_TAGS, TAG_PLAYS } from '../doctor/playbook.js';
import type { Params, QueryReader } from '../store/queries.js';
import { packageVersion } from '../cli/paths.js';
import { formatLabel } from '../../parsers/index.js';

export interface CauseRow { status: number; cause: string; count: number; benign: number; proven: number; fix: string }
export interface ClientRow { ip: string; count: number; unauthorized: number; forbidden: number; main_cause: string; users: number; user_agent: string | null }
export interface UserRow { user: string; count: number; clients: number; causes: string }
export interface PathRow { path: string | null; count: number; unauthorized: number; forbidden: number; causes: string }
export interface HourRow { hour: number; requests: number; unauthorized: number; forbidden: number }
export interface BruteRow { ip: string; failures: number; users: number; users_tried: string | null; first_ts: number; last_ts: number }
export interface LayerRow { layer: string; status: number; count: number }
export interface RejectRow { reason: string; count: number; file: string; sample_line: number; sample: string }
export interface EventSample { ts: number; status: number; cause: string; confidence: string; rule: string; ip: string; user: string | null; path: string | null; tags: string; method: string | null }

/** The HTML report carries the newest of the range's 401/403s, to drill into. */
export const REPORT_EVENTS = 1000;

export interface ReportData {
  requests: number;
  unauthorized: number;
  forbidden: number;
  firstMinute: number | null;
  lastMinute: number | null;
  causes: CauseRow[];
  tags: { tag: string; count: number }[];
  /** 401s that are real failures, and the benign ones (browser challenges, monitors). */
  realFailures: number;
  benign: number;
  topClients: ClientRow[];
  topUsers: UserRow[];
  topPaths: PathRow[];
  /** Top clients per `${status} ${cause}`, for the causes present. */
  clientsByCause: Record<string, { ip: string; count: number }[]>;
  timeline: HourRow[];
  bruteForce: BruteRow[];
  layers: LayerRow[];
  rejected: RejectRow[];
  rejectedTotal: number;
  /** "symptom → likely cause → fix", with this site's counts (zero rows included). */
  symptoms: SymptomRow[];
  /** The newest 401/403s of the range (at most REPORT_EVENTS), for drilling down. */
  events: EventSample[];
  /** 401/403s the marks leave out of every count above (0 with --all). */
  hiddenByMarks: number;
  /** The log files the database read, and when and by which version this was made. */
  sources: { path: string; format: string; lines: number }[];
  /** The database read, and whether the report covers only the sources of the paths named. */
  database: string;
  scoped: boolean;
  /** Scoped, but the database holds request counts an older authlog made for all files at once. */
  legacyTraffic: boolean;
  generatedAt: number;
  version: string;
}

/**
 * When a time range found nothing: the span the database holds and a range that has data,
 * or null when the range was not the reason (no range given, or the database is empty).
 */
export async function emptyRangeNote(q: QueryReader, range: { since: number | null; until: number | null }): Promise<string | null> {
  if (range.since === null && range.until === null) return null;
  const all = (await q.all<{ unauthorized: number; forbidden: number; first_minute: number | null; last_minute: number | null }>('summary', { since: null, until: null }))[0];
  if (all.first_minute === null || all.last_minute === null || all.unauthorized + all.forbidden === 0) return null;
  const day = new Date(all.last_minute).toISOString().slice(0, 10);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';
  return `nothing in that time range: the database holds ${iso(all.first_minute)} – ${iso(all.last_minute + 59_999)} (--since counts back from now; try --since ${day})`;
}

/** "3 sources: a.log (nginx-access, 1,200 lines), … · database x.db": the header of a text or Markdown report. */
export function sourcesLine(d: Pick<ReportData, 'sources' | 'scoped' | 'database'> & { legacyTraffic?: boolean }, max = 4): string {
  const listed = d.sources.slice(0, max).map((s) => `${s.path} (${s.format}, ${s.lines.toLocaleString('en-US')} lines)`);
  if (d.sources.length > max) listed.push(`${d.sources.length - max} more`);
  const what = d.scoped ? `the paths named${d.legacyTraffic ? ' (requests an older authlog counted are not per file: all of them are in)' : ''}` : 'the whole database';
  return `${what}: ${d.sources.length} source(s)${listed.length ? `: ${listed.join(', ')}` : ''} · database ${d.database || '-'}`;
}

/** What a command's output covers, for its header: the sources (named paths or all) and the database. */
export async function coverage(q: QueryReader, database: string): Promise<Pick<ReportData, 'sources' | 'scoped' | 'database' | 'legacyTraffic'>> {
  return {
    legacyTraffic: q.scope !== null && q.legacyTraffic,
    sources: (await q.all<{ host: string; path: string; format: string; variant: string | null; lines: number }>('sources')).map((r, _, all) => ({
      // A fleet's files are named with their server.
      path: all.some((x) => x.host !== r.host) ? `${r.host}:${r.path}` : r.path, format: `${formatLabel(r.format, r.variant)}${r.variant ? `, ${r.variant}` : ''}`, lines: r.lines,
    })),
    scoped: q.scope !== null,
    database,
  };
}

/** The note every count shown beside marks carries. */
export function hiddenNote(n: number): string {
  return `${n.toLocaleString('en-US')} 401/403 hidden by marks (--all shows them)`;
}

export interface SymptomRow {
  tag: string;
  symptom: string;
  likelyCause: string;
  fix: string;
  count: number;
}

export async function gatherReport(q: QueryReader, range: { since: number | null; until: number | null }, database = ''): Promise<ReportData> {
  const p: Params = { since: range.since, until: range.until };
  const summary = (await q.all<{ requests: number; unauthorized: number; forbidden: number; first_minute: number | null; last_minute: number | null }>('summary', p))[0];
  const causes = await q.all<CauseRow>('causes', p);
  const rejected = await q.all<RejectRow>('rejects', {});
  const clientsByCause: Record<string, { ip: string; count: number }[]> = {};
  for (const row of await q.all<{ status: number; cause: string; ip: string; count: number }>('clients-by-cause', { ...p, limit: 3 })) {
    (clientsByCause[`${row.status} ${row.cause}`] ??= []).push({ ip: row.ip, count: row.count });
  }
  const causes401 = causes.filter((c) => c.status === 401);
  const tags = await q.all<{ tag: string; count: number }>('tags', p);
  const tagCount = new Map(tags.map((t) => [t.tag, t.count]));
  const symptoms = SYMPTOM_TAGS.map((tag) => ({
    tag, symptom: TAG_PLAYS[tag].title, likelyCause: TAG_PLAYS[tag].likelyCause, fix: TAG_PLAYS[tag].fix, count: tagCount.get(tag) ?? 0,
  })).sort((a, b) => b.count - a.count);
  const benign = causes401.reduce((a, c) => a + c.benign, 0);
  return {
    ...(await coverage(q, database)),
    generatedAt: Date.now(),
    version: packageVersion(),
    hiddenByMarks: await q.hiddenByMarks(range.since, range.until),
    requests: summary.requests,
    unauthorized: summary.unauthorized,
    forbidden: summary.forbidden,
    firstMinute: summary.first_minute,
    lastMinute: summary.last_minute,
    causes,
    tags,
    symptoms,
    realFailures: causes401.reduce((a, c) => a + c.count, 0) - benign,
    benign,
    topClients: await q.all<ClientRow>('top-clients', { ...p, limit: 10 }),
    topUsers: await q.all<UserRow>('top-users', { ...p, limit: 10 }),
    topPaths: await q.all<PathRow>('top-paths', { ...p, limit: 10 }),
    clientsByCause,
    timeline: await q.all<HourRow>('timeline', p),
    bruteForce: await q.all<BruteRow>('brute-force', { ...p, limit: 20 }),
    layers: await q.all<LayerRow>('layers', p),
    rejected,
    rejectedTotal: rejected.reduce((a, r) => a + r.count, 0),
    events: await q.all<EventSample>('report-events', { ...p, limit: REPORT_EVENTS }),
  };
}

export function share(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const pct = (100 * part) / whole;
  return pct > 0 && pct < 0.1 ? '<0.1%' : `${pct.toFixed(pct < 10 ? 1 : 0)}%`;
}

/** The JSON report: stable field names for scripts. */
export function reportJson(d: ReportData): Record<string, unknown> {
  const causes: Record<string, number> = {};
  for (const c of d.causes) causes[c.cause] = (causes[c.cause] ?? 0) + c.count;
  const tags: Record<string, number> = {};
  for (const t of d.tags) tags[t.tag] = t.count;
  return {
    range: d.firstMinute !== null && d.lastMinute !== null ? { from: new Date(d.firstMinute).toISOString(), to: new Date(d.lastMinute + 59_999).toISOString() } : null,
    sources: d.sources,
    scope: d.scoped ? 'paths' : 'database',
    database: d.database,
    generated_at: new Date(d.generatedAt).toISOString(),
    requests: d.requests,
    unauthorized: d.unauthorized,
    forbidden: d.forbidden,
    causes,
    causes_by_status: d.causes,
    tags,
    real_failures: d.realFailures,
    benign: d.benign,
    top_clients: d.topClients,
    top_users: d.topUsers,
    top_paths: d.topPaths,
    timeline: d.timeline.map((h) => ({ ...h, hour: new Date(h.hour).toISOString() })),
    brute_force: d.bruteForce.map((b) => ({ ...b, users_tried: JSON.parse(b.users_tried ?? '[]') as (string | null)[], first: new Date(b.first_ts).toISOString(), last: new Date(b.last_ts).toISOString() })),
    layers: d.layers,
    rejected: d.rejectedTotal,
    rejected_by_reason: d.rejected,
    hidden_by_marks: d.hiddenByMarks,
    symptoms: d.symptoms.map((s) => ({ tag: s.tag, symptom: s.symptom, likely_cause: s.likelyCause, fix: s.fix, count: s.count })),
  };
}
