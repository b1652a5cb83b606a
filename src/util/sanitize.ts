/**
 * The one gate between log text and a terminal: log lines are attacker-controlled, so every
 * escape sequence (strip-ansi's CSI/OSC grammar) and then every remaining control character
 * (lone ESC, C1 controls, DEL, bidi overrides that reorder what the operator reads) is
 * removed before display. Panels and text reports accept only this function's output.
 */
import cliTruncate from 'cli-truncate';
import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';

const C1_SEQUENCE = /\u009b[0-?]*[ -/]*[@-~]|[\u009d\u0090\u0098\u009e\u009f][^\u0007\u009c]*[\u0007\u009c]?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export type SafeText = string & { readonly __safe: unique symbol };

/** Strip escapes and controls; tabs and newlines become spaces so a value stays on one line. */
export function sanitize(text: string | null | undefined): SafeText {
  if (text === null || text === undefined) return '' as SafeText;
  return stripAnsi(text).replace(C1_SEQUENCE, '').replace(/[\t\n\r]/g, ' ').replace(CONTROL, '') as SafeText;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML reports: sanitised, then entity-escaped. */
export function escapeHtml(text: string | null | undefined): string {
  return sanitize(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Cut safe text to `width` terminal columns (wide characters count two) with an ellipsis. */
export function truncate(text: SafeText, width: number): SafeText {
  return (width <= 0 ? '' : cliTruncate(text, width)) as SafeText;
}

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Pad safe text to `width` columns (after truncating to it). */
export function fit(text: SafeText, width: number, align: 'left' | 'right' = 'left'): SafeText {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return (align === 'left' ? cut + pad : pad + cut) as SafeText;
}
