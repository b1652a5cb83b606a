/**
 * `authlog wordpress install|check PATH`: put authlog's must-use plugin in a WordPress site,
 * or say whether it is there and whether debug.log is enabled for it to write to.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, constants, existsSync, fchownSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuthlogError } from '../../errors.js';
import { sanitize } from '../../util/sanitize.js';
import { renderFix } from '../../util/shell.js';
import { parse } from '../args.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';

export const WORDPRESS_HELP = `Usage: authlog wordpress install PATH_TO_WORDPRESS
       authlog wordpress check PATH_TO_WORDPRESS

install  copies authlog's must-use plugin to wp-content/mu-plugins/authlog-auth-log.php. It
         writes one line per authentication failure (failed logins, application passwords,
         nonces, expired or invalid login cookies) to debug.log, so authlog can prove causes.
check    says whether the plugin is in place and up to date, and whether WP_DEBUG_LOG is on.
`;

const PLUGIN = 'authlog-auth-log.php';

function site(path: string) {
  const config = ['wp-config.php', '../wp-config.php'].map((f) => join(path, f)).find((f) => existsSync(f));
  if (!existsSync(join(path, 'wp-content')) && !config) {
    throw new AuthlogError('bad_option', `${path} does not look like a WordPress site (no wp-content/ or wp-config.php)`);
  }
  return { config, muDir: join(path, 'wp-content', 'mu-plugins'), target: join(path, 'wp-content', 'mu-plugins', PLUGIN) };
}

/** WP_DEBUG and WP_DEBUG_LOG as wp-config.php defines them (true, '1', or a log path). */
function debugSettings(config: string | undefined): { debug: boolean; log: string | null } {
  if (!config) return { debug: false, log: null };
  const text = readFileSync(config, 'utf8');
  const value = (name: string) => new RegExp(`define\\(\\s*['"]${name}['"]\\s*,\\s*([^)]+?)\\s*\\)`, 'i').exec(text)?.[1].trim() ?? null;
  const debug = /^(true|1|'1'|"1")$/i.test(value('WP_DEBUG') ?? '');
  const log = value('WP_DEBUG_LOG');
  if (log === null || /^(false|0|'0'|"0"|'')$/i.test(log)) return { debug, log: null };
  return { debug, log: /^(true|1|'1'|"1")$/i.test(log) ? 'wp-content/debug.log' : log.replace(/^['"]|['"]$/g, '') };
}

const ENABLE_HELP_TEMPLATE = `To let it write, add to wp-config.php (above "That's all, stop editing!"):
  define( 'WP_DEBUG', true );
  define( 'WP_DEBUG_LOG', true );        // or a path outside the web root, e.g. '/var/log/wordpress/debug.log'
  define( 'WP_DEBUG_DISPLAY', false );
Behind a reverse proxy, also name the header with the client address:
  define( 'AUTHLOG_CLIENT_IP_HEADER', 'HTTP_X_FORWARDED_FOR' );
Then read it with: \`authlog report /var/log/nginx/ {site}/wp-content/debug.log\`
`;

/** The help with the site's own path in the command, quoted for sh. */
const enableHelp = (site: string) =>
  sanitizeLines(renderFix(ENABLE_HELP_TEMPLATE, { site: { value: site.replace(/\/+$/, '') || '/', placeholder: 'PATH', what: 'the site path' } }));
const sanitizeLines = (text: string) => text.split('\n').map((l) => sanitize(l)).join('\n');

const linkRefusal = (p: string) =>
  new AuthlogError('unsafe_target', `${p} is a symbolic link: refusing to write through it (the web server's user may have planted it); remove it and run again`);

/**
 * Install the plugin as root into a directory the web server's user may own: never follow a
 * link (lstat each step; the file is written under a fresh name with O_EXCL in the same
 * directory and renamed over the target, which replaces a name, never what it points to),
 * and give the file the directory's owner, as if that user had put it there.
 */
function installPlugin(source: string, muDir: string, target: string): string {
  const did: string[] = [];
  const content = readFileSync(source);
  try {
    const wpContent = dirname(muDir);
    const mu = lstatOrNull(muDir);
    if (mu?.isSymbolicLink()) throw linkRefusal(muDir);
    if (mu && !mu.isDirectory()) throw new AuthlogError('unsafe_target', `${muDir} is not a directory`);
    if (!mu) {
      const parent = statSync(wpContent);
      mkdirSync(muDir, { mode: 0o755 });
      if (process.getuid?.() === 0) chownSync(muDir, parent.uid, parent.gid);
      did.push(`created ${muDir}`);
    }
    const dir = lstatSync(muDir);
    if (dir.isSymbolicLink()) throw linkRefusal(muDir);
    const existing = lstatOrNull(target);
    if (existing?.isSymbolicLink()) throw linkRefusal(target);
    if (existing && !existing.isFile()) throw new AuthlogError('unsafe_target', `${target} is not a regular file`);
    const temp = join(muDir, `.${PLUGIN}.${process.pid}.${randomBytes(6).toString('hex')}`);
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, content);
      if (process.getuid?.() === 0) fchownSync(fd, dir.uid, dir.gid);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(temp, target);
    did.push(`${existing ? 'replaced' : 'installed'} ${target} (owner ${dir.uid}:${dir.gid}, mode 644)`);
  } catch (e) {
    if (e instanceof AuthlogError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw linkRefusal(target);
    throw new AuthlogError(code === 'EACCES' || code === 'EPERM' ? 'unreadable_input' : 'io', `cannot write ${target}: ${code ?? (e as Error).message}`);
  }
  return did.map((d) => sanitize(d)).join('\n');
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function runWordpress(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help || positionals.length === 0) {
    io.stdout.write(WORDPRESS_HELP);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const [action, path] = positionals;
  if (action !== 'install' && action !== 'check') throw new AuthlogError('bad_option', `wordpress: unknown action "${action}" (install or check)`);
  if (!path) throw new AuthlogError('bad_option', `wordpress ${action} needs the path of a WordPress site`);
  const s = site(path);
  const source = packageFile(join('src', 'wordpress', PLUGIN));
  const settings = debugSettings(s.config);
  const shown = sanitize(s.target);
  if (action === 'install') {
    io.stdout.write(`${installPlugin(source, s.muDir, s.target)}\n`);
    io.stdout.write(settings.log ? `WP_DEBUG_LOG is on: lines go to ${sanitize(settings.log)}\n` : enableHelp(path));
    return 0;
  }
  const installed = existsSync(s.target);
  const current = installed && readFileSync(s.target, 'utf8') === readFileSync(source, 'utf8');
  io.stdout.write(`plugin: ${installed ? (current ? `installed (${shown})` : `installed but differs from this authlog's copy (${shown}): run authlog wordpress install`) : 'not installed: run authlog wordpress install'}\n`);
  io.stdout.write(`WP_DEBUG_LOG: ${settings.log ? `on, ${sanitize(settings.log)}` : s.config ? 'off' : 'unknown (no wp-config.php found)'}\n`);
  if (!settings.log) io.stdout.write(enableHelp(path));
  return installed && current && settings.log ? 0 : 1;
}
