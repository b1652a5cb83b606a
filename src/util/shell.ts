/**
 * The one way log text becomes part of a command authlog suggests. Operators paste these
 * commands into a root shell, and every value in them comes from someone on the internet:
 * each value is quoted for POSIX sh, and a value that cannot be shown as it is (controls,
 * newlines, escapes, bidi overrides) is replaced by a placeholder the operator fills in.
 *
 * Templates are written as shell text by us; `{name}` marks a slot, `{name:re}` a slot inside
 * a grep pattern (regex characters escaped). A word of the template that holds a slot is
 * rebuilt as one quoted argument, so a slot cannot split, extend or end its word.
 */
import { sanitize } from './sanitize.js';

/** Characters that never mean anything to sh, so a word made only of them needs no quotes. */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX sh quoting: bare when inert, else single quotes with `'\''` for a quote. */
export function shellQuote(value: string): string {
  if (BARE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** True when the value reads the same on a terminal as in the shell: nothing to strip, one line. */
export function isShowable(value: string): boolean {
  return sanitize(value) === value && !/[\t\n\r\0]/.test(value);
}

/** A basic (and extended) regular expression matching the text literally. */
export function regexEscape(value: string): string {
  return value.replace(/[\\.[\]*^$+?(){}|]/g, (c) => `\\${c}`);
}

/** A value for a slot: what the log said, and the placeholder to show when it cannot be shown. */
export interface Slot {
  value: string | null | undefined;
  placeholder: string;
  /** How the note names it: "the logged user name". */
  what: string;
}

export interface Rendered {
  text: string;
  /** One sentence per value replaced by its placeholder. */
  notes: string[];
}

type Part = { literal: string } | { slot: string; re: boolean };
interface Word {
  raw: string;
  parts: Part[];
}

const SLOT = /^\{(\w+)(:re)?\}/;

/**
 * Cut template text into shell words (whitespace outside quotes separates them; `|`, `;`, `&`,
 * `<`, `>` are written spaced in our templates). Quotes are kept in `raw` and removed in
 * `parts`, as sh would, so a slot inside '...' still becomes part of one argument.
 */
function words(template: string): (Word | string)[] {
  const out: (Word | string)[] = [];
  let i = 0;
  while (i < template.length) {
    if (/\s/.test(template[i])) {
      let j = i;
      while (j < template.length && /\s/.test(template[j])) j++;
      out.push(template.slice(i, j));
      i = j;
      continue;
    }
    const start = i;
    const parts: Part[] = [];
    let literal = '';
    let quote: "'" | '"' | null = null;
    while (i < template.length && (quote !== null || !/\s/.test(template[i]))) {
      const c = template[i];
      // Slots are found inside quotes too: the template is ours, the word is rebuilt whole.
      const slot = SLOT.exec(template.slice(i));
      if (slot) {
        if (literal) parts.push({ literal });
        literal = '';
        parts.push({ slot: slot[1], re: slot[2] !== undefined });
        i += slot[0].length;
      } else if (quote === null && (c === "'" || c === '"')) {
        quote = c;
        i++;
      } else if (quote !== null && c === quote) {
        quote = null;
        i++;
      } else if (c === '\\' && quote !== "'" && i + 1 < template.length) {
        literal += template[i + 1];
        i += 2;
      } else {
        literal += c;
        i++;
      }
    }
    if (literal) parts.push({ literal });
    out.push({ raw: template.slice(start, i), parts });
  }
  return out;
}

function noteFor(slot: Slot): string {
  return `${slot.what} holds characters that cannot be shown safely: put it in place of ${slot.placeholder}`;
}

/**
 * Fill a command template: each word holding a slot becomes one sh-quoted argument; words
 * without slots are our own text and stay as written. Unknown slots stay as `{name}`.
 */
export function renderCommand(template: string, slots: Record<string, Slot>): Rendered {
  const notes = new Set<string>();
  const text = words(template)
    .map((w) => {
      if (typeof w === 'string') return w;
      if (!w.parts.some((p) => 'slot' in p && Object.hasOwn(slots, p.slot))) return w.raw;
      const arg = w.parts
        .map((p) => {
          if ('literal' in p) return p.literal;
          if (!Object.hasOwn(slots, p.slot)) return `{${p.slot}}`;
          const s = slots[p.slot];
          const v = s.value ?? '';
          if (v === '' || !isShowable(v)) {
            if (v !== '') notes.add(noteFor(s));
            return s.placeholder;
          }
          return p.re ? regexEscape(v) : v;
        })
        .join('');
      return shellQuote(arg);
    })
    .join('');
  return { text, notes: [...notes] };
}

/**
 * Fill a fix text: prose slots take the value as text (sanitised where it is shown); a
 * command written between backticks in the template is rendered by renderCommand and shown
 * without the backticks, so what the operator copies is exactly the quoted command.
 */
export function renderFix(template: string, slots: Record<string, Slot>): string {
  const notes = new Set<string>();
  // One pass over both kinds of slot, so a value is never read again as a template.
  const text = template.replace(/`([^`]*)`|\{(\w+)\}/g, (m, cmd: string | undefined, k: string | undefined) => {
    if (cmd !== undefined) {
      const r = renderCommand(cmd, slots);
      r.notes.forEach((n) => notes.add(n));
      return r.text;
    }
    if (!Object.hasOwn(slots, k!)) return m;
    const v = slots[k!].value;
    return v === null || v === undefined || v === '' ? slots[k!].placeholder : v;
  });
  return notes.size ? `${text} (Note: ${[...notes].join('; ')}.)` : text;
}
