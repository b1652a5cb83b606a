/**
 * A request read from a plain file keeps where its line starts (its byte offset) and not the
 * line: the line is read from the file when shown (the event's, and the client's other stored
 * requests around it). Compressed content keeps its lines (they cannot be read at an offset later).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb } from '../../src/store/db.js';
import { QueryRunner, loadQueries } from '../../src/store/queries.js';
import { contextAround, fileLinesAt } from '../../src/tui/triage/context.js';
import { REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();

it('stores the byte offset of each stored request of a plain file, and the line itself from a .gz', async () => {
  const dir = tmp();
  const text = readFileSync(join(REPO, 'samples', 'nginx', 'access.log'), 'utf8');
  const plain = join(dir, 'access.log');
  writeFileSync(plain, text);
  const db = openDb(join(dir, 'a.db'));
  await ingest(db, { paths: [plain], format: 'auto', keepAll: false });
  const rows = db.prepare('SELECT s.path, r.line, r.offset, r.raw, r.ip, r.status FROM requests r JOIN sources s ON s.id = r.source_id ORDER BY s.path, r.line').all() as
    { path: string; line: number; offset: number; raw: string | null; ip: string; status: number }[];
  const lines = text.split('\n');
  const fromPlain = rows.filter((r) => r.path === plain);
  expect(fromPlain.length).toBeGreaterThan(10);
  for (const r of fromPlain) {
    expect(r.raw).toBeNull();
    // The offset is where the line starts: the file read there gives the stored line.
    expect(fileLinesAt(plain, r.offset, r.line, 0)).toEqual([lines[r.line - 1].replace(/\r$/, '')]);
  }
  // A .gz (other lines: an identical copy would be read once) keeps its lines.
  const other = join(dir, 'other.log.gz');
  // (Other from its first byte: a file that starts like a stored source is that source, renamed.)
  const gzText = text.replaceAll('HTTP/1.1"', 'HTTP/2.0"').replaceAll('/Nov/2026:', '/Oct/2026:');
  writeFileSync(other, gzipSync(gzText));
  await ingest(db, { paths: [other], format: 'auto', keepAll: false });
  const fromGz = db.prepare('SELECT r.line, r.offset, r.raw FROM requests r JOIN sources s ON s.id = r.source_id WHERE s.path = ? ORDER BY r.line').all(other) as
    { line: number; offset: number; raw: string | null }[];
  expect(fromGz.length).toBe(fromPlain.length);
  for (const r of fromGz) {
    expect(r.raw).toBe(gzText.split('\n')[r.line - 1].replace(/\r$/, ''));
    expect(Buffer.from(gzText).subarray(r.offset).toString('utf8').startsWith(r.raw!)).toBe(true);
  }
});

it('shows the client\'s other stored requests around an event as the file has them, read at their offsets', async () => {
  const dir = tmp();
  const file = join(dir, 'access.log');
  // One client's 401s a few seconds apart, far enough apart in the file that the event's
  // neighbouring lines do not cover them: they come from the database's rows and their offsets.
  const filler = (n: number, s: number) =>
    Array.from({ length: n }, (_, i) => `198.51.100.${(i % 200) + 1} - - [26/Nov/2026:10:00:${String(s).padStart(2, '0')} +0000] "GET /ok/${i} HTTP/1.1" 200 5 "-" "curl/8"\n`).join('');
  const hit = (s: number, user: string) => `203.0.113.77 - ${user} [26/Nov/2026:10:00:${String(s).padStart(2, '0')} +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "probe/${s}"\n`;
  writeFileSync(file, filler(20, 1) + hit(10, 'alice') + filler(20, 11) + hit(20, 'bob') + filler(20, 21) + hit(30, 'carol') + filler(5, 31));
  const db = openDb(join(dir, 'a.db'));
  await ingest(db, { paths: [file], format: 'auto', keepAll: false });
  const queries = new QueryRunner(db, loadQueries(join(REPO, 'queries')));
  const event = db.prepare("SELECT r.id, r.ip, r.status, r.line, r.offset, s.path AS file FROM requests r JOIN sources s ON s.id = r.source_id WHERE r.user = 'bob'").get() as
    { id: number; ip: string; status: number; line: number; offset: number; file: string };
  const around = contextAround(queries, event, 1);
  const lines = readFileSync(file, 'utf8').split('\n');
  const stored = around.filter((l) => l.kind === 'access');
  expect(stored.map((l) => l.line)).toEqual([21, 63]);
  // Each as the log wrote it (the database keeps only its offset), not rebuilt from fields.
  for (const l of stored) expect(l.text).toBe(lines[l.line - 1]);
  expect(stored.map((l) => l.text).join('\n')).toContain('"probe/10"');
  // The event's own lines from its offset; an offset where the file no longer holds the event
  // (here another line's start) falls back to counting lines.
  for (const offset of [event.offset, 0]) {
    const own = contextAround(queries, { ...event, offset }, 1).find((l) => l.self);
    expect(own?.kind).toBe('file');
    expect(own?.text).toBe(lines[event.line - 1]);
  }
});
