/** One 401/403 as `authlog events` prints it: the NDJSON field set, shared by every format. */
import type { Evidence } from '../classify/vocabulary.js';
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
  };
}
