/** The reads and writes classification needs, kept here because only src/store touches SQLite. */
import type { AuthRequest, SignalEvent } from '../classify/facts.js';
import { BENIGN_TAGS, type Verdict } from '../classify/vocabulary.js';
import { writeTransaction, type Db } from './db.js';
import { EVIDENCE, FIX, UPSERT_VERDICT_SET } from './sink.js';
import { TextIds } from './texts.js';

const REQUEST_COLUMNS = `r.id, r.extra, r.ts, r.ip, r.user, r.user_logged AS userLogged, r.method, r.target, r.path, r.status, r.bytes,
  ua.text AS userAgent, r.host, r.scheme, r.upstream_status AS upstreamStatus, r.www_authenticate AS wwwAuthenticate,
  r.endpoint, s.path AS file, r.line,
  c.count AS priorCount, c.with_user AS priorWithUser, c.https AS priorHttps, c.first_ts AS priorFirstTs, c.last_ts AS priorLastTs`;

export interface PriorSuccess {
  priorCount: number | null;
  priorWithUser: number | null;
  priorHttps: number | null;
  priorFirstTs: number | null;
  priorLastTs: number | null;
}

/** A client's 401s on one endpoint spread over at least an hour. */
export interface FailureSpan {
  first: number;
  last: number;
}

/** A client's long span of 401s on one endpoint (what the intermittent tag is about). */
export interface LongSpan {
  ip: string;
  endpoint: string;
  span: FailureSpan;
}

export interface SiteFacts {
  /** Clients that succeeded somewhere over https. */
  httpsClients: Set<string>;
  /** Clients that succeeded somewhere with Basic credentials. */
  basicOkClients: Set<string>;
  /** `ip endpoint` → span of its 401s, for spans of an hour or more. */
  longFailureSpans: Map<string, FailureSpan>;
}

export interface ClassifyStore {
  /** 401/403s after (ts, id) in time order, each with its client's earlier successes on its endpoint. */
  authPage(afterTs: number, afterId: number, limit: number): (AuthRequest & PriorSuccess)[];
  signalEvents(fromTs: number, toTs: number): SignalEvent[];
  failuresByClient(fromTs?: number): Iterable<{ id: number; ip: string; ts: number; user: string | null }>;
  /** The client's next request that succeeded or carried credentials (the answer to a challenge). */
  nextSuccess(ip: string, fromTs: number, toTs: number): { ts: number; status: number; user: string | null; file: string; line: number } | undefined;
  /** With `fromTs`, only about the clients that failed from then on (a live round stays small). */
  siteFacts(minSpanMs: number, fromTs?: number): SiteFacts;
  /** The client's last successful wp-admin page load at or before `ts`, if any. */
  lastAdminLoad(ip: string, ts: number): number | null;
  clearVerdicts(fromTs?: number, toTs?: number): void;
  /** The time of the earliest 401/403 without a verdict (a classification cut short), or null. */
  firstUnclassified(): number | null;
  saveVerdicts(rows: { req: AuthRequest; verdict: Verdict }[]): void;
  /** The client's successes at the endpoint stored before (null: none). */
  storedSuccesses(ip: string, endpoint: string): PriorSuccess | null;
  /** The client succeeded with Basic credentials in what was stored before. */
  storedBasicOk(ip: string): boolean;
  /** The client succeeded over https in what was stored before. */
  storedHttpsOk(ip: string): boolean;
  /** The span of the client's stored 401s on the endpoint (null: none). */
  storedFailureSpan(ip: string, endpoint: string): FailureSpan | null;
  /**
   * Adds `intermittent` to the stored 401 verdicts of each client on an endpoint inside its
   * `span` that lack it, where its successes fall inside the span and the 401 was no
   * challenge: what classifying them all again would give. Returns how many.
   */
  tagIntermittent(spans: Iterable<LongSpan>, text: (endpoint: string) => string): number;
  /** Stored 401s from `fromTs` on, in time order. */
  failuresByClientSince(fromTs: number): { ip: string; ts: number; user: string | null }[];
  /** The earliest of these requests whose verdict lacks `tag` (null: none). */
  earliestUntagged(ids: number[], tag: string): number | null;
  /** The time of the latest stored 401/403 (null: none). */
  lastAuthTs(): number | null;
  /** The highest request id stored (0: none): what a run finds there before it writes. */
  lastRequestId(): number;
  /** The time of the earliest 401/403 at or after `fromTs` among the requests up to id `upToId` (null: none). */
  firstAuthTsFrom(fromTs: number, upToId: number): number | null;
  /** Whether any success, any 401/403 is stored: when not, nothing need be asked. */
  storedCounts(): { successes: boolean; failures: boolean };
}

