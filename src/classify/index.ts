/**
 * Classification over the database: every 401/403 in time order, page by page, correlated
 * with the error-log lines of its time span, tagged, and given a verdict by the rules.
 */
import type { Db } from '../store/db.js';
import { endpointOf } from '../store/writer.js';
import { classifyStore, type FailureSpan, type PriorSuccess } from '../store/classify-io.js';
import type { Successes } from '../store/success-aggregate.js';
import { correlate, DEFAULT_WINDOW_MS } from './correlate.js';
import { classify } from './engine.js';
import type { AuthRequest, Facts, SignalEvent } from './facts.js';
import { bruteForceIds, DEFAULT_BRUTE_FORCE, userAgentTags, type BruteForceOptions } from './tags.js';
import type { Tag, Verdict } from './vocabulary.js';
import { keepHeapBudget } from '../util/memory.js';

export { classify } from './engine.js';
export * from './vocabulary.js';

export interface ClassifyOptions {
  windowMs: number;
  /** 401s and successes interleaved over at least this long make a client intermittent. */
  intermittentMs: number;
  /** A success from the same client this soon after a credential-less 401 makes it a challenge. */
  challengeMs: number;
  bruteForce: BruteForceOptions;
}

export const DEFAULT_CLASSIFY: ClassifyOptions = { windowMs: DEFAULT_WINDOW_MS, intermittentMs: 3_600_000, challengeMs: 10_000, bruteForce: DEFAULT_BRUTE_FORCE };
const PAGE = 2_000;

/**
 * Gives every 401/403 a verdict, or with `fromTs` (and `toTs`) only those of that span (a
 * live round: what arrived since the last one, and the correlation window before it).
 * Reads the requests back from the database: one-pass ingest (src/classify/online.ts)
 * does not need it; this is for the live view, a new rule set, and recovery.
 */
export function classifyAll(db: Db, o: ClassifyOptions = DEFAULT_CLASSIFY, from?: number, toTs = Infinity): number {
  return classifySpan(db, o, from, toTs).count;
}

/** classifyAll, saying from when it made verdicts again (earlier than `from` when a burst reached back). */
/** What a writer holds in memory and has not yet checkpointed: a live session's latest successes. */
export interface UnwrittenSuccesses {
  successes(ip: string, endpoint: string): Successes | null;
  basicOk(ip: string): boolean;
  httpsOk(ip: string): boolean;
}

/** The stored successes of a request's client with the ones still in memory added (see historyOf). */
function withUnwritten(req: AuthRequest & PriorSuccess, mem: UnwrittenSuccesses): AuthRequest & PriorSuccess {
  const m = req.endpoint !== null ? mem.successes(req.ip, req.endpoint) : null;
  if (!m || m.unwritten.count === 0) return req;
  return Object.assign(req, {
    priorCount: (req.priorCount ?? 0) + m.unwritten.count,
    priorWithUser: (req.priorWithUser ?? 0) + m.unwritten.withUser,
    priorHttps: (req.priorHttps ?? 0) + m.unwritten.https,
    priorFirstTs: Math.min(req.priorFirstTs ?? Infinity, m.first),
    priorLastTs: Math.max(req.priorLastTs ?? -Infinity, m.last),
  });
}

/**
 * `memory`: a live session's writer, whose successes since its last checkpoint are not in the
 * database yet (a 403 a second after a success would otherwise miss it, and batch would not).
 */
