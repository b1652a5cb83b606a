/** Dashboard panels: pure props to text. Every log-derived string goes through sanitize(). */
import { Box, Text } from 'ink';
import type { EventRow } from '../../report/event-rows.js';
import { sparkline } from '../../report/text.js';
import { displayWidth, fit, sanitize } from '../../util/sanitize.js';
import { helpLine, LIVE_KEYS } from './keys.js';
import type { LiveState } from './store.js';

/**
 * The `n` largest counts, largest first (ties by name). One pass keeping a short sorted
 * list: a burst leaves thousands of clients in the map, and this runs every frame.
 */
function top(counts: Record<string, number>, n: number): [string, number][] {
  const best: [string, number][] = [];
  const before = (a: [string, number], b: [string, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  for (const key in counts) {
    const entry: [string, number] = [key, counts[key]];
    if (entry[1] <= 0 || (best.length === n && !before(entry, best[n - 1]))) continue;
    let i = best.length === n ? n - 1 : best.length;
    while (i > 0 && before(entry, best[i - 1])) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = entry;
  }
  return best;
}

export function Header({ state, width }: { state: LiveState; width: number }) {
  const rate = state.rate.length > 0 ? state.rate[state.rate.length - 1] : 0;
  // The state and the counts first: at 80 columns the title and the rate are what gets cut.
  const line = `authlog live${state.paused ? ' · PAUSED' : ''} · 401 ${state.unauthorized} · 403 ${state.forbidden} · ${state.totalLines} lines · ${rate}/s ${sparkline(state.rate.slice(-20))} · ${sanitize(state.title)}`;
  return <Text bold>{fit(sanitize(line), width)}</Text>;
}

export function Counts({ state, width }: { state: LiveState; width: number }) {
  const causes = top(state.causes, 10).map(([c, n]) => `${sanitize(c)} ${n}`).join('  ') || 'no 401/403 yet';
  const tags = top(state.tags, 10).map(([t, n]) => `${sanitize(t)} ${n}`).join('  ') || '-';
  return (
    <Box flexDirection="column">
      <Text>{fit(sanitize(`causes: ${causes}`), width)}</Text>
      <Text dimColor>{fit(sanitize(`tags:   ${tags}`), width)}</Text>
    </Box>
  );
}

export function EventLine({ e, width }: { e: EventRow; width: number }) {
  const fixed = `${e.time.slice(11, 19)} ${e.status} ${fit(sanitize(e.ip), 15)} ${fit(sanitize(e.user ?? '-'), 10)} ${fit(sanitize(e.cause), 17)} ${e.confidence === 'proven' ? 'P' : 'h'} `;
  const rest = Math.max(8, width - displayWidth(fixed));
  const request = fit(sanitize(`${e.method ?? ''} ${e.path ?? ''}${e.tags.length ? ` [${e.tags.join(',')}]` : ''}`), rest);
  return <Text color={e.status === 403 ? 'yellow' : e.confidence === 'proven' ? 'red' : undefined}>{fit(sanitize(fixed + request), width)}</Text>;
}

export function Events({ events, rows, width }: { events: EventRow[]; rows: number; width: number }) {
  const shown = events.slice(0, Math.max(0, rows));
  return (
    <Box flexDirection="column">
      <Text underline>{fit(sanitize('latest 401/403 (P proven, h heuristic)'), width)}</Text>
      {shown.map((e) => (
        <EventLine key={`${e.file}:${e.line}`} e={e} width={width} />
      ))}
    </Box>
  );
}

export function Tops({ state, width }: { state: LiveState; width: number }) {
  const clients = top(state.clients, 5).map(([k, n]) => `${sanitize(k)} ${n}`).join('  ') || '-';
  const users = top(state.users, 5).map(([k, n]) => `${sanitize(k)} ${n}`).join('  ') || '-';
  return (
    <Box flexDirection="column">
      <Text>{fit(sanitize(`top clients: ${clients}`), width)}</Text>
      <Text>{fit(sanitize(`top users:   ${users}`), width)}</Text>
    </Box>
  );
}

export function Alerts({ state, width }: { state: LiveState; width: number }) {
  const entries = Object.entries(state.bruteForce).slice(0, 3);
  if (entries.length === 0) return null;
  return (
    <Box flexDirection="column">
      {entries.map(([ip, users]) => (
        <Text key={ip} color="red">{fit(sanitize(`brute force: ${ip} tried ${users.size} user(s): ${[...users].slice(0, 8).join(', ')}`), width)}</Text>
      ))}
    </Box>
  );
}

export function HelpLine({ width, full }: { width: number; full: boolean }) {
  if (full) {
    return (
      <Box flexDirection="column">
        {LIVE_KEYS.map((k) => (
          <Text key={k.key}>{fit(sanitize(`${k.key}  ${k.label}`), width)}</Text>
        ))}
      </Box>
    );
  }
  return <Text dimColor>{fit(sanitize(helpLine()), width)}</Text>;
}
