import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Lives under test/ because the repository's top level is fixed (DESIGN.md).
export default defineConfig({
  root: join(import.meta.dirname, '..'),
  test: {
    include: ['test/**/*.test.ts'],
    // Installs the servers the integration tests start, or fails at once saying how.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI also a JSON report, which .ci/run turns into one "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'build/test-results.json' },
  },
});
