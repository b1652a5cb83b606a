import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/read/lines.js';
import { openStream } from '../../src/read/open.js';
import { orderRotated, rotationOf } from '../../src/read/discover.js';

async function collect(input: Buffer | string[], maxBytes?: number) {
  const chunks = Array.isArray(input) ? input.map((s) => Buffer.from(s)) : [input];
  const lines: [string, number, number][] = [];
  const stats = await readLines(Readable.from(chunks), 0, (t, n, o) => lines.push([t, n, o]), maxBytes);
  return { lines, stats };
}

describe('readLines', () => {
  it('numbers lines, trims CRLF and keeps a last line without newline', async () => {
    const { lines, stats } = await collect(Buffer.from('a\r\nb\n\nc'));
    expect(lines.map((l) => [l[0], l[1]])).toEqual([['a', 1], ['b', 2], ['', 3], ['c', 4]]);
    expect(stats).toMatchObject({ lines: 4, bytes: 7 });
  });

  it('joins a line split across chunks, even inside a UTF-8 character', async () => {
    const bytes = Buffer.from('héllo wörld\nnext\n');
    const split: Buffer[] = [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)];
    const got: string[] = [];
    await readLines(Readable.from(split), 0, (t) => got.push(t));
    expect(got).toEqual(['héllo wörld', 'next']);
  });

  it('replaces and counts invalid UTF-8', async () => {
    const { lines, stats } = await collect(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63, 0x0a]));
    expect(lines[0][0]).toBe('a\uFFFDb');
    expect(stats.invalidUtf8).toBe(1);
  });

  it('cuts an over-long line short, reports its full length and keeps counting lines', async () => {
    const long = 'x'.repeat(5000);
    const chunks = ['ok\n', long.slice(0, 2000), long.slice(2000), '\nafter\n'];
    const { lines } = await collect(chunks, 1024);
    expect(lines.map((l) => [l[1], l[0].length, l[2]])).toEqual([[1, 2, 0], [2, 1024, 5000], [3, 5, 0]]);
  });
});

describe('openStream', () => {
  it('recognises gzip by its magic bytes on stdin', async () => {
    const gz = gzipSync(Buffer.from('line one\nline two\n'));
    const input = await openStream('-', Readable.from([gz]));
    expect(input.compressed).toBe(true);
    expect(input.head.toString()).toBe('line one\nline two\n');
    const got: string[] = [];
    await readLines(input.contentFrom(0), 0, (t) => got.push(t));
    expect(got).toEqual(['line one', 'line two']);
  });
});

describe('rotation order', () => {
  it.each([
    ['access.log.2.gz', 'access.log', 2],
    ['access.log.1', 'access.log', 1],
    ['access.log', 'access.log', 0],
    ['error.log-20261126.gz', 'error.log', 30_000_000 - 20261126],
  ])('%s', (name, base, generation) => {
    expect(rotationOf(name)).toEqual({ base, generation });
  });

  it('reads generations oldest first, newer dates after older ones', () => {
    expect(orderRotated(['/l/access.log', '/l/access.log.1', '/l/access.log.2.gz', '/l/error.log'])).toEqual(['/l/access.log.2.gz', '/l/access.log.1', '/l/access.log', '/l/error.log']);
    expect(orderRotated(['/l/a.log', '/l/a.log-20261126.gz', '/l/a.log-20261125.gz'])).toEqual(['/l/a.log-20261125.gz', '/l/a.log-20261126.gz', '/l/a.log']);
  });
});