/** The verdict columns after request_id, in INSERT order; benign is derived here, once. */
export function verdictColumns(r: AuthRequest, v: Verdict): (string | number | null)[] {
  // A 403 is never the benign prompt-and-retry: even a monitor's 403 is a configuration to fix.
  const benign = r.status === 401 && v.tags.some((t) => BENIGN_TAGS.includes(t)) ? 1 : 0;
  return [r.ts, r.status, r.ip, r.user, r.path, benign, v.cause, v.confidence, v.layer, v.rule, JSON.stringify(v.tags), JSON.stringify(v.evidence), v.fix];
}

export function classifyStore(db: Db): ClassifyStore {
  const texts = new TextIds(db);
  /** A rolled-back write may have taught `texts` ids that are not there. */
  const written = <T>(write: () => T): T => {
    try {
      return write();
    } catch (e) {
      texts.forget();
      throw e;
    }
  };
  const page = db.prepare(
    `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN sources s ON s.id = r.source_id
       LEFT JOIN texts ua ON ua.id = r.user_agent_id
       LEFT JOIN client_ok c ON c.ip = r.ip AND c.path = r.endpoint
     WHERE r.status IN (401, 403) AND (r.ts, r.id) > (?, ?) ORDER BY r.ts, r.id LIMIT ?`,
  );
  const events = db.prepare(
    `SELECT e.id, e.ts, e.format, e.client, e.method, e.target, e.signal, e.signal_user AS user, e.signal_object AS object,
       e.message, s.path AS file, e.line
     FROM events e JOIN sources s ON s.id = e.source_id
     WHERE e.signal IS NOT NULL AND e.ts BETWEEN ? AND ? ORDER BY e.ts, e.id`,
  );
  // INDEXED BY: left to itself the planner walks the whole (ip, ts) index for the ORDER BY,
  // which made every live round cost in proportion to the whole database.
  const failures = db.prepare(`SELECT id, ip, ts, user FROM requests INDEXED BY requests_auth_ts
     WHERE status IN (401, 403) AND status = 401 AND ts >= ? ORDER BY ip, ts`);
  const next = db.prepare(
    `SELECT r.ts, r.status, r.user, s.path AS file, r.line FROM requests r JOIN sources s ON s.id = r.source_id
     WHERE r.ip = ? AND r.ts >= ? AND r.ts <= ? AND (r.status < 400 OR r.user IS NOT NULL) ORDER BY r.ts, r.id LIMIT 1`,
  );
  const adminLoad = db.prepare("SELECT last_ts AS last, first_ts AS first FROM client_ok WHERE ip = ? AND path = '/wp-admin/'");
  const insert = db.prepare(
    // An upsert: another process classifying the same span at the same time writes the same verdict.
    `INSERT INTO verdicts (request_id, ts, status, ip, user, path, benign, cause, confidence, layer, rule, tags, evidence_id, fix_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT_VERDICT_SET}`,
  );
  const saveVerdicts = db.transaction((rows: { req: AuthRequest; verdict: Verdict }[]) => {
    for (const { req: r, verdict: v } of rows) {
      const c = verdictColumns(r, v);
      insert.run(r.id, ...c.slice(0, EVIDENCE), texts.id(c[EVIDENCE] as string), texts.id(c[FIX] as string));
    }
  });
  const okRow = db.prepare('SELECT count AS priorCount, with_user AS priorWithUser, https AS priorHttps, first_ts AS priorFirstTs, last_ts AS priorLastTs FROM client_ok WHERE ip = ? AND path = ?');
  const basicOk = db.prepare('SELECT 1 FROM client_ok WHERE ip = ? AND with_user > 0 LIMIT 1');
  const httpsOk = db.prepare('SELECT 1 FROM client_ok WHERE ip = ? AND https > 0 LIMIT 1');
  const failSpan = db.prepare('SELECT min(ts) AS first, max(ts) AS last FROM requests WHERE ip = ? AND endpoint = ? AND status = 401');
  const spanVerdicts = db.prepare(
    `SELECT v.request_id AS id, v.tags, t.text AS evidence FROM requests r JOIN verdicts v ON v.request_id = r.id
       JOIN texts t ON t.id = v.evidence_id
       JOIN client_ok c ON c.ip = r.ip AND c.path = r.endpoint
     WHERE r.ip = ? AND r.endpoint = ? AND r.status = 401 AND r.ts BETWEEN ? AND ? AND c.first_ts < ? AND c.last_ts > ?`,
  );
  const retag = db.prepare('UPDATE verdicts SET tags = ?, evidence_id = ? WHERE request_id = ?');
  const tagIntermittent = db.transaction((spans: Iterable<LongSpan>, text: (endpoint: string) => string) => {
    let n = 0;
    for (const { ip, endpoint, span } of spans) n += tagOne(ip, endpoint, span, text(endpoint));
    return n;
  });
  const tagOne = (ip: string, endpoint: string, span: FailureSpan, text: string) => {
    let n = 0;
    // The whole span: a 401 classified after the span was long may have come before the
    // successes that make it intermittent.
    for (const row of spanVerdicts.all(ip, endpoint, span.first, span.last, span.last, span.first) as { id: number; tags: string; evidence: string }[]) {
      const tags = JSON.parse(row.tags) as string[];
      if (tags.includes('intermittent') || tags.includes('challenge')) continue;
      const evidence = JSON.parse(row.evidence) as Verdict['evidence'];
      evidence.push({ file: null, line: null, text });
      retag.run(JSON.stringify([...tags, 'intermittent'].sort()), texts.id(JSON.stringify(evidence)), row.id);
      n++;
    }
    return n;
  };
  return {
    failuresByClientSince: (fromTs) =>
      db.prepare('SELECT ip, ts, user FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403) AND status = 401 AND ts >= ? ORDER BY ts').all(fromTs) as { ip: string; ts: number; user: string | null }[],
    earliestUntagged: (ids, tag) =>
      ids.length === 0
        ? null
        : (db.prepare('SELECT min(ts) AS ts FROM verdicts WHERE request_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)').get(JSON.stringify(ids), tag) as { ts: number | null }).ts,
    lastAuthTs: () => (db.prepare('SELECT max(ts) AS ts FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403)').get() as { ts: number | null }).ts,
    lastRequestId: () => (db.prepare('SELECT max(id) FROM requests').pluck().get() as number | null) ?? 0,
    firstAuthTsFrom: (fromTs, upToId) =>
      db.prepare('SELECT min(ts) FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403) AND ts >= ? AND id <= ?').pluck().get(fromTs, upToId) as number | null,
    tagIntermittent: (spans, text) => written(() => writeTransaction(db, tagIntermittent, spans, text)),
    storedSuccesses: (ip, endpoint) => (okRow.get(ip, endpoint) as PriorSuccess | undefined) ?? null,
    storedBasicOk: (ip) => basicOk.get(ip) !== undefined,
    storedHttpsOk: (ip) => httpsOk.get(ip) !== undefined,
    storedFailureSpan: (ip, endpoint) => {
      const r = failSpan.get(ip, endpoint) as { first: number | null; last: number | null };
      return r.first === null || r.last === null ? null : { first: r.first, last: r.last };
    },
    storedCounts: () => ({
      successes: db.prepare('SELECT 1 FROM client_ok LIMIT 1').get() !== undefined,
      failures: db.prepare('SELECT 1 FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403) LIMIT 1').get() !== undefined,
    }),
    authPage: (afterTs, afterId, limit) => {
      const rows = page.all(afterTs, afterId, limit) as (AuthRequest & PriorSuccess)[];
      for (const r of rows) {
        r.userLogged = (r.userLogged as unknown) === 1;
        r.extra = typeof r.extra === 'string' ? (JSON.parse(r.extra) as Record<string, string>) : null;
      }
      return rows;
    },
    signalEvents: (from, to) => events.all(from, to) as SignalEvent[],
    failuresByClient: (fromTs = Number.MIN_SAFE_INTEGER) => failures.iterate(fromTs) as Iterable<{ id: number; ip: string; ts: number; user: string | null }>,
    nextSuccess: (ip, from, to) => next.get(ip, from, to) as ReturnType<ClassifyStore['nextSuccess']>,
    siteFacts: (minSpanMs, fromTs = Number.MIN_SAFE_INTEGER) => {
      // The clients that failed from `fromTs` on, found through the time index (see `failures`).
      const recent = `SELECT DISTINCT ip FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403) AND ts >= ?`;
      const basicOkClients = new Set(
        (db.prepare(`SELECT DISTINCT ip FROM client_ok WHERE with_user > 0 AND ip IN (${recent})`).all(fromTs) as { ip: string }[]).map((r) => r.ip),
      );
      const httpsClients = new Set(
        (db.prepare(`SELECT DISTINCT ip FROM client_ok WHERE https > 0 AND ip IN (${recent})`).all(fromTs) as { ip: string }[]).map((r) => r.ip),
      );
      const longFailureSpans = new Map<string, FailureSpan>();
      const spans = db.prepare(
        `SELECT ip, endpoint, min(ts) AS first, max(ts) AS last FROM requests WHERE status = 401 AND endpoint IS NOT NULL AND ip IN (${recent})
         GROUP BY ip, endpoint HAVING max(ts) - min(ts) >= ?`,
      );
      for (const r of spans.all(fromTs, minSpanMs) as { ip: string; endpoint: string; first: number; last: number }[]) {
        longFailureSpans.set(`${r.ip} ${r.endpoint}`, { first: r.first, last: r.last });
      }
      return { httpsClients, basicOkClients, longFailureSpans };
    },
    lastAdminLoad: (ip, ts) => {
      const row = adminLoad.get(ip) as { last: number | null; first: number | null } | undefined;
      if (!row || row.first === null || row.first > ts) return null;
      return row.last !== null && row.last <= ts ? row.last : row.first;
    },
    firstUnclassified: () =>
      (db.prepare(`SELECT min(r.ts) AS ts FROM requests r INDEXED BY requests_auth_ts
         WHERE r.status IN (401, 403) AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.request_id = r.id)`).get() as { ts: number | null }).ts,
    clearVerdicts: (fromTs, toTs = Infinity) =>
      fromTs === undefined ? db.prepare('DELETE FROM verdicts').run()
        : toTs === Infinity ? db.prepare('DELETE FROM verdicts WHERE ts >= ?').run(fromTs)
          : db.prepare('DELETE FROM verdicts WHERE ts BETWEEN ? AND ?').run(fromTs, toTs),
    saveVerdicts: (rows) => written(() => writeTransaction(db, saveVerdicts, rows)),
  };
}

