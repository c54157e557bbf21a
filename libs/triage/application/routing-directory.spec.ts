import { describe, expect, it } from 'vitest';
import type { SqlClient } from '#event-store';
import { TicketsQueries } from './tickets.queries.js';

/**
 * Routing counts the assignments it recorded itself on top of what `triage.tickets` shows at its checkpoint,
 * so that routing the next ticket need not wait for the read model (issue 11's reaction lag).
 */
describe('routing directory counts', () => {
  /** A read model whose checkpoint the test moves; engineers e1 and e2 in APAC with `open` unresolved tickets. */
  function readModel(state: { checkpoint: string; open: Record<string, number> }): SqlClient {
    const query = async (sql: string) => {
      if (sql.includes('FROM triage.tickets'))
        return [{ checkpoint: state.checkpoint, assignee_id: null, open_tickets: null }, ...Object.entries(state.open).map(([id, n]) => ({ checkpoint: state.checkpoint, assignee_id: id, open_tickets: n }))];
      return ['e1', 'e2'].map((id) => ({ region: 'APAC', tam_id: null, checkpoint: state.checkpoint, id, role: 'ENGINEER', regions: ['APAC'], skills: [], calendar: null }));
    };
    return { kind: 'postgres', query } as unknown as SqlClient;
  }
  const openTickets = async (queries: TicketsQueries) =>
    Object.fromEntries((await queries.routingDirectory('acc')).engineers.map((engineer) => [engineer.id, engineer.openTickets]));

  it('adds routed assignments the checkpoint does not include yet, and stops once it does', async () => {
    const state = { checkpoint: '10/0', open: { e1: 1 } as Record<string, number> };
    const queries = new TicketsQueries(readModel(state));
    expect(await openTickets(queries)).toEqual({ e1: 1, e2: 0 });

    queries.noteRoutedAssignment('e2', { commit: 11n, prepare: 0n });
    queries.noteRoutedAssignment('e2', { commit: 12n, prepare: 0n });
    expect(await openTickets(queries)).toEqual({ e1: 1, e2: 2 });

    // The read model applied the first of them: counted once, not twice.
    state.checkpoint = '11/0';
    state.open = { e1: 1, e2: 1 };
    expect(await openTickets(queries)).toEqual({ e1: 1, e2: 2 });

    // Both applied, and one of e2's tickets resolved meanwhile: the read model alone.
    state.checkpoint = '12/0';
    state.open = { e1: 1, e2: 1 };
    expect(await openTickets(queries)).toEqual({ e1: 1, e2: 1 });
  });
});
