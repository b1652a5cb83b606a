/**
 * Error logs write local wall-clock time without an offset. These helpers turn such a time
 * into UTC for a fixed offset or an IANA zone (DST-aware through luxon, cached per hour).
 */
import { DateTime, IANAZone } from 'luxon';

export type Zone = { kind: 'fixed'; offsetMin: number; name: string } | { kind: 'iana'; name: string };

export function fixedZone(offsetMin: number): Zone {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const name = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { kind: 'fixed', offsetMin, name };
}

/** `UTC`, `Z`, `+02:00`, `+0200`, `-05`, or an IANA name like `Europe/Berlin`. Null if unknown. */
export function parseZone(text: string): Zone | null {
  const s = text.trim();
  if (/^(UTC|GMT|Z)$/i.test(s)) return fixedZone(0);
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(s);
  if (m) {
    const offset = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return offset <= 14 * 60 ? fixedZone((m[1] === '-' ? -1 : 1) * offset) : null;
  }
  return IANAZone.isValidZone(s) ? { kind: 'iana', name: s } : null;
}

export function systemZone(): Zone {
  return parseZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? fixedZone(0);
}

const cache = new Map<string, number>();

/** `localMs` is the wall-clock time as if it were UTC. */
export function localToUtc(localMs: number, zone: Zone): number {
  if (zone.kind === 'fixed') return localMs - zone.offsetMin * 60_000;
  const hour = Math.floor(localMs / 3_600_000);
  const key = `${zone.name}@${hour}`;
  let offsetMin = cache.get(key);
  if (offsetMin === undefined) {
    const wall = DateTime.fromMillis(hour * 3_600_000, { zone: 'utc' });
    const local = DateTime.fromObject(
      { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour },
      { zone: zone.name },
    );
    offsetMin = local.offset;
    if (cache.size > 10_000) cache.clear();
    cache.set(key, offsetMin);
  }
  return localMs - offsetMin * 60_000;
}

/** Offset (minutes) of an IANA zone at an instant. */
function offsetAt(zone: string, utcMs: number): number {
  return DateTime.fromMillis(utcMs, { zone }).offset;
}

const ambiguous = new Map<string, [number, number] | null>();

/**
 * For a local wall-clock hour repeated by a DST fall-back, the two offsets it is read with
 * ([first pass, second pass], the first the larger); null for every other hour.
 */
function repeatedHour(localMs: number, zone: Extract<Zone, { kind: 'iana' }>): [number, number] | null {
  const hour = Math.floor(localMs / 3_600_000);
  const key = `${zone.name}@${hour}`;
  let r = ambiguous.get(key);
  if (r === undefined) {
    const at = hour * 3_600_000 + 1_800_000;
    const before = offsetAt(zone.name, at - 86_400_000);
    const after = offsetAt(zone.name, at + 86_400_000);
    r = null;
    if (before !== after) {
      const valid = (o: number) => offsetAt(zone.name, at - o * 60_000) === o;
      if (valid(before) && valid(after)) r = before > after ? [before, after] : [after, before];
    }
    if (ambiguous.size > 10_000) ambiguous.clear();
    ambiguous.set(key, r);
  }
  return r;
}

/**
 * Local times of one log in order: in the hour a DST fall-back repeats, a line whose first
 * reading would go back in time against the line before is in the second pass of the
 * hour, and takes the later offset (the log's order is kept; 6 of 22 correlated verdicts
 * were lost to the other reading).
 */
export class LocalClock {
  private last = -Infinity;
  private second = false;

  constructor(readonly zone: Zone) {}

  toUtc(localMs: number): number {
    const zone = this.zone;
    if (zone.kind === 'fixed') return localMs - zone.offsetMin * 60_000;
    const repeated = repeatedHour(localMs, zone);
    let ts: number;
    if (repeated === null) {
      ts = localToUtc(localMs, zone);
      this.second = false;
    } else {
      const first = localMs - repeated[0] * 60_000;
      // Lines a few minutes out of order are common; an hour back is the repeat.
      if (!this.second && first < this.last - 10 * 60_000) this.second = true;
      ts = this.second ? localMs - repeated[1] * 60_000 : first;
    }
    this.last = ts;
    return ts;
  }
}

/**
 * The UTC offset the access logs show most often (a newly seen offset counts from 0, so a
 * live session can use it from the first line).
 */
export function dominantOffset(...maps: Map<number, number>[]): number | null {
  const total = new Map<number, number>();
  for (const m of maps) for (const [offset, n] of m) total.set(offset, (total.get(offset) ?? 0) + n);
  let best: number | null = null;
  let bestCount = -1;
  for (const [offset, n] of total) if (n > bestCount) [best, bestCount] = [offset, n];
  return best;
}

/** Zone of zoneless logs: --tz, else the access logs' offset, else the one an earlier run stored, else the system zone. */
export function zonelessZone(tz: Zone | null | undefined, offset: number | null, stored: string | null): Zone {
  if (tz) return tz;
  if (offset !== null) return fixedZone(offset);
  return stored !== null ? fixedZone(Number(stored)) : systemZone();
}
