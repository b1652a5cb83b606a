import { defineConfig } from 'vitest/config';

// The fleet suite (npm run test:fleet): ClickHouse through chDB, or CLICKHOUSE_URL.
export default defineConfig({
  test: {
    include: ['fleet/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
