/**
 * Deterministic generator of a realistic site's logs for the benchmark: a combined access
 * log (~6% 401, ~2% 403, IPv6 clients, escaped user agents), the nginx error log lines that
 * explain part of the 401/403s, and a WordPress debug.log.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const timeLocal = (ms: number) => {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
};
const errTime = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
};

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  'python-requests/2.32.3',
  'Mozilla/5.0 (compatible; \\x22Bot\\x22; +http://example.com/bot) \\xD0\\x9F\\xD1\\x80\\xD0\\xB8',
];
const PATHS = ['/', '/blog/', '/wp-content/themes/site/style.css', '/wp-includes/js/jquery/jquery.min.js', '/favicon.ico', '/blog/2026/11/post-{n}/', '/api/v1/items?page={n}', '/img/{n}.webp'];
const AUTH_PATHS = ['/staging/', '/admin/', '/wp-json/wp/v2/posts', '/api/v1/orders', '/metrics', '/wp-admin/admin-ajax.php'];
const USERS = ['alice', 'bob', 'carol', 'admin', 'root', 'deploy', 'test'];

function ip(r: () => number): string {
  if (r() < 0.15) return `2001:db8:${Math.floor(r() * 0xffff).toString(16)}::${Math.floor(r() * 0xff).toString(16)}`;
  return `${Math.floor(r() * 223) + 1}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 254) + 1}`;
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((res) => stream.once('drain', () => res()));
}

/** Shares of 401 and 403 lines: the bench's 8% is an attack-heavy day; BENCH_AUTH_SHARE tries others. */
export interface AuthShares {
  unauthorized: number;
  forbidden: number;
}

export async function generate(dir: string, lines: number, seed = 42, shares: AuthShares = { unauthorized: 0.06, forbidden: 0.02 }): Promise<{ access: string; error: string; debug: string }> {
  const r = rng(seed);
  const access = createWriteStream(`${dir}/access.log`);
  const error = createWriteStream(`${dir}/error.log`);
  const debug = createWriteStream(`${dir}/debug.log`);
  const clients = Array.from({ length: 20_000 }, () => ip(r));
  // Lines are ~600 ms apart: the log ends near 2026-11-20 whatever its size, never in the
  // future (a line dated a day after its file was written is rejected as future_timestamp).
  let t = Date.UTC(2026, 10, 20, 0, 0, 0) - lines * 600;
  let buf = '';
  let ebuf = '';
  let conn = 1;
  for (let i = 0; i < lines; i++) {
    t += Math.floor(r() * 1200);
    const client = clients[Math.floor(Math.pow(r(), 2) * clients.length)];
    const ua = UAS[Math.floor(r() * UAS.length)];
    const roll = r();
    let user = '-';
    let status: number;
    let path: string;
    if (roll < shares.unauthorized) {
      status = 401;
      path = AUTH_PATHS[Math.floor(r() * 4)];
      if (r() < 0.5) {
        user = USERS[Math.floor(r() * USERS.length)];
        const msg = r() < 0.5 ? `user "${user}" was not found in "/etc/nginx/.htpasswd"` : `user "${user}": password mismatch`;
        ebuf += `${errTime(t)} [error] 2191#2191: *${conn++} ${msg}, client: ${client}, server: www.example.com, request: "GET ${path} HTTP/1.1", host: "www.example.com"\n`;
      }
    } else if (roll < shares.unauthorized + shares.forbidden) {
      status = 403;
      path = AUTH_PATHS[4 + Math.floor(r() * 2)];
      if (r() < 0.3) ebuf += `${errTime(t)} [error] 2191#2191: *${conn++} access forbidden by rule, client: ${client}, server: www.example.com, request: "GET ${path} HTTP/1.1", host: "www.example.com"\n`;
    } else {
      status = r() < 0.9 ? 200 : r() < 0.5 ? 304 : 404;
      path = PATHS[Math.floor(r() * PATHS.length)].replace('{n}', String(Math.floor(r() * 500)));
    }
    buf += `${client} - ${user} [${timeLocal(t)}] "GET ${path} HTTP/1.1" ${status} ${Math.floor(r() * 50_000)} "https://www.example.com/" "${ua}"\n`;
    if (buf.length > 1 << 20) {
      await write(access, buf);
      buf = '';
    }
    if (ebuf.length > 1 << 18) {
      await write(error, ebuf);
      ebuf = '';
    }
    if (i % 2000 === 0) {
      const d = new Date(t);
      await write(debug, `[${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC] PHP Warning:  Undefined array key "x" in /var/www/html/wp-content/plugins/p/p.php on line ${i % 300}\n`);
    }
  }
  await write(access, buf);
  await write(error, ebuf);
  for (const s of [access, error, debug]) await new Promise<void>((res) => s.end(() => res()));
  return { access: `${dir}/access.log`, error: `${dir}/error.log`, debug: `${dir}/debug.log` };
}
