/** Dashboard panels: pure props to text. Every log-derived string goes through sanitize(). */
import { Box, Text } from 'ink';
import type { EventRow } from '../../report/event-rows.js';
import { sparkline } from '../../report/text.js';
import { displayWidth, fit, sanitize } from '../../util/sanitize.js';
import { helpLine, LIVE_KEYS } from './keys.js';
import type { LiveState } from './store.js';

const top = (counts: Record<string, number>, n: number) =>
  Object.entries(counts).filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);

export function Header({ state, width }: { state: LiveState; width: number }) {
  const rate = state.rate.length > 0 ? state.rate[state.rate.length - 1] : 0;
  const line = `authlog live · ${sanitize(state.title)} · ${state.totalLines} lines · ${rate}/s ${sparkline(state.rate.slice(-20))} · 401 ${state.unauthorized} · 403 ${state.forbidden}${state.paused ? ' · PAUSED' : ''}`;
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
