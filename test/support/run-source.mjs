// Runs a TypeScript entry (e.g. apps/platform/main.ts) in this process through Vite's module runner, the
// #imports resolving to the sources as in vitest.config.ts, so child-process tests exercise the real `main`
// without a build. node_modules stay external (loaded by Node itself: one graphql instance, no alias needed).
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const [entry] = process.argv.slice(2);
const root = fileURLToPath(new URL('../..', import.meta.url));
const vite = await createServer({
  root,
  configFile: false,
  resolve: { conditions: ['ledgerdesk-source', 'node'] },
  ssr: { resolve: { conditions: ['ledgerdesk-source', 'node'] } },
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
});
await createServerModuleRunner(vite.environments.ssr, { hmr: false }).import(entry);
