import { defineConfig } from 'vitest/config';

// The real-server lab (npm run test:lab): needs root or the servers installed; see lab/.
export default defineConfig({
  test: {
    include: ['lab/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
