import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BreakingChangeType, buildSchema, findBreakingChanges, type BreakingChange, type GraphQLSchema } from 'graphql';

// The contract check, for the monolith's schema (test/contract.spec.ts) and the gateway's composed one: what of
// ../shared/CONTRACT.graphql a schema lacks beyond test/contract-pending.txt, and pending entries that now exist.

export const CONTRACT_PATH = resolve(import.meta.dirname, '../../../shared/CONTRACT.graphql');
const PENDING_PATH = resolve(import.meta.dirname, '../contract-pending.txt');
/** The shared contract sits beside the repository only in the workplace that wrote it; a bare clone skips. */
export const CONTRACT_PRESENT = existsSync(CONTRACT_PATH);

/** One line per missing piece: `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`, else graphql-js's words. */
function pendingEntry(change: BreakingChange): string {
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

/** test/contract-pending.txt: what of the contract is knowingly not served yet, one entry per line. */
export function readPending(): string[] {
  return readFileSync(PENDING_PATH, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** What of the contract `schema` lacks beyond the pending list (`unlisted`), and pending entries it now has (`stale`). */
export function contractGaps(schema: GraphQLSchema): { unlisted: string[]; stale: string[] } {
  const contract = buildSchema(readFileSync(CONTRACT_PATH, 'utf8'));
  const missing = findBreakingChanges(contract, schema).map(pendingEntry).sort();
  const pending = readPending();
  return { unlisted: missing.filter((entry) => !pending.includes(entry)), stale: pending.filter((entry) => !missing.includes(entry)) };
}
