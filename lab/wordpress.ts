/**
 * The lab's WordPress: Debian's wordpress package (6.1) copied into the lab's directory,
 * MariaDB on a socket there, php-fpm 8.2 and nginx in front, all as plain processes in a
 * given time zone (never the system services). authlog's must-use plugin is installed and
 * WP_DEBUG_LOG writes wp-content/debug.log, as the README tells users to do.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './cli.js';
import { freePort, run, waitForPort } from './servers.js';
import type { WordPressCookies } from './traffic.js';

export interface WordPressLab {
  port: number;
  /** nginx's access and error logs. */
  logs: string;
  debugLog: string;
  appPassword: string;
  cookies: WordPressCookies;
  stop(): Promise<void>;
}

const PHP_FPM = '/usr/sbin/php-fpm8.2';


export function wordpressInstalled(): boolean {
  return ['/usr/share/wordpress/wp-login.php', PHP_FPM, '/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db', '/usr/bin/php', '/usr/sbin/nginx'].every((f) => existsSync(f));
}

function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function wpConfig(dir: string): string {
  return `<?php
define('DB_NAME', 'wp'); define('DB_USER', 'wp'); define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:${dir}/mysql.sock'); define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT') as $k) define($k, 'lab ' . $k);
define('WP_DEBUG', true); define('WP_DEBUG_LOG', true); define('WP_DEBUG_DISPLAY', false);
// Application passwords over plain http need a local environment.
define('WP_ENVIRONMENT_TYPE', 'local'); define('AUTOMATIC_UPDATER_DISABLED', true); define('DISABLE_WP_CRON', true);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`;
}

/**
 * `install`: the site, an editor and an application password for admin (printed). `cookies`:
 * auth cookies for the editor (printed), in a second process: COOKIEHASH comes from the
 * site URL, which is only right once the install stored it.
 */
const SETUP_PHP = `<?php
define('WP_INSTALLING', $argv[3] === 'install');
$_SERVER['HTTP_HOST'] = $argv[1]; $_SERVER['REQUEST_URI'] = '/';
function wp_new_blog_notification() {}
require $argv[2] . '/wp-load.php';
if ($argv[3] === 'install') {
  require_once ABSPATH . 'wp-admin/includes/upgrade.php';
  wp_install('authlog lab', 'admin', 'admin@lab.test', false, '', 'correct-horse');
  update_option('siteurl', 'http://' . $argv[1]); update_option('home', 'http://' . $argv[1]);
  // Pretty permalinks, as sites have them: /wp-json/ is routed, not redirected.
  update_option('permalink_structure', '/%postname%/');
  wp_create_user('editor', 'editor-pass', 'editor@lab.test');
  list($app) = WP_Application_Passwords::create_new_application_password(1, array('name' => 'lab'));
  echo json_encode(array('appPassword' => $app)), "\\n";
} else {
  $editor = get_user_by('login', 'editor')->ID;
  $good = wp_generate_auth_cookie($editor, time() + 3600, 'logged_in');
  echo json_encode(array(
    'hash' => COOKIEHASH,
    'expired' => wp_generate_auth_cookie($editor, time() - 3600, 'logged_in'),
    'forged' => substr($good, 0, -4) . (substr($good, -4) === 'beef' ? 'f00d' : 'beef'),
  )), "\\n";
}
`;

function nginxConf(dir: string, port: number): string {
  const logs = join(dir, 'logs', 'wp-nginx');
  return `
daemon off;
worker_processes 1;
pid ${dir}/wp-nginx.pid;
error_log ${logs}/error.log info;
events { worker_connections 128; }
http {
  client_body_temp_path ${dir}/tmp/wp-body;
  proxy_temp_path ${dir}/tmp/wp-proxy;
  fastcgi_temp_path ${dir}/tmp/wp-fastcgi;
  uwsgi_temp_path ${dir}/tmp/wp-uwsgi;
  scgi_temp_path ${dir}/tmp/wp-scgi;
  access_log ${logs}/access.log combined;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/wordpress;
    index index.php;
    location / { try_files $uri $uri/ /index.php?$args; }
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_pass unix:${dir}/php-fpm.sock;
    }
  }
}
`;
}

