import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommand, renderFix, shellQuote, type Slot } from '../../src/util/shell.js';
import { stubShell, useTempDir } from '../helpers.js';
import { HOSTILE, showable } from '../hostile.js';

const tmp = useTempDir();
const slots = (user: string, file = '/etc/nginx/.htpasswd'): Record<string, Slot> => ({
  user: { value: user, placeholder: 'USER', what: 'the logged user name' },
  file: { value: file, placeholder: 'FILE', what: 'the logged file name' },
  ip: { value: '192.0.2.1', placeholder: 'IP', what: 'the client' },
});

describe('shellQuote', () => {
  it.each([
    ['bob', 'bob'],
    ['/etc/nginx/.htpasswd', '/etc/nginx/.htpasswd'],
    ['', "''"],
    ["o'brien", `'o'\\''brien'`],
    ['a b', "'a b'"],
    ['$(x)', "'$(x)'"],
  ])('%j -> %s', (value, quoted) => expect(shellQuote(value)).toBe(quoted));
});

describe('suggested commands with hostile values', () => {
  it.each(HOSTILE)('%s: each stub sees the value as one argument, nothing else runs', (_, value) => {
    const dir = tmp();
    const sh = stubShell(dir);
    const cmd = renderCommand("htpasswd -v {file} {user} ; grep -c ^{user:re}: {file} ; grep '^{ip:re} ' x.log", slots(value));
    const r = sh.run(cmd.text);
    expect(r.stderr).toBe('');
    const user = showable(value) && value !== '' ? value : 'USER';
    expect(cmd.notes.length).toBe(user === 'USER' ? 1 : 0);
    expect(r.calls[0]).toEqual(['htpasswd', '-v', '/etc/nginx/.htpasswd', user]);
    expect(r.calls[1][0]).toBe('grep');
    expect(r.calls[1].slice(1, 3)).toEqual(['-c', `^${user.replace(/[\\.[\]*^$+?(){}|]/g, (c) => `\\${c}`)}:`]);
    expect(r.calls[2]).toEqual(['grep', '^192\\.0\\.2\\.1 ', 'x.log']);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  it('a hostile file name is quoted as well', () => {
    const sh = stubShell(tmp());
    const r = sh.run(renderCommand('ls -l {file}', slots('bob', '/tmp/$(id)')).text);
    expect(r.calls).toEqual([['ls', '-l', '/tmp/$(id)']]);
  });
});

describe('renderFix', () => {
  it('quotes the command between backticks and keeps the prose', () => {
    const text = renderFix('User "{user}" is not in {file}: add it (`htpasswd {file} {user}`).', slots('y&/tmp/x/pwn.sh'));
    expect(text).toBe(`User "y&/tmp/x/pwn.sh" is not in /etc/nginx/.htpasswd: add it (htpasswd /etc/nginx/.htpasswd 'y&/tmp/x/pwn.sh').`);
  });

  it('a value is never read again as a template', () => {
    const text = renderFix('"{user}" (`htpasswd {file} {user}`)', slots('{file}', "/x'y"));
    expect(text).toBe(`"{file}" (htpasswd '/x'\\''y' '{file}')`);
  });

  it('a value that cannot be shown becomes a placeholder with a note', () => {
    const text = renderFix('reset it (`htpasswd {file} {user}`)', slots('a\u001b]0;x\u0007'));
    expect(text).toBe('reset it (htpasswd /etc/nginx/.htpasswd USER) (Note: the logged user name holds characters that cannot be shown safely: put it in place of USER.)');
  });
});
