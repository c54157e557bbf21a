import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, startLedgerdesk, TokenService } from '#platform-kit';
import { TEST_JWT_SECRET } from './support/test-platform.js';

describe('the manual clock across restarts on a PGlite data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-clock-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(clockStart?: string) {
    const config = loadConfig({
      PORT: '0',
      LEDGERDESK_DATA_DIR: dataDir,
      LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET,
      LEDGERDESK_CLOCK: 'manual',
      ...(clockStart ? { LEDGERDESK_CLOCK_START: clockStart } : {}),
    });
    const started = await startLedgerdesk('clock-test', PLATFORM_CONTEXTS, config, createLogger('silent'));
    const admin = await started.app.get(TokenService).sign({ id: 'admin', role: 'ADMIN', accountId: null });
    const gql = async (query: string) => {
      const response = await fetch(`http://127.0.0.1:${started.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, unknown> };
    };
    return { gql, close: () => started.close() };
  }

  it('resumes at the latest instant reached and refuses an earlier LEDGERDESK_CLOCK_START', async () => {
    const first = await start('2026-03-06T00:00:00Z');
    expect((await first.gql('mutation { advanceClock(to: "2026-03-06T01:10:00Z") }')).data).toEqual({ advanceClock: '2026-03-06T01:10:00.000Z' });
    await first.close();

    const resumed = await start();
    expect((await resumed.gql('{ now }')).data).toEqual({ now: '2026-03-06T01:10:00.000Z' });
    await resumed.close();

    await expect(start('2026-03-06T00:00:00Z')).rejects.toThrow(
      'LEDGERDESK_CLOCK_START: 2026-03-06T00:00:00.000Z is earlier than 2026-03-06T01:10:00.000Z, the instant this data’s manual clock has already reached',
    );

    // A later start is a jump forward, and is what the next restart resumes from.
    const later = await start('2026-03-07T00:00:00Z');
    expect((await later.gql('{ now }')).data).toEqual({ now: '2026-03-07T00:00:00.000Z' });
    await later.close();
    const again = await start();
    expect((await again.gql('{ now }')).data).toEqual({ now: '2026-03-07T00:00:00.000Z' });
    await again.close();
    // Five PGlite starts on a real data directory: ~12 s alone, far more on a busy shared machine.
  }, 240_000);
});
