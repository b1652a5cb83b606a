/**
 * fail2ban's discipline over the cause catalogue (src/classify/catalogue/): every signal
 * pattern carries the messages it states, each claimed by its own pattern and by no other,
 * and real look-alike messages it must not claim; every signal is given by a pattern or the
 * plugin's mapping; every cause has rules for its statuses, each with its doctor entry; the
 * README's cause table and `--help` are the catalogue's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../parsers/index.js';
import { detectSignal } from '../../src/classify/signals.js';
import {
  CAUSE_DEFS, CAUSES, CAUSES_401, CAUSES_403, causeTableMarkdown, FAMILIES, PLUGIN_SAMPLES, pluginSignal, RULE_PLAYS, RULES, SIGNAL_DEFS, SIGNAL_PATTERNS, SIGNALS,
} from '../../src/classify/catalogue/index.js';
import { LAYERS, TAGS } from '../../src/classify/vocabulary.js';
import { CLI, REPO } from '../helpers.js';

const event = (format: LogEvent['format'], message: string) => ({ format, message }) as LogEvent;

describe('cause catalogue', () => {
  it.each(SIGNAL_PATTERNS.map((p, i) => [`${p.formats.join('/')} ${p.signal} #${i}`, p] as const))('%s has samples, each claimed by it and no other pattern', (_name, p) => {
    expect(p.samples.length).toBeGreaterThan(0);
    for (const format of p.formats) {
      for (const sample of p.samples) {
        const claimants = SIGNAL_PATTERNS.filter((q) => q.formats.includes(format) && q.re.test(sample));
        expect(claimants, `${format}: ${sample}`).toEqual([p]);
        expect(detectSignal(event(format, sample)).signal).toBe(p.signal);
      }
      for (const negative of p.negatives ?? []) {
        expect(p.re.test(negative), `${format}: must not claim ${negative}`).toBe(false);
        expect(detectSignal(event(format, negative)).signal, negative).not.toBe(p.signal);
      }
    }
  });

  it('every signal has a look-alike it must not claim, or is given only by the WordPress plugin', () => {
    for (const [signal, d] of SIGNAL_DEFS) {
      if (d.patterns.length === 0) continue;
      expect(d.patterns.some((p) => (p.negatives ?? []).length > 0), `${signal} has no negative sample`).toBe(true);
    }
  });

  it('every signal has a pattern or the WordPress plugin\'s mapping gives it', () => {
    for (const s of SIGNALS) {
      if (SIGNAL_DEFS.get(s)!.patterns.length > 0) continue;
      const sample = PLUGIN_SAMPLES[s];
      expect(sample, `${s}: no pattern and no plugin sample`).toBeDefined();
      expect(pluginSignal(...sample)).toBe(s);
    }
  });

  it('lines that only mention an auth message give no signal (fail2ban\'s must-not-match cases)', () => {
    expect(detectSignal(event('apache-error', 'File does not exist: /var/www/user root not found')).signal).toBeNull();
    expect(detectSignal(event('nginx-error', '*1 access forbidden by rule, client: 1.2.3.4')).signal).toBeNull();
    expect(detectSignal(event('apache-error', 'ModSecurity: Warning. Matched "Operator `Ge\' with parameter `5\'" [id "949110"]')).signal).toBeNull();
  });

  it('every cause has a rule for each status it explains, and every rule a doctor entry', () => {
    const ruled = new Set(RULES.map((r) => `${r.when.status} ${r.cause}`));
    for (const c of CAUSES_401) expect(ruled.has(`401 ${c}`), `401 ${c}`).toBe(true);
    for (const c of CAUSES_403) expect(ruled.has(`403 ${c}`), `403 ${c}`).toBe(true);
    for (const r of RULES) {
      expect(RULE_PLAYS[r.id].title.length, r.id).toBeGreaterThan(0);
      expect(RULE_PLAYS[r.id].confirm.length, r.id).toBeGreaterThan(0);
    }
  });

  it('rules name tags and layers of the vocabulary, and each family lists its rules once', () => {
    for (const r of RULES) {
      for (const t of [r.when.tag, r.when.notTag]) if (t !== undefined) expect(TAGS, r.id).toContain(t);
      expect([...LAYERS, 'event', 'upstream'], r.id).toContain(r.layer);
    }
    expect(RULES.length).toBe(FAMILIES.reduce((n, f) => n + f.rules.length, 0));
  });

  it('a cause is defined in one family, with help text and the README\'s columns', () => {
    expect(new Set(CAUSES).size).toBe(CAUSES.length);
    for (const c of CAUSES) {
      const d = CAUSE_DEFS.get(c)!;
      expect(d.summary.length, c).toBeGreaterThan(10);
      expect(d.provenBy.length + d.heuristic.length, c).toBeGreaterThan(2);
    }
  });

  it('the README\'s cause table is the catalogue\'s (npm run readme:causes rewrites it)', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const m = /<!-- causes:start -->\n([\s\S]*?)\n<!-- causes:end -->/.exec(readme);
    expect(m, 'README has the causes:start/end markers').not.toBeNull();
    expect(m![1]).toBe(causeTableMarkdown());
  });

  it('events --help lists every cause with what it means', () => {
    const r = spawnSync(process.execPath, [CLI, 'events', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of CAUSES) expect(r.stdout).toMatch(new RegExp(`^ +${c} +40[13]`, 'm'));
  });
});