/** Starts MariaDB, php-fpm and nginx with a fresh WordPress in `dir`, in `tz`. */
export async function startWordPress(dir: string, tz: string): Promise<WordPressLab> {
  chmodSync(dir, 0o755);
  for (const d of ['logs/wp-nginx', 'tmp', 'mysql']) mkdirSync(join(dir, d), { recursive: true, mode: 0o755 });
  const root = join(dir, 'wordpress');
  cpSync('/usr/share/wordpress', root, { recursive: true, dereference: true });
  writeFileSync(join(root, 'wp-config.php'), wpConfig(dir));
  // As the README tells users: authlog installs its plugin, then checks the site.
  sh(process.execPath, [CLI, 'wordpress', 'install', root]);
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  };
  try {
    sh('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/mysql`, '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db']);
    const db = run('/usr/sbin/mariadbd', ['--no-defaults', `--datadir=${dir}/mysql`, `--socket=${dir}/mysql.sock`, '--skip-networking', '--user=root', `--pid-file=${dir}/mysql.pid`], tz, 'mariadbd');
    children.push(db.child);
    for (let i = 0; i < 200 && !existsSync(join(dir, 'mysql.sock')); i++) {
      if (db.child.exitCode !== null) throw new Error(`mariadbd exited: ${db.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    sh('mariadb', ['--no-defaults', `--socket=${dir}/mysql.sock`, '-uroot'], "CREATE DATABASE wp; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; GRANT ALL ON wp.* TO 'wp'@'localhost';");
    const port = await freePort();
    writeFileSync(join(dir, 'setup.php'), SETUP_PHP);
    const php = (step: string) => JSON.parse(sh('php', [join(dir, 'setup.php'), `127.0.0.1:${port}`, root, step]).trim().split('\n').pop()!) as unknown;
    const { appPassword } = php('install') as { appPassword: string };
    const cookies = php('cookies') as WordPressCookies;
    // The install ran as root and may have started debug.log: php-fpm's workers write it next.
    sh('chown', ['-R', 'www-data:www-data', join(root, 'wp-content')]);
    const check = sh(process.execPath, [CLI, 'wordpress', 'check', root]);
    if (!/^plugin: installed/m.test(check) || !/^WP_DEBUG_LOG: on/m.test(check)) throw new Error(`authlog wordpress check: ${check}`);
    writeFileSync(join(dir, 'php-fpm.conf'), `[global]\npid = ${dir}/php-fpm.pid\nerror_log = ${dir}/logs/php-fpm.log\ndaemonize = no\n[lab]\nuser = www-data\ngroup = www-data\nlisten = ${dir}/php-fpm.sock\nlisten.mode = 0666\npm = static\npm.max_children = 3\n`);
    const fpm = run(PHP_FPM, ['-F', '-y', join(dir, 'php-fpm.conf')], tz, 'php-fpm');
    children.push(fpm.child);
    for (let i = 0; i < 200 && !existsSync(join(dir, 'php-fpm.sock')); i++) {
      if (fpm.child.exitCode !== null) throw new Error(`php-fpm exited: ${fpm.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const conf = join(dir, 'wp-nginx.conf');
    writeFileSync(conf, nginxConf(dir, port));
    const nginx = run('/usr/sbin/nginx', ['-p', dir, '-c', conf], tz, 'nginx (wordpress)');
    children.push(nginx.child);
    await waitForPort(port, nginx.child, 'nginx (wordpress)', nginx.stderr);
    return { port, logs: join(dir, 'logs', 'wp-nginx'), debugLog: join(root, 'wp-content', 'debug.log'), appPassword, cookies, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
