/**
 * `authlog wordpress install|check PATH`: put authlog's must-use plugin in a WordPress site,
 * or say whether it is there and whether debug.log is enabled for it to write to.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthlogError } from '../../errors.js';
import { sanitize } from '../../util/sanitize.js';
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

const ENABLE_HELP = `To let it write, add to wp-config.php (above "That's all, stop editing!"):
  define( 'WP_DEBUG', true );
  define( 'WP_DEBUG_LOG', true );        // or a path outside the web root, e.g. '/var/log/wordpress/debug.log'
  define( 'WP_DEBUG_DISPLAY', false );
Behind a reverse proxy, also name the header with the client address:
  define( 'AUTHLOG_CLIENT_IP_HEADER', 'HTTP_X_FORWARDED_FOR' );
Then read it with: authlog report /var/log/nginx/ PATH/wp-content/debug.log
`;

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
    try {
      mkdirSync(s.muDir, { recursive: true });
      copyFileSync(source, s.target);
    } catch (e) {
      throw new AuthlogError('unreadable_input', `cannot write ${s.target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.stdout.write(`installed ${shown}\n`);
    io.stdout.write(settings.log ? `WP_DEBUG_LOG is on: lines go to ${sanitize(settings.log)}\n` : ENABLE_HELP);
    return 0;
  }
  const installed = existsSync(s.target);
  const current = installed && readFileSync(s.target, 'utf8') === readFileSync(source, 'utf8');
  io.stdout.write(`plugin: ${installed ? (current ? `installed (${shown})` : `installed but differs from this authlog's copy (${shown}): run authlog wordpress install`) : 'not installed: run authlog wordpress install'}\n`);
  io.stdout.write(`WP_DEBUG_LOG: ${settings.log ? `on, ${sanitize(settings.log)}` : s.config ? 'off' : 'unknown (no wp-config.php found)'}\n`);
  if (!settings.log) io.stdout.write(ENABLE_HELP);
  return installed && current && settings.log ? 0 : 1;
}
