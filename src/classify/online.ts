/**
 * One pass: each 401/403 gets its verdict while the log is read, never read back from the
 * database. A request waits in memory until the log has moved on past everything that can
 * still change its verdict (a burst of failures after it, the success that makes it a
 * challenge, an error line written a little later), then is classified with what memory
 * knows of its client and written with the rows of the same checkpoint.
 *
 * What the requests before this run tell (earlier successes, a client's earlier 401s) is
 * asked of `History`, which answers from the run's in-memory aggregates and, only when the
 * database held something before, from its small indexed tables.
 */
import type { AuthRequest, SignalEvent } from './facts.js';
import type { FailureSpan, LongSpan, PriorSuccess } from '../store/classify-io.js';
import { correlate } from './correlate.js';
import { DEFAULT_CLASSIFY, verdictOf, type Challenge, type ClassifyOptions } from './index.js';
import type { Verdict } from './vocabulary.js';

export interface History {
  /** The client's successes at the endpoint: earlier runs and this run so far. */
  successes(ip: string, endpoint: string): PriorSuccess | null;
  basicOk(ip: string): boolean;
  /** The client succeeded over https (this run or before). */
  httpsOk(ip: string): boolean;
  /** The span of the client's 401s on the endpoint in earlier runs (null: none). */
  storedFailureSpan(ip: string, endpoint: string): FailureSpan | null;
  /** Error-log and debug.log lines with a signal in [from, to], in time order. */
  signalEvents(from: number, to: number): SignalEvent[];
}

export type VerdictOut = (sourceId: number, req: AuthRequest, verdict: Verdict) => void;

interface Pending {
  sourceId: number;
  req: AuthRequest;
  brute: boolean;
  challenge: Challenge | undefined;
  done: boolean;
}

interface BurstState {
  window: Pending[];
  start: number;
  users: Map<string, number>;
  taggedUpTo: number;
  last: number;
}

/** Released together: one query for the error lines of the span. */
const CHUNK_MS = 300_000;
/** A dense log (a flood of 401s) releases early rather than grow without bound. */
const MAX_PENDING = 20_000;
/** Clients whose 401 spans are remembered (least recently failing forgotten first). */
const MAX_SPANS = 60_000;
const MAX_BURSTS = 50_000;

export class OnlineClassifier {
  private queue: Pending[] = [];
  private head = 0;
  /** Log time (ms) at which the oldest waiting request can be released. */
  nextDue = Infinity;
  /** The latest log time seen. */
  private now = -Infinity;
  private readonly hold: number;
  /** Waiting 401s without credentials, by client: a success soon after makes them a challenge. */
  private readonly challengers = new Map<string, Pending[]>();
  private readonly bursts = new Map<string, BurstState>();
  /** `ip endpoint` → the span of its 401s (this run, and earlier runs when stored). */
  private readonly spans = new SpanTable(MAX_SPANS);
  /** Error lines already explaining a request (id → time, pruned as time moves on). */
  private readonly used = new Map<number, number>();
  private nextId = 1;
  /** Earliest and latest request classified. */
  first = Infinity;
  last = -Infinity;
  count = 0;

  constructor(
    private readonly history: History,
    private readonly out: VerdictOut,
    private readonly o: ClassifyOptions = DEFAULT_CLASSIFY,
    /** Whether earlier runs stored 401s (their spans are asked of the database). */
    private readonly storedFailures = false,
  ) {
    this.hold = Math.max(o.bruteForce.windowMs, o.challengeMs, o.windowMs);
  }

  get challengeMs(): number {
    return this.o.challengeMs;
  }

  /**
   * A 401/403 just read. `req.id` is assigned here. `answeredBefore`: the client's request
   * with credentials written before this 401 but dated after it (see RecentAnswers).
   */
  auth(sourceId: number, req: AuthRequest, answeredBefore?: Challenge): void {
    req.id = this.nextId++;
    this.clock(req.ts);
    // A retry with credentials answers the challenge of a credential-less 401 before it.
    if (req.user !== null) this.success(req.ip, req.ts, req.status, req.file, req.line, req.user);
    const p: Pending = { sourceId, req, brute: false, challenge: answeredBefore, done: false };
    this.queue.push(p);
    if (this.queue.length - this.head === 1) this.nextDue = req.ts + this.hold + CHUNK_MS;
    if (req.status === 401) {
      this.burst(p);
      if (req.endpoint !== null) this.span(req.ip, req.endpoint, req.ts);
      if (req.user === null) {
        const list = this.challengers.get(req.ip);
        if (list) list.push(p);
        else this.challengers.set(req.ip, [p]);
      }
    }
    if (this.queue.length - this.head > MAX_PENDING) this.release(this.queue[this.head + (MAX_PENDING >> 2)].req.ts);
  }

