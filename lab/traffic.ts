/**
 * Scripted traffic for the lab: one scenario per cause, tag and layer authlog claims, each
 * client from its own loopback address, and the truth of every request recorded as it is
 * sent (what it was meant to show, and the status the server really answered).
 */
import { request } from 'node:http';
import type { Cause, Layer, Tag } from '../src/classify/vocabulary.js';

export type Server = 'nginx' | 'nginx-api' | 'apache';

export interface Expect {
  cause: Cause;
  tags?: Tag[];
  layer?: Layer;
  confidence?: 'proven' | 'heuristic';
}

export interface Sent {
  scenario: string;
  server: Server;
  ip: string;
  path: string;
  user: string | null;
  /** What the server answered. */
  status: number;
  /** The verdict a 401/403 must get (null: not a 401/403). */
  expect: Expect | null;
  /** When the answer came (ms, this machine's clock): live verdicts are timed from here. */
  at: number;
}

interface Target {
  port: number;
}

let nextAddress = 2;
/** A fresh loopback client (127.0.0.2, 127.0.0.3, ...). */
export function client(): string {
  const n = nextAddress++;
  return `127.0.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

function send(t: Target, ip: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.port, path, localAddress: ip, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', ...headers }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

export class Traffic {
  readonly sent: Sent[] = [];

  constructor(private readonly targets: Record<Server, Target>) {}

  async hit(scenario: string, server: Server, ip: string, path: string, o: { user?: string; password?: string; headers?: Record<string, string>; expect?: Expect | null; status?: number }): Promise<number> {
    const headers = { ...(o.user !== undefined ? basic(o.user, o.password ?? '') : {}), ...o.headers };
    const status = await send(this.targets[server], ip, path, headers);
    this.sent.push({ scenario, server, ip, path, user: o.user ?? null, status, expect: status === 401 || status === 403 ? o.expect ?? null : null, at: Date.now() });
    if (o.status !== undefined && status !== o.status) throw new Error(`${scenario}: ${server} answered ${status} for ${path}, the scenario needs ${o.status}`);
    return status;
  }

  /** Every scenario against one Basic-auth server (nginx or Apache). */
  async basicAuth(server: 'nginx' | 'apache'): Promise<void> {
    const layer: Layer = server;
    await this.hit('no credentials', server, client(), '/private/', { status: 401, expect: { cause: 'no_credentials', layer: 'unknown' } });
    await this.hit('user not found', server, client(), '/private/', { user: 'ghost', password: 'boo', status: 401, expect: { cause: 'user_not_found', confidence: 'proven', layer } });
    await this.hit('password mismatch', server, client(), '/private/', { user: 'alice', password: 'wrong', status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer } });
    const browser = client();
    await this.hit('challenge', server, browser, '/private/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('challenge', server, browser, '/private/', { user: 'alice', password: 'wonderland', status: 200 });
    await this.hit('forbidden by rule', server, client(), '/admin/', { status: 403, expect: { cause: 'forbidden', confidence: 'proven', layer } });
    await this.hit('monitor', server, client(), '/private/', { headers: { 'user-agent': 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)' }, status: 401, expect: { cause: 'no_credentials', tags: ['monitor'], layer: 'unknown' } });
    const attacker = client();
    for (let i = 0; i < 25; i++) {
      await this.hit('brute force (user names)', server, attacker, '/private/', { user: `admin${i}`, password: 'x', headers: { 'user-agent': 'python-requests/2.31.0' }, status: 401, expect: { cause: 'user_not_found', tags: ['brute_force', 'automation'], confidence: 'proven', layer } });
    }
    // One user's password guessed, paced like a real attack (4 s in all): the threshold (20
    // failures) is crossed after 3 s, and the live view must tag the whole run, not only the
    // failures after the crossing.
    const guesser = client();
    for (let i = 0; i < 25; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await this.hit('brute force (passwords)', server, guesser, '/private/', { user: 'bob', password: `guess${i}`, headers: { 'user-agent': 'python-requests/2.31.0' }, status: 401, expect: { cause: 'password_mismatch', tags: ['brute_force', 'automation'], confidence: 'proven', layer } });
    }
  }

  /** nginx only: a user file that is not there (401 first, then 403 once credentials come). */
  async missingUserFile(): Promise<void> {
    const ip = client();
    await this.hit('missing user file', 'nginx', ip, '/gone-users/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('missing user file', 'nginx', ip, '/gone-users/', { user: 'alice', password: 'wonderland', status: 403, expect: { cause: 'auth_file_missing', confidence: 'proven', layer: 'nginx' } });
  }

  /** A Bearer API behind nginx, logged with $upstream_status and the challenge it sent. */
  async bearerApi(): Promise<void> {
    await this.hit('api without token', 'nginx-api', client(), '/api/orders', { status: 401, expect: { cause: 'no_credentials', layer: 'app' } });
    await this.hit('api expired token', 'nginx-api', client(), '/api/orders', { headers: { authorization: 'Bearer stale' }, status: 401, expect: { cause: 'token_rejected', layer: 'app' } });
    await this.hit('api good token', 'nginx-api', client(), '/api/orders', { headers: { authorization: 'Bearer good' }, status: 200 });
  }
}
