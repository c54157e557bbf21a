import { describe, expect, it } from 'vitest';
import { badUserInput } from '#contracts';
import { openTestPglite } from '../../event-store/testing/test-pglite.js';
import { SqlEventStore } from '../../event-store/sql/sql-event-store.js';
import { executeCommand, executeCommands, type Decider } from './decider.js';

// A counter that refuses to go past 3: enough to see decisions, conflicts and refusals per stream.
type Event = { type: 'Added'; data: { by: number } };
const counter: Decider<{ add: number }, { total: number }, Event> = {
  initialState: { total: 0 },
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (state.total + command.add > 3) throw badUserInput('over 3');
    return command.add === 0 ? [] : [{ type: 'Added', data: { by: command.add } }];
  },
};
const actor = { id: 'tester', role: 'ADMIN' as const };
const now = new Date('2026-03-02T02:00:00Z');

describe('executeCommands', () => {
  it('decides each command on its stream as read, appends them together, and decides a moved stream again alone', async () => {
    const store = await SqlEventStore.open(await openTestPglite());
    const streams = ['counter-a', 'counter-b', 'counter-c', 'counter-d', 'counter-e'];
    for (const stream of streams) await executeCommand(store, stream, counter, { add: 1 }, { actor, now });
    const read = await store.readStreams(streams);
    // Stream b moves after the caller read it: its command is decided again on what is there now.
    await executeCommand(store, 'counter-b', counter, { add: 1 }, { actor, now });
    const outcomes = await executeCommands(store, counter, [
      { stream: 'counter-a', command: { add: 2 }, context: { actor, now, recorded: read.get('counter-a') } },
      { stream: 'counter-b', command: { add: 1 }, context: { actor, now, recorded: read.get('counter-b') } },
      { stream: 'counter-c', command: { add: 3 }, context: { actor, now, recorded: read.get('counter-c') } },
      { stream: 'counter-d', command: { add: 0 }, context: { actor, now, recorded: read.get('counter-d') } },
      { stream: 'counter-e', command: { add: 1 }, context: { actor, now } },
      { stream: 'counter-new', command: { add: 1 }, context: { actor, now } },
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? [o.value.state.total, o.value.version, o.value.appended !== null] : (o.reason as Error).message))).toEqual([
      [3, 1, true],
      [3, 2, true],
      'over 3',
      [1, 0, false],
      [2, 1, true],
      [1, 0, true],
    ]);
    expect((await store.readStream('counter-b')).map((e) => (e.data as { by: number }).by)).toEqual([1, 1, 1]);
    expect(await store.readStream('counter-c')).toHaveLength(1);
    for (const stream of [...streams, 'counter-new']) expect((await store.verifyStream(stream)).valid).toBe(true);
    await store.close();
  });
});
