/**
 * What an error-log or debug.log message states about authentication: the catalogue's
 * anchored patterns (src/classify/catalogue/), one per known message (texts from nginx,
 * httpd and WordPress sources, see shared/formats). Anchoring matters: a logged path or
 * header may contain the words of another message, as fail2ban's "must not match" samples show.
 */
import type { LogEvent } from '../../parsers/index.js';
import { pluginFields } from '../../parsers/wordpress-debug.js';
import type { EventSignal } from '../store/writer.js';
import { pluginSignal, SIGNAL_DEFS, SIGNAL_PATTERNS, type Signal } from './catalogue/index.js';

export { SIGNAL_PATTERNS, SIGNALS, type Signal, type SignalPattern } from './catalogue/index.js';

const NONE: EventSignal = { signal: null, user: null, object: null };

export function detectSignal(event: LogEvent): EventSignal {
  if (event.format === 'wordpress-debug') {
    const p = pluginFields(event.message);
    if (!p) return NONE;
    const signal = pluginSignal(p.hook, p.code);
    return SIGNAL_DEFS.has(signal as Signal) ? { signal: signal as Signal, user: p.user || null, object: p.action ?? p.code } : NONE;
  }
  for (const p of SIGNAL_PATTERNS) {
    if (!p.formats.includes(event.format)) continue;
    const m = p.re.exec(event.message);
    if (!m) continue;
    return {
      signal: p.signal,
      user: p.user !== undefined ? (m[p.user] ?? null) : null,
      object: p.object !== undefined ? (m[p.object] ?? null) : null,
    };
  }
  return NONE;
}

/** The code that turns a line into its signal, as text: a change to it re-derives stored signals. */
export const SIGNAL_CODE = [detectSignal, pluginSignal].map(String).join('\n');

