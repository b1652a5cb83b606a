/**
 * Access-log formats from the server's own configuration, so a user never pastes a
 * log_format by hand: nginx's `log_format` / `access_log` (from `--nginx-conf FILE` with its
 * includes, or from `nginx -T`, which prints the whole configuration), and Apache's
 * `LogFormat` / `CustomLog`, whose `%` directives are turned into the nginx variables the
 * access-log parser reads. Each access log's path maps to its format; rotated copies
 * (`access.log.1`, `access.log.2.gz`, `access.log-20261127`) map like the file they came from.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export interface ConfiguredFormat {
  /** An nginx log_format string (Apache formats are translated into one). */
  format: string;
  /** What the summary says: `log_format detailed in /etc/nginx/nginx.conf`. */
  origin: string;
}

interface AccessLog {
  /** A path pattern: nginx variables in it (`$host`) match any one path segment part. */
  path: RegExp;
  format: ConfiguredFormat;
}

const NGINX_COMBINED = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** nginx's configuration as words and `;`, `{`, `}`: quotes and comments handled, escapes kept. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === ';' || c === '{' || c === '}') {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let word = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          word += text[j + 1] === c ? c : text[j] + text[j + 1];
          j += 2;
        } else word += text[j++];
      }
      tokens.push(`\u0000${word}`); // a quoted word: never a `;` or brace
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s;{}]/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

const word = (t: string) => (t.startsWith('\u0000') ? t.slice(1) : t);

/** Directives with their arguments, in order, blocks flattened (formats and logs are global enough). */
function directives(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const t of tokenize(text)) {
    if (t === ';') {
      if (current.length > 0) out.push(current.map(word));
      current = [];
    } else if (t === '{' || t === '}') current = [];
    else current.push(t);
  }
  return out;
}

