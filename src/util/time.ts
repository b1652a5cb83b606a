import { DateTime } from 'luxon';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `15m`, `2h`, `7d` before `now`, or an ISO time (UTC unless it names an offset). Null if neither. */
export function parseWhen(text: string, now = Date.now()): number | null {
  const rel = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]];
  const dt = DateTime.fromISO(text.trim(), { zone: 'utc', setZone: true });
  return dt.isValid ? dt.toMillis() : null;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
