/** The Markdown report: the same sections as text, as tables. Cell text is sanitised and pipes escaped. */
import { sanitize } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { hiddenNote, share, sourcesLine, type ReportData } from './data.js';
import { count } from '../util/count.js';

const cell = (v: unknown): string => sanitize(v === null || v === undefined ? '-' : String(v)).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '_none_\n';
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

export function renderMarkdown(d: ReportData): string {
  const out: string[] = ['# authlog report', ''];
  const span = d.firstMinute !== null && d.lastMinute !== null ? `${isoUtc(d.firstMinute)} – ${isoUtc(d.lastMinute + 59_000)}` : 'no requests';
  out.push(cell(`${span} · ${sourcesLine(d)} · generated ${isoUtc(d.generatedAt)} by authlog ${d.version}`), '');
  out.push(`Requests: **${count(d.requests)}** · 401: **${count(d.unauthorized)}** (${share(d.unauthorized, d.requests)}) · 403: **${count(d.forbidden)}** (${share(d.forbidden, d.requests)})`, '');
  out.push(`401s that are real failures: **${count(d.realFailures)}**; benign (browser challenges, monitors): ${count(d.benign)}`, '');
  if (d.hiddenByMarks > 0) out.push(hiddenNote(d.hiddenByMarks), '');
  out.push('## Causes', '', table(['status', 'cause', 'count', 'share', 'proven', 'benign', 'fix'], d.causes.map((c) => [c.status, c.cause, c.count, share(c.count, c.status === 401 ? d.unauthorized : d.forbidden), c.proven, c.benign, c.fix])));
  out.push('## Tags', '', table(['tag', 'count'], d.tags.map((t) => [t.tag, t.count])));
  out.push('## Symptom → likely cause → fix', '', table(['count', 'symptom', 'likely cause', 'fix'], d.symptoms.map((s) => [s.count, s.symptom, s.likelyCause, s.fix])));
  out.push('## Layer that answered', '', table(['layer', 'status', 'count'], d.layers.map((l) => [l.layer, l.status, l.count])));
  out.push('## Top clients', '', table(['client', 'count', 'main cause', 'user agent'], d.topClients.map((c) => [c.ip, c.count, c.main_cause, c.user_agent])));
  out.push('## Top users', '', table(['user', 'count', 'clients', 'causes'], d.topUsers.map((u) => [u.user, u.count, u.clients, u.causes])));
  out.push('## Top paths', '', table(['path', 'count', 'causes'], d.topPaths.map((p) => [p.path, p.count, p.causes])));
  out.push('## Timeline (per hour, UTC)', '', table(['hour', 'requests', '401', '403'], d.timeline.map((t) => [isoUtc(t.hour), t.requests, t.unauthorized, t.forbidden])));
  out.push('## Brute-force suspects', '', table(['client', 'failures', 'users tried', 'first', 'last'], d.bruteForce.map((b) => [b.ip, b.failures, (JSON.parse(b.users_tried ?? '[]') as string[]).filter(Boolean).join(', '), isoUtc(b.first_ts), isoUtc(b.last_ts)])));
  out.push('## Rejected lines', '', table(['reason', 'count', 'sample'], d.rejected.map((r) => [r.reason, r.count, `${r.file}:${r.sample_line}: ${r.sample}`])));
  return out.join('\n');
}
