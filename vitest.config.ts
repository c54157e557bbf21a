import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// `ledgerdesk-source` makes the package.json "imports" map (#event-store, #calendar, …) resolve to the
// TypeScript sources in tests; the compiled platform resolves the same specifiers to dist/.
// `graphql` is pinned to the file Node itself loads: Vite would otherwise pick its "module" build, and
// NestJS (loaded by Node) would see two graphql instances and reject our scalars.
export default defineConfig({
  resolve: {
    conditions: ['ledgerdesk-source', 'node'],
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  ssr: { resolve: { conditions: ['ledgerdesk-source', 'node'] } },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
