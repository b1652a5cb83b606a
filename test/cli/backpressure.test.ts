/**
 * A slow reader of authlog's output (`authlog events | jq`, `| less`) holds authlog back
 * instead of making it keep everything it has not written yet in memory (the 5M bench's
 * events as NDJSON into a pipe reached 1 GB resident).
 */
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runEvents } from '../../src/cli/commands/events.js';
import { runQuery } from '../../src/cli/commands/query.js';
import type { CommandIO } from '../../src/cli/io.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb } from '../../src/store/db.js';
import { REPO } from '../helpers.js';
import { safeJson } from '../../src/util/json.js';

/** A pipe whose reader takes nothing until `release`: every write after the first is buffered. */
class StalledPipe extends Writable {
  calls = 0;
  chunks: string[] = [];
  private held: (() => void)[] = [];
  private stalled = true;

  constructor() {
    super({ highWaterMark: 1024, decodeStrings: false });
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    this.calls++;
    return super.write(chunk as string, ...(rest as []));
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(String(chunk));
    if (this.stalled) this.held.push(done);
    else done();
  }

  release(): void {
    this.stalled = false;
    for (const done of this.held.splice(0)) done();
  }
}

// One database for both tests (useTempDir empties its folders after each test).
const dir = mkdtempSync(join(tmpdir(), 'authlog-bp-'));
const db = join(dir, 'bp.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const d = openDb(db);
  await ingest(d, { paths: [join(REPO, 'samples')], format: 'auto', keepAll: false });
  d.close();
});

async function stalled(run: (io: CommandIO, argv: string[]) => Promise<number>, argv: string[]): Promise<{ whileStalled: number; output: string; code: number }> {
  const out = new StalledPipe();
  const io = { stdout: out as unknown as NodeJS.WriteStream, stderr: new PassThrough() as unknown as NodeJS.WriteStream, stdin: new PassThrough(), env: {} };
  const done = run(io, argv);
  await new Promise((r) => setTimeout(r, 300));
  const whileStalled = out.calls;
  out.release();
  const code = await done;
  return { whileStalled, output: out.chunks.join(''), code };
}

describe('a reader that does not keep up', () => {
  it('events waits for it, then writes every event', async () => {
    const { whileStalled, output, code } = await stalled(runEvents, ['--db', db, '--format', 'ndjson']);
    expect(code).toBe(0);
    const lines = output.trim().split('\n');
    const stored = openDb(db, 'existing').prepare('SELECT count(*) FROM verdicts').pluck().get() as number;
    expect(lines.length).toBe(stored);
    expect(lines.every((l) => typeof JSON.parse(l).cause === 'string')).toBe(true);
    // The first writes fill the 1 KiB buffer; then it waits (all of them at once without it).
    expect(whileStalled).toBeLessThan(10);
    expect(stored).toBeGreaterThan(100);
  });

  it('query waits for it, then writes every row, in each format', async () => {
    const all = openDb(db, 'existing').prepare('SELECT count(*) FROM verdicts').pluck().get() as number;
    const json = await stalled(runQuery, ['events', '--db', db, '--format', 'json']);
    expect(json.code).toBe(0);
    // The same text as the whole array indented at once.
    const parsed = JSON.parse(json.output) as unknown[];
    expect(parsed.length).toBe(all);
    expect(json.output).toBe(safeJson(parsed, 2) + '\n');
    expect(json.whileStalled).toBeLessThan(10);
    for (const format of ['ndjson', 'csv', 'table']) {
      const { whileStalled, output, code } = await stalled(runQuery, ['events', '--db', db, '--format', format]);
      expect(code).toBe(0);
      const rows = openDb(db, 'existing').prepare('SELECT count(*) FROM verdicts').pluck().get() as number;
      const lines = output.trim().split('\n');
      expect(lines.length).toBe(format === 'ndjson' ? rows : rows + (format === 'table' ? 2 : 1));
      if (format === 'table') expect(lines.at(-1)).toBe(`${rows} row(s)`);
      expect(whileStalled).toBeLessThan(10);
    }
  });
});
