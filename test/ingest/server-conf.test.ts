/**
 * Formats from the server's configuration (issue 14): nginx's log_format/access_log with
 * includes, Apache's LogFormat/CustomLog with Include, as Debian ships them; and the CLI
 * reading a custom-format log with --nginx-conf instead of a pasted --log-format.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apacheToNginx, configuredFormat, formatsFromConfig } from '../../src/ingest/server-conf.js';
import { CLI, useTempDir } from '../helpers.js';

const tmp = useTempDir();

describe('formats from the server configuration', () => {
  it('nginx: log_format (strings joined, escape= skipped) and access_log per path, includes and rotated copies', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'nginx.conf'), `user www-data;
http {
    # a comment with access_log /nowhere;
    log_format detailed escape=default '$remote_addr - $remote_user [$time_local] "$request" '
                        '$status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status';
    access_log /var/log/nginx/access.log;
    include ${dir}/conf.d/*.conf;
}
`);
    writeFileSync(join(dir, 'conf.d', 'api.conf'), `server {
    listen 443 ssl;
    access_log /var/log/nginx/api.access.log detailed buffer=32k flush=5s;
    location /metrics { access_log off; }
    location /sites/ { access_log /var/log/nginx/$host.log; }
}
`);
    const logs = formatsFromConfig(join(dir, 'nginx.conf'));
    expect(configuredFormat(logs, '/var/log/nginx/api.access.log')).toEqual({
      format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status',
      origin: `log_format detailed in ${join(dir, 'nginx.conf')}`,
    });
    expect(configuredFormat(logs, '/var/log/nginx/api.access.log.2.gz')?.origin).toMatch(/^log_format detailed/);
    expect(configuredFormat(logs, '/var/log/nginx/access.log.1')?.origin).toMatch(/^combined, access_log in /);
    expect(configuredFormat(logs, '/var/log/nginx/shop.example.com.log')?.origin).toMatch(/^combined/);
    expect(configuredFormat(logs, '/var/log/syslog')).toBeNull();
  });

  it('Apache: Debian\'s apache2.conf LogFormat lines, CustomLog in an included site, ${APACHE_LOG_DIR}', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sites-enabled'));
    // The LogFormat lines are Debian's /etc/apache2/apache2.conf (apache2 2.4.x), the CustomLog 000-default.conf's.
    writeFileSync(join(dir, 'apache2.conf'), String.raw`LogFormat "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" vhost_combined
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
LogFormat "%h %l %u %t \"%r\" %>s %O" common
IncludeOptional sites-enabled/*.conf
`);
    writeFileSync(join(dir, 'sites-enabled', '000-default.conf'), '<VirtualHost *:80>\n\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n\tCustomLog "/var/log/apache2/timed.log" "%h %u %t \\"%r\\" %>s %b %D"\n</VirtualHost>\n');
    const logs = formatsFromConfig(join(dir, 'apache2.conf'));
    expect(configuredFormat(logs, '/var/log/apache2/access.log.1')).toEqual({
      format: '$remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
      origin: `LogFormat combined in ${join(dir, 'apache2.conf')}`,
    });
    expect(configuredFormat(logs, '/var/log/apache2/timed.log')?.format).toBe('$remote_addr $remote_user [$time_local] "$request" $status $body_bytes_sent $_duration_us');
    expect(apacheToNginx('%{%d/%b/%Y %T}t %h')).toBe('');
  });

  it('a configured format that does not fit the file\'s lines (a $host.log pattern meeting error.log) leaves it to detection', () => {
    const dir = tmp();
    const errorLog = join(dir, 'error.log');
    writeFileSync(errorLog, '2026/11/27 10:00:00 [error] 1#1: *1 user "bob": password mismatch, client: 192.0.2.7, server: x, request: "GET / HTTP/1.1", host: "x"\n');
    writeFileSync(join(dir, 'nginx.conf'), `http { access_log ${dir}/$host.log; }\n`);
    const r = spawnSync(process.execPath, [CLI, 'ingest', errorLog, '--nginx-conf', join(dir, 'nginx.conf'), '--db', ':memory:'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/error\.log: nginx-error \(nginx\).* 0 rejected/);
  });

  it('the CLI reads a custom-format log with --nginx-conf as with the pasted --log-format, and says where the format came from', () => {
    const dir = tmp();
    const log = join(dir, 'api.access.log');
    writeFileSync(log, '203.0.113.9 - - [27/Nov/2026:10:00:00 +0000] "GET /api/orders HTTP/1.1" 401 31 "-" "curl/8.5.0" https 401 "Bearer realm=\\"api\\", error=\\"invalid_token\\""\n');
    const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status "$sent_http_www_authenticate"';
    writeFileSync(join(dir, 'nginx.conf'), `http { log_format api '${format}'; access_log ${log} api; }\n`);
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    const viaConf = run(['events', log, '--nginx-conf', join(dir, 'nginx.conf'), '--db', ':memory:', '--format', 'ndjson']);
    const summary = run(['report', log, '--nginx-conf', join(dir, 'nginx.conf'), '--db', ':memory:']);
    const pasted = run(['events', log, '--log-format', format, '--db', ':memory:', '--format', 'ndjson', '--quiet']);
    expect(viaConf.status).toBe(0);
    const pick = (s: string) => JSON.parse(s) as { cause: string; rule: string; layer: string };
    expect(pick(viaConf.stdout)).toMatchObject({ cause: 'token_rejected', rule: 'bearer-invalid-token', layer: 'app' });
    expect(pick(viaConf.stdout)).toMatchObject({ cause: pick(pasted.stdout).cause, rule: pick(pasted.stdout).rule });
    expect(summary.stderr).toMatch(/api\.access\.log: nginx-access \(log_format api in .*nginx\.conf\)/);
    expect(summary.stderr + viaConf.stderr).not.toMatch(/warning/);
    const missing = run(['ingest', log, '--nginx-conf', join(dir, 'nope.conf'), '--db', ':memory:']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/^authlog: --nginx-conf: cannot read .*nope\.conf: ENOENT\n$/);
  });
});
