/** Applies the rules to the facts of one request: a pure function, tested on golden files. */
import type { Facts } from './facts.js';
import { namesUserFile, RULES, type Rule } from './catalogue/index.js';
import type { Evidence, Layer, Verdict } from './vocabulary.js';
import { renderFix, type Slot } from '../util/shell.js';

function userState(f: Facts): 'present' | 'absent' | 'unlogged' {
  if (f.req.user !== null) return 'present';
  return f.req.userLogged ? 'absent' : 'unlogged';
}

export function ruleMatches(rule: Rule, f: Facts): boolean {
  const w = rule.when;
  if (w.status !== f.req.status) return false;
  if (rule.needs === 'error_log' && (!f.event || !w.signal?.includes(f.event.signal))) return false;
  if (w.user && userState(f) !== w.user) return false;
  if (w.path && !(f.req.target !== null && w.path.test(f.req.target))) return false;
  if (w.method && !(f.req.method !== null && w.method.test(f.req.method))) return false;
  if (w.bytes && !(f.req.bytes !== null && w.bytes.includes(f.req.bytes))) return false;
  if (w.tag && !f.tags.has(w.tag)) return false;
  if (w.notTag && f.tags.has(w.notTag)) return false;
  if (w.priorBasic !== undefined && f.priorBasic !== w.priorBasic) return false;
  if (w.workedForMs !== undefined && !(f.workedForMs !== null && f.workedForMs >= w.workedForMs)) return false;
  if (w.challenge && !(f.req.wwwAuthenticate !== null && w.challenge.test(f.req.wwwAuthenticate))) return false;
  if (w.extra) for (const [key, re] of Object.entries(w.extra)) if (!(f.req.extra?.[key] !== undefined && re.test(f.req.extra[key]))) return false;
  return true;
}

/** Every rule that matches, in order: the first is the verdict, the rest show overlaps in tests. */
export function matchingRules(f: Facts): Rule[] {
  return RULES.filter((r) => ruleMatches(r, f));
}

const WORDPRESS_PATH = /^\/(?:wp-json\/|wp-admin\/|wp-login\.php|xmlrpc\.php|index\.php\/wp-json\/|.*[?&]rest_route=)/;

/**
 * Who answered. `$upstream_status`, when logged, decides: `-` means nginx answered without
 * asking the upstream (auth_basic, deny); the refusing status itself means the upstream did
 * (WordPress on its own paths, else the application). Otherwise the evidence decides: the
 * correlated line's server, or the rule's own layer; with no evidence of who answered, the
 * layer is `unknown` (seen on real servers: in a combined log nginx's own 401 and its
 * upstream's look alike, so the error logs beside the file prove nothing about one line).
 */
function layerOf(rule: Rule, f: Facts): Layer {
  const up = f.req.upstreamStatus;
  if (up !== null) {
    if (up === '-') return 'nginx';
    const last = up.split(/[,:]\s*/).pop()!.trim();
    if (last === String(f.req.status)) return f.req.target !== null && WORDPRESS_PATH.test(f.req.target) ? 'wordpress' : 'app';
    return 'nginx';
  }
  if (rule.layer === 'event') {
    const format = f.event?.format;
    return format === 'apache-error' ? 'apache' : format === 'lighttpd-error' ? 'lighttpd' : format === 'wordpress-debug' || format === 'wp-fail2ban' ? 'wordpress' : 'nginx';
  }
  // Proxies that log who answered: HAProxy's server (<NOSRV>: itself), Traefik's server URL ("-": a middleware).
  const x = f.req.extra;
  const upstream = (): Layer => (f.req.target !== null && WORDPRESS_PATH.test(f.req.target) ? 'wordpress' : 'app');
  if (x?.frontend !== undefined && x.server !== undefined) return x.server === '<NOSRV>' ? 'haproxy' : upstream();
  if (x?.traefik_server !== undefined) return x.traefik_server === '-' ? 'traefik' : upstream();
  if (rule.layer === 'upstream') return 'unknown';
  return rule.layer;
}

/**
 * The user file an error line names: nginx in "was not found in", either server when it
 * cannot open it. Apache's user and password lines name the request's URI instead, which
 * must not turn into `htpasswd /intranet/ frank`.
 */
function userFileOf(e: Facts['event']): string | null {
  if (!e?.object) return null;
  return namesUserFile(e.format, e.signal) ? e.object : null;
}

function fillFix(template: string, f: Facts): string {
  const userFile = userFileOf(f.event);
  const slot = (value: string | null | undefined, placeholder: string, what: string): Slot => ({ value, placeholder, what });
  return renderFix(template, {
    user: slot(f.event?.user ?? f.req.user, 'USER', 'the logged user name'),
    file: slot(userFile, 'the user file', 'the logged file name'),
    fileArg: slot(userFile, 'FILE', 'the logged file name'),
    object: slot(f.event?.object ?? f.req.path, '/', 'the logged object'),
    path: slot(f.req.path ?? f.req.target, '/', 'the logged path'),
    host: slot(f.req.host, 'the site', 'the logged host'),
    ip: slot(f.req.ip, 'IP', 'the logged client'),
  });
}

export function classify(f: Facts): Verdict {
  const rule = matchingRules(f)[0];
  if (!rule) {
    // Only statuses other than 401/403 fall through; kept total so a verdict always exists.
    return { cause: 'unknown', confidence: 'heuristic', layer: 'unknown', rule: 'none', tags: [...f.tags], evidence: [], fix: 'No rule applies.' };
  }
  const evidence: Evidence[] = [];
  if (rule.needs === 'error_log' && f.event) {
    evidence.push({ file: f.event.file, line: f.event.line, text: f.event.message });
  } else if (rule.when.challenge) {
    evidence.push({ file: f.req.file, line: f.req.line, text: `${rule.evidence}: WWW-Authenticate: ${f.req.wwwAuthenticate}` });
  } else if (rule.when.extra && rule.confidence === 'proven') {
    // The access line states it (IIS's substatus and Win32 status): it is the evidence.
    const fields = Object.keys(rule.when.extra).map((k) => `${k} ${f.req.extra?.[k]}`).join(', ');
    evidence.push({ file: f.req.file, line: f.req.line, text: `${rule.evidence} (${fields})` });
  } else {
    evidence.push({ file: null, line: null, text: `heuristic ${rule.id}: ${rule.evidence}` });
  }
  evidence.push(...f.tagEvidence);
  return {
    cause: rule.cause,
    confidence: rule.confidence,
    layer: layerOf(rule, f),
    rule: rule.id,
    tags: [...f.tags].sort(),
    evidence,
    fix: fillFix(rule.fix, f),
  };
}
