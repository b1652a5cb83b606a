/**
 * Decides, for each input, which parser reads it and where reading starts: a known content
 * fingerprint (the file read before, perhaps under another name after rotation) resumes
 * where the last run stopped; an unchanged file is skipped without reading.
 */
import { createHash } from 'node:crypto';
import { customAccessParser, detectFormat, fitsLines, parserFor, type FormatChoice, type LogParser, type ParseContext, type ParserOptions } from '../../parsers/index.js';
import type { ConfiguredFormat } from './server-conf.js';

/** The parser of a configured format; null when it lacks what authlog needs (detection reads the file then). */
function configuredParser(conf: ConfiguredFormat): LogParser | null {
  try {
    return customAccessParser(conf.format, conf.origin);
  } catch {
    return null;
  }
}
import type { OpenedInput } from '../read/open.js';
import type { Db } from '../store/db.js';
import { fingerprintLengths, followerOf, sourceByFingerprint, sourceByPath, type SourceRow } from '../store/sources.js';

export const FINGERPRINT_BYTES = 1024;

/**
 * `conflict`: another authlog process read the same lines at the same time and committed
 * first. `followed`: an authlog follow process (pid in `followedBy`) reads this source.
 */
export type PlanStatus = 'read' | 'unchanged' | 'unrecognised' | 'empty' | 'conflict' | 'followed';

export interface SourcePlan {
  input: OpenedInput;
  status: PlanStatus;
  parser: LogParser | null;
  existing: SourceRow | null;
  fingerprint: string;
  fpLen: number;
  followedBy?: number;
}

export function fingerprintOf(head: Buffer, length: number): string {
  return createHash('sha1').update(head.subarray(0, length)).digest('hex');
}

function headLines(head: Buffer): string[] {
  const text = head.toString('utf8');
  const lines = text.split('\n');
  if (head.length >= FINGERPRINT_BYTES && lines.length > 1) lines.pop(); // likely cut mid-line
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function findExisting(db: Db, head: Buffer): SourceRow | null {
  for (const len of fingerprintLengths(db)) {
    if (len > head.length) continue;
    const row = sourceByFingerprint(db, fingerprintOf(head, len), len);
    if (row) return row;
  }
  return null;
}

function unchanged(input: OpenedInput, row: SourceRow | undefined): boolean {
  const st = input.stat;
  return !!st && !!row && row.dev === st.dev && row.ino === st.ino && row.size === st.size && row.mtime_ms === Math.floor(st.mtimeMs) && row.offset > 0;
}

/**
 * Just before reading: the source may have been created since planning, by an identical
 * copy read earlier in this run (read once, not twice) or by another process.
 */
export function refreshExisting(db: Db, plan: SourcePlan): void {
  if (plan.existing === null && plan.input.head.length > 0) plan.existing = findExisting(db, plan.input.head);
}

/**
 * A preset read a log whose lines go on after the format ends (a custom log_format read
 * without --log-format): those fields are kept as `tail` but not read, and the verdicts lose
 * what they say ($upstream_status, the challenge sent). Say so rather than stay silent.
 */
export function unreadFieldsWarning(plan: SourcePlan, ctx: ParseContext): string | null {
  if (plan.status !== 'read' || !plan.parser || plan.parser.family !== 'access') return null;
  let accepted = 0;
  let withTail = 0;
  let example = '';
  for (const line of headLines(plan.input.head)) {
    const res = plan.parser.parse(line, ctx);
    if (!res.ok || res.record.kind !== 'access') continue;
    accepted++;
    const tail = res.record.extra.tail;
    if (tail !== undefined && tail.trim() !== '') {
      withTail++;
      if (!example) example = tail.length > 60 ? `${tail.slice(0, 60)}…` : tail;
    }
  }
  if (accepted === 0 || withTail * 2 < accepted) return null;
  return `${plan.input.name}: its lines go on after the ${plan.parser.variant} format ("${example}"), fields authlog keeps but cannot read: pass the log_format from nginx.conf with --log-format to read them`;
}

export function planSource(
  db: Db,
  input: OpenedInput,
  choice: FormatChoice,
  parserOptions: ParserOptions,
  ctx: ParseContext,
  /** Following a file: even an unchanged one is opened, to read what comes next. */
  follow = false,
  /** The format the server's configuration gives this file, if any (see server-conf.ts). */
  configured: ((file: string) => ConfiguredFormat | null) | null = null,
): SourcePlan {
  const fpLen = Math.min(FINGERPRINT_BYTES, input.head.length);
  const fingerprint = fingerprintOf(input.head, fpLen);
  const base = { input, fingerprint, fpLen };
  if (input.head.length === 0) return { ...base, status: 'empty', parser: null, existing: null };
  if (!follow && input.stat && unchanged(input, sourceByPath(db, input.name))) {
    return { ...base, status: 'unchanged', parser: null, existing: sourceByPath(db, input.name) ?? null };
  }
  const existing = findExisting(db, input.head);
  const followedBy = !follow && existing ? followerOf(db, existing) : null;
  if (followedBy !== null) return { ...base, status: 'followed', parser: null, existing, followedBy };
  const conf = choice === 'auto' && !parserOptions.logFormat && configured ? configured(input.name) : null;
  // A configured format must fit the lines too (a `$host.log` pattern also names error.log).
  const fromConf = conf ? configuredParser(conf) : null;
  const parser = (fromConf && fitsLines(fromConf, headLines(input.head), ctx) ? fromConf : null) ?? (choice === 'auto' ? detectFormat(headLines(input.head), ctx, parserOptions) : parserFor(choice, parserOptions));
  if (!parser) return { ...base, status: 'unrecognised', parser: null, existing };
  return { ...base, status: 'read', parser, existing };
}
