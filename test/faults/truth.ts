/**
 * Ground truth for the fault-injection tests: access logs whose every line is known, and
 * the database's totals to hold against them (lost = truth - stored, doubled = stored - truth).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { rng } from '../../bench/generate.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

export interface Truth {
  lines: number;
  /** Requests with status 401 or 403. */
  auth: number;
}

/** Line `i` of a site's log: one second apart from `startMs`, ~8% 401/403, seeded. */
export function accessLine(i: number, startMs = Date.UTC(2026, 10, 27, 0, 0, 0), seed = 7): { text: string; auth: boolean } {
  const r = rng(seed * 1_000_003 + i);
  const x = r();
  const status = x < 0.06 ? 401 : x < 0.08 ? 403 : x < 0.1 ? 404 : 200;
  const d = new Date(startMs + i * 1000);
  const time = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
  const ip = `10.${Math.floor(r() * 4)}.${Math.floor(r() * 250)}.${1 + Math.floor(r() * 250)}`;
  const user = status === 401 && r() < 0.5 ? `u${Math.floor(r() * 30)}` : '-';
  return { text: `${ip} - ${user} [${time}] "GET /p/${i} HTTP/1.1" ${status} ${100 + (i % 900)} "-" "curl/8.${i % 10}"`, auth: status === 401 || status === 403 };
}

/** Lines [from, to) as one text, with their truth. */
export function linesOf(from: number, to: number, startMs?: number): { text: string; truth: Truth } {
  const out: string[] = [];
  let auth = 0;
  for (let i = from; i < to; i++) {
    const l = accessLine(i, startMs);
    out.push(l.text);
    if (l.auth) auth++;
  }
  return { text: out.length ? out.join('\n') + '\n' : '', truth: { lines: to - from, auth } };
}

/** Writes lines [from, to) of the log; returns their truth. */
export function writeLines(file: string, from: number, to: number, append = false, startMs?: number): Truth {
  const { text, truth } = linesOf(from, to, startMs);
  (append ? appendFileSync : writeFileSync)(file, text);
  return truth;
}

export function add(a: Truth, b: Truth): Truth {
  return { lines: a.lines + b.lines, auth: a.auth + b.auth };
}

/** What the database counted: every request in traffic, 401/403s stored once each, lines read. */
export function stored(dbPath: string): Truth & { sourceLines: number; rejected: number; unclassified: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const lines = (db.prepare('SELECT coalesce(sum(count), 0) AS n FROM traffic').get() as { n: number }).n;
    const auth = (db.prepare('SELECT count(*) AS n FROM requests WHERE status IN (401, 403)').get() as { n: number }).n;
    const sourceLines = (db.prepare("SELECT coalesce(sum(lines), 0) AS n FROM sources WHERE format = 'nginx-access'").get() as { n: number }).n;
    const rejected = (db.prepare('SELECT count(*) AS n FROM rejects').get() as { n: number }).n;
    // One pass writes a verdict after its request: a kill between them leaves one to make.
    const unclassified = (db.prepare('SELECT count(*) AS n FROM requests r WHERE r.status IN (401, 403) AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.request_id = r.id)').get() as { n: number }).n;
    return { lines, auth, sourceLines, rejected, unclassified };
  } finally {
    db.close();
  }
}

/** lost and doubled, printed by every fault test (the issue asks for both numbers). */
export function compare(name: string, truth: Truth, got: Truth): { lost: number; doubled: number } {
  const lost = Math.max(0, truth.lines - got.lines) + Math.max(0, truth.auth - got.auth);
  const doubled = Math.max(0, got.lines - truth.lines) + Math.max(0, got.auth - truth.auth);
  console.log(`${name}: requests ${got.lines}/${truth.lines}, 401/403 ${got.auth}/${truth.auth}: lost=${lost} doubled=${doubled}`);
  return { lost, doubled };
}
