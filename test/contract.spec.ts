import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PATH, CONTRACT_PRESENT, contractGaps, readPending } from './support/contract-check.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// The shared contract sits beside the repository only in the workplace that wrote it; a bare clone skips this.
describe.skipIf(!CONTRACT_PRESENT)(`the served schema keeps ../shared/CONTRACT.graphql${CONTRACT_PRESENT ? '' : ` (skipped: no contract at ${CONTRACT_PATH})`}`, () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('has no breaking change against the contract beyond test/contract-pending.txt, which lists nothing that exists', () => {
    const pending = readPending();
    expect(new Set(pending).size, 'test/contract-pending.txt lists an entry twice').toBe(pending.length);
    const { unlisted, stale } = contractGaps(platform.schema);
    expect(unlisted, 'breaking changes against the contract that are not listed as pending').toEqual([]);
    expect(stale, 'pending entries for things that now exist: delete these lines').toEqual([]);
  });
});
