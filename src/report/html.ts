/**
 * The HTML report: one self-contained file (inline CSS and SVG charts, no scripts, no
 * external assets). Every value from a log goes through escapeHtml.
 */
import { escapeHtml as e } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { hiddenNote, share, type ReportData } from './data.js';

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  const head = headers.map((h) => `<th>${e(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${e(c === null || c === undefined ? '-' : String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function barChart(items: { label: string; value: number }[]): string {
  if (items.length === 0) return '';
  const max = Math.max(...items.map((i) => i.value), 1);
  const rowH = 22;
  const bars = items
    .map((it, i) => {
      const w = Math.round((it.value / max) * 380);
      return `<text x="0" y="${i * rowH + 15}">${e(it.label)}</text><rect x="190" y="${i * rowH + 4}" width="${w}" height="14" rx="2"/><text x="${196 + w}" y="${i * rowH + 15}">${it.value}</text>`;
    })
    .join('');
  return `<svg class="chart" width="640" height="${items.length * rowH + 6}" role="img" aria-label="causes">${bars}</svg>`;
}

/**
 * 401s and 403s per hour on a real time axis: an hour without any is a gap, not the next bar
 * (a 23-hour quiet spell must look like one). Axis: the first and last hour and the busiest
 * hour's count; every bar says its hour and counts on hover.
 */
function timelineChart(d: ReportData): string {
  if (d.timeline.length === 0) return '';
  const w = 680;
  const h = 150;
  const left = 40;
  const bottom = 22;
  const plotW = w - left - 10;
  const plotH = h - bottom - 10;
  const hour = 3_600_000;
  const first = d.timeline[0].hour;
  const last = d.timeline[d.timeline.length - 1].hour;
  const slots = Math.round((last - first) / hour) + 1;
  const step = plotW / slots;
  const max = Math.max(1, ...d.timeline.map((t) => t.unauthorized + t.forbidden));
  const y = (v: number) => (v / max) * plotH;
  const bars = d.timeline
    .map((t) => {
      const x = left + Math.round((t.hour - first) / hour) * step;
      const h401 = y(t.unauthorized);
      const h403 = y(t.forbidden);
      const base = h - bottom;
      const title = `${e(isoUtc(t.hour))}: ${t.unauthorized} × 401, ${t.forbidden} × 403, ${t.requests} requests`;
      return `<rect class="u" x="${x.toFixed(1)}" y="${(base - h401).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h401.toFixed(1)}"><title>${title}</title></rect>` +
        `<rect class="f" x="${x.toFixed(1)}" y="${(base - h401 - h403).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h403.toFixed(1)}"><title>${title}</title></rect>`;
    })
    .join('');
  const axis =
    `<line class="axis" x1="${left}" y1="${h - bottom}" x2="${w - 10}" y2="${h - bottom}"/><line class="axis" x1="${left}" y1="10" x2="${left}" y2="${h - bottom}"/>` +
    `<text x="${left - 4}" y="16" text-anchor="end">${max}</text><text x="${left - 4}" y="${h - bottom}" text-anchor="end">0</text>` +
    `<text x="${left}" y="${h - 6}">${e(isoUtc(first).slice(0, 13))}:00Z</text><text x="${w - 10}" y="${h - 6}" text-anchor="end">${e(isoUtc(last).slice(0, 13))}:00Z</text>`;
  return `<svg class="timeline" width="${w}" height="${h}" role="img" aria-label="401 and 403 per hour">${axis}${bars}</svg><p class="legend"><span class="u">■</span> 401 <span class="f">■</span> 403 per hour (UTC); ${slots} hour(s) from the first to the last, ${slots - d.timeline.length} of them without any</p>`;
}

/** Range, sources and when it was made: what a colleague reading a forwarded report needs first. */
function metaLine(d: ReportData): string {
  const range = d.firstMinute !== null && d.lastMinute !== null ? `${isoUtc(d.firstMinute).slice(0, 16)}Z – ${isoUtc(d.lastMinute + 59_999).slice(0, 16)}Z` : 'no requests';
  const sources = d.sources.length === 0 ? '' : `<details><summary>${d.sources.length} log file(s) read</summary><ul>${d.sources.map((s) => `<li>${e(s.path)} (${e(s.format)}, ${s.lines.toLocaleString('en-US')} lines)</li>`).join('')}</ul></details>`;
  const scope = d.scoped ? 'the paths named' : 'the whole database';
  return `<p class="meta">${e(range)} · ${e(scope)} · database ${e(d.database || '-')} · generated ${e(isoUtc(d.generatedAt).slice(0, 16))}Z by authlog ${e(d.version)}</p>${sources}`;
}

export function renderHtml(d: ReportData): string {
  const css = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}h1{margin-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.chart text{font-size:12px}.chart rect{fill:#c0392b}.timeline .u,.legend .u{fill:#c0392b;color:#c0392b}
.timeline .f,.legend .f{fill:#e67e22;color:#e67e22}.timeline text{font-size:11px;fill:#555}.axis{stroke:#999}.meta{color:#555;margin-top:0}.kpi span{display:inline-block;margin-right:2rem;font-size:1.2rem}.none{color:#888}`;
  const causes = d.causes.map((c) => ({ label: `${c.status} ${c.cause}`, value: c.count }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>authlog report</title><style>${css}</style></head><body>
<h1>authlog report</h1>
${metaLine(d)}
<p class="kpi"><span>requests <b>${d.requests}</b></span><span>401 <b>${d.unauthorized}</b> (${share(d.unauthorized, d.requests)})</span><span>403 <b>${d.forbidden}</b> (${share(d.forbidden, d.requests)})</span></p>
<p>401s that are real failures: <b>${d.realFailures}</b>; benign (browser challenges, monitors): ${d.benign}</p>${d.hiddenByMarks > 0 ? `\n<p>${hiddenNote(d.hiddenByMarks)}</p>` : ''}
<h2>Causes</h2>${barChart(causes)}
${table(['status', 'cause', 'count', 'share', 'proven', 'benign', 'fix'], d.causes.map((c) => [c.status, c.cause, c.count, share(c.count, c.status === 401 ? d.unauthorized : d.forbidden), c.proven, c.benign, c.fix]))}
<h2>Timeline</h2>${timelineChart(d)}
<h2>Tags</h2>${table(['tag', 'count'], d.tags.map((t) => [t.tag, t.count]))}
<h2>Symptom → likely cause → fix</h2>${table(['count', 'symptom', 'likely cause', 'fix'], d.symptoms.map((s) => [s.count, s.symptom, s.likelyCause, s.fix]))}
<h2>Layer that answered</h2>${table(['layer', 'status', 'count'], d.layers.map((l) => [l.layer, l.status, l.count]))}
<h2>Top clients</h2>${table(['client', 'count', 'main cause', 'user agent'], d.topClients.map((c) => [c.ip, c.count, c.main_cause, c.user_agent]))}
<h2>Top users</h2>${table(['user', 'count', 'clients', 'causes'], d.topUsers.map((u) => [u.user, u.count, u.clients, u.causes]))}
<h2>Top paths</h2>${table(['path', 'count', 'causes'], d.topPaths.map((p) => [p.path, p.count, p.causes]))}
<h2>Brute-force suspects</h2>${table(['client', 'failures', 'users tried', 'first', 'last'], d.bruteForce.map((b) => [b.ip, b.failures, (JSON.parse(b.users_tried ?? '[]') as string[]).filter(Boolean).join(', '), isoUtc(b.first_ts), isoUtc(b.last_ts)]))}
<h2>Rejected lines</h2>${table(['reason', 'count', 'sample'], d.rejected.map((r) => [r.reason, r.count, `${r.file}:${r.sample_line}: ${r.sample}`]))}
</body></html>
`;
}
