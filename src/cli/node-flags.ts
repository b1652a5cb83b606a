/**
 * V8 heap limits authlog runs with: a small young generation and a capped old one make V8
 * collect early, which keeps peak memory near 150 MB whatever the log size (measured on
 * the 1M-line bench: 288 → 142 MB peak; 5M lines: 401 → ~150 MB; 5-10% more time). The bin's shebang
 * (src/cli/main.ts) carries the same flags; a test keeps the two equal.
 */
export const NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=160'];
