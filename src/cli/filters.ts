/** The --since/--until/--cause/... filters shared by events and report. */
import { z } from 'zod';
import { CauseSchema, TagSchema } from '../classify/vocabulary.js';
import { parseWhen } from '../util/time.js';
import type { Params } from '../store/queries.js';

export const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  cause: { type: 'string' },
  ip: { type: 'string' },
  user: { type: 'string' },
  status: { type: 'string' },
  tag: { type: 'string' },
} as const;

const When = z.string().transform((s, ctx) => {
  const t = parseWhen(s);
  if (t === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a time (use ISO 8601 like 2026-11-27T10:00Z, or 15m, 2h, 7d)` });
    return z.NEVER;
  }
  return t;
});

export const FilterSchema = z.object({
  since: When.optional(),
  until: When.optional(),
  cause: CauseSchema.optional(),
  ip: z.string().optional(),
  user: z.string().optional(),
  status: z.enum(['401', '403']).transform(Number).optional(),
  tag: TagSchema.optional(),
});
export type Filters = z.output<typeof FilterSchema>;

export function filterParams(f: Filters): Params {
  return {
    since: f.since ?? null,
    until: f.until ?? null,
    cause: f.cause ?? null,
    ip: f.ip ?? null,
    user: f.user ?? null,
    status: f.status ?? null,
    tag: f.tag ?? null,
  };
}
