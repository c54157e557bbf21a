import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, printServedSchema, SCHEMA_SNAPSHOT_FILE, startLedgerdesk } from '#platform-kit';

// `npm run schema:print`: boots the whole platform on a throwaway in-memory store and writes the schema it
// serves to schema.graphql (test/schema.spec.ts fails while the two differ).
const root = join(import.meta.dirname, '../..');
const config = loadConfig({
  PORT: '0',
  LEDGERDESK_DATA_DIR: 'memory://',
  LEDGERDESK_JWT_SECRET: randomBytes(32).toString('base64url'),
  LEDGERDESK_CLOCK: 'manual',
});
const { app } = await startLedgerdesk('schema', PLATFORM_CONTEXTS, config, createLogger('silent'));
try {
  const path = join(root, SCHEMA_SNAPSHOT_FILE);
  writeFileSync(path, printServedSchema(app.get(GraphQLSchemaHost).schema));
  process.stdout.write(`schema: wrote ${path}\n`);
} finally {
  await app.close();
}
