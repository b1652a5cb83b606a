/**
 * Times are not trusted: an offset beyond ±14:00 is bad_timestamp, a zone authlog does not
 * know is unknown_zone (not UTC), a line far after its file's modification time is
 * future_timestamp; empty lines are counted as `empty`. Every one is kept with file and line.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parserFor } from '../../parsers/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb } from '../../src/store/db.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();
const line = (time: string) => `203.0.113.9 - - [${time}] "GET / HTTP/1.1" 200 5 "-" "curl/8"`;

describe('UTC offsets', () => {
  it.each([
    ['+1400', true], ['-1200', true], ['+0545', true], ['+1401', false], ['-1500', false], ['+9999', false], ['+0060', false],
  ])('%s accepted: %s', (offset, accepted) => {
    const r = parserFor('combined').parse(line(`27/Nov/2026:10:00:01 ${offset}`), { year: 2026 });
    expect(r.ok ? 'ok' : r.reason).toBe(accepted ? 'ok' : 'bad_timestamp');
  });

  it('in $time_iso8601 too', () => {
    const p = parserFor('json');
    const r = p.parse('{"remote_addr":"203.0.113.9","time_iso8601":"2026-11-27T10:00:01+99:99","request":"GET / HTTP/1.1","status":"200"}', { year: 2026 });
    expect(r.ok ? 'ok' : r.reason).toBe('bad_timestamp');
  });
});

describe('ingest', () => {
  it('rejects an unknown debug.log zone, lines from the future and counts empty lines, with file and line', async () => {
    const dir = tmp();
    const access = join(dir, 'access.log');
    writeFileSync(access, [line('27/Nov/2026:10:00:01 +0000'), '', line('01/Jan/2099:00:00:00 +0000'), '   ', line('27/Nov/2026:10:00:02 +9999'), line('27/Nov/2026:10:00:03 +0000'), ''].join('\n'));
    const mtime = new Date(Date.UTC(2026, 10, 27, 12));
    utimesSync(access, mtime, mtime);
    const debug = join(dir, 'debug.log');
    writeFileSync(debug, [
      '[27-Nov-2026 10:00:05 UTC] PHP Warning:  one in UTC',
      '[27-Nov-2026 10:00:06 Mars/Phobos] PHP Warning:  a zone no one has',
      '[27-Nov-2026 10:00:07 Europe/Berlin] PHP Warning:  a real zone',
    ].join('\n') + '\n');
    utimesSync(debug, mtime, mtime);
    const db = openDb(join(dir, 'a.db'));
    const res = await ingest(db, { paths: [dir], format: 'auto', keepAll: false });
    const byName = Object.fromEntries(res.sources.map((s) => [s.path.split('/').pop(), s.rejected]));
    expect(byName['access.log']).toEqual({ empty: 2, future_timestamp: 1, bad_timestamp: 1 });
    expect(byName['debug.log']).toEqual({ unknown_zone: 1 });
    const rejects = db.prepare('SELECT r.line, r.reason FROM rejects r JOIN sources s ON s.id = r.source_id ORDER BY s.path, r.line').all();
    expect(rejects).toEqual([
      { line: 2, reason: 'empty' }, { line: 3, reason: 'future_timestamp' }, { line: 4, reason: 'empty' }, { line: 5, reason: 'bad_timestamp' },
      { line: 2, reason: 'unknown_zone' },
    ]);
    // the future line stretched nothing: traffic ends where the log does
    const span = db.prepare('SELECT min(minute) AS a, max(minute) AS b, sum(count) AS n FROM traffic').get() as { a: number; b: number; n: number };
    expect(span).toEqual({ a: Date.UTC(2026, 10, 27, 10, 0), b: Date.UTC(2026, 10, 27, 10, 0), n: 2 });
    db.close();
  });
});

describe('DST fall-back', () => {
  it('error-log lines in the repeated hour keep the log order: the second pass gets the later offset (--tz Europe/Berlin)', async () => {
    // 2026-10-25 03:00 CEST → 02:00 CET: local 02:00-02:59 is written twice.
    const dir = tmp();
    const access: string[] = [];
    const errors: string[] = [];
    const hhmm = (m: number) => `02:${String(m).padStart(2, '0')}:00`;
    let n = 0;
    for (const offset of ['+0200', '+0100']) {
      for (let m = 0; m < 60; m += 5) {
        const ip = `192.0.2.${++n}`;
        access.push(`${ip} - bob [25/Oct/2026:${hhmm(m)} ${offset}] "GET /private/ HTTP/1.1" 401 179 "-" "curl/8.5"`);
        errors.push(`2026/10/25 ${hhmm(m)} [error] 1234#1234: *${n} user "bob": password mismatch, client: ${ip}, server: localhost, request: "GET /private/ HTTP/1.1", host: "localhost"`);
      }
    }
    writeFileSync(join(dir, 'access.log'), access.join('\n') + '\n');
    writeFileSync(join(dir, 'error.log'), errors.join('\n') + '\n');
    const db = openDb(join(dir, 'a.db'));
    const { parseZone } = await import('../../src/ingest/zone.js');
    await ingest(db, { paths: [dir], format: 'auto', keepAll: false, tz: parseZone('Europe/Berlin')! });
    const times = (db.prepare("SELECT ts FROM events ORDER BY line").all() as { ts: number }[]).map((r) => r.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[12] - times[11]).toBe(5 * 60_000);
    const proven = db.prepare("SELECT count(*) AS n FROM verdicts WHERE confidence = 'proven' AND cause = 'password_mismatch'").get() as { n: number };
    expect(proven.n).toBe(24);
  });
});
