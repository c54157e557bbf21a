import { defineConfig } from 'vitest/config';

// `ledgerdesk-source` makes the package.json "imports" map (#event-store, #calendar, …) resolve to the
// TypeScript sources in tests; the compiled platform resolves the same specifiers to dist/.
export default defineConfig({
  resolve: { conditions: ['ledgerdesk-source', 'node'] },
  ssr: { resolve: { conditions: ['ledgerdesk-source', 'node'] } },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
