/** The terminal report: sections of aligned text, with bars, a sparkline and optional colour. */
import stringWidth from 'string-width';
import { fit, sanitize, type SafeText } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { hiddenNote, share, sourcesLine, type ReportData } from './data.js';
import { causeColor } from '../classify/catalogue/index.js';
import { count } from '../util/count.js';

const SPARK = '▁▂▃▄▅▆▇█';

export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? SPARK[0] : SPARK[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

function bar(value: number, max: number, width: number): string {
  const n = max === 0 ? 0 : Math.round((value / max) * width);
  return '█'.repeat(n) + ' '.repeat(width - n);
}

export interface TextStyle {
  bold(s: string): string;
  dim(s: string): string;
  /** In a cause's colour (the catalogue's, shared with the HTML report and the TUI). */
  hex(s: string, color: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

export const PLAIN: TextStyle = { bold: (s) => s, dim: (s) => s, hex: (s) => s, red: (s) => s, yellow: (s) => s };
export const COLOUR: TextStyle = {
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
  hex: (s, color) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    return `\u001b[38;2;${r};${g};${b}m${s}\u001b[39m`;
  },
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  yellow: (s) => `\u001b[33m${s}\u001b[39m`,
};

const s = (v: string | number | null | undefined): SafeText => sanitize(v === null || v === undefined ? '-' : String(v));

/** `2026-11-24T08:53Z`: to the minute, where a line has little room. */
const minute = (ts: number) => `${isoUtc(ts).slice(0, 16)}Z`;

/** Word-wraps safe text into lines of at most `room` columns (a word longer than a line is cut at its end). */
export function wrap(text: SafeText, room: number): string[] {
  room = Math.max(20, room);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (line && stringWidth(line) + 1 + stringWidth(word) > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
    while (stringWidth(line) > room) {
      lines.push(line.slice(0, room));
      line = line.slice(room);
    }
  }
  lines.push(line);
  return lines;
}

/**
 * The text report, fitted to `width` columns (the terminal's; 100 into a pipe or a file):
 * long texts wrap at words, columns take the room the values need, and an address is never
 * cut (a long IPv6 client widens its column, the user agent beside it gives way).
 */
export function renderText(d: ReportData, st: TextStyle = PLAIN, width = 100): string {
  const W = Math.max(60, width);
  /** `head` then `text` wrapped under it, each line through `style`. */
  const wrapped = (head: string, text: string, style: (x: string) => string = (x) => x) => {
    wrap(s(text), W - head.length).forEach((l, i) => out.push(style(`${i === 0 ? head : ' '.repeat(head.length)}${l}`)));
  };
  const out: string[] = [];
  const h = (title: string) => out.push('', st.bold(title));
  const span = d.firstMinute !== null && d.lastMinute !== null ? ` (${isoUtc(d.firstMinute)} – ${isoUtc(d.lastMinute + 59_000)})` : '';
  out.push(st.bold(`authlog report${span}`));
  wrapped('', sourcesLine(d), st.dim);
  out.push(`requests ${count(d.requests)}   401 ${count(d.unauthorized)} (${share(d.unauthorized, d.requests)})   403 ${count(d.forbidden)} (${share(d.forbidden, d.requests)})`);
  out.push(`401s that are real failures: ${st.red(count(d.realFailures))}   benign (browser challenges, monitors): ${count(d.benign)}`);
  if (d.hiddenByMarks > 0) out.push(hiddenNote(d.hiddenByMarks));

  h('Causes');
  const max = Math.max(0, ...d.causes.map((c) => c.count));
  for (const c of d.causes) {
    const total = c.status === 401 ? d.unauthorized : d.forbidden;
    out.push(
      `  ${c.status} ${st.hex(fit(s(c.cause), 18), causeColor(c.cause))} ${count(c.count).padStart(6)} ${share(c.count, total).padStart(6)} ${st.hex(bar(c.count, max, 20), causeColor(c.cause))}` +
        `  ${st.dim(`${c.proven} proven${c.benign ? `, ${c.benign} benign` : ''}`)}`,
    );
    wrapped('      fix: ', c.fix);
    const clients = d.clientsByCause[`${c.status} ${c.cause}`] ?? [];
    if (clients.length > 0) wrapped('      top clients: ', clients.map((x) => `${x.ip} (${count(x.count)})`).join(', '), st.dim);
  }
  if (d.causes.length === 0) out.push('  no 401 or 403 in range');

  if (d.tags.length > 0) {
    h('Tags');
    wrapped('  ', d.tags.map((t) => `${t.tag} ${count(t.count)}`).join(', '));
  }

  h('Symptom → likely cause → fix');
  for (const sy of d.symptoms) {
    out.push(`  ${String(sy.count).padStart(6)}  ${s(sy.symptom)}`);
    wrapped('          likely: ', `${sy.likelyCause}; fix: ${sy.fix}`, st.dim);
  }

  h('Layer that answered');
  for (const l of d.layers) out.push(`  ${fit(s(l.layer), 10)} ${l.status} ${String(l.count).padStart(6)}`);

  h('Top clients');
  const ipWidth = Math.max(15, ...d.topClients.map((c) => c.ip.length), ...d.bruteForce.map((b) => b.ip.length));
  for (const c of d.topClients) {
    const head = `  ${s(c.ip).padEnd(ipWidth)} ${count(c.count).padStart(6)}  ${fit(s(c.main_cause), 18)} `;
    out.push(head + fit(s(c.user_agent), Math.max(10, W - head.length)).trimEnd());
  }
  h('Top users');
  for (const u of d.topUsers) out.push(`  ${fit(s(u.user), 24)} ${count(u.count).padStart(6)}  ${u.clients} client(s)  ${fit(s(u.causes), Math.max(10, W - 48)).trimEnd()}`);
  if (d.topUsers.length === 0) out.push('  none sent');
  h('Top paths');
  for (const p of d.topPaths) {
    const head = `  ${fit(s(p.path), Math.min(48, W - 40))} ${count(p.count).padStart(6)}  `;
    out.push(head + fit(s(p.causes), Math.max(10, W - head.length)).trimEnd());
  }

  h('Timeline (per hour, UTC)');
  if (d.timeline.length > 0) {
    out.push(`  401 ${sparkline(d.timeline.map((t) => t.unauthorized))}`);
    out.push(`  403 ${sparkline(d.timeline.map((t) => t.forbidden))}`);
    out.push(`  all ${sparkline(d.timeline.map((t) => t.requests))}`);
    const busiest = [...d.timeline].sort((a, b) => b.unauthorized - a.unauthorized)[0];
    wrapped('  ', `${minute(d.timeline[0].hour)} … ${minute(d.timeline[d.timeline.length - 1].hour)}; most 401s at ${minute(busiest.hour)} (${count(busiest.unauthorized)})`, st.dim);
  }

  h('Brute-force suspects');
  for (const b of d.bruteForce) {
    const users = (JSON.parse(b.users_tried ?? '[]') as (string | null)[]).filter((u) => u !== null);
    out.push(`  ${st.red(s(b.ip).padEnd(ipWidth))} ${count(b.failures)} failures, ${b.users} user(s)`);
    wrapped('      ', `${minute(b.first_ts)} – ${minute(b.last_ts)}; tried: ${users.join(', ')}`, st.dim);
  }
  if (d.bruteForce.length === 0) out.push('  none');

  h('Rejected lines');
  if (d.rejectedTotal === 0) out.push('  none');
  for (const r of d.rejected) {
    const head = `  ${fit(s(r.reason), 20)} ${count(r.count).padStart(6)}`;
    const where = `e.g. ${s(r.file)}:${r.sample_line}:`;
    // A deep path goes on its own line(s), wrapped, so the report keeps to the terminal's width.
    if (stringWidth(head) + 2 + stringWidth(where) <= W) out.push(`${head}  ${where}`);
    else {
      out.push(`${head}  e.g.`);
      wrapped('      ', `${s(r.file)}:${r.sample_line}:`);
    }
    out.push(`      ${fit(s(r.sample), W - 6).trimEnd()}`);
  }
  return out.join('\n') + '\n';
}
