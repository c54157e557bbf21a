import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BreakingChangeType, buildSchema, findBreakingChanges, type BreakingChange } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const CONTRACT_PATH = resolve(import.meta.dirname, '../../shared/CONTRACT.graphql');
const PENDING_PATH = resolve(import.meta.dirname, 'contract-pending.txt');

/** One line per missing piece: `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`, else graphql-js's words. */
export function pendingEntry(change: BreakingChange): string {
  const description = change.description.replace(/\.$/, '');
  let match: RegExpExecArray | null;
  if (change.type === BreakingChangeType.TYPE_REMOVED || change.type === BreakingChangeType.FIELD_REMOVED) {
    if ((match = /^(\S+) was removed$/.exec(description))) return match[1]!;
  }
  if (change.type === BreakingChangeType.VALUE_REMOVED_FROM_ENUM) {
    if ((match = /^(\S+) was removed from enum type (\S+)$/.exec(description))) return `${match[2]}.${match[1]}`;
  }
  if (change.type === BreakingChangeType.ARG_REMOVED) {
    if ((match = /^(\S+) arg (\S+) was removed$/.exec(description))) return `${match[1]}(${match[2]})`;
  }
  return description;
}

function readPending(): string[] {
  return readFileSync(PENDING_PATH, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

// The shared contract sits beside the repository only in the workplace that wrote it; a bare clone skips this.
const CONTRACT_PRESENT = existsSync(CONTRACT_PATH);

describe.skipIf(!CONTRACT_PRESENT)(`the served schema keeps ../shared/CONTRACT.graphql${CONTRACT_PRESENT ? '' : ` (skipped: no contract at ${CONTRACT_PATH})`}`, () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('has no breaking change against the contract beyond test/contract-pending.txt, which lists nothing that exists', () => {
    const contract = buildSchema(readFileSync(CONTRACT_PATH, 'utf8'));
    const missing = findBreakingChanges(contract, platform.schema).map(pendingEntry).sort();
    const pending = readPending();
    expect(new Set(pending).size, 'test/contract-pending.txt lists an entry twice').toBe(pending.length);
    const unlisted = missing.filter((entry) => !pending.includes(entry));
    const stale = pending.filter((entry) => !missing.includes(entry));
    expect(unlisted, 'breaking changes against the contract that are not listed as pending').toEqual([]);
    expect(stale, 'pending entries for things that now exist: delete these lines').toEqual([]);
  });
});
