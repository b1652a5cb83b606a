/**
 * A request read from a plain file keeps where its line starts (its byte offset) and not the
 * line: the line is read from the file when shown. Compressed content keeps its lines (they
 * cannot be read at an offset later).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb } from '../../src/store/db.js';
import { fileLinesAt } from '../../src/tui/triage/context.js';
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
