/**
 * Pairs each 401/403 with the error-log line that explains it: same client, same request
 * line and user where both sides show them, status-compatible signal, within a few seconds.
 * Each line explains at most one request; the closest in time wins. Pairs a signal rarely
 * makes (a signal's unusualStatus) are made last, so a REST 401 without a nonce does not take the nonce
 * failure of the 403 beside it (seen in the lab).
 */
import type { AuthRequest, SignalEvent } from './facts.js';
import { SECONDARY_MS, STATUS_OF, UNUSUAL_STATUS } from './catalogue/index.js';

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
  const out = new Map<number, SignalEvent>();
  for (const usual of [true, false]) {
    for (const req of requests) {
      if (out.has(req.id)) continue;
      const candidates = byClient.get(req.ip);
      if (!candidates) continue;
      let best: SignalEvent | null = null;
      let bestScore = Infinity;
      for (let i = firstAtOrAfter(candidates, req.ts - windowMs); i < candidates.length; i++) {
        const ev = candidates[i];
        if (ev.ts > req.ts + windowMs) break;
        if (used.has(ev.id) || !compatible(req, ev, windowMs)) continue;
        if (usual === (UNUSUAL_STATUS[ev.signal] === req.status)) continue;
        // Closer in time wins; a user match breaks ties before time does.
        const score = Math.abs(ev.ts - req.ts) - (ev.user !== null && ev.user === req.user ? windowMs : 0) + (SECONDARY_MS[ev.signal] ?? 0); // a line that yields to the one saying why (an expired cookie beside its nonce failure)
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
