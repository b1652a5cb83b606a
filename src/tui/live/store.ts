/** The live dashboard's state: one store, updated by the session's ticks, read by the panels. */
import type { TickResult } from '../../live/session.js';
import type { EventRow } from '../../report/event-rows.js';

export interface LiveState {
  title: string;
  totalLines: number;
  /** Lines per second, one point per second, newest last. */
  rate: number[];
  unauthorized: number;
  forbidden: number;
  causes: Record<string, number>;
  tags: Record<string, number>;
  latest: EventRow[];
  clients: Record<string, number>;
  users: Record<string, number>;
  /** Clients tagged brute_force, with the users they tried. */
  bruteForce: Record<string, Set<string>>;
  paused: boolean;
  help: boolean;
}

const RATE_POINTS = 60;
const LATEST = 200;

// The source (its first fingerprint), not the file name: after a rotation the new access.log has
// lines 1, 2, … again, and they are new requests, not changed verdicts.
const keyOf = (e: EventRow) => `${e.source}:${e.line}`;
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * The latest events after a tick: the tick's own, newest first (a re-emitted verdict moves
 * to the front, replacing its earlier version), then the earlier ones. A burst brings
 * thousands per tick, so this is done once per tick, not once per event.
 */
function newestFirst(fresh: EventRow[], earlier: EventRow[]): EventRow[] {
  const seen = new Set<string>();
  const out: EventRow[] = [];
  for (let i = fresh.length - 1; i >= 0 && out.length < LATEST; i--) {
    const key = keyOf(fresh[i]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fresh[i]);
  }
  if (out.length === LATEST) return out;
  // Every fresh event was seen above, so `seen` holds all their keys.
  for (const e of earlier) {
    if (out.length === LATEST) break;
    if (!seen.has(keyOf(e))) out.push(e);
  }
  return out;
}

export class LiveStore {
  state: LiveState;
  private listeners = new Set<() => void>();
  private verdictOf = new Map<string, { cause: string; tags: string[] }>();
  private lastLines = 0;
  private secondLines = 0;
  private secondStart = Date.now();

  constructor(title: string) {
    // Keyed by addresses and user names from the log: objects without a prototype, so a user
    // called `__proto__` is counted like any other instead of reaching Object.prototype.
    this.state = {
      title, totalLines: 0, rate: [], unauthorized: 0, forbidden: 0, causes: dict(), tags: dict(), latest: [],
      clients: dict(), users: dict(), bruteForce: dict(), paused: false, help: false,
    };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** Fold a tick's new and changed verdicts into the counts (a changed one moves between causes). */
  apply(r: TickResult, totalLines: number, now = Date.now()): void {
    const s = this.state;
    this.secondLines += totalLines - this.lastLines;
    this.lastLines = totalLines;
    if (now - this.secondStart >= 1000) {
      s.rate = [...s.rate, Math.round((this.secondLines * 1000) / (now - this.secondStart))].slice(-RATE_POINTS);
      this.secondLines = 0;
      this.secondStart = now;
    }
    s.totalLines = totalLines;
    for (const e of r.events) {
      const key = keyOf(e);
      const before = this.verdictOf.get(key);
      if (before) {
        s.causes[before.cause]--;
        for (const t of before.tags) s.tags[t]--;
      } else {
        if (e.status === 401) s.unauthorized++;
        else s.forbidden++;
        s.clients[e.ip] = (s.clients[e.ip] ?? 0) + 1;
        if (e.user !== null) s.users[e.user] = (s.users[e.user] ?? 0) + 1;
      }
      s.causes[e.cause] = (s.causes[e.cause] ?? 0) + 1;
      for (const t of e.tags) s.tags[t] = (s.tags[t] ?? 0) + 1;
      if (e.tags.includes('brute_force')) (s.bruteForce[e.ip] ??= new Set()).add(e.user ?? '-');
      this.verdictOf.set(key, { cause: e.cause, tags: e.tags });
    }
    if (!s.paused && r.events.length > 0) s.latest = newestFirst(r.events, s.latest);
    if (this.verdictOf.size > 100_000) this.verdictOf.clear();
    this.changed();
  }

  togglePause(): void {
    this.state.paused = !this.state.paused;
    this.changed();
  }

  toggleHelp(): void {
    this.state.help = !this.state.help;
    this.changed();
  }
}
