import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printServedSchema, SCHEMA_SNAPSHOT_FILE } from '#platform-kit';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe(`the served schema equals ${SCHEMA_SNAPSHOT_FILE}`, () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('matches the snapshot at the repository root', () => {
    const snapshot = readFileSync(resolve(import.meta.dirname, '..', SCHEMA_SNAPSHOT_FILE), 'utf8');
    expect(printServedSchema(platform.schema), `the served schema changed: run \`npm run schema:print\` and commit ${SCHEMA_SNAPSHOT_FILE}`).toBe(snapshot);
  });
});
