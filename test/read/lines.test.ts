import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineBuffers, readLines, type LineHandler } from '../../src/read/lines.js';
import { openStream } from '../../src/read/open.js';
import { orderRotated, rotationOf } from '../../src/read/discover.js';

type Reader = (input: Readable, first: number, onLine: LineHandler, maxBytes?: number) => ReturnType<typeof readLines>;

/** Both readers, the streaming one (live) and the batch one (ingest), must cut lines the same way. */
const READERS: [string, Reader][] = [
  ['readLines', readLines],
  ['readLineBuffers', (input, first, onLine, maxBytes) => readLineBuffers(input, first, { line: onLine }, undefined, maxBytes)],
  // With a fast path that declines every line: the ASCII/CR bookkeeping must not change the result.
  ['readLineBuffers (fast path declining)', (input, first, onLine, maxBytes) =>
    readLineBuffers(input, first, { line: onLine, bytes: () => false }, undefined, maxBytes)],
];

describe.each(READERS)('%s', (_name, read) => {
  async function collect(input: Buffer | (string | Buffer)[], maxBytes?: number) {
    const chunks = Array.isArray(input) ? input.map((s) => Buffer.from(s)) : [input];
    const lines: [string, number, number][] = [];
    const stats = await read(Readable.from(chunks), 0, (t, n, o) => lines.push([t, n, o]), maxBytes);
    return { lines, stats };
  }

  it('numbers lines, trims CRLF and keeps a last line without newline', async () => {
    const { lines, stats } = await collect(Buffer.from('a\r\nb\n\nc'));
    expect(lines.map((l) => [l[0], l[1]])).toEqual([['a', 1], ['b', 2], ['', 3], ['c', 4]]);
    expect(stats).toMatchObject({ lines: 4, bytes: 7 });
  });

  it('joins a line split across chunks, even inside a UTF-8 character', async () => {
    const bytes = Buffer.from('héllo wörld\nnext\n');
    const split: Buffer[] = [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)];
    const got: string[] = [];
    await read(Readable.from(split), 0, (t) => got.push(t));
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

  it('gives the same lines wherever the chunks are cut', async () => {
    const text = Buffer.concat([
      Buffer.from('1.2.3.4 - - [x] "GET / HTTP/1.1" 200 1\r\nmid\rline\n\n'),
      Buffer.from([0x62, 0xc3, 0xa9, 0xff, 0x0a]),
      Buffer.from('y'.repeat(40) + '\nlast'),
    ]);
    const whole = await collect(text, 32);
    expect(whole.lines.map((l) => l[0].slice(0, 8))).toEqual(['1.2.3.4 ', 'mid\rline', '', 'bé\uFFFD', 'y'.repeat(8), 'last']);
    expect(whole.lines[4][2]).toBe(40);
    for (let cut = 1; cut < text.length; cut++) {
      const split = await collect([text.subarray(0, cut), text.subarray(cut)], 32);
      expect(split.lines, `cut at ${cut}`).toEqual(whole.lines);
      expect(split.stats).toEqual(whole.stats);
    }
  });
});

describe('readLineBuffers fast path', () => {
  it('offers ASCII lines as bytes (CR dropped) and decodes only those it declines', async () => {
    const input = Buffer.from('take\r\nleave\nna\u00efve\nmid\rcr\ntake2');
    const offered: string[] = [];
    const decoded: string[] = [];
    const stats = await readLineBuffers(Readable.from([input]), 10, {
      bytes: (buf, s, e) => {
        offered.push(buf.toString('latin1', s, e));
        return buf.toString('latin1', s, e).startsWith('take');
      },
      line: (t, n) => decoded.push(`${n}:${t}`),
    });
    // The non-ASCII line and the stray CR spoil their chunk for the fast path: all of it is decoded.
    expect(offered).toEqual(['take2']);
    expect(decoded).toEqual(['11:take', '12:leave', '13:naïve', '14:mid\rcr']);
    expect(stats.lines).toBe(5);
  });

  it('offers every line of a clean chunk', async () => {
    const offered: string[] = [];
    const decoded: string[] = [];
    await readLineBuffers(Readable.from([Buffer.from('a\r\nb\n\nskip\n')]), 0, {
      bytes: (buf, s, e) => {
        offered.push(buf.toString('latin1', s, e));
        return buf[s] !== 0x73;
      },
      line: (t) => decoded.push(t),
    });
    expect(offered).toEqual(['a', 'b', '', 'skip']);
    expect(decoded).toEqual(['skip']);
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
