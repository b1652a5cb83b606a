/** TUI panels: pure props to text; every log-derived string passes through sanitize(). */
import { basename } from 'node:path';
import { Box, Text } from 'ink';
import { sparkline } from '../../report/text.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { isoUtc } from '../../util/time.js';
import { causeColor } from '../../classify/catalogue/index.js';
import type { ContextLine } from './context.js';
import type { CauseRow, EventItem, TopRow } from './data.js';
import { FOOTER_KEYS, FOOTER_TAIL, TRIAGE_KEYS } from './keys.js';

const pct = (part: number, whole: number) => (whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`);

export function TopBar({ text, width }: { text: string; width: number }) {
  return <Text bold inverse>{fit(sanitize(text), width)}</Text>;
}

export function CausesPane({ causes, selected, focused, width, rows, empty }: { causes: CauseRow[]; selected: number; focused: boolean; width: number; rows: number; empty?: string | null }) {
  const total = causes.reduce((a, c) => a + c.count, 0);
  const start = Math.max(0, Math.min(selected - rows + 1, causes.length - rows));
  return (
    <Box flexDirection="column">
      <Text underline={focused} bold={focused}>{fit(sanitize(`causes (${total})`), width)}</Text>
      {causes.length === 0 && <Text dimColor>{fit(sanitize(empty ?? 'no 401 or 403 for these filters'), width)}</Text>}
      {causes.slice(start, start + rows).map((c, i) => {
        const line = `${c.status} ${c.cause.padEnd(18)}${String(c.count).padStart(6)} ${pct(c.count, total).padStart(4)} ${sparkline(c.trend)}${c.benign ? ` (${c.benign} benign)` : ''}`;
        const active = start + i === selected;
        return <Text key={`${c.status}${c.cause}`} color={causeColor(c.cause)} inverse={active && focused} bold={active}>{fit(sanitize(`${active ? '›' : ' '}${line}`), width)}</Text>;
      })}
    </Box>
  );
}

/** Clients, users and paths of the cause; with the pane focused, one of them is selected (Enter picks it). */
export function TopPane({ top, selected, focused, width }: { top: TopRow[]; selected: number; focused: boolean; width: number }) {
  const row = (kind: TopRow['kind'], label: string) => {
    const items = top.map((t, i) => ({ t, i })).filter(({ t }) => t.kind === kind);
    let used = label.length;
    const parts: { text: string; active: boolean }[] = [{ text: label, active: false }];
    if (items.length === 0) parts.push({ text: ' -', active: false });
    for (const { t, i } of items) {
      const text = ` ${sanitize(t.value)} (${t.count})`;
      if (used + text.length > width) {
        // The selected item is never cut away: it takes the rest of the line.
        if (!(focused && i === selected)) break;
      }
      parts.push({ text: used + text.length > width ? text.slice(0, Math.max(0, width - used)) : text, active: focused && i === selected });
      used += text.length;
      if (used >= width) break;
    }
    return (
      <Text key={kind}>
        {parts.map((p, k) => (
          <Text key={k} inverse={p.active} bold={p.active}>{p.text}</Text>
        ))}
      </Text>
    );
  };
  return (
    <Box flexDirection="column">
      {row('client', 'clients:')}
      {row('user', 'users:  ')}
      {row('path', 'paths:  ')}
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

export function EvidencePane({ event, around, width, rows, fleet = false }: { event: EventItem; around: ContextLine[]; width: number; rows: number; fleet?: boolean }) {
  const lines: { text: string; bold?: boolean; dim?: boolean }[] = [
    { text: `${event.status} ${event.cause} (${event.confidence}, ${event.layer})${event.tags.length ? ` tags: ${event.tags.join(', ')}` : ''}`, bold: true },
    { text: `access line ${fleet ? `${event.host}:` : ''}${event.file}:${event.line}`, dim: true },
    { text: event.raw ?? around.find((l) => l.self && l.kind === 'file')?.text ?? `${event.method ?? ''} ${event.path ?? ''}` },
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
  // The lines around it are one screen line each, as in lnav: the start of a line says where it is.
  const context: { text: string; bold?: boolean; dim?: boolean }[] = around.length > 0
    ? [
        { text: fleet ? 'around it: this client\'s 401/403s on every server, two minutes either side (› the event)' : 'around it: the file\'s lines (› the event), then what the database kept of this client', dim: true },
        ...around.map((c) => ({ text: `${c.self ? '›' : ' '}${c.kind === 'error' ? 'E' : c.kind === 'access' ? 'A' : ' '} ${basename(c.file)}:${c.line} ${c.text}`, bold: c.self, dim: !c.self && c.kind === 'access' })),
      ]
    : [];
  // The verdict, evidence and fix first, whole; the lines around it take the rest (at least four).
  const shown = [...wrapped.slice(0, Math.max(0, rows - Math.min(context.length, 4))), ...context].slice(0, rows);
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
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

/** The message or the keys, with `? help  q quit` always at the right end. */
export function Footer({ message, width }: { message: string | null; width: number }) {
  const room = Math.max(0, width - FOOTER_TAIL.length - 2);
  const left = fit(sanitize(message ?? FOOTER_KEYS), room).padEnd(room);
  return (
    <Text>
      <Text dimColor={!message}>{left}</Text>
      <Text dimColor>{fit(sanitize(`  ${FOOTER_TAIL}`), width - room)}</Text>
    </Text>
  );
}
