/**
 * Classification rules as data, tried in order; the first that matches gives the verdict.
 * Proven rules need a correlated error-log line stating the cause (or a field of the access
 * line that states it); heuristic rules read what the access log alone shows. Each rule
 * lives with its cause family in src/classify/catalogue/; this is the joined, ordered list.
 */
export { chunkedBytes, REST_NONCE_BODY_BYTES, RULES, WORKED_FOR_MS, type Rule, type RuleWhen } from './catalogue/index.js';
