/**
 * Pairs each 401/403 with the error-log line that explains it: same client, same request
 * line and user where both sides show them, status-compatible signal, within a few seconds.
 * Each line explains at most one request; the closest in time wins. Pairs a signal rarely
 * makes (its unusualStatus) are made last, so a REST 401 without a nonce does not take the
 * nonce failure of the 403 beside it (seen in the lab); a refused-credentials line goes to a
 * challenge's anonymous first leg only when no retry takes it (seen on a real lighttpd, and
 * on a real Apache with Digest).
 */
import type { AuthRequest, SignalEvent } from './facts.js';
import { CREDENTIAL_SIGNALS, SECONDARY_MS, STATUS_OF, UNUSUAL_STATUS } from './catalogue/index.js';

export const DEFAULT_WINDOW_MS = 2_000;


function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Apache names the URI (decoded, no query) or the file in its message; nginx the request line. */
function sameRequest(req: AuthRequest, ev: SignalEvent): boolean {
  if (ev.target !== null && req.target !== null) {
    return ev.target === req.target && (ev.method === null || req.method === null || ev.method === req.method);
  }
  if (ev.format === 'apache-error' && ev.object !== null && req.path !== null && ev.object.startsWith('/')) {
    const path = safeDecode(req.path);
    // AH01630 names the filesystem path: it ends with the URI's last segments.
    return ev.object === path || ev.object === req.path || ev.object.endsWith(path);
  }
  return true;
}

export function compatible(req: AuthRequest, ev: SignalEvent, windowMs: number): boolean {
  if (ev.client !== req.ip) return false;
  if (Math.abs(ev.ts - req.ts) > windowMs) return false;
  if (!(STATUS_OF[ev.signal] as readonly number[]).includes(req.status)) return false;
  if (ev.user !== null && req.user !== null && ev.user !== req.user) return false;
  return sameRequest(req, ev);
}

/** Events are in time order: binary search for the first at or after `ts`. */
function firstAtOrAfter(events: SignalEvent[], ts: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * 401s without a user that the same client followed on the same target within the window
 * with another 401: the anonymous first leg of a challenge. A line saying refused credentials
 * came belongs to the retry: seen on a real lighttpd, which logs no user on either (the
 * retry's error line a second before its access line), and on a real Apache with Digest,
 * which logs the retry's user, both lines in the same second.
 */
function firstLegs(requests: AuthRequest[], windowMs: number): Set<number> {
  const last = new Map<string, AuthRequest>();
  const out = new Set<number>();
  for (const req of requests) {
    if (req.status !== 401) continue;
    const key = `${req.ip} ${req.target}`;
    const before = last.get(key);
    if (before && req.ts - before.ts <= windowMs) out.add(before.id);
    if (req.user === null) last.set(key, req);
  }
  return out;
}

/**
 * Pairs are made in rounds: first the usual ones, then a refused-credentials line with a
 * challenge's anonymous first leg, last the pairs a signal rarely makes (its unusualStatus).
 */
const ROUNDS = 3;

/**
 * Requests in time order, events in time order; returns request id → event. `used` holds
 * the ids of events that already explain a request (kept across calls by a caller that
 * correlates in consecutive spans).
 */
export function correlate(requests: AuthRequest[], events: SignalEvent[], windowMs = DEFAULT_WINDOW_MS, used = new Set<number>()): Map<number, SignalEvent> {
  const byClient = new Map<string, SignalEvent[]>();
  for (const ev of events) {
    if (ev.client === null) continue;
    const list = byClient.get(ev.client);
    if (list) list.push(ev);
    else byClient.set(ev.client, [ev]);
  }
  const legs = firstLegs(requests, windowMs);
  const round = (req: AuthRequest, ev: SignalEvent) => (UNUSUAL_STATUS[ev.signal] === req.status ? 2 : legs.has(req.id) && CREDENTIAL_SIGNALS.has(ev.signal) ? 1 : 0);
  const out = new Map<number, SignalEvent>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const req of requests) {
      if (out.has(req.id)) continue;
      const candidates = byClient.get(req.ip);
      if (!candidates) continue;
      let best: SignalEvent | null = null;
      let bestScore = Infinity;
      for (let i = firstAtOrAfter(candidates, req.ts - windowMs); i < candidates.length; i++) {
        const ev = candidates[i];
        if (ev.ts > req.ts + windowMs) break;
        if (used.has(ev.id) || !compatible(req, ev, windowMs) || round(req, ev) !== r) continue;
        // Closer in time wins; a user match breaks ties before time does; a line that yields to
        // the one saying why (an expired cookie beside its nonce failure) comes after.
        const score = Math.abs(ev.ts - req.ts) - (ev.user !== null && ev.user === req.user ? windowMs : 0) + (SECONDARY_MS[ev.signal] ?? 0);
        if (score < bestScore) [best, bestScore] = [ev, score];
      }
      if (best) {
        used.add(best.id);
        out.set(req.id, best);
      }
    }
  }
  return out;
}
