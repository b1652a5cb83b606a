import { describe, expect, it } from 'vitest';
import { SAMPLES, detectFormat, detectionCandidates, parserFor, type FormatChoice } from '../../parsers/index.js';

const ctx = { year: 2026 };
const name = (choice: string) => (choice === 'json' ? 'nginx-json' : ['combined', 'main', 'common', 'vhost_combined', 'nginx_proxy', 'lighttpd', 'traefik'].includes(choice) ? 'nginx-access' : choice);

describe('parser registry', () => {
  it('has samples for every format choice', () => {
    for (const choice of ['main', 'combined', 'common', 'vhost_combined', 'nginx_proxy', 'lighttpd', 'traefik', 'json', 'haproxy', 'caddy', 'iis', 'nginx-error', 'apache-error', 'lighttpd-error', 'wordpress-debug', 'wp-fail2ban']) {
      expect(SAMPLES[choice]?.length, choice).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(SAMPLES))('each parser accepts its own %s samples', (choice, lines) => {
    const parser = parserFor(choice as Exclude<FormatChoice, 'auto'>);
    for (const line of lines) expect(parser.parse(line, ctx), line).toMatchObject({ ok: true });
  });

  it.each(Object.entries(SAMPLES))('no parser of another family accepts the %s samples', (choice, lines) => {
    for (const parser of detectionCandidates()) {
      if (parser.name === name(choice)) continue;
      for (const line of lines) expect(parser.parse(line, ctx).ok, `${parser.name}/${parser.variant} accepted ${choice}: ${line}`).toBe(false);
    }
  });

  it.each([
    ['main', 'nginx-access', 'main'],
    ['combined', 'nginx-access', 'combined'],
    ['common', 'nginx-access', 'common'],
    ['vhost_combined', 'nginx-access', 'vhost_combined'],
    // read as combined, the host was stored as the client: the address decides
    ['nginx_proxy', 'nginx-access', 'nginx_proxy'],
    ['json', 'nginx-json', 'auto'],
    ['nginx-error', 'nginx-error', 'nginx'],
    ['apache-error', 'apache-error', 'apache'],
    ['wordpress-debug', 'wordpress-debug', 'php error_log'],
    // combined reads lighttpd's lines too (the host in ident's place): the host decides
    ['lighttpd', 'nginx-access', 'lighttpd'],
    ['traefik', 'nginx-access', 'traefik'],
    ['haproxy', 'haproxy', 'httplog'],
    ['caddy', 'caddy', 'json'],
    ['lighttpd-error', 'lighttpd-error', 'lighttpd'],
    ['iis', 'iis', 'w3c'],
  ])('detects %s from its first lines', (choice, format, variant) => {
    const lines = SAMPLES[choice].flatMap((l) => l.split('\n'));
    const parser = detectFormat(lines, ctx);
    expect(parser?.name).toBe(format);
    expect(parser?.variant).toBe(variant);
  });

  it('recognises nothing in text that is not a log', () => {
    expect(detectFormat(['hello world', 'this is a README', '# heading'], ctx)).toBeNull();
    expect(detectFormat([], ctx)).toBeNull();
  });

  it('detects a debug.log that opens with a long stack trace entry', () => {
    const lines = ['[27-Nov-2026 10:00:02 UTC] PHP Fatal error:  Uncaught Exception: boom', 'Stack trace:', '#0 a', '#1 b', '#2 c', '#3 {main}', '  thrown in x on line 1'];
    expect(detectFormat(lines, ctx)?.name).toBe('wordpress-debug');
  });
});
