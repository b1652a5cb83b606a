/**
 * The byte fast path must store exactly what the full parse of every line would: same
 * kept requests, same traffic counts, same per-client successes, same rejects.
 */
import { appendFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, rng } from '../../bench/generate.js';
import { customAccessParser, parserFor, type LogParser } from '../../parsers/index.js';
import { futureLimit, readSource } from '../../src/ingest/read-source.js';
import { fixedZone } from '../../src/ingest/zone.js';
import { openDb, type Db } from '../../src/store/db.js';
import { SqliteSink } from '../../src/store/sink.js';
import { createSource } from '../../src/store/sources.js';
import { StoreWriter } from '../../src/store/writer.js';
import { ByteInterner } from '../../src/store/intern.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();

async function ingestWith(dbPath: string, file: string, parser: LogParser): Promise<Db> {
  const db = openDb(dbPath);
  const sourceId = createSource(db, { path: file, format: parser.name, variant: parser.variant, fingerprint: 'f', fpLen: 1, compressed: false }).id;
  const writer = new StoreWriter(new SqliteSink(db));
  await readSource(createReadStream(file, { highWaterMark: 4096 }), {
    sourceId, start: { offset: 0, lines: 0 }, parser, ctx: { year: 2026 }, zone: fixedZone(0), keepAll: false, notAfter: futureLimit(null), writer,
    holdPartial: false, identity: () => ({ path: file, dev: null, ino: null, size: null, mtimeMs: null, fingerprint: 'f', fpLen: 1, zone: null }),
  });
  return db;
}

const dump = (db: Db) => ({
  requests: db.prepare('SELECT * FROM requests ORDER BY source_id, line').all().map((r) => ({ ...(r as object), id: undefined })),
  traffic: db.prepare('SELECT * FROM traffic ORDER BY minute, status').all(),
  clientOk: db.prepare('SELECT * FROM client_ok ORDER BY ip, path').all(),
  rejects: db.prepare('SELECT line, reason, excerpt FROM rejects ORDER BY line').all(),
});

describe('byte fast path', () => {
  it('stores the same as parsing every line in full', async () => {
    const dir = tmp();
    const { access } = await generate(dir, 20_000, 7);
    // Ugly lines among the ordinary ones: a non-ASCII agent (its chunk goes the slow way),
    // a truncated line, an escaped path, CRLF, a 401 and its retry.
    appendFileSync(access, [
      '192.0.2.1 - - [20/Nov/2026:12:00:00 +0000] "GET /caf\u00e9/ HTTP/1.1" 200 1 "-" "na\u00efve"',
      '192.0.2.1 - - [20/Nov/2026:12:00:01 +0000] "GET /trunc',
      '192.0.2.2 - - [20/Nov/2026:12:00:02 +0000] "GET /\\xD0\\x9F/x/ HTTP/1.1" 200 1 "-" "-"\r',
      '192.0.2.3 - - [20/Nov/2026:12:00:03 +0000] "GET /admin/ HTTP/1.1" 401 1 "-" "-"',
      '192.0.2.3 - bob [20/Nov/2026:12:00:04 +0000] "GET /admin/ HTTP/1.1" 200 1 "-" "-"',
      '',
    ].join('\n'));
    const parser = parserFor('combined');
    const fast = await ingestWith(join(dir, 'fast.db'), access, parser);
    const full = await ingestWith(join(dir, 'full.db'), access, { ...parser, scan: undefined, scanBytes: undefined });
    const a = dump(fast);
    const b = dump(full);
    expect(a.traffic.length).toBeGreaterThan(10);
    expect(a.clientOk.length).toBeGreaterThan(100);
    expect(a.rejects).toHaveLength(1);
    expect(a).toEqual(b);
  });
});

