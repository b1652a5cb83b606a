/**
 * fail2ban's discipline over the catalogue of what authlog recognises: every signal pattern
 * carries the messages it states, each sample is claimed by its own pattern (no earlier one
 * takes it, as detection tries them in order), fail2ban's must-not-match lines give no
 * signal, and every rule, so every cause, has its doctor entry.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../parsers/index.js';
import { detectSignal, SIGNAL_PATTERNS, SIGNALS } from '../../src/classify/signals.js';
import { RULES } from '../../src/classify/rules.js';
import { RULE_PLAYS } from '../../src/doctor/playbook.js';
import { CAUSES_401, CAUSES_403 } from '../../src/classify/vocabulary.js';

const event = (format: LogEvent['format'], message: string) => ({ format, message }) as LogEvent;

describe('signal catalogue', () => {
  it.each(SIGNAL_PATTERNS.map((p, i) => [`${p.formats.join('/')} ${p.signal} #${i}`, p] as const))('%s has samples, each claimed by it', (_name, p) => {
    expect(p.samples.length).toBeGreaterThan(0);
    for (const format of p.formats) {
      for (const sample of p.samples) {
        const claimedBy = SIGNAL_PATTERNS.find((q) => q.formats.includes(format) && q.re.test(sample));
        expect(claimedBy, `${format}: ${sample}`).toBe(p);
        expect(detectSignal(event(format, sample)).signal).toBe(p.signal);
      }
    }
  });

  it('every signal has a pattern or the WordPress plugin\'s mapping', () => {
    const patterned = new Set(SIGNAL_PATTERNS.map((p) => p.signal));
    const plugin = SIGNALS.filter((s) => s.startsWith('wp_'));
    for (const s of SIGNALS) expect(patterned.has(s) || plugin.includes(s), s).toBe(true);
  });

  it('lines that only mention an auth message give no signal (fail2ban\'s must-not-match cases)', () => {
    // a requested path or referrer carrying the words of a message (fail2ban apache-auth: "DoS vector test")
    expect(detectSignal(event('apache-error', 'File does not exist: /var/www/user root not found')).signal).toBeNull();
    expect(detectSignal(event('nginx-error', '*1 access forbidden by rule, client: 1.2.3.4')).signal).toBeNull();
    expect(detectSignal(event('apache-error', 'ModSecurity: Warning. Matched "Operator `Ge\' with parameter `5\'" [id "949110"]')).signal).toBeNull();
  });

  it('every rule has a doctor entry, and every cause a rule', () => {
    for (const r of RULES) expect(RULE_PLAYS[r.id], r.id).toBeDefined();
    const ruled = new Set(RULES.map((r) => `${r.when.status} ${r.cause}`));
    for (const c of CAUSES_401) expect(ruled.has(`401 ${c}`), `401 ${c}`).toBe(true);
    for (const c of CAUSES_403) expect(ruled.has(`403 ${c}`), `403 ${c}`).toBe(true);
  });
});
