/**
 * The byte scanner and the string `scan` are the ingest fast paths: for every line either
 * accepts, it must read what the full parse reads (which the parser's tests pin down). They
 * may decline a line (then it is parsed in full), but never accept one the parse rejects.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customAccessParser, parserFor, type AccessBytesView, type LogParser } from '../../parsers/index.js';
import { endpointOf, pathOf } from '../../src/store/writer.js';

const golden = (name: string) => readFileSync(new URL(`../golden/${name}`, import.meta.url), 'utf8');
const sample = (name: string) => readFileSync(new URL(`../../samples/${name}`, import.meta.url), 'utf8');
const linesOf = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

const PARSERS: [string, LogParser][] = [
  ['combined', parserFor('combined')],
  ['main', parserFor('main')],
  ['common', parserFor('common')],
  ['vhost_combined', parserFor('vhost_combined')],
  ['symptoms format', customAccessParser(golden('symptoms/log_format.txt').trim())],
  ['upstream format', customAccessParser(golden('upstream/log_format.txt').trim())],
  ['uri and scheme first', customAccessParser('$scheme://$host $remote_addr [$time_local] $request_method $request_uri $status rt=$request_time "$http_user_agent"')],
  ['user at the end', customAccessParser('$remote_addr [$time_local] "$request" $status $remote_user')],
  ['$uri without a request line', customAccessParser('$remote_addr - $remote_user [$time_local] $request_method $uri $status')],
];

const ORDINARY = [
  '203.0.113.9 - - [27/Nov/2026:10:00:01 +0000] "GET /staging/x/y?z=1 HTTP/1.1" 200 179 "-" "Mozilla/5.0"',
  '2001:db8::7 - bob [27/Nov/2026:11:00:04 +0100] "GET /a?b=c HTTP/2.0" 304 5 "-" "curl/8"',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  '192.0.2.44 - - [27/Nov/2026:10:00:05 +0000] "POST /wp-login.php HTTP/1.1" 302 - "-" "-"',
  '192.0.2.44 - - [27/Nov/2026:10:00:05 +0000] "GET /x HTTP/1.1" 200 3 "-" "ua" 0.004 rt=1',
  '198.51.100.1 - - [27/Nov/2026:10:00:05 +0000] "GET / HTTP/1.1" 500 0 "-" "say \\"hi\\" \\\\"',
  '10.0.0.2 - - [27/Nov/2026:10:00:05 +0000] "GET / HTTP/1.1" 404 1 "-" "ua" "198.51.100.1, 10.0.0.2"',
  'www.example.com:443 203.0.113.9 - bob [27/Nov/2026:10:00:04 +0100] "GET /p HTTP/1.1" 200 381 "-" "ua"',
  '198.51.100.7 - - [27/Nov/2026:10:00:05 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"',
  '198.51.100.7 - - [27/Nov/2026:10:00:05 +0000] "GET" 400 157 "-" "-"',
  '198.51.100.7 - Bob Smith [27/Nov/2026:10:00:05 +0000] "GET /s/ HTTP/1.1" 200 1 "-" "-"',
  'https://www.example.com 192.0.2.9 [27/Nov/2026:10:00:05 +0000] GET /api/v1/items?p=2 200 rt=0.010 "curl/8"',
  '192.0.2.9 [27/Nov/2026:10:00:05 +0000] "GET /a/b/c HTTP/1.1" 200 alice',
  '192.0.2.9 - bob [27/Nov/2026:10:00:05 +0000] GET /x/y/z 200',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] GET - 200',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET  HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET /a b HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "get /a HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET /a HTTP/" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET /a\tb HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "PROPFIND /dav/x/y" 207 1 "-" "-"',
  '192.0.2.9 -  [27/Nov/2026:10:00:05 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - "" [27/Nov/2026:10:00:05 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"',
  '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET\\x20/a HTTP/1.1" 200 1 "-" "-"',
];

/** Ugly variants of every line: truncated, extended, with quotes, escapes and damage inside. */
function mutations(line: string): string[] {
  const out = [line, `${line} `, `${line}"`, `${line} extra "x"`, line.replace(/"/g, '\\"'), line.replace(' 200 ', ' 2000 '), line.replace(' 200 ', ' - ')];
  for (const at of [1, 7, 15, 30, 47, 60, 75, 90, line.length - 1]) if (at < line.length) out.push(line.slice(0, at));
  for (const ch of ['"', '\\', ']', '[', ' ', '-', '?', '/', 'x']) {
    for (const at of [3, 20, 40, 55, 70, 85]) if (at < line.length) out.push(line.slice(0, at) + ch + line.slice(at));
  }
  out.push(line.replace('/Nov/', '/Foo/'), line.replace(':10:', ':25:'), line.replace('+0000', '+00'), line.replace('27/Nov', '31/Nov'));
  out.push(line.replace(/GET \//, 'GET /\\x41'), line.replace('?', '\\x3F?'));
  return out;
}

function bytesView(parser: LogParser, line: string): AccessBytesView | null {
  const buf = Buffer.from(`junk${line}junk`, 'latin1');
  const out: AccessBytesView = { ts: 0, offsetMin: 0, ipStart: 0, ipEnd: 0, status: 0, hasUser: false, pathStart: -1, pathEnd: -1, https: false };
  return parser.scanBytes!(buf, 4, 4 + line.length, out) ? { ...out, ipStart: out.ipStart - 4, ipEnd: out.ipEnd - 4, pathStart: out.pathStart < 0 ? -1 : out.pathStart - 4, pathEnd: out.pathEnd - 4 } : null;
}

/** What the string scan reads from a line, in the fast path's terms. */
function stringView(parser: LogParser, line: string) {
  const v = parser.scan!(line);
  if (v === null) return null;
  return { ts: v.ts, offsetMin: v.offsetMin, ip: v.ip, status: v.status, hasUser: v.hasUser, https: v.scheme === 'https', endpoint: v.target === null ? null : endpointOf(pathOf(v.target)!) };
}

/** What the full parse reads, the reference. */
function fullView(parser: LogParser, line: string) {
  const res = parser.parse(line, { year: 2026 });
  if (!res.ok || res.record.kind !== 'access') return null;
  const r = res.record;
  return { ts: r.ts, offsetMin: r.offsetMin, ip: r.ip, status: r.status, hasUser: r.user !== null, https: r.scheme === 'https', endpoint: r.target === null ? null : endpointOf(pathOf(r.target)!) };
}

const corpus = [
  ...ORDINARY,
  ...linesOf(golden('nginx/access.log')),
  ...linesOf(golden('apache/access.log')),
  ...linesOf(golden('symptoms/access.log')),
  ...linesOf(golden('upstream/access.log')),
  ...linesOf(sample('nginx/access.log')),
  ...linesOf(sample('apache/access.log')),
].flatMap(mutations).filter((l) => /^[\x20-\x7e]*$/.test(l));

describe.each(PARSERS)('byte scanner, %s', (_name, parser) => {
  it('reads what the full parse reads, and never accepts a line the parse rejects', () => {
    let accepted = 0;
    for (const line of corpus) {
      const full = fullView(parser, line);
      const s = stringView(parser, line);
      if (s !== null) expect(s, `scan: ${line}`).toEqual(full);
      const b = bytesView(parser, line);
      if (b === null) continue;
      accepted++;
      expect(
        { ts: b.ts, offsetMin: b.offsetMin, ip: line.slice(b.ipStart, b.ipEnd), status: b.status, hasUser: b.hasUser, https: b.https, endpoint: b.pathStart < 0 ? null : endpointOf(line.slice(b.pathStart, b.pathEnd)) },
        `bytes: ${line}`,
      ).toEqual(full);
    }
    // The comparison above must have had work to do.
    expect(accepted).toBeGreaterThan(0);
  });

  it('takes the ordinary lines the scan takes, so the fast path is actually used', () => {
    for (const line of ORDINARY) {
      const s = stringView(parser, line);
      // Lines with an escape in their path are left to the full parse on purpose.
      if (s === null || line.includes('\\x')) continue;
      expect(bytesView(parser, line), line).not.toBeNull();
    }
  });
});

it('each format has a byte scanner, and a format with two variables back to back has none', () => {
  for (const [, parser] of PARSERS) expect(parser.scanBytes).toBeDefined();
  expect(customAccessParser('$remote_addr [$time_local] "$request" $status$body_bytes_sent').scanBytes).toBeUndefined();
});
