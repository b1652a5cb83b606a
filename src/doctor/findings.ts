/** `authlog doctor`: the few findings that explain most of a site's 401s, most important first. */
import type { Evidence } from '../classify/vocabulary.js';
import type { Params, QueryReader } from '../store/queries.js';
import { renderCommand, type Rendered, type Slot } from '../util/shell.js';
import { isoUtc } from '../util/time.js';
import { RULE_PLAYS, TAG_PLAYS } from './playbook.js';

export type FindingKind = 'cause' | 'symptom' | 'attack' | 'noise';

export interface Finding {
  kind: FindingKind;
  title: string;
  cause: string | null;
  tag: string | null;
  status: number | null;
  count: number;
  clients: number;
  /** Share of all 401s and 403s in range. */
  share: number;
  likelyCause: string | null;
  evidence: Evidence[];
  fix: string;
  confirm: string[];
  /** Why a confirm command shows a placeholder instead of a logged value. */
  notes: string[];
}

interface Example {
  ip: string;
  user: string | null;
  method: string | null;
  target: string | null;
  host: string | null;
  scheme: string | null;
  user_agent?: string | null;
  evidence: string;
  file: string;
  line: number;
}

/**
 * Fill a command template from an example request (src/util/shell.ts quotes every value;
 * one that cannot be shown becomes its placeholder, with a note). `{url}` is the example's
 * URL, built from its scheme, host and path.
 */
export function fillCommand(template: string, ex: Example, object: string | null, errorLog: string | null = null): Rendered {
  const slot = (value: string | null | undefined, placeholder: string, what: string): Slot => ({ value, placeholder, what });
  return renderCommand(template.replace(/\{url\}/g, '{scheme}://{host}{path}'), {
    user: slot(ex.user, 'USER', 'the logged user name'),
    file: slot(object, 'FILE', 'the logged file name'),
    host: slot(ex.host, 'HOST', 'the logged host'),
    path: slot(ex.target ?? '/', '/PATH', 'the logged path'),
    scheme: slot(ex.scheme === 'http' ? 'http' : 'https', 'https', 'the scheme'),
    ip: slot(ex.ip, 'IP', 'the logged client address'),
    access: slot(ex.file, 'ACCESS_LOG', 'the access log\'s name'),
    errorlog: slot(errorLog, '/var/log/nginx/error.log', 'the error log\'s name'),
    ua: slot(ex.user_agent, 'USER-AGENT', 'the logged user agent'),
  });
}

/** Commands and their notes, each note once. */
function fillAll(templates: string[], ex: Example, object: string | null, errorLog: string | null): { confirm: string[]; notes: string[] } {
  const rendered = templates.map((t) => fillCommand(t, ex, object, errorLog));
  return { confirm: rendered.map((r) => r.text), notes: [...new Set(rendered.flatMap((r) => r.notes))] };
}

/** The error log a correlated line came from, for the grep commands. */
/**
 * The error log a finding's commands should read: the one its evidence names, else an error
 * log the database has read (beside the access log first), else the placeholder.
 */
function errorLogOf(evidence: Evidence[], access: string, known: string[]): string | null {
  const named = evidence.find((e) => e.file !== null && e.file !== access)?.file;
  if (named) return named;
  const dir = access.slice(0, access.lastIndexOf('/') + 1);
  return known.find((f) => dir !== '' && f.startsWith(dir)) ?? known[0] ?? null;
}

const ERROR_FORMATS = new Set(['nginx-error', 'apache-error', 'lighttpd-error']);

/** The user file an error line names, for the commands. */
function objectOf(evidence: Evidence[]): string | null {
  for (const e of evidence) {
    const m = /was not found in "([^"]+)"|open\(\) "([^"]+)" failed|Could not open password file: (\S+)/.exec(e.text);
    if (m) return m[1] ?? m[2] ?? m[3] ?? null;
  }
  return null;
}

export async function gatherFindings(q: QueryReader, range: { since: number | null; until: number | null }, limit = 8): Promise<{ findings: Finding[]; total: number }> {
  const p: Params = { since: range.since, until: range.until };
  const summary = (await q.all<{ unauthorized: number; forbidden: number }>('summary', p))[0];
  const total = summary.unauthorized + summary.forbidden;
  const share = (n: number) => (total === 0 ? 0 : n / total);
  const findings: Finding[] = [];
  const errorLogs = (await q.all<{ path: string; format: string }>('sources')).filter((r) => ERROR_FORMATS.has(r.format)).map((r) => r.path);

  type GroupRow = Example & { status: number; cause: string; rule: string; fix: string; count: number; clients: number; users: string; paths: string; first_ts: number; last_ts: number };
  const list = (json: string) => {
    const values = (JSON.parse(json) as (string | null)[]).filter((v): v is string => v !== null);
    return `${values.slice(0, 6).join(', ')}${values.length > 6 ? ` and ${values.length - 6} more` : ''}`;
  };
  for (const g of await q.all<GroupRow>('doctor-groups', { ...p, limit: Math.max(50, limit * 3) })) {
    const evidence = JSON.parse(g.evidence) as Evidence[];
    const play = RULE_PLAYS[g.rule];
    const object = objectOf(evidence);
    findings.push({
      kind: 'cause', title: play?.title ?? g.cause, cause: g.cause, tag: null, status: g.status, count: g.count, clients: g.clients,
      share: share(g.count), likelyCause: null,
      evidence: [
        ...evidence.slice(0, 2),
        { file: g.file, line: g.line, text: `example: ${g.method ?? ''} ${g.target ?? ''} from ${g.ip}; ${g.count} time(s) ${isoUtc(g.first_ts)} – ${isoUtc(g.last_ts)}` },
        { file: null, line: null, text: `${list(g.users) ? `users: ${list(g.users)}; ` : ''}paths: ${list(g.paths) || '-'}` },
      ],
      fix: g.fix, ...fillAll(play?.confirm ?? ['curl -v {url}'], g, object, errorLogOf(evidence, g.file, errorLogs)),
    });
  }

  type TagRow = Example & { tag: string; count: number; clients: number; users: string; cause: string };
  for (const t of await q.all<TagRow>('doctor-tags', p)) {
    const play = TAG_PLAYS[t.tag];
    if (!play) continue;
    const kind: FindingKind = t.tag === 'brute_force' ? 'attack' : t.tag === 'monitor' || t.tag === 'automation' ? 'noise' : 'symptom';
    const users = (JSON.parse(t.users) as (string | null)[]).filter((u): u is string => u !== null);
    const allEvidence = JSON.parse(t.evidence) as Evidence[];
    const evidence = allEvidence.filter((e) => e.text.startsWith(`${t.tag}:`) || e.file !== null).slice(0, 2);
    evidence.push({ file: t.file, line: t.line, text: `example: ${t.method ?? ''} ${t.target ?? ''} from ${t.ip}${t.user_agent ? ` (${t.user_agent})` : ''}${users.length ? `; users: ${users.slice(0, 8).join(', ')}` : ''}` });
    findings.push({
      kind, title: play.title, cause: null, tag: t.tag, status: null, count: t.count, clients: t.clients, share: share(t.count),
      likelyCause: play.likelyCause, evidence, fix: play.fix, ...fillAll(play.confirm, t, null, errorLogOf(allEvidence, t.file, errorLogs)),
    });
  }
  // By how many requests each explains; noise to silence after the rest.
  const weight = { cause: 0, symptom: 0, attack: 0, noise: 1 } as const;
  findings.sort((a, b) => weight[a.kind] - weight[b.kind] || b.count - a.count);
  return { findings: findings.slice(0, limit), total };
}
