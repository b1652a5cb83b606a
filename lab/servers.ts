/**
 * The lab's real servers: nginx and Apache from Debian, started as plain processes on
 * 127.0.0.1 high ports with configs, pid files and logs in a temporary directory (never the
 * system services), in a given time zone. `stop` ends every one of them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface Lab {
  dir: string;
  nginx: { port: number; logs: string; conf: string };
  apache: { port: number; logs: string };
  upstream: { port: number };
  stop(): Promise<void>;
}

/** The nginx log_format of the second access log (the one authlog reads with --log-format). */
export const NGINX_DETAILED_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status "$sent_http_www_authenticate"';

const USERS = { alice: 'wonderland', bob: 'builder' };

function htpasswd(file: string): void {
  writeFileSync(file, '');
  for (const [user, password] of Object.entries(USERS)) {
    const r = spawnSync('htpasswd', ['-b', '-B', file, user, password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd: ${r.stderr}`);
  }
  chmodSync(file, 0o644);
}

/** Apache's Digest area: its realm, and how long a nonce lives (short, so one expires in the lab). */
export const DIGEST_REALM = 'Digest area';
export const DIGEST_NONCE_LIFETIME_S = 1;

/** What `htdigest` writes: user:realm:MD5(user:realm:password) (htdigest itself only prompts). */
function htdigest(file: string): void {
  const lines = Object.entries(USERS).map(([user, password]) => `${user}:${DIGEST_REALM}:${createHash('md5').update(`${user}:${DIGEST_REALM}:${password}`).digest('hex')}`);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o644 });
}

/** nginx's error_log level: the default (error), or info, where a 401 without credentials gets a line of its own. */
export type NginxErrorLevel = 'error' | 'info';

function nginxConf(dir: string, port: number, upstream: number, level: NginxErrorLevel): string {
  const logs = join(dir, 'logs', 'nginx');
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${logs}/error.log${level === 'info' ? ' info' : ''};
events { worker_connections 128; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  log_format detailed '${NGINX_DETAILED_FORMAT}';
  access_log ${logs}/access.log combined;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location /private/ { auth_basic "Private"; auth_basic_user_file ${dir}/htpasswd; }
    location /admin/ { deny all; }
    location /gone-users/ { auth_basic "Gone"; auth_basic_user_file ${dir}/no-such-htpasswd; }
    location /locked-users/ { auth_basic "Locked"; auth_basic_user_file ${dir}/locked-htpasswd; }
    location /api/ {
      access_log ${logs}/api-access.log detailed;
      proxy_pass http://127.0.0.1:${upstream};
    }
  }
}
`;
}

function apacheConf(dir: string, port: number): string {
  const mods = '/usr/lib/apache2/modules';
  const load = (m: string) => `LoadModule ${m}_module ${mods}/mod_${m}.so`;
  return `
ServerRoot ${dir}/apache
ServerName lab.test
Listen 127.0.0.1:${port}
PidFile ${dir}/apache.pid
${['mpm_event', 'authz_core', 'authz_host', 'authn_core', 'authn_file', 'auth_basic', 'auth_digest', 'authz_user', 'authz_groupfile', 'remoteip', 'mime', 'dir'].map(load).join('\n')}
User www-data
Group www-data
ErrorLog ${dir}/logs/apache/error.log
# Behind a proxy on loopback: the client is the address it forwards (none is sent but by the proxied scenario).
RemoteIPHeader X-Forwarded-For
RemoteIPInternalProxy 127.0.0.0/8
# mod_auth_digest writes an expired nonce (AH01778) at info: an admin who looks into Digest
# failures raises it so; the rest stays at the default.
LogLevel warn auth_digest:info
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
CustomLog ${dir}/logs/apache/access.log combined
TypesConfig /etc/mime.types
DocumentRoot ${dir}/www
DirectoryIndex index.html
<Directory ${dir}/www>
  Require all granted
</Directory>
<Location /private/>
  AuthType Basic
  AuthName "Private"
  AuthUserFile ${dir}/htpasswd
  Require valid-user
</Location>
<Location /admin/>
  Require all denied
</Location>
<Location /bob-only/>
  AuthType Basic
  AuthName "Bob only"
  AuthUserFile ${dir}/htpasswd
  Require user bob
</Location>
<Location /builders/>
  AuthType Basic
  AuthName "Builders"
  AuthUserFile ${dir}/htpasswd
  AuthGroupFile ${dir}/groups
  Require group builders
</Location>
<Location /locked-users/>
  AuthType Basic
  AuthName "Locked"
  AuthUserFile ${dir}/locked-htpasswd
  Require valid-user
</Location>
<Location /digest/>
  AuthType Digest
  AuthName "${DIGEST_REALM}"
  AuthDigestProvider file
  AuthUserFile ${dir}/htdigest
  AuthDigestNonceLifetime ${DIGEST_NONCE_LIFETIME_S}
  Require valid-user
</Location>
`;
}

/**
 * The API behind nginx: a Bearer token `good` is accepted; another token gets RFC 6750's
 * invalid_token, none gets a bare Bearer challenge.
 */
function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    if (auth === 'Bearer good') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}\n');
    } else if (auth.startsWith('Bearer ')) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="The access token expired"' });
      res.end('{"error":"invalid_token"}\n');
    } else {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="api"' });
      res.end('{"error":"unauthorized"}\n');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function waitForPort(port: number, child: ChildProcess, name: string, stderr: () => string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not listen on ${port}: ${stderr()}`);
}

export function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    server.close(() => resolve(port));
  }));
}

export function run(cmd: string, args: string[], tz: string, name: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', TZ: tz }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.on('error', (e) => (err += `${name}: ${e.message}`));
  return { child, stderr: () => err };
}

/** Starts nginx, Apache and the API upstream in `tz` (an IANA zone), nginx logging errors at `nginxErrorLevel`. */
export async function startLab(dir: string, tz: string, nginxErrorLevel: NginxErrorLevel = 'error'): Promise<Lab> {
  // The servers' workers run as nobody / www-data: the lab's files must be readable by them.
  chmodSync(dir, 0o755);
  for (const d of ['logs/nginx', 'logs/apache', 'tmp', 'apache', 'www/private', 'www/admin', 'www/gone-users', 'www/digest', 'www/bob-only', 'www/builders', 'www/locked-users']) mkdirSync(join(dir, d), { recursive: true, mode: 0o755 });
  for (const d of ['', 'private', 'admin', 'gone-users', 'digest', 'bob-only', 'builders', 'locked-users']) writeFileSync(join(dir, 'www', d, 'index.html'), `<p>${d || 'home'}</p>\n`, { mode: 0o644 });
  htpasswd(join(dir, 'htpasswd'));
  htdigest(join(dir, 'htdigest'));
  writeFileSync(join(dir, 'groups'), 'builders: bob\n', { mode: 0o644 });
  // A user file the servers' workers (nobody, www-data) cannot read: root's, mode 600.
  htpasswd(join(dir, 'locked-htpasswd'));
  chmodSync(join(dir, 'locked-htpasswd'), 0o600);
  const upstream = await startUpstream();
  const upstreamPort = (upstream.address() as { port: number }).port;
  const [nginxPort, apachePort] = [await freePort(), await freePort()];
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf(dir, nginxPort, upstreamPort, nginxErrorLevel));
  writeFileSync(join(dir, 'apache.conf'), apacheConf(dir, apachePort));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await new Promise((r) => upstream.close(r));
  };
  try {
    const nginx = run('/usr/sbin/nginx', ['-p', dir, '-c', conf], tz, 'nginx');
    children.push(nginx.child);
    await waitForPort(nginxPort, nginx.child, 'nginx', nginx.stderr);
    const apache = run('/usr/sbin/apache2', ['-f', join(dir, 'apache.conf'), '-DFOREGROUND'], tz, 'apache2');
    children.push(apache.child);
    await waitForPort(apachePort, apache.child, 'apache2', apache.stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir,
    nginx: { port: nginxPort, logs: join(dir, 'logs', 'nginx'), conf },
    apache: { port: apachePort, logs: join(dir, 'logs', 'apache') },
    upstream: { port: upstreamPort },
    stop,
  };
}

export function serversInstalled(): boolean {
  return existsSync('/usr/sbin/nginx') && existsSync('/usr/sbin/apache2') && spawnSync('sh', ['-c', 'command -v htpasswd']).status === 0;
}

export { USERS };
