/**
 * The HTML report: one self-contained file (inline CSS, SVG charts and one small inline
 * script, no external assets; a Content-Security-Policy lets nothing else load or run). It
 * reads whole without the script; with it, a click on a cause, client, user or path narrows
 * the events table to it (the address says which: `#client=192.0.2.44`, so a link to it can
 * be forwarded) and a click on a column heading sorts the table. Every value from a log goes
 * through escapeHtml, in attributes too; the script holds no log data.
 */
import { createHash } from 'node:crypto';
import { CAUSES, causeColor } from '../classify/catalogue/index.js';
import { escapeHtml as e } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { hiddenNote, share, type ReportData } from './data.js';
import { count } from '../util/count.js';

type Kind = 'cause' | 'client' | 'user' | 'path';
/** A cell that drills down: a link to `#kind=value` (an anchor that does nothing without the script). */
interface Drill {
  drill: Kind;
  value: string | null;
  label?: string;
}
type Cell = string | number | null | undefined | Drill;

const isDrill = (c: Cell): c is Drill => typeof c === 'object' && c !== null;

function cellHtml(c: Cell): string {
  if (isDrill(c)) {
    if (c.value === null) return '-';
    const swatch = c.drill === 'cause' ? `<i class="sw c-${e(c.value)}"></i>` : '';
    return `${swatch}<a class="drill" href="#${c.drill}=${e(encodeURIComponent(c.value))}">${e(c.label ?? c.value)}</a>`;
  }
  return e(c === null || c === undefined ? '-' : String(c));
}

