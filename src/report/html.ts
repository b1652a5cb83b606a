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

function timelineChart(d: ReportData): string {
  if (d.timeline.length === 0) return '';
  const w = 640;
  const h = 120;
  const max = Math.max(1, ...d.timeline.map((t) => t.unauthorized + t.forbidden));
  const step = w / d.timeline.length;
  const bars = d.timeline
    .map((t, i) => {
      const h401 = (t.unauthorized / max) * (h - 20);
      const h403 = (t.forbidden / max) * (h - 20);
      return `<rect class="u" x="${(i * step).toFixed(1)}" y="${(h - h401).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h401.toFixed(1)}"><title>${e(isoUtc(t.hour))}: ${t.unauthorized} × 401</title></rect>` +
        `<rect class="f" x="${(i * step).toFixed(1)}" y="${(h - h401 - h403).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h403.toFixed(1)}"><title>${e(isoUtc(t.hour))}: ${t.forbidden} × 403</title></rect>`;
    })
    .join('');
  return `<svg class="timeline" width="${w}" height="${h}" role="img" aria-label="401 and 403 per hour">${bars}</svg><p class="legend"><span class="u">■</span> 401 <span class="f">■</span> 403 per hour (UTC)</p>`;
}

export function renderHtml(d: ReportData): string {
  const css = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}h1{margin-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.chart text{font-size:12px}.chart rect{fill:#c0392b}.timeline .u,.legend .u{fill:#c0392b;color:#c0392b}
.timeline .f,.legend .f{fill:#e67e22;color:#e67e22}.kpi span{display:inline-block;margin-right:2rem;font-size:1.2rem}.none{color:#888}`;
  const causes = d.causes.map((c) => ({ label: `${c.status} ${c.cause}`, value: c.count }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>authlog report</title><style>${css}</style></head><body>
<h1>authlog report</h1>
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