/**
 * Signals are stored with their lines at ingest; when the patterns change (a new wording, a
 * fixed pattern), the stored lines are read again with the new ones so an existing database
 * gets the fix. Returns how many lines changed their signal.
 */
export function rederiveSignals(db: Db, detect: (e: { format: string; message: string }) => { signal: string | null; user: string | null; object: string | null }): number {
  // A page of lines at a time, each page's changes written before the next is read: a large
  // database's events never sit in memory at once.
  const page = db.prepare('SELECT id, format, message, signal, signal_user AS user, signal_object AS object FROM events WHERE id > ? ORDER BY id LIMIT 10000');
  const update = db.prepare('UPDATE events SET signal = ?, signal_user = ?, signal_object = ? WHERE id = ?');
  const write = db.transaction((rows: [string | null, string | null, string | null, number][]) => {
    for (const r of rows) update.run(r);
  });
  let changed = 0;
  for (let after = 0; ; ) {
    const rows = page.all(after) as { id: number; format: string; message: string; signal: string | null; user: string | null; object: string | null }[];
    if (rows.length === 0) break;
    const changes: [string | null, string | null, string | null, number][] = [];
    for (const row of rows) {
      const s = detect(row);
      if (s.signal !== row.signal || s.user !== row.user || s.object !== row.object) changes.push([s.signal, s.user, s.object, row.id]);
    }
    if (changes.length > 0) writeTransaction(db, write, changes);
    changed += changes.length;
    after = rows[rows.length - 1].id;
  }
  return changed;
}
