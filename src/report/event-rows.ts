/** One 401/403 as `authlog events` prints it: the NDJSON field set, shared by every format. */
import type { Evidence } from '../classify/vocabulary.js';
import { csvCell, safeJson } from '../util/json.js';
import { isoUtc } from '../util/time.js';

export interface EventRow {
  time: string;
  ip: string;
  method: string | null;
  path: string | null;
  status: number;
  user: string | null;
  cause: string;
  confidence: string;
  layer: string;
  tags: string[];
  evidence: Evidence[];
  fix: string;
  file: string;
  line: number;
  /** The source's stable key: with `line`, a key that does not repeat after rotation. */
  source: string;
  /** The rule that gave the verdict (`authlog events --help` lists them). */
  rule: string;
  /** The server that logged it: with source and line, a key unique across a fleet. */
  host: string;
}

/** The `events` query's row: the same fields, with the time in ms and JSON text for the arrays. */
export type EventQueryRow = Omit<EventRow, 'time' | 'tags' | 'evidence'> & { ts: number; tags: string; evidence: string };

export function toEventRow(r: EventQueryRow): EventRow {
  return {
    time: isoUtc(r.ts),
    ip: r.ip,
    method: r.method,
    path: r.path,
    status: r.status,
    user: r.user,
    cause: r.cause,
    confidence: r.confidence,
    layer: r.layer,
    tags: JSON.parse(r.tags) as string[],
    evidence: JSON.parse(r.evidence) as Evidence[],
    fix: r.fix,
    file: r.file,
    line: r.line,
    source: r.source,
    rule: r.rule,
    host: r.host,
  };
}

/** The CSV columns: the NDJSON fields in the same order. */
export const EVENT_FIELDS: (keyof EventRow)[] = ['time', 'ip', 'method', 'path', 'status', 'user', 'cause', 'confidence', 'layer', 'tags', 'evidence', 'fix', 'file', 'line', 'source', 'rule', 'host'];

/** One event as a line of NDJSON or CSV (arrays flattened for CSV), as events and TUI exports write them. */
export function formatEvent(e: EventRow, format: 'ndjson' | 'csv'): string {
  // Fields in one order whatever object they came from.
  if (format === 'ndjson') return safeJson(Object.fromEntries(EVENT_FIELDS.map((f) => [f, e[f]])));
  return EVENT_FIELDS.map((f) =>
    csvCell(f === 'evidence' ? e.evidence.map((x) => `${x.file ?? ''}${x.line ? `:${x.line}` : ''} ${x.text}`).join(' | ') : f === 'tags' ? e.tags.join(' ') : e[f]),
  ).join(',');
}