function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^{}()|[\]\\]/g, '\\$&').replace(/\$\w+/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

function globFiles(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = dirname(pattern);
  const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** nginx: `include` read from disk (a file's own text), or left alone (`nginx -T` inlines them). */
export function nginxFormats(text: string, origin: string, includeFrom: string | null): AccessLog[] {
  const formats = new Map<string, ConfiguredFormat>([['combined', { format: NGINX_COMBINED, origin: 'combined' }]]);
  const logs: AccessLog[] = [];
  const seen = new Set<string>();
  const visit = (body: string, file: string) => {
    for (const d of directives(body)) {
      if (d[0] === 'include' && includeFrom !== null && d[1]) {
        const pattern = isAbsolute(d[1]) ? d[1] : join(includeFrom, d[1]);
        for (const f of globFiles(pattern)) {
          if (seen.has(f)) continue;
          seen.add(f);
          try {
            if (statSync(f).isFile()) visit(readFileSync(f, 'utf8'), f);
          } catch {
            // an include that cannot be read: its formats stay unknown (detection reads those logs)
          }
        }
      } else if (d[0] === 'log_format' && d.length >= 3) {
        const parts = d.slice(2).filter((p) => !/^escape=/.test(p));
        formats.set(d[1], { format: parts.join(''), origin: `log_format ${d[1]} in ${file}` });
      } else if (d[0] === 'access_log' && d[1] && d[1] !== 'off' && !d[1].startsWith('syslog:')) {
        const name = d[2] && !d[2].includes('=') ? d[2] : 'combined';
        const f = formats.get(name);
        if (f) logs.push({ path: pathPattern(d[1]), format: name === 'combined' ? { format: NGINX_COMBINED, origin: `combined, access_log in ${file}` } : f });
      }
    }
  };
  visit(text, origin);
  return logs;
}

/** Apache `%` directives as the nginx variables the access-log parser reads. */
const APACHE_DIRECTIVES: [RegExp, string][] = [
  [/%(?:[<>])?h/g, '$remote_addr'], [/%(?:[<>])?a/g, '$remote_addr'], [/%l/g, '$_ident'], [/%(?:[<>])?u/g, '$remote_user'],
  [/%(?:[<>])?t/g, '[$time_local]'], [/%r/g, '$request'], [/%[<>]?s/g, '$status'], [/%[bBO]/g, '$body_bytes_sent'],
  [/%\{Referer\}i/gi, '$http_referer'], [/%\{User-Agent\}i/gi, '$http_user_agent'], [/%\{X-Forwarded-For\}i/gi, '$http_x_forwarded_for'],
  [/%\{Host\}i/gi, '$http_host'], [/%\{WWW-Authenticate\}o/gi, '$sent_http_www_authenticate'], [/%v/g, '$server_name'], [/%V/g, '$host'],
  [/%p/g, '$server_port'], [/%D/g, '$_duration_us'], [/%T/g, '$_duration_s'], [/%I/g, '$_bytes_in'], [/%m/g, '$request_method'],
  [/%U/g, '$uri'], [/%q/g, '$_query'], [/%H/g, '$server_protocol'], [/%\{[^}]*\}[ieoncCx]/g, '$_other'], [/%[A-Za-z]/g, '$_other'],
];

export function apacheToNginx(format: string): string {
  let f = format.replace(/\\"/g, '"');
  // %{format}t (a custom time) cannot be read as $time_local: keep it apart, detection decides.
  if (/%\{[^}]*\}t/.test(f)) return '';
  for (const [re, v] of APACHE_DIRECTIVES) f = f.replace(re, v);
  return f;
}

export function apacheFormats(text: string, origin: string, serverRoot: string | null): AccessLog[] {
  const nick = new Map<string, ConfiguredFormat>();
  const logs: AccessLog[] = [];
  const seen = new Set<string>([origin]);
  // Apache directives are one per line; a quoted format may hold escaped quotes.
  const visit = (body: string, file: string) => {
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      let m = /^Include(?:Optional)?\s+"?([^"\s]+)"?/i.exec(line);
      if (m && serverRoot !== null) {
        const pattern = isAbsolute(m[1]) ? m[1] : join(serverRoot, m[1]);
        const files = /[*?[]/.test(pattern) || !pattern.endsWith('/') ? globFiles(pattern) : globFiles(join(pattern, '*'));
        for (const f of files) {
          if (seen.has(f)) continue;
          seen.add(f);
          try {
            if (statSync(f).isFile()) visit(readFileSync(f, 'utf8'), f);
          } catch {
            // unreadable: its logs are detected instead
          }
        }
        continue;
      }
      m = /^LogFormat\s+"((?:[^"\\]|\\.)*)"\s+(\S+)/i.exec(line);
      if (m) {
        const f = apacheToNginx(m[1]);
        if (f) nick.set(m[2], { format: f, origin: `LogFormat ${m[2]} in ${file}` });
        continue;
      }
      m = /^CustomLog\s+("(?:[^"\\]|\\.)*"|\S+)\s+("(?:[^"\\]|\\.)*"|\S+)/i.exec(line);
      if (m) {
        let path = m[1].replace(/^"|"$/g, '');
        if (path.startsWith('|')) continue; // piped to a program
        path = path.replace(/\$\{APACHE_LOG_DIR\}/g, '/var/log/apache2');
        if (!isAbsolute(path) && serverRoot) path = join(serverRoot, path);
        const spec = m[2];
        const f = spec.startsWith('"') ? { format: apacheToNginx(spec.slice(1, -1)), origin: `CustomLog in ${file}` } : nick.get(spec);
        if (f && f.format) logs.push({ path: pathPattern(path), format: f });
      }
    }
  };
  visit(text, origin);
  return logs;
}

/** The access logs an nginx or Apache configuration file describes (with its includes). */
export function formatsFromConfig(file: string): AccessLog[] {
  const text = readFileSync(file, 'utf8');
  if (/^\s*(?:LogFormat|CustomLog)\s/im.test(text)) return apacheFormats(text, file, dirname(file));
  return nginxFormats(text, file, dirname(file));
}

/** `nginx -T`: the running configuration, when nginx is installed and may read it. */
export function formatsFromNginxT(): AccessLog[] {
  const r = spawnSync('nginx', ['-T'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !r.stdout) return [];
  return nginxFormats(r.stdout, 'nginx -T', null);
}

/** The configured format of a log file, its rotated copies included; null when none names it. */
export function configuredFormat(logs: AccessLog[], file: string): ConfiguredFormat | null {
  const abs = resolve(file);
  const live = abs.replace(/(?:\.\d+)?(?:\.gz)?$/, '').replace(/-\d{8}(?:\.gz)?$/, '');
  for (const l of logs) if (l.path.test(abs) || l.path.test(live)) return l.format;
  return null;
}
