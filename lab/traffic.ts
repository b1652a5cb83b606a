/**
 * Scripted traffic for the lab: one scenario per cause, tag and layer authlog claims, each
 * client from its own loopback address, and the truth of every request recorded as it is
 * sent (what it was meant to show, and the status the server really answered).
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { Cause, Layer, Tag } from '../src/classify/vocabulary.js';

export type Server = 'nginx' | 'nginx-api' | 'apache' | 'wordpress';

export interface Expect {
  cause: Cause;
  tags?: Tag[];
  layer?: Layer;
  confidence?: 'proven' | 'heuristic';
  /** The rule: where one cause has several fixes (a stale nonce, or a session gone). */
  rule?: string;
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

interface Answer {
  status: number;
  body: string;
  cookies: string[];
  /** The WWW-Authenticate header, if any. */
  challenge: string | undefined;
}

function send(t: Target, ip: string, path: string, headers: Record<string, string>, body?: string, method?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', ...headers };
    if (body !== undefined) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      h['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request({ host: '127.0.0.1', port: t.port, path, method: method ?? (body === undefined ? 'GET' : 'POST'), localAddress: ip, headers: h, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]), challenge: res.headers['www-authenticate'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** RFC 7616's answer to a Digest challenge (MD5, qop=auth), as a browser sends it. */
function digest(challenge: string | undefined, user: string, password: string, uri: string, nc: number): { authorization: string } {
  const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge ?? '')?.[1];
  const realm = field('realm');
  const nonce = field('nonce');
  if (realm === undefined || nonce === undefined) throw new Error(`not a Digest challenge: ${challenge}`);
  const count = nc.toString(16).padStart(8, '0');
  const cnonce = md5(`${nonce}${nc}`).slice(0, 16);
  const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${count}:${cnonce}:auth:${md5(`GET:${uri}`)}`);
  const opaque = field('opaque');
  return {
    authorization: `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, response="${response}", qop=auth, nc=${count}, cnonce="${cnonce}"${opaque === undefined ? '' : `, opaque="${opaque}"`}`,
  };
}

export class Traffic {
  readonly sent: Sent[] = [];

  /** `nginxInfo`: nginx logs at info, so its 401s without credentials are proven by its own line. */
  constructor(private readonly targets: Partial<Record<Server, Target>>, private readonly nginxInfo = false) {}

  /** What a 401 without credentials is shown to be on `server`. */
  private anonymous(server: Server): Pick<Expect, 'confidence' | 'layer'> {
    return server === 'nginx' && this.nginxInfo ? { confidence: 'proven', layer: 'nginx' } : { layer: 'unknown' };
  }

  async hit(scenario: string, server: Server, ip: string, path: string, o: { user?: string; password?: string; headers?: Record<string, string>; body?: string; method?: string; expect?: Expect | null; status?: number }): Promise<number> {
    return (await this.exchange(scenario, server, ip, path, o)).status;
  }

  /** `hit`, answering with the body and the cookies set. */
  async exchange(scenario: string, server: Server, ip: string, path: string, o: { user?: string; password?: string; headers?: Record<string, string>; body?: string; method?: string; expect?: Expect | null; status?: number }): Promise<Answer> {
    const headers = { ...(o.user !== undefined ? basic(o.user, o.password ?? '') : {}), ...o.headers };
    const answer = await send(this.targets[server]!, ip, path, headers, o.body, o.method);
    const { status } = answer;
    // Through a proxy the server trusts (Apache's mod_remoteip), the client is the one it forwards.
    const clientIp = o.headers?.['x-forwarded-for'] ?? ip;
    this.sent.push({ scenario, server, ip: clientIp, path: path.split('?')[0], user: o.user ?? null, status, expect: status === 401 || status === 403 ? o.expect ?? null : null, at: Date.now() });
    if (o.status !== undefined && status !== o.status) throw new Error(`${scenario}: ${server} answered ${status} for ${path}, the scenario needs ${o.status}`);
    return answer;
  }

  /** Every scenario against one Basic-auth server (nginx or Apache). */
  async basicAuth(server: 'nginx' | 'apache'): Promise<void> {
    const layer: Layer = server;
    await this.hit('no credentials', server, client(), '/private/', { status: 401, expect: { cause: 'no_credentials', ...this.anonymous(server) } });
    await this.hit('user not found', server, client(), '/private/', { user: 'ghost', password: 'boo', status: 401, expect: { cause: 'user_not_found', confidence: 'proven', layer } });
    await this.hit('password mismatch', server, client(), '/private/', { user: 'alice', password: 'wrong', status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer } });
    const browser = client();
    await this.hit('challenge', server, browser, '/private/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], ...this.anonymous(server) } });
    // The retry sent at once, as a browser with saved credentials does: it is sometimes
    // written before the 401 (servers write a request when it ends, dated when it began; one
    // CI run in about eight). Either order must give the tag (src/ingest/recent-answers.ts).
    await this.hit('challenge', server, browser, '/private/', { user: 'alice', password: 'wonderland', status: 200 });
    // A browser whose saved password went stale: the prompt, then the old password at once,
    // both in the same second; the server's line about the password is the retry's.
    const saved = client();
    await this.hit('saved password, stale', server, saved, '/private/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], ...this.anonymous(server) } });
    await this.hit('saved password, stale', server, saved, '/private/', { user: 'alice', password: 'last-year', status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer } });
    // A web app on another origin: the browser's CORS preflight, which carries no credentials.
    await this.hit('cors preflight', server, client(), '/private/', {
      method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' }, status: 401, expect: { cause: 'no_credentials', ...this.anonymous(server) },
    });
    await this.hit('forbidden by rule', server, client(), '/admin/', { status: 403, expect: { cause: 'forbidden', confidence: 'proven', layer } });
    await this.hit('monitor', server, client(), '/private/', { headers: { 'user-agent': 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)' }, status: 401, expect: { cause: 'no_credentials', tags: ['monitor'], ...this.anonymous(server) } });
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

  /**
   * Apache's Digest area: a browser's prompt and answer, a nonce kept past its lifetime (the
   * server says so at info, AH01778, and the browser answers the new nonce at once), a user
   * the file does not hold, a wrong password.
   */
  async digestAuth(nonceLifetimeS: number): Promise<void> {
    const path = '/digest/';
    const browser = client();
    const prompt = await this.exchange('digest challenge', 'apache', browser, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('digest challenge', 'apache', browser, path, { user: 'alice', headers: digest(prompt.challenge, 'alice', 'wonderland', path, 1), status: 200 });
    await new Promise((r) => setTimeout(r, nonceLifetimeS * 1000 + 1500));
    const stale = await this.exchange('digest nonce expired', 'apache', browser, path, {
      user: 'alice', headers: digest(prompt.challenge, 'alice', 'wonderland', path, 2), status: 401,
      expect: { cause: 'nonce_expired', confidence: 'proven', layer: 'apache', rule: 'digest-nonce-expired' },
    });
    await this.hit('digest nonce expired', 'apache', browser, path, { user: 'alice', headers: digest(stale.challenge, 'alice', 'wonderland', path, 1), status: 200 });
    // A nonce the server did not make (forged here; the same line after a restart or from
    // another server behind a balancer), then an answer for another realm.
    const forger = client();
    const forged = (await this.exchange('digest foreign nonce', 'apache', forger, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } })).challenge
      ?.replace(/nonce="([^"]*)(.)"/, (_m, head: string, last: string) => `nonce="${head}${last === '0' ? '1' : '0'}"`);
    await this.hit('digest foreign nonce', 'apache', forger, path, {
      user: 'alice', headers: digest(forged, 'alice', 'wonderland', path, 1), status: 401, expect: { cause: 'nonce_expired', confidence: 'proven', layer: 'apache', rule: 'digest-nonce-foreign' },
    });
    const stranger = client();
    const realm = (await this.exchange('digest another realm', 'apache', stranger, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } })).challenge
      ?.replace(/realm="[^"]*"/, 'realm="so far away"');
    await this.hit('digest another realm', 'apache', stranger, path, {
      user: 'alice', headers: digest(realm, 'alice', 'wonderland', path, 1), status: 401, expect: { cause: 'bad_credentials', confidence: 'proven', layer: 'apache', rule: 'digest-answer-mismatch' },
    });
    const other = client();
    const ghostPrompt = await this.exchange('digest user not found', 'apache', other, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('digest user not found', 'apache', other, path, {
      user: 'ghost', headers: digest(ghostPrompt.challenge, 'ghost', 'boo', path, 1), status: 401, expect: { cause: 'user_not_found', confidence: 'proven', layer: 'apache' },
    });
    const third = client();
    const wrongPrompt = await this.exchange('digest password mismatch', 'apache', third, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('digest password mismatch', 'apache', third, path, {
      user: 'bob', headers: digest(wrongPrompt.challenge, 'bob', 'wrong', path, 1), status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer: 'apache' },
    });
  }

  /**
   * Apache only: a right password on a path whose Require names other users (`Require user
   * bob`, `Require group builders`): 401 with AH01631, the user known and not allowed.
   */
  async apacheAuthz(): Promise<void> {
    for (const path of ['/bob-only/', '/builders/']) {
      const browser = client();
      await this.hit('known user, not allowed', 'apache', browser, path, { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
      await this.hit('known user, not allowed', 'apache', browser, path, { user: 'alice', password: 'wonderland', status: 401, expect: { cause: 'bad_credentials', confidence: 'proven', layer: 'apache' } });
      await this.hit('known user, not allowed', 'apache', client(), path, { user: 'bob', password: 'builder', status: 200 });
    }
  }

  /**
   * A user file the server's workers cannot read: the prompt is a 401 like any other, the
   * answer a 500 (both servers), which is no 401/403 to explain.
   */
  async lockedUserFile(server: 'nginx' | 'apache'): Promise<void> {
    const browser = client();
    await this.hit('unreadable user file', server, browser, '/locked-users/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], ...this.anonymous(server) } });
    await this.hit('unreadable user file', server, browser, '/locked-users/', { user: 'alice', password: 'wonderland', status: 500 });
  }

  /**
   * Apache behind a proxy on loopback (mod_remoteip trusts 127.0.0.0/8): both logs name the
   * forwarded client, the error log with port 0; one proxy address carries three clients.
   */
  async apacheBehindProxy(): Promise<void> {
    const proxy = client();
    const [a, b, c] = ['203.0.113.9', '203.0.113.10', '203.0.113.11'];
    await this.hit('behind a proxy', 'apache', proxy, '/private/', { headers: { 'x-forwarded-for': a }, status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], layer: 'unknown' } });
    await this.hit('behind a proxy', 'apache', proxy, '/private/', { user: 'ghost', password: 'boo', headers: { 'x-forwarded-for': a }, status: 401, expect: { cause: 'user_not_found', confidence: 'proven', layer: 'apache' } });
    await this.hit('behind a proxy', 'apache', proxy, '/private/', { user: 'alice', password: 'nope', headers: { 'x-forwarded-for': b }, status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer: 'apache' } });
    await this.hit('behind a proxy', 'apache', proxy, '/admin/', { headers: { 'x-forwarded-for': c }, status: 403, expect: { cause: 'forbidden', confidence: 'proven', layer: 'apache' } });
  }

  /** nginx only: a user file that is not there (401 first, then 403 once credentials come). */
  async missingUserFile(): Promise<void> {
    const ip = client();
    await this.hit('missing user file', 'nginx', ip, '/gone-users/', { status: 401, expect: { cause: 'no_credentials', tags: ['challenge'], ...this.anonymous('nginx') } });
    await this.hit('missing user file', 'nginx', ip, '/gone-users/', { user: 'alice', password: 'wonderland', status: 403, expect: { cause: 'auth_file_missing', confidence: 'proven', layer: 'nginx' } });
  }

  /** A Bearer API behind nginx, logged with $upstream_status and the challenge it sent. */
  async bearerApi(): Promise<void> {
    await this.hit('api without token', 'nginx-api', client(), '/api/orders', { status: 401, expect: { cause: 'no_credentials', layer: 'app' } });
    await this.hit('api expired token', 'nginx-api', client(), '/api/orders', { headers: { authorization: 'Bearer stale' }, status: 401, expect: { cause: 'token_rejected', layer: 'app' } });
    await this.hit('api good token', 'nginx-api', client(), '/api/orders', { headers: { authorization: 'Bearer good' }, status: 200 });
  }

  /**
   * WordPress behind nginx and php-fpm, with authlog's must-use plugin writing debug.log.
   * Logged-in browsers get their cookies by logging in through wp-login.php; the expired and
   * forged cookies are made by WordPress itself (lab/wordpress.ts).
   */
  async wordpress(wp: { appPassword: string; cookies: WordPressCookies }): Promise<void> {
    const me = '/wp-json/wp/v2/users/me';
    const layer: Layer = 'wordpress';
    await this.hit('wp rest without credentials', 'wordpress', client(), me, { status: 401, expect: { cause: 'no_credentials' } });
    await this.hit('wp application password wrong', 'wordpress', client(), me, { user: 'admin', password: 'abcd efgh ijkl mnop qrst uvwx', status: 401, expect: { cause: 'password_mismatch', confidence: 'proven', layer } });
    await this.hit('wp application password, unknown user', 'wordpress', client(), me, { user: 'ghost', password: 'abcd efgh ijkl mnop qrst uvwx', status: 401, expect: { cause: 'user_not_found', confidence: 'proven', layer } });
    await this.hit('wp application password right', 'wordpress', client(), me, { user: 'admin', password: wp.appPassword, status: 200 });
    // A wrong password on the login form answers 200 (the form again): no 401 to explain.
    await this.hit('wp login form, wrong password', 'wordpress', client(), '/wp-login.php', { headers: { cookie: 'wordpress_test_cookie=WP%20Cookie%20check' }, body: 'log=admin&pwd=nope&testcookie=1', status: 200 });

    // A logged-in browser: cookies from the login form, a REST nonce from admin-ajax.
    const browser = client();
    const login = await this.exchange('wp login', 'wordpress', browser, '/wp-login.php', { headers: { cookie: 'wordpress_test_cookie=WP%20Cookie%20check' }, body: 'log=admin&pwd=correct-horse&testcookie=1', status: 302 });
    const cookie = ['wordpress_test_cookie=WP%20Cookie%20check', ...login.cookies].join('; ');
    const nonce = (await this.exchange('wp rest nonce', 'wordpress', browser, '/wp-admin/admin-ajax.php?action=rest-nonce', { headers: { cookie }, status: 200 })).body.trim();
    await this.hit('wp rest with cookie and nonce', 'wordpress', browser, me, { headers: { cookie, 'x-wp-nonce': nonce }, status: 200 });
    // A second later (log times have seconds): the success is "before" this 401, as on a real
    // site, where a token heuristic must not call the call without its nonce an expired token.
    await new Promise((r) => setTimeout(r, 1100));
    await this.hit('wp rest with cookie, no nonce', 'wordpress', browser, me, { headers: { cookie }, status: 401, expect: { cause: 'no_credentials' } });
    await this.hit('wp rest, stale nonce', 'wordpress', browser, me, { headers: { cookie, 'x-wp-nonce': 'deadbeef00' }, status: 403, expect: { cause: 'nonce_expired', confidence: 'proven', layer, rule: 'wp-nonce-failed-403' } });
    await this.hit('wp admin-ajax, stale nonce', 'wordpress', browser, '/wp-admin/admin-ajax.php', { headers: { cookie }, body: 'action=save-user-color-scheme&nonce=deadbeef00&color_scheme=fresh', status: 403, expect: { cause: 'nonce_expired', confidence: 'proven', layer } });

    // The session ran out: the cookie WordPress made has expired, and the page's nonce fails
    // with it (a 403: the nonce is the cause a 403 names; the fix is to log in again).
    const { hash, expired, forged } = wp.cookies;
    await this.hit('wp session expired', 'wordpress', client(), me, { headers: { cookie: `wordpress_logged_in_${hash}=${expired}`, 'x-wp-nonce': nonce }, status: 403, expect: { cause: 'nonce_expired', confidence: 'proven', layer, rule: 'wp-cookie-expired-nonce' } });
    await this.hit('wp forged cookie', 'wordpress', client(), me, { headers: { cookie: `wordpress_logged_in_${hash}=${forged}`, 'x-wp-nonce': nonce }, status: 403, expect: { cause: 'nonce_expired', confidence: 'proven', layer, rule: 'wp-cookie-invalid-nonce' } });


    const attacker = client();
    for (let i = 0; i < 25; i++) {
      await this.hit('wp application password brute force', 'wordpress', attacker, me, { user: 'admin', password: `guess ${i}`, headers: { 'user-agent': 'python-requests/2.31.0' }, status: 401, expect: { cause: 'password_mismatch', tags: ['brute_force', 'automation'], confidence: 'proven', layer } });
    }
  }
}

/** Auth cookies WordPress made for the lab's `editor`: one expired, one with a forged hash. */
export interface WordPressCookies {
  hash: string;
  expired: string;
  forged: string;
}
