/** TUI panels: pure props to text; every log-derived string passes through sanitize(). */
import { Box, Text } from 'ink';
import { sparkline } from '../../report/text.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { isoUtc } from '../../util/time.js';
import type { CauseRow, EventItem, TopRow } from './data.js';
import { FOOTER, TRIAGE_KEYS } from './keys.js';

const pct = (part: number, whole: number) => (whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`);

export function TopBar({ text, width }: { text: string; width: number }) {
  return <Text bold inverse>{fit(sanitize(text), width)}</Text>;
}

export function CausesPane({ causes, selected, focused, width, rows }: { causes: CauseRow[]; selected: number; focused: boolean; width: number; rows: number }) {
  const total = causes.reduce((a, c) => a + c.count, 0);
  const start = Math.max(0, Math.min(selected - rows + 1, causes.length - rows));
  return (
    <Box flexDirection="column">
      <Text underline={focused} bold={focused}>{fit(sanitize(`causes (${total})`), width)}</Text>
      {causes.length === 0 && <Text dimColor>{fit(sanitize('no 401 or 403 for these filters'), width)}</Text>}
      {causes.slice(start, start + rows).map((c, i) => {
        const line = `${c.status} ${c.cause.padEnd(18)}${String(c.count).padStart(6)} ${pct(c.count, total).padStart(4)} ${sparkline(c.trend)}${c.benign ? ` (${c.benign} benign)` : ''}`;
        const active = start + i === selected;
        return <Text key={`${c.status}${c.cause}`} inverse={active && focused} bold={active}>{fit(sanitize(`${active ? '›' : ' '}${line}`), width)}</Text>;
      })}
    </Box>
  );
}

export function TopPane({ top, width }: { top: TopRow[]; width: number }) {
  const line = (kind: TopRow['kind'], label: string) =>
    `${label} ${top.filter((t) => t.kind === kind).map((t) => `${t.value} (${t.count})`).join(', ') || '-'}`;
  return (
    <Box flexDirection="column">
      <Text>{fit(sanitize(line('client', 'clients:')), width)}</Text>
      <Text>{fit(sanitize(line('user', 'users:  ')), width)}</Text>
      <Text>{fit(sanitize(line('path', 'paths:  ')), width)}</Text>
    </Box>
  );
}

export function eventLine(e: EventItem): string {
  return `${isoUtc(e.ts).slice(5, 19).replace('T', ' ')} ${e.ip.padEnd(15)} ${(e.user ?? '-').padEnd(10)} ${e.confidence === 'proven' ? 'P' : 'h'} ${e.method ?? ''} ${e.path ?? ''}${e.tags.length ? ` [${e.tags.join(',')}]` : ''}`;
}

export function EventsPane({ title, events, selected, focused, width, rows }: { title: string; events: EventItem[]; selected: number; focused: boolean; width: number; rows: number }) {
  const start = Math.max(0, Math.min(selected - rows + 1, events.length - rows));
  return (
    <Box flexDirection="column">
      <Text underline={focused} bold={focused}>{fit(sanitize(title), width)}</Text>
      {events.slice(start, start + rows).map((e, i) => {
        const active = start + i === selected;
        return <Text key={e.id} inverse={active && focused}>{fit(sanitize(`${active ? '›' : ' '}${eventLine(e)}`), width)}</Text>;
      })}
    </Box>
  );
}

export function EvidencePane({ event, width, rows }: { event: EventItem; width: number; rows: number }) {
  const lines: { text: string; bold?: boolean; dim?: boolean }[] = [
    { text: `${event.status} ${event.cause} (${event.confidence}, ${event.layer})${event.tags.length ? ` tags: ${event.tags.join(', ')}` : ''}`, bold: true },
    { text: `access line ${event.file}:${event.line}`, dim: true },
    { text: event.raw ?? `${event.method ?? ''} ${event.path ?? ''}` },
    ...event.evidence.flatMap((ev) => [
      { text: ev.file ? `evidence ${ev.file}:${ev.line}` : 'evidence', dim: true },
      { text: ev.text },
    ]),
    { text: 'fix', dim: true },
    { text: event.fix, bold: true },
  ];
  // Long lines wrap to the width rather than running off the screen.
  const wrapped = lines.flatMap((l) => {
    const clean = sanitize(l.text);
    const parts: string[] = [];
    for (let i = 0; i < clean.length; i += Math.max(10, width)) parts.push(clean.slice(i, i + width));
    return (parts.length ? parts : ['']).map((p) => ({ ...l, text: p }));
  });
  return (
    <Box flexDirection="column">
      {wrapped.slice(0, rows).map((l, i) => (
        <Text key={i} bold={l.bold} dimColor={l.dim}>{fit(sanitize(l.text), width)}</Text>
      ))}
    </Box>
  );
}

export function HelpPane({ width, rows }: { width: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>{fit(sanitize('keys'), width)}</Text>
      {TRIAGE_KEYS.slice(0, rows - 1).map((k) => (
        <Text key={k.label}>{fit(sanitize(`${k.label.padEnd(6)} ${k.help}`), width)}</Text>
      ))}
    </Box>
  );
}

export function Footer({ message, width }: { message: string | null; width: number }) {
  return <Text dimColor={!message}>{fit(sanitize(message ?? FOOTER), width)}</Text>;
}