  /** 401s an earlier run stored just before this run's lines: a burst goes on across runs. */
  seed(failures: Iterable<{ ip: string; ts: number; user: string | null }>): void {
    for (const f of failures) {
      const req = { id: 0, ts: f.ts, ip: f.ip, user: f.user } as AuthRequest;
      this.burst({ sourceId: 0, req, brute: false, challenge: undefined, done: true });
    }
  }

  /** A request of a client with a recent 401/403: a success, or a retry with credentials, answers a challenge. */
  success(ip: string, ts: number, status: number, file: string, line: number, user: string | null = null): void {
    this.clock(ts);
    if (status >= 400 && user === null) return;
    const list = this.challengers.get(ip);
    if (!list) return;
    for (const p of list) {
      if (p.challenge === undefined && !(p.req.line === line && p.req.file === file) && ts >= p.req.ts && ts <= p.req.ts + this.o.challengeMs) p.challenge = { ts, status, user, file, line };
    }
  }

  /** The log has reached `ts`: release what nothing later can change. */
  advance(ts: number): void {
    this.clock(ts);
    if (this.now >= this.nextDue) this.release(this.now - this.hold);
  }

  /**
   * Clients whose 401s on an endpoint came to span `intermittentMs`: the tag is a fact of the
   * whole span and of the successes in it, which a 401 released early could not see (see
   * tagIntermittent).
   */
  *longSpans(): Generator<LongSpan> {
    for (const [key, slot] of this.spans.slots()) {
      const span = this.spans.at(slot);
      if (span.last - span.first < this.o.intermittentMs) continue;
      const at = key.lastIndexOf(' ');
      yield { ip: key.slice(0, at), endpoint: key.slice(at + 1), span };
    }
  }

  /**
   * A new source: its clock starts afresh (another vhost's log may start earlier than the
   * last one ended). What waits from the last source is released as this one catches up,
   * so a burst or challenge across a rotation is still seen whole.
   */
  startSource(): void {
    this.now = -Infinity;
  }

  /** The end of the run: everything waiting is classified. */
  finish(): void {
    this.release(Infinity);
  }

  private clock(ts: number): void {
    if (ts > this.now) this.now = ts;
  }

  /** Classify and write every waiting request up to `until` (log time), in arrival order. */
  private release(until: number): void {
    const batch: Pending[] = [];
    while (this.head < this.queue.length && this.queue[this.head].req.ts <= until) {
      const p = this.queue[this.head++];
      p.done = true;
      batch.push(p);
    }
    // Out-of-order lines: a request a little older than one still waiting goes with it later.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.nextDue = this.head < this.queue.length ? this.queue[this.head].req.ts + this.hold + CHUNK_MS : Infinity;
    if (batch.length === 0) return;
    const w = this.o.windowMs;
    let from = Infinity;
    let to = -Infinity;
    for (const p of batch) {
      if (p.req.ts < from) from = p.req.ts;
      if (p.req.ts > to) to = p.req.ts;
    }
    const events = this.history.signalEvents(from - w, to + w);
    const used = new Set<number>();
    for (const [id, ts] of this.used) {
      if (ts < from - w) this.used.delete(id);
      else used.add(id);
    }
    const requests = batch.map((p) => p.req).sort((a, b) => a.ts - b.ts || a.id - b.id);
    const explained = correlate(requests, events, w, used);
    for (const ev of events) if (used.has(ev.id)) this.used.set(ev.id, ev.ts);
    for (const p of batch) this.classifyOne(p, explained.get(p.req.id) ?? null);
    this.prune();
    this.pruneBursts();
  }

  private classifyOne(p: Pending, event: SignalEvent | null): void {
    const { req } = p;
    const prior = req.endpoint !== null ? this.history.successes(req.ip, req.endpoint) : null;
    const withPrior = Object.assign(req, prior ?? { priorCount: null, priorWithUser: null, priorHttps: null, priorFirstTs: null, priorLastTs: null });
    const key = req.status === 401 && req.endpoint !== null ? `${req.ip} ${req.endpoint}` : null;
    const slot = key !== null ? this.spans.find(key) : -1;
    const span = slot >= 0 ? this.spans.at(slot) : undefined;
    const verdict = verdictOf(withPrior, event, {
      brute: p.brute,
      challenge: p.challenge,
      httpsOk: req.scheme === 'http' && this.history.httpsOk(req.ip),
      basicOk: req.user !== null && this.history.basicOk(req.ip),
      span: span && span.last - span.first >= this.o.intermittentMs ? span : undefined,
      lastAdminLoad: () => {
        const admin = this.history.successes(req.ip, '/wp-admin/');
        if (!admin || admin.priorFirstTs === null || admin.priorFirstTs > req.ts) return null;
        return admin.priorLastTs !== null && admin.priorLastTs <= req.ts ? admin.priorLastTs : admin.priorFirstTs;
      },
    }, this.o);
    this.out(p.sourceId, req, verdict);
    if (req.ts < this.first) this.first = req.ts;
    if (req.ts > this.last) this.last = req.ts;
    this.count++;
  }