/** Random combined-format lines, most well formed, many damaged in the ways real logs are (seeded: a failure can be replayed). */
function fuzzLines(n: number, seed: number, tail: (pick: <T>(xs: T[]) => T) => string = () => ''): string[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const ips = ['192.0.2.1', '192.0.2.2', '2001:db8::1', '2001:db8:0:0:0:0:0:ff', '::1', '-', '', '10.0.0.1, 10.0.0.2', 'a b'];
  const users = ['-', '-', 'bob', 'Bob Smith', 'x [y', '""', 'ü', '-x', ' '];
  const times = ['20/Nov/2026:10:00:01 +0000', '20/Nov/2026:10:00:02 +0100', '20/Nov/2026:23:59:60 -0930', '31/Nov/2026:10:00:00 +0000', '20/Nov/2026:10:00:01.123 +0000', '20/Nov/2026:24:00:00 +0000', 'garbage'];
  const requests = ['GET / HTTP/1.1', 'GET /a/b/c?x=1 HTTP/1.1', 'POST /wp-login.php HTTP/2.0', 'GET /\\xD0\\x9F/ HTTP/1.1', '\\x16\\x03', '-', 'GET', 'GET /a b HTTP/1.1', 'GET /q\\"x HTTP/1.1', 'GET /wp-json/wp/v2/users?context=edit HTTP/1.1', 'GET  HTTP/1.1'];
  const statuses = ['200', '200', '304', '401', '403', '404', '500', '-', '2000', '20'];
  const agents = ['Mozilla/5.0', '-', 'say \\"hi\\"', 'x \\\\', 'curl/8 \\x1b[2J', 'naïve', 'a"b'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    let line = `${pick(ips)} - ${pick(users)} [${pick(times)}] "${pick(requests)}" ${pick(statuses)} ${pick(['0', '123', '-', 'x'])} "${pick(['-', 'https://e.com/'])}" "${pick(agents)}"${tail(pick)}`;
    const damage = r();
    if (damage < 0.05) line = line.slice(0, Math.floor(r() * line.length));
    else if (damage < 0.08) line += ` ${pick(['0.004', 'extra "q"', ''])}`;
    else if (damage < 0.1) line += '\r';
    else if (damage < 0.11) line = '';
    lines.push(line);
  }
  return lines;
}

const FUZZED: [string, LogParser, (pick: <T>(xs: T[]) => T) => string][] = [
  ['combined', parserFor('combined'), () => ''],
  ['main', parserFor('main'), (pick) => ` "${pick(['-', '198.51.100.1, 10.0.0.2', '', 'x"y'])}"`],
  ['a custom format with $scheme and $upstream_status', customAccessParser('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme us=$upstream_status'),
    (pick) => ` ${pick(['https', 'http', '-', 'HTTPS'])} us=${pick(['-', '401', '200, 401', '502 : 401'])}`],
];

describe.each(FUZZED)('byte fast path against the full parse, fuzzed: %s', (_name, parser, tail) => {
  it.each([1, 2, 3])('seed %i: same rows, counts and rejects', async (seed) => {
    const dir = tmp();
    const file = join(dir, 'fuzz.log');
    appendFileSync(file, fuzzLines(4000, seed, tail).join('\n'));
    const a = dump(await ingestWith(join(dir, 'fast.db'), file, parser));
    const b = dump(await ingestWith(join(dir, 'full.db'), file, { ...parser, scan: undefined, scanBytes: undefined }));
    expect(a.rejects.length).toBeGreaterThan(100);
    expect(a.requests.length).toBeGreaterThan(100);
    expect(a.clientOk.length).toBeGreaterThan(3);
    expect(a).toEqual(b);
  });
});

describe('ByteInterner', () => {
  it('gives a value the same id from bytes and from a string, across growth', () => {
    const interner = new ByteInterner();
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.${i >> 8}.${i & 255}.${i % 7}`));
    const ids = keys.map((k) => interner.idOfString(k));
    expect(new Set(ids).size).toBe(keys.length);
    const buf = Buffer.from(`x ${keys.join(' ')} x`, 'latin1');
    let at = 2;
    keys.forEach((k, i) => {
      expect(interner.idOf(buf, at, at + k.length)).toBe(ids[i]);
      at += k.length + 1;
    });
    expect(interner.name(ids[12_345])).toBe(keys[12_345]);
    expect(interner.name(ids[0])).toBe(keys[0]);
    expect(interner.size).toBe(keys.length);
    expect(interner.idOfString('naïve')).toBe(interner.idOf(Buffer.from('naïve'), 0, Buffer.byteLength('naïve')));
  });
});
