/**
 * Golden logs (test/golden/*): the built CLI runs `events` on each folder and every
 * annotated request's NDJSON verdict is checked field by field.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/classify/rules.js';
import { CLI, GOLDEN, prepareGolden as prepare, useTempDir, type Expectation } from '../helpers.js';

const tmp = useTempDir();

interface Verdict {
  time: string; ip: string; method: string; path: string; status: number; user: string | null; cause: string; confidence: string;
  layer: string; tags: string[]; evidence: { file: string | null; line: number | null; text: string }[]; fix: string; file: string; line: number;
}

function runFolder(folder: string): { expectations: Expectation[]; verdicts: Map<string, Verdict & { rule: string }> } {
  const out = join(tmp(), folder);
  mkdirSync(out);
  const expectations = prepare(folder, out);
  const db = join(out, '..', `${folder}.db`);
  const args = [CLI, 'events', out, '--db', db, '--format', 'ndjson', '--quiet'];
  const fmt = join(GOLDEN, folder, 'log_format.txt');
  if (existsSync(fmt)) args.push('--log-format', readFileSync(fmt, 'utf8').trim());
  const stdout = execFileSync(process.execPath, args, { encoding: 'utf8' });
  // The rule that fired is not part of the events record; the named query shows it.
  const rules = new Map<string, string>();
  const queried = execFileSync(process.execPath, [CLI, 'query', 'events', '--db', db, '--format', 'ndjson'], { encoding: 'utf8' });
  for (const line of queried.trim().split('\n')) {
    const row = JSON.parse(line) as { file: string; line: number; rule: string };
    rules.set(`${row.file}:${row.line}`, row.rule);
  }
  const verdicts = new Map<string, Verdict & { rule: string }>();
  for (const line of stdout.trim().split('\n')) {
    const v = JSON.parse(line) as Verdict;
    verdicts.set(`${v.file.split('/').pop()}:${v.line}`, { ...v, rule: rules.get(`${v.file}:${v.line}`) ?? '' });
  }
  return { expectations, verdicts };
}

const folders = readdirSync(GOLDEN).filter((f) => !f.includes('.'));
const results = new Map(folders.map((f) => [f, runFolder(f)]));

describe.each(folders)('golden %s', (folder) => {
  const { expectations, verdicts } = results.get(folder)!;
  it('has a verdict for every 401 and 403', () => {
    for (const e of expectations) expect(verdicts.has(`${e.file}:${e.line}`), `${e.file}:${e.line} ${e.text}`).toBe(true);
  });
  it.each(expectations.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_key, e) => {
    const v = verdicts.get(`${e.file}:${e.line}`)!;
    expect(v, e.text).toBeDefined();
    for (const [field, value] of Object.entries(e.expect)) {
      if (field === 'tags') expect(v.tags.join(','), `tags of ${e.text}`).toBe(value);
      else if (field === 'rule') expect(v.rule, `rule of ${e.text}`).toBe(value);
      else expect(String((v as unknown as Record<string, unknown>)[field]), `${field} of ${e.text}`).toBe(value);
    }
    for (const rule of e.not) expect(v.rule, `${e.text} must not be ${rule}`).not.toBe(rule);
    // the NDJSON record is complete and typed
    expect(Object.keys(v).filter((k) => k !== 'rule').sort()).toEqual(['cause', 'confidence', 'evidence', 'file', 'fix', 'host', 'ip', 'layer', 'line', 'method', 'path', 'source', 'status', 'tags', 'time', 'user'].sort());
    // with source and line, the host makes the record's key unique across a fleet
    expect((v as unknown as { host: string }).host).toMatch(/^\S+$/);
    expect(v.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect((v as unknown as { source: string }).source).toMatch(/^[0-9a-f]{16}$/);
    // proven: by a correlated error/debug/auth line, or by the challenge the access line itself logged
    if (v.confidence === 'proven') {
      if (v.rule.startsWith('bearer-')) expect([v.evidence[0].file, v.evidence[0].line, v.evidence[0].text]).toEqual([v.file, v.line, expect.stringContaining('WWW-Authenticate: Bearer')]);
      else if (v.rule.startsWith('iis-')) expect([v.evidence[0].file, v.evidence[0].line, v.evidence[0].text]).toEqual([v.file, v.line, expect.stringContaining('sc-substatus')]);
      else expect(v.evidence[0].file).toMatch(/(error|debug|auth)\.log$/);
    }
  });
});

describe('golden coverage', () => {
  const all = [...results.values()].flatMap((r) => r.expectations);
  it.each(RULES.map((r) => [r.id]))('rule %s has a positive and a negative golden case', (id) => {
    expect(all.some((e) => e.expect.rule === id), `no positive case for ${id}`).toBe(true);
    expect(all.some((e) => e.not.includes(id)), `no negative case for ${id}`).toBe(true);
  });

  it.each(['no_www_authenticate', 'plain_http', 'intermittent', 'proxy_strip_suspect', 'challenge', 'monitor', 'automation', 'brute_force', 'previously_ok'])(
    'tag %s has a positive and a negative golden case',
    (tag) => {
      const withTags = all.filter((e) => e.expect.tags !== undefined);
      expect(withTags.some((e) => e.expect.tags.split(',').includes(tag)), `no positive case for ${tag}`).toBe(true);
      expect(withTags.some((e) => !e.expect.tags.split(',').includes(tag)), `no negative case for ${tag}`).toBe(true);
    },
  );

  it.each(['nginx', 'apache', 'wordpress', 'app'])('layer %s appears in the golden cases', (layer) => {
    expect(all.some((e) => e.expect.layer === layer)).toBe(true);
  });

  it('pairs two same-second requests with their own error lines', () => {
    const { verdicts } = results.get('nginx')!;
    const pm = [...verdicts.values()].filter((v) => v.cause === 'password_mismatch');
    expect(pm.map((v) => [v.user, v.evidence[0].text])).toEqual([
      ['carol', 'user "carol": password mismatch'],
      ['dave', 'user "dave": password mismatch'],
    ]);
    expect(new Set(pm.map((v) => v.evidence[0].line)).size).toBe(2);
  });
});