/** A table whose headings sort it (with the script); numbers sort as numbers. */
function table(headers: string[], rows: Cell[][], attrs = ''): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  const head = headers.map((h) => `<th>${e(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${cellHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="sortable"${attrs}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const drill = (kind: Kind, value: string | null, label?: string): Drill => ({ drill: kind, value, label });

function barChart(items: { cause: string; label: string; value: number }[]): string {
  if (items.length === 0) return '';
  const max = Math.max(...items.map((i) => i.value), 1);
  const rowH = 22;
  const bars = items
    .map((it, i) => {
      const w = Math.round((it.value / max) * 380);
      return `<a href="#cause=${e(encodeURIComponent(it.cause))}"><text x="0" y="${i * rowH + 15}">${e(it.label)}</text><rect class="c-${e(it.cause)}" x="190" y="${i * rowH + 4}" width="${w}" height="14" rx="2"/><text x="${196 + w}" y="${i * rowH + 15}">${it.value}</text></a>`;
    })
    .join('');
  return `<svg class="chart" width="640" height="${items.length * rowH + 6}" role="img" aria-label="causes">${bars}</svg>`;
}

/** The events to drill into: each row says its cause, client, user and path in data attributes. */
function eventsTable(d: ReportData): string {
  if (d.events.length === 0) return '<p class="none">none</p>';
  const attr = (v: string | null) => e(v ?? '');
  const rows = d.events.map((ev) => {
    const tags = (JSON.parse(ev.tags) as string[]).join(', ');
    const cells: Cell[] = [isoUtc(ev.ts), ev.status, drill('cause', ev.cause), ev.confidence, drill('client', ev.ip), drill('user', ev.user), `${ev.method ?? ''} ${ev.path ?? ''}`.trim(), tags, ev.rule];
    return `<tr data-cause="${attr(ev.cause)}" data-client="${attr(ev.ip)}" data-user="${attr(ev.user)}" data-path="${attr(ev.path)}">${cells.map((c) => `<td>${cellHtml(c)}</td>`).join('')}</tr>`;
  });
  const head = ['time (UTC)', 'status', 'cause', 'confidence', 'client', 'user', 'request', 'tags', 'rule'].map((h) => `<th>${e(h)}</th>`).join('');
  return `<table class="sortable" id="events"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** Sorting and drilling down; no log data in it, so its hash can be pinned in the CSP. */
const SCRIPT = `(function () {
  var events = document.getElementById('events');
  var bar = document.getElementById('filter');
  function apply() {
    var m = /^#(cause|client|user|path)=(.*)$/.exec(location.hash);
    var want = m ? decodeURIComponent(m[2]) : null;
    var shown = 0;
    if (events) events.querySelectorAll('tbody tr').forEach(function (r) {
      var ok = !m || r.getAttribute('data-' + m[1]) === want;
      r.hidden = !ok;
      if (ok) shown++;
    });
    bar.hidden = !m;
    if (m) {
      bar.querySelector('b').textContent = m[1] + ' ' + want;
      bar.querySelector('span').textContent = String(shown);
    }
    document.body.setAttribute('data-shown', String(shown));
  }
  function key(td) {
    var t = td ? td.textContent.trim() : '';
    var n = Number(t.replace(/[,%]/g, ''));
    return t !== '' && !isNaN(n) ? n : t.toLowerCase();
  }
  document.querySelectorAll('table.sortable th').forEach(function (th, _i) {
    th.title = 'sort';
    th.addEventListener('click', function () {
      var table = th.closest('table');
      var col = Array.prototype.indexOf.call(th.parentNode.children, th);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      }).forEach(function (r) { body.appendChild(r); });
    });
  });
  window.addEventListener('hashchange', function () {
    apply();
    if (events && location.hash) events.scrollIntoView();
  });
  apply();
})();`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:`;

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
th{background:#f4f4f4;cursor:pointer}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}.chart text{font-size:12px}
a.drill{color:inherit;text-decoration:underline dotted;white-space:nowrap}.sw{display:inline-block;width:.7em;height:.7em;margin-right:.35em;border-radius:2px}#filter{background:#fff7e0;padding:.3rem .6rem}.hint{color:#666;font-size:.9em}tr[hidden]{display:none}.timeline .u,.legend .u{fill:#c0392b;color:#c0392b}
.timeline .f,.legend .f{fill:#e67e22;color:#e67e22}.timeline text{font-size:11px;fill:#555}.axis{stroke:#999}.meta{color:#555;margin-top:0}.kpi span{display:inline-block;margin-right:2rem;font-size:1.2rem}.none{color:#888}`;
  // One colour per cause, the catalogue's: the same in the terminal's report and the TUI.
  const palette = CAUSES.map((c) => `.c-${c}{fill:${causeColor(c)};background:${causeColor(c)}}`).join('');
  const causes = d.causes.map((c) => ({ cause: c.cause, label: `${c.status} ${c.cause}`, value: c.count }));
  const shown = d.events.length < d.unauthorized + d.forbidden ? `the newest ${d.events.length} of ${d.unauthorized + d.forbidden}` : `all ${d.events.length}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="viewport" content="width=device-width"><title>authlog report</title><style>${css}${palette}</style></head><body>
<h1>authlog report</h1>
${metaLine(d)}
<p class="kpi"><span>requests <b>${count(d.requests)}</b></span><span>401 <b>${count(d.unauthorized)}</b> (${share(d.unauthorized, d.requests)})</span><span>403 <b>${count(d.forbidden)}</b> (${share(d.forbidden, d.requests)})</span></p>
<p>401s that are real failures: <b>${count(d.realFailures)}</b>; benign (browser challenges, monitors): ${count(d.benign)}</p>${d.hiddenByMarks > 0 ? `\n<p>${hiddenNote(d.hiddenByMarks)}</p>` : ''}
<h2>Causes</h2>${barChart(causes)}
${table(['status', 'cause', 'count', 'share', 'proven', 'benign', 'fix'], d.causes.map((c) => [c.status, drill('cause', c.cause), c.count, share(c.count, c.status === 401 ? d.unauthorized : d.forbidden), c.proven, c.benign, c.fix]))}
<h2>Timeline</h2>${timelineChart(d)}
<h2>Tags</h2>${table(['tag', 'count'], d.tags.map((t) => [t.tag, t.count]))}
<h2>Symptom → likely cause → fix</h2>${table(['count', 'symptom', 'likely cause', 'fix'], d.symptoms.map((s) => [s.count, s.symptom, s.likelyCause, s.fix]))}
<h2>Layer that answered</h2>${table(['layer', 'status', 'count'], d.layers.map((l) => [l.layer, l.status, l.count]))}
<h2>Top clients</h2>${table(['client', 'count', 'main cause', 'user agent'], d.topClients.map((c) => [drill('client', c.ip), c.count, drill('cause', c.main_cause), c.user_agent]))}
<h2>Top users</h2>${table(['user', 'count', 'clients', 'causes'], d.topUsers.map((u) => [drill('user', u.user), u.count, u.clients, u.causes]))}
<h2>Top paths</h2>${table(['path', 'count', 'causes'], d.topPaths.map((p) => [drill('path', p.path), p.count, p.causes]))}
<h2>Brute-force suspects</h2>${table(['client', 'failures', 'users tried', 'first', 'last'], d.bruteForce.map((b) => [drill('client', b.ip), b.failures, (JSON.parse(b.users_tried ?? '[]') as string[]).filter(Boolean).join(', '), isoUtc(b.first_ts), isoUtc(b.last_ts)]))}
<h2 id="events-title">401 and 403 events (${shown})</h2>
<p id="filter" hidden>showing the <span></span> event(s) of <b></b> · <a href="#">show all</a></p>
<p class="hint">Click a cause, client, user or path anywhere in this report to see its events here; click a column heading to sort.</p>
${eventsTable(d)}
<h2>Rejected lines</h2>${table(['reason', 'count', 'sample'], d.rejected.map((r) => [r.reason, r.count, `${r.file}:${r.sample_line}: ${r.sample}`]))}
<script>${SCRIPT}</script>
</body></html>
`;
}