export function classifySpan(db: Db, o: ClassifyOptions = DEFAULT_CLASSIFY, from?: number, toTs = Infinity, memory?: UnwrittenSuccesses): { count: number; from: number | undefined } {
  const store = classifyStore(db);
  const failures = [...store.failuresByClient(from === undefined ? undefined : from - o.bruteForce.windowMs)];
  const brute = bruteForceIds(failures, o.bruteForce);
  // A burst crossing its threshold now tags the whole burst: its failures before `from`
  // that were classified without the tag are made again too (the live view re-classifies
  // only the last seconds, and tagged only the failures after the crossing).
  const fromTs = from === undefined ? undefined : Math.min(from, store.earliestUntagged(failures.filter((f) => f.ts < from && brute.has(f.id)).map((f) => f.id), 'brute_force') ?? Infinity);
  const site = store.siteFacts(o.intermittentMs, fromTs);
  store.clearVerdicts(fromTs, toTs);
  let afterTs = fromTs === undefined ? -Infinity : fromTs - 1;
  let afterId = fromTs === undefined ? 0 : Number.MAX_SAFE_INTEGER;
  let total = 0;
  for (;;) {
    const page = store.authPage(afterTs === -Infinity ? Number.MIN_SAFE_INTEGER : afterTs, afterId, PAGE).filter((r) => r.ts <= toTs);
    if (page.length === 0) break;
    const events = store.signalEvents(page[0].ts - o.windowMs, page[page.length - 1].ts + o.windowMs);
    const explained = correlate(page, events, o.windowMs);
    const rows = page.map((stored) => {
      const req = memory ? withUnwritten(stored, memory) : stored;
      const ok = req.status === 401 && req.user === null ? store.nextSuccess(req.ip, req.ts, req.ts + o.challengeMs) : undefined;
      const verdict = verdictOf(req, explained.get(req.id) ?? null, {
        brute: brute.has(req.id),
        challenge: ok,
        httpsOk: site.httpsClients.has(req.ip) || (memory?.httpsOk(req.ip) ?? false),
        basicOk: site.basicOkClients.has(req.ip) || (memory?.basicOk(req.ip) ?? false),
        span: req.endpoint !== null ? site.longFailureSpans.get(`${req.ip} ${req.endpoint}`) : undefined,
        lastAdminLoad: () => store.lastAdminLoad(req.ip, req.ts),
      }, o);
      return { req, verdict };
    });
    store.saveVerdicts(rows);
    total += rows.length;
    // A span may be a whole day of 401s: the garbage of its pages must not pile up (see memory.ts).
    keepHeapBudget();
    const last = page[page.length - 1];
    afterTs = last.ts;
    afterId = last.id;
  }
  return { count: total, from: fromTs };
}

/**
 * After a one-pass ingest: the verdicts it could not make. A span of stored requests whose
 * error lines arrived only now (the error log ingested after its access log), and any
 * 401/403 left without a verdict (a run killed between writing a request and its verdict).
 */
export function classifyPending(db: Db, reclassify: { from: number; to: number } | null, o: ClassifyOptions = DEFAULT_CLASSIFY): number {
  let total = 0;
  if (reclassify) total += classifyAll(db, o, reclassify.from, reclassify.to);
  const unclassified = classifyStore(db).firstUnclassified();
  if (unclassified !== null) total += classifyAll(db, o, unclassified);
  return total;
}

const NONCE_TICK_MS = 12 * 3_600_000;

/**
 * What the access log adds to a WordPress heuristic: the age of the client's last wp-admin
 * page load (a nonce lives 12-24 h), a recent wp-admin session behind a logged-out REST call,
 * and plain HTTP, over which WordPress ignores application passwords.
 */
function wordpressNotes(lastAdminLoad: () => number | null, req: AuthRequest, v: Verdict): void {
  const note = (text: string) => v.evidence.push({ file: null, line: null, text });
  const last = v.cause === 'nonce_expired' || v.cause === 'no_credentials' ? lastAdminLoad() : null;
  if (v.cause === 'nonce_expired' && last !== null) {
    const hours = (req.ts - last) / 3_600_000;
    note(
      hours * 3_600_000 > NONCE_TICK_MS
        ? `stale page: this client's last wp-admin page load was ${hours.toFixed(1)} h earlier, older than a nonce tick (12 h; nonces live 12-24 h)`
        : `this client loaded wp-admin ${hours.toFixed(1)} h earlier: the nonce is young, so a changed session (logout, login elsewhere) is the likelier reason`,
    );
  }
  if (v.cause === 'no_credentials' && last !== null && req.ts - last < 2 * NONCE_TICK_MS) {
    note(`this client holds a recent wp-admin session (page load ${((req.ts - last) / 3_600_000).toFixed(1)} h earlier): its REST call did not send the X-WP-Nonce header`);
  }
  if (v.cause === 'bad_credentials' && req.scheme === 'http') {
    note('sent over plain HTTP: WordPress ignores application passwords unless the site is reached over HTTPS (or is a local environment)');
  }
}

/** What a verdict needs beyond the request: the client's history and the site's, found by the caller. */
export interface TagInputs {
  /** Inside a burst of failures from its client (see bruteForceIds). */
  brute: boolean;
  /** The client's next request within the challenge window that succeeded or carried credentials. */
  challenge: Challenge | undefined;
  /** This client succeeds somewhere over https (the symptom is a client that works over https and fails over http). */
  httpsOk: boolean;
  /** This client succeeds somewhere with Basic credentials. */
  basicOk: boolean;
  /** This client's 401s on this endpoint, when they span at least `intermittentMs`. */
  span: FailureSpan | undefined;
  /** The client's last successful wp-admin page load at or before the request. */
  lastAdminLoad: () => number | null;
}

export interface Challenge {
  ts: number;
  status: number;
  /** The user the answer carried (null: it succeeded without one, a token or cookie). */
  user: string | null;
  file: string;
  line: number;
}