  /** Same thresholds as bruteForceIds: every 401 of a burst is tagged, not just the one that crossed. */
  private burst(p: Pending): void {
    const { ip, ts, user } = p.req;
    let s = this.bursts.get(ip);
    if (!s) {
      if (this.bursts.size >= MAX_BURSTS) this.pruneBursts();
      s = { window: [], start: 0, users: new Map(), taggedUpTo: 0, last: ts };
      this.bursts.set(ip, s);
    }
    s.last = ts;
    s.window.push(p);
    if (user !== null) s.users.set(user, (s.users.get(user) ?? 0) + 1);
    const bf = this.o.bruteForce;
    while (s.window[s.start].req.ts < ts - bf.windowMs) {
      const old = s.window[s.start++];
      if (old.req.user !== null) {
        const n = s.users.get(old.req.user)! - 1;
        if (n === 0) s.users.delete(old.req.user);
        else s.users.set(old.req.user, n);
      }
    }
    if (s.window.length - s.start >= bf.failures || s.users.size >= bf.users) {
      for (let i = Math.max(s.start, s.taggedUpTo); i < s.window.length; i++) s.window[i].brute = true;
      s.taggedUpTo = s.window.length;
    }
    // Only the window is needed: what slid out goes (a whole run's 401s would stay otherwise).
    if (s.start > 0 && s.start * 2 >= s.window.length) {
      s.window = s.window.slice(s.start);
      s.taggedUpTo = Math.max(0, s.taggedUpTo - s.start);
      s.start = 0;
    }
  }

  /** Clients without a failure inside the window are forgotten: their bursts are over. */
  private pruneBursts(): void {
    for (const [ip, s] of this.bursts) if (s.last < this.now - this.o.bruteForce.windowMs) this.bursts.delete(ip);
    // Still full: a flood of distinct clients; the oldest go.
    for (const ip of this.bursts.keys()) {
      if (this.bursts.size < MAX_BURSTS * 0.9) break;
      this.bursts.delete(ip);
    }
  }

  private span(ip: string, endpoint: string, ts: number): void {
    const key = `${ip} ${endpoint}`;
    let slot = this.spans.touch(key);
    if (slot < 0) {
      const stored = this.storedFailures ? this.history.storedFailureSpan(ip, endpoint) : null;
      slot = this.spans.add(key, stored?.first ?? ts, stored?.last ?? ts);
    }
    this.spans.widen(slot, ts);
  }

  /** Released requests leave the challenge candidates. */
  private prune(): void {
    for (const [ip, list] of this.challengers) {
      const keep = list.filter((p) => !p.done);
      if (keep.length === 0) this.challengers.delete(ip);
      else if (keep.length !== list.length) this.challengers.set(ip, keep);
    }
  }
}

/**
 * `ip endpoint` → the span of its 401s, least recently failing first. The times live in one
 * typed array (a slot each): on a big log this table is full, and an object per span was a
 * good part of the run's memory.
 */
class SpanTable {
  private readonly index = new Map<string, number>();
  /** Per slot: first, last. */
  private readonly times: Float64Array;
  private readonly free: number[] = [];
  private used = 0;

  constructor(private readonly max: number) {
    this.times = new Float64Array(max * 2);
  }

  find(key: string): number {
    return this.index.get(key) ?? -1;
  }

  /** The key's slot, now most recently failing; -1 when unknown. */
  touch(key: string): number {
    const slot = this.index.get(key);
    if (slot === undefined) return -1;
    this.index.delete(key);
    this.index.set(key, slot);
    return slot;
  }

  /** A new key; the least recently failing one goes when full. */
  add(key: string, first: number, last: number): number {
    if (this.index.size >= this.max) {
      const [oldest, slot] = this.index.entries().next().value!;
      this.index.delete(oldest);
      this.free.push(slot);
    }
    const slot = this.free.pop() ?? this.used++;
    this.times[slot * 2] = first;
    this.times[slot * 2 + 1] = last;
    this.index.set(key, slot);
    return slot;
  }

  widen(slot: number, ts: number): void {
    if (ts < this.times[slot * 2]) this.times[slot * 2] = ts;
    if (ts > this.times[slot * 2 + 1]) this.times[slot * 2 + 1] = ts;
  }

  at(slot: number): FailureSpan {
    return { first: this.times[slot * 2], last: this.times[slot * 2 + 1] };
  }

  slots(): IterableIterator<[string, number]> {
    return this.index.entries();
  }
}
