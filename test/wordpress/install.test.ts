/**
 * `authlog wordpress install` runs as root in a directory the web server's user owns: it must
 * never write through a link planted there, and must leave the file owned like its directory.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const PLUGIN = readFileSync(join(REPO, 'src', 'wordpress', 'authlog-auth-log.php'));
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function install(site: string) {
  const r = spawnSync(process.execPath, [CLI, 'wordpress', 'install', site], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function site(): { root: string; mu: string; victim: string } {
  const root = tmp();
  mkdirSync(join(root, 'wp', 'wp-content'), { recursive: true });
  const victim = join(root, 'victim.conf');
  writeFileSync(victim, 'root-owned configuration\n');
  return { root: join(root, 'wp'), mu: join(root, 'wp', 'wp-content', 'mu-plugins'), victim };
}

describe('wordpress install', () => {
  it('refuses a symlink planted where the plugin goes, and leaves its target alone', () => {
    const s = site();
    mkdirSync(s.mu);
    symlinkSync(s.victim, join(s.mu, 'authlog-auth-log.php'));
    const before = hash(s.victim);
    const r = install(s.root);
    expect(r.code).toBe(73);
    expect(r.stderr).toMatch(/authlog-auth-log\.php is a symbolic link: refusing to write through it/);
    expect(hash(s.victim)).toBe(before);
    expect(lstatSync(join(s.mu, 'authlog-auth-log.php')).isSymbolicLink()).toBe(true);
    expect(readdirSync(s.mu)).toEqual(['authlog-auth-log.php']);
  });

  it('refuses a mu-plugins that is a link', () => {
    const s = site();
    const elsewhere = join(s.root, '..', 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, s.mu);
    const r = install(s.root);
    expect(r.code).toBe(73);
    expect(r.stderr).toMatch(/mu-plugins is a symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('installs a regular file, replaces its own older copy, and says what it did', () => {
    const s = site();
    const first = install(s.root);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created .*mu-plugins\ninstalled .*authlog-auth-log\.php \(owner \d+:\d+, mode 644\)\n/);
    const target = join(s.mu, 'authlog-auth-log.php');
    writeFileSync(target, 'old');
    const second = install(s.root);
    expect(second.stdout).toMatch(/^replaced .*authlog-auth-log\.php/);
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readFileSync(target)).toEqual(PLUGIN);
    expect(readdirSync(s.mu)).toEqual(['authlog-auth-log.php']);
    expect(second.stdout).toContain(`authlog report /var/log/nginx/ ${s.root}/wp-content/debug.log`);
  });

  it.skipIf(process.getuid?.() !== 0)('as root, gives the file and a new mu-plugins the owner of their directory', () => {
    const s = site();
    chownSync(join(s.root, 'wp-content'), 33, 33);
    const r = install(s.root);
    expect(r.code).toBe(0);
    expect(statSync(s.mu)).toMatchObject({ uid: 33, gid: 33 });
    expect(statSync(join(s.mu, 'authlog-auth-log.php'))).toMatchObject({ uid: 33, gid: 33 });
    expect(r.stdout).toContain('(owner 33:33, mode 644)');
  });
});