/**
 * One request's verdict from its facts: the same function whether the request was just read
 * (one pass, src/classify/online.ts) or is read back from the database (classifyAll).
 */
export function verdictOf(req: AuthRequest & PriorSuccess, event: SignalEvent | null, t: TagInputs, o: ClassifyOptions = DEFAULT_CLASSIFY): Verdict {
  const facts: Facts = { req, event, tags: new Set(), priorBasic: null, workedForMs: null, tagEvidence: [] };
  addTags(req, facts, t, o);
  const verdict = classify(facts);
  if (verdict.layer === 'wordpress' && verdict.confidence === 'heuristic') wordpressNotes(t.lastAdminLoad, req, verdict);
  return verdict;
}

function addTags(req: AuthRequest & PriorSuccess, f: Facts, t: TagInputs, o: ClassifyOptions): void {
  const tags: Set<Tag> = f.tags;
  for (const tag of userAgentTags(req.userAgent)) tags.add(tag);
  if (t.brute) tags.add('brute_force');
  const ok = t.challenge;
  if (req.status === 401 && req.user === null && ok && ok.ts >= req.ts && ok.ts <= req.ts + o.challengeMs) {
    tags.add('challenge');
    // The prompt-and-retry handshake, whatever the retry got: a wrong password or a missing
    // user file is the retry's own verdict, not this request's (seen in the lab: nginx asks
    // for credentials before it opens a missing user file).
    const answer = ok.user !== null ? `came back as "${ok.user}"` : 'came back';
    f.tagEvidence.push({ file: ok.file, line: ok.line, text: `challenge: the same client ${answer} ${Math.round((ok.ts - req.ts) / 1000)} s later and got ${ok.status}` });
  }
  // "Before it started failing": its first success on this endpoint came before this request.
  if (req.path !== null && req.priorFirstTs !== null && req.priorFirstTs < req.ts && !tags.has('challenge')) {
    const withUser = req.priorWithUser ?? 0;
    tags.add('previously_ok');
    f.priorBasic = withUser > 0;
    f.workedForMs = req.ts - req.priorFirstTs;
    f.tagEvidence.push({
      file: null,
      line: null,
      // No count: how many successes follow depends on how far the log was read when this was said.
      text: `previously_ok: this client succeeded under ${endpointOf(req.path)} before, from ${new Date(req.priorFirstTs).toISOString()} on, ${withUser > 0 ? 'with' : 'without'} a Basic user`,
    });
  }
  addSymptomTags(req, f, t, o);
}

/** Says the threshold, not the span so far: the same words whenever the verdict was made. */
export function intermittentText(endpoint: string, o: ClassifyOptions = DEFAULT_CLASSIFY): string {
  // Said of proven password failures too, so it names what the pattern suggests without denying the verdict.
  return `intermittent: this client's 401s on ${endpoint} span ${Math.round(o.intermittentMs / 3_600_000)} h or more with successes in between: where no error line names a refused password, a session, nonce or token lifetime`;
}

const lastUpstreamStatus = (up: string | null): string | null => (up === null ? null : up.split(/[,:]\s*/).pop()!.trim());

/** Symptoms behind confusing 401s (issue: which layer answered, and why only sometimes). */
function addSymptomTags(req: AuthRequest & PriorSuccess, f: Facts, t: TagInputs, o: ClassifyOptions): void {
  if (req.status !== 401) return;
  const tags = f.tags;
  if (req.wwwAuthenticate === '') {
    tags.add('no_www_authenticate');
    f.tagEvidence.push({ file: null, line: null, text: 'no_www_authenticate: the 401 carried no WWW-Authenticate header, so clients cannot tell how to authenticate' });
  }
  if (req.scheme === 'http' && ((req.priorHttps ?? 0) > 0 || t.httpsOk)) {
    tags.add('plain_http');
    f.tagEvidence.push({ file: null, line: null, text: `plain_http: refused over http while this client succeeds over https${(req.priorHttps ?? 0) > 0 ? ' here' : ' elsewhere on the site'}` });
  }
  const span = t.span;
  if (span && !tags.has('challenge') && req.priorFirstTs !== null && req.priorLastTs !== null && req.priorFirstTs < span.last && req.priorLastTs > span.first) {
    tags.add('intermittent');
    f.tagEvidence.push({ file: null, line: null, text: intermittentText(req.endpoint!, o) });
  }
  if (req.user !== null && lastUpstreamStatus(req.upstreamStatus) === '401' && t.basicOk) {
    tags.add('proxy_strip_suspect');
    f.tagEvidence.push({ file: null, line: null, text: `proxy_strip_suspect: Basic credentials of "${req.user}" were sent, the upstream answered 401, and this client succeeds with Basic credentials elsewhere` });
  }
}
