/** What the TUI shows, read through the named queries for the current state (paged, never whole tables). */
import { TAGS } from '../../classify/vocabulary.js';
import type { Evidence } from '../../classify/vocabulary.js';
import type { EventRow } from '../../report/event-rows.js';
import type { Params } from '../../store/queries.js';

/** What the TUI reads through: the database's QueryRunner, or a fleet store's SyncFleetReader. */
export interface TriageQueries {
  all<T = Record<string, unknown>>(name: string, params?: Params): T[];
  refreshView(): void;
}

export const RANGES = ['all', 'hour', 'day', 'week'] as const;
export type RangeName = (typeof RANGES)[number];
const RANGE_MS: Record<RangeName, number> = { all: 0, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

export interface Filters {
  range: RangeName;
  /** --since/--until from the command line, which override the range. */
  since: number | null;
  until: number | null;
  text: string | null;
  tag: (typeof TAGS)[number] | null;
  benign: boolean;
  /** A client, user or path picked from the top lists: everything narrows to it. */
  pick: TopPick | null;
}

export interface TopPick {
  kind: 'client' | 'user' | 'path';
  value: string;
}

export interface CauseRow {
  status: number;
  cause: string;
  count: number;
  benign: number;
  proven: number;
  trend: number[];
}

export interface TopRow {
  kind: 'client' | 'user' | 'path';
  value: string;
  count: number;
}

/** An event as the TUI lists it: the events fields, with its id, time in ms and access line. */
/** raw: the access line when the database kept it (piped or compressed input); else `offset` says where it is in its file. */
export type EventItem = Omit<EventRow, 'time'> & { id: number; ts: number; raw: string | null; offset: number | null };

/**
 * The time window. One rule everywhere: a range counts back from now, as `--since 1h` does
 * on the command line; on older logs an empty range says what the database holds.
 */
export function window(q: TriageQueries, f: Filters, now = Date.now()): { since: number | null; until: number | null; first: number | null; last: number | null } {
  const span = q.all<{ first: number | null; last: number | null }>('tui-span')[0];
  let since = f.since;
  let until = f.until;
  if (since === null && span.last !== null) since = f.range === 'all' ? span.first : now - RANGE_MS[f.range];
  if (until === null && span.last !== null) until = Math.max(span.last + 1, f.range === 'all' ? 0 : now);
  return { since, until, first: span.first, last: span.last };
}

/** Why a range shows nothing, when the database does hold 401/403s: their span, and a key to try. */
export function emptyRangeHint(f: Filters, w: { first: number | null; last: number | null }): string | null {
  if (w.first === null || w.last === null || (f.range === 'all' && f.since === null && f.until === null)) return null;
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
  return `no 401 or 403 in this range (ranges count back from now); the database holds ${iso(w.first)} – ${iso(w.last)}: press t for all`;
}

export function filterParams(f: Filters, w: { since: number | null; until: number | null }): Params {
  const pick = (kind: TopPick['kind']) => (f.pick?.kind === kind ? f.pick.value : null);
  return { since: w.since, until: w.until, tag: f.tag, text: f.text, benign: f.benign ? 1 : 0, ip: pick('client'), user: pick('user'), path: pick('path') };
}

export function loadCauses(q: TriageQueries, p: Params): CauseRow[] {
  const rows = q.all<Omit<CauseRow, 'trend'>>('tui-causes', p);
  const trend = new Map<string, number[]>();
  if (p.since !== null && p.until !== null) {
    for (const t of q.all<{ status: number; cause: string; bucket: number; count: number }>('tui-trend', p)) {
      const key = `${t.status} ${t.cause}`;
      const series = trend.get(key) ?? new Array<number>(12).fill(0);
      series[t.bucket] = t.count;
      trend.set(key, series);
    }
  }
  return rows.map((r) => ({ ...r, trend: trend.get(`${r.status} ${r.cause}`) ?? [] }));
}

export function loadTop(q: TriageQueries, p: Params, c: CauseRow): TopRow[] {
  return q.all<TopRow>('tui-top', { ...p, status: c.status, cause: c.cause, limit: 5 });
}

export function loadEvents(q: TriageQueries, p: Params, c: CauseRow, offset: number, limit: number): EventItem[] {
  type Raw = Omit<EventItem, 'tags' | 'evidence'> & { tags: string; evidence: string };
  return q.all<Raw>('tui-events', { ...p, status: c.status, cause: c.cause, limit, offset }).map((r) => ({
    ...r,
    tags: JSON.parse(r.tags) as string[],
    evidence: JSON.parse(r.evidence) as Evidence[],
  }));
}

/** Every event of the selection, streamed (for export). */
export function* allEvents(q: TriageQueries, p: Params, c: CauseRow): Generator<EventItem> {
  for (let offset = 0; ; offset += 1000) {
    const page = loadEvents(q, p, c, offset, 1000);
    yield* page;
    if (page.length < 1000) return;
  }
}
