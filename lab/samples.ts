/**
 * `npm run lab:samples` (root): writes samples/lab/ from a run of the real-server lab, so
 * `npm start` shows what real nginx, Apache and WordPress write. The lab's loopback clients
 * become documentation addresses, its temporary paths and ports the usual ones; nothing else
 * in a line is changed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../src/cli/paths.js';
import { startLab } from './servers.js';
import { Traffic } from './traffic.js';
import { startWordPress } from './wordpress.js';

const TZ = 'Europe/Berlin';
const OUT = packageFile('samples/lab');

/** Rewrites one lab log: addresses, paths and ports as on a real host. */
function anonymiser(dir: string, ports: number[]): (text: string) => string {
  const clients = new Map<string, string>();
  const clientOf = (ip: string) => {
    let c = clients.get(ip);
    if (c === undefined) {
      const n = clients.size;
      // 198.18.0.0/15, the range RFC 2544 sets aside for test labs (the hand-written samples
      // use the documentation ranges: no client of one is a client of the other).
      c = `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      clients.set(ip, c);
    }
    return c;
  };
  const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const paths: [RegExp, string][] = [
    [new RegExp(`${escaped}/no-such-htpasswd`, 'g'), '/etc/nginx/.htpasswd-staging'],
    [new RegExp(`${escaped}/htpasswd`, 'g'), '/etc/nginx/.htpasswd'],
    [new RegExp(`${escaped}/www`, 'g'), '/var/www/html'],
    [new RegExp(`${escaped}/wordpress`, 'g'), '/var/www/wordpress'],
    [new RegExp(escaped, 'g'), '/srv/site'],
  ];
  const portRe = new RegExp(`127\\.0\\.0\\.1:(${ports.join('|')})\\b`, 'g');
  return (text) => {
    let t = text;
    for (const [re, to] of paths) t = t.replace(re, to);
    t = t.replace(portRe, 'www.example.org');
    // Every other loopback address is a lab client.
    return t.replace(/\b127\.0\.\d{1,3}\.\d{1,3}\b/g, (ip) => (ip === '127.0.0.1' ? ip : clientOf(ip)));
  };
}

const dir = mkdtempSync(join(tmpdir(), 'authlog-samples-'));
try {
  const lab = await startLab(dir, TZ);
  const wp = await startWordPress(dir, TZ);
  try {
    const traffic = new Traffic({ nginx: { port: lab.nginx.port }, 'nginx-api': { port: lab.nginx.port }, apache: { port: lab.apache.port }, wordpress: { port: wp.port } });
    await traffic.basicAuth('nginx');
    await traffic.missingUserFile();
    await traffic.bearerApi();
    await traffic.basicAuth('apache');
    await traffic.wordpress(wp);
  } finally {
    await wp.stop();
    await lab.stop();
  }
  const anonymise = anonymiser(dir, [lab.nginx.port, lab.apache.port, lab.upstream.port, wp.port]);
  rmSync(OUT, { recursive: true, force: true });
  const files: [string, string][] = [
    [join(lab.nginx.logs, 'access.log'), 'nginx/access.log'],
    [join(lab.nginx.logs, 'error.log'), 'nginx/error.log'],
    [join(lab.apache.logs, 'access.log'), 'apache/access.log'],
    [join(lab.apache.logs, 'error.log'), 'apache/error.log'],
    [join(wp.logs, 'access.log'), 'wordpress/access.log'],
    [join(wp.logs, 'error.log'), 'wordpress/error.log'],
    [wp.debugLog, 'wordpress/debug.log'],
  ];
  for (const [from, to] of files) {
    if (!existsSync(from)) continue;
    mkdirSync(join(OUT, to, '..'), { recursive: true });
    writeFileSync(join(OUT, to), anonymise(readFileSync(from, 'utf8')));
  }
  process.stdout.write(`samples/lab written from a lab run in ${TZ} (${files.length} logs)\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
