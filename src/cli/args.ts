/**
 * Command-line parsing: node's own parseArgs for the syntax, zod for the values, so every
 * option reaching a command is typed and checked. Bad input becomes one AuthlogError.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { FORMAT_CHOICES } from '../../parsers/index.js';
import { AuthlogError } from '../errors.js';
import { parseZone, type Zone } from '../ingest/zone.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command that reads logs shares. */
export const INGEST_OPTIONS = {
  db: { type: 'string' },
  'log-format': { type: 'string' },
  'nginx-conf': { type: 'string' },
  'apache-conf': { type: 'string' },
  tz: { type: 'string' },
  'keep-all': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  all: { type: 'boolean' },
} as const satisfies OptionSpec;

export function parse(argv: string[], options: OptionSpec): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (e) {
    throw new AuthlogError('bad_option', friendlyParseError(e as Error & { code?: string }));
  }
}

/** One plain line for what node's parseArgs says at length (a stray quote, advice about `--`). */
function friendlyParseError(e: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option} (see --help)`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option ${option.split(' ')[0]} needs a value (see --help)`;
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument (see --help)`;
  return e.message.split('\n')[0];
}

export const ZoneSchema = z.string().transform((s, ctx): Zone => {
  const zone = parseZone(s);
  if (!zone) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${s}" (use an IANA name like Europe/Berlin or an offset like +02:00)` });
    return z.NEVER;
  }
  return zone;
});

export const InputFormatSchema = z.enum(FORMAT_CHOICES);

export const IngestOptionsSchema = z.object({
  db: z.string().min(1).optional(),
  'log-format': z.string().min(1).optional(),
  /** The server's configuration: each access log is read with the format it names. */
  'nginx-conf': z.string().min(1).optional(),
  'apache-conf': z.string().min(1).optional(),
  tz: ZoneSchema.optional(),
  'keep-all': z.boolean().default(false),
  quiet: z.boolean().default(false),
  /** Include clients, users and paths that triage marked as expected or handled. */
  all: z.boolean().default(false),
});

/** Validate with a schema; the first problem becomes a one-line error naming the option. */
export function validate<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? `--${issue.path.join('.')}: ` : '';
  throw new AuthlogError('bad_option', `${where}${issue.message}`);
}
