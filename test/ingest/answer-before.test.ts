/**
 * A browser's retry written before the 401 it answers: servers write a request's line when
 * it ends, dated when it began, so on a fast link the answer can come first in the file
 * (seen once in the lab, Apache on loopback). One pass and classifying again from the
 * database both call the 401 a challenge.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyAll } from '../../src/classify/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb, type Db } from '../../src/store/db.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();

function acc(ip: string, user: string, second: number, path: string, status: number): string {
  return `${ip} - ${user} [20/Nov/2026:10:00:${String(second).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} 10 "-" "Mozilla/5.0"`;
}

interface Row {
  line: number;
  cause: string;
  tags: string;
  evidence: string;
}

function verdicts(db: Db): Map<number, Row> {
  const rows = db
    .prepare(`SELECT r.line, v.cause, v.tags, t.text AS evidence FROM verdicts v JOIN requests r ON r.id = v.request_id JOIN texts t ON t.id = v.evidence_id ORDER BY r.line`)
    .all() as Row[];
  return new Map(rows.map((r) => [r.line, r]));
}

describe('an answer written before its 401', () => {
  it('is the 401\'s challenge, in one pass and when classified again, and is stored as its context', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => acc(`192.0.2.${i + 1}`, '-', 0, '/', 200)),
      // 2: alice's retry (200) written before the prompt it answers (line 12)
      acc('198.51.100.7', 'alice', 1, '/private/', 200),
      acc('198.51.100.7', '-', 1, '/private/', 401),
      // 3: a retry that failed (a wrong password) written first, then its prompt
      acc('198.51.100.8', 'bob', 5, '/private/', 401),
      acc('198.51.100.8', '-', 5, '/private/', 401),
      // 4: a success with credentials dated before the 401 answers nothing
      acc('198.51.100.9', 'carol', 20, '/private/', 200),
      acc('198.51.100.9', '-', 23, '/private/', 401),
      // 5: a success without credentials written first is no answer either
      acc('198.51.100.10', '-', 30, '/private/', 200),
      acc('198.51.100.10', '-', 30, '/private/', 401),
    ];
    writeFileSync(log, lines.join('\n') + '\n');
    const db = openDb(join(dir, 'a.db'));
    await ingest(db, { paths: [log], format: 'auto', keepAll: false });

    const check = (v: Map<number, Row>) => {
      expect(JSON.parse(v.get(12)!.tags)).toContain('challenge');
      expect(v.get(12)!.cause).toBe('no_credentials');
      const evidence = JSON.parse(v.get(12)!.evidence) as { file: string | null; line: number | null; text: string }[];
      expect(evidence.find((e) => e.text.startsWith('challenge:'))).toMatchObject({ line: 11, text: 'challenge: the same client came back as "alice" 0 s later and got 200' });
      expect(JSON.parse(v.get(14)!.tags)).toContain('challenge');
      expect(JSON.parse(v.get(16)!.tags)).not.toContain('challenge');
      expect(JSON.parse(v.get(18)!.tags)).not.toContain('challenge');
    };
    check(verdicts(db));
    // The answer's row is there for whoever reads the database (stored once).
    expect(db.prepare("SELECT line, status, user, kept FROM requests WHERE ip = '198.51.100.7' ORDER BY line").all()).toEqual([
      { line: 11, status: 200, user: 'alice', kept: 'context' },
      { line: 12, status: 401, user: null, kept: 'auth' },
    ]);
    const stored = db.prepare('SELECT stored FROM sources').get() as { stored: number };
    expect(stored.stored).toBe((db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n);

    classifyAll(db);
    check(verdicts(db));
    db.close();
  });
});
