/**
 * Values an attacker can put into a log (a Basic-auth user name, a path, a user agent), for
 * every output test. Each came from a way in that was tried: `y&/tmp/x/pwn.sh` and
 * `bob$(touch${IFS}PWNED)` ran programs when pasted before quoting existed.
 */
export const HOSTILE: [string, string][] = [
  ['ampersand', 'y&/tmp/x/pwn.sh'],
  ['command substitution', 'bob$(touch${IFS}PWNED)'],
  ['backticks', 'a`touch PWNED`b'],
  ['semicolon', 'x;touch PWNED'],
  ['pipe and redirect', 'x|tee PWNED>PWNED2'],
  ['single quote', "o'brien"],
  ["quote breaking out", "a'; touch PWNED; echo 'b"],
  ['double quote', 'say "hi"'],
  ['glob', '*'],
  ['dash option', '-rf'],
  ['variable', '$HOME${PATH}'],
  ['space', 'two words'],
  ['newline', 'a\ntouch PWNED'],
  ['carriage return', 'a\rb'],
  ['tab', 'a\tb'],
  ['ESC CSI', 'a\u001b[2Jb'],
  ['OSC title', 'a\u001b]0;pwned\u0007b'],
  ['C1 CSI', 'a\u009b31mb'],
  ['bidi override', 'admin\u202egnp.exe'],
  ['NUL', 'a\u0000b'],
  ['DEL', 'a\u007fb'],
  ['unicode', 'jürgen'],
  ['backslash', 'dom\\user'],
  ['braces', '{user}{file}'],
];

/** True when a value can appear on a terminal as it is (no control, escape or bidi code point). */
export function showable(v: string): boolean {
  return !/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(v);
}
