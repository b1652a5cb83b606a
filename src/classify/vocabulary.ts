/** The closed vocabularies shared by SQL, JSON, CSV, text reports and the TUI. */
import { z } from 'zod';
import { CAUSES, type Cause } from './catalogue/index.js';

/** The causes come from the catalogue (src/classify/catalogue/): one home for each. */
export { CAUSES, CAUSES_401, CAUSES_403, type Cause } from './catalogue/index.js';
export const CauseSchema = z.enum(CAUSES as unknown as readonly [Cause, ...Cause[]]);

export const CONFIDENCES = ['proven', 'heuristic'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const LAYERS = ['nginx', 'apache', 'lighttpd', 'iis', 'haproxy', 'traefik', 'wordpress', 'app', 'unknown'] as const;
export type Layer = (typeof LAYERS)[number];

export const TAGS = [
  'challenge', 'monitor', 'automation', 'brute_force', 'previously_ok',
  // symptoms behind confusing 401s
  'no_www_authenticate', 'plain_http', 'intermittent', 'proxy_strip_suspect',
] as const;
export const TagSchema = z.enum(TAGS);
export type Tag = z.infer<typeof TagSchema>;

/** Tags that mark a request as expected noise rather than a real failure. */
export const BENIGN_TAGS: readonly Tag[] = ['challenge', 'monitor'];

export interface Evidence {
  file: string | null;
  line: number | null;
  text: string;
}

export interface Verdict {
  cause: Cause;
  confidence: Confidence;
  layer: Layer;
  rule: string;
  tags: Tag[];
  evidence: Evidence[];
  fix: string;
}
