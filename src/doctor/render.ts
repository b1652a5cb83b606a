/** Doctor output: text for a terminal (sanitised), Markdown, JSON. */
import { safeJson } from '../util/json.js';
import { sanitize } from '../util/sanitize.js';
import type { Finding } from './findings.js';
import { count } from '../util/count.js';

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const s = (v: string | null | undefined) => sanitize(v ?? '');

function headline(f: Finding): string {
  const what = f.cause ? `${f.status} ${f.cause}` : f.tag!;
  return `${f.title} [${what}]: ${count(f.count)} request(s) from ${count(f.clients)} client(s), ${pct(f.share)} of 401/403s`;
}

export function doctorText(findings: Finding[], total: number, scope = ''): string {
  const header = scope ? `${s(scope)}\n` : '';
  if (total === 0) return `No 401 or 403 in the database for this range: nothing to diagnose.\n${header}`;
  const out = [`authlog doctor: ${count(total)} 401/403 request(s); the findings that explain them, most important first.`, ...(scope ? [s(scope)] : []), ''];
  findings.forEach((f, i) => {
    out.push(`${i + 1}. ${s(headline(f))}`);
    if (f.likelyCause) out.push(`   likely cause: ${s(f.likelyCause)}`);
    for (const e of f.evidence) out.push(`   evidence: ${e.file ? `${s(e.file)}:${e.line}: ` : ''}${s(e.text)}`);
    out.push(`   fix: ${s(f.fix)}`);
    for (const c of f.confirm) out.push(`   confirm: ${s(c)}`);
    for (const n of f.notes) out.push(`   note: ${s(n)}`);
    out.push('');
  });
  return out.join('\n');
}

export function doctorMarkdown(findings: Finding[], total: number, scope = ''): string {
  const esc = (v: string) => sanitize(v).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
  const out = ['# authlog doctor', '', ...(scope ? [esc(scope), ''] : []), `${count(total)} 401/403 request(s). Findings, most important first:`, ''];
  findings.forEach((f, i) => {
    out.push(`## ${i + 1}. ${esc(headline(f))}`, '');
    if (f.likelyCause) out.push(`- **Likely cause:** ${esc(f.likelyCause)}`);
    for (const e of f.evidence) out.push(`- **Evidence:** ${e.file ? `${esc(e.file)}:${e.line}: ` : ''}${esc(e.text)}`);
    out.push(`- **Fix:** ${esc(f.fix)}`, '- **Confirm:**', '', '```sh', ...f.confirm.map((c) => sanitize(c)), '```', '', ...f.notes.map((n) => `> Note: ${esc(n)}`));
  });
  return out.join('\n');
}

export function doctorJson(findings: Finding[], total: number, _scope = '', covers: unknown = undefined): string {
  return safeJson({ total, covers, findings }, 2) + '\n';
}
