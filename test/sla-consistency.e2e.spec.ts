import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSlaConsistency, slaStatus, type SlaPolicy } from '#sla';
import type { TicketEvent } from '#contracts';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

type Step =
  | { kind: 'open'; severity: 'P0' | 'P1' | 'P2' | 'P3' }
  | { kind: 'reply' | 'ask' | 'answer' | 'internal' | 'resolve' | 'reopen' | 'close'; ticket: number }
  | { kind: 'assess'; ticket: number; severity: 'P0' | 'P1' | 'P2' | 'P3' }
  | { kind: 'wait'; minutes: number };

const severity = fc.constantFrom('P0' as const, 'P1' as const, 'P2' as const, 'P3' as const);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), severity }),
  fc.record({ kind: fc.constantFrom('reply' as const, 'ask' as const, 'answer' as const, 'internal' as const, 'resolve' as const, 'reopen' as const, 'close' as const), ticket: fc.nat(7) }),
  fc.record({ kind: fc.constant('assess' as const), ticket: fc.nat(7), severity }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 600 }) }),
);

describe.each(TEST_BACKENDS)('the SLA read model equals the pure engine after a random workload (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-03-02T01:00:00Z' });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('after every random workload, every stored status is what the log says', async () => {
    let now = Date.parse('2026-03-02T01:00:00Z');
    await fc.assert(
      // Every run opens a ticket first: a run of only waits and replies would check nothing (and, as the first
      // run, leave the later tests without rows).
      fc.asyncProperty(severity.chain((first) => fc.array(step, { minLength: 5, maxLength: 30 }).map((rest): Step[] => [{ kind: 'open', severity: first }, ...rest])), async (steps) => {
        const tickets: string[] = [];
        for (const s of steps) {
          if (s.kind === 'open') {
            const opened = await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: s.severity } }, customer));
            tickets.push(opened.openTicket.id);
            continue;
          }
          if (s.kind === 'wait') {
            now += s.minutes * 60_000;
            await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(now).toISOString() }, admin));
            continue;
          }
          const id = tickets[s.ticket % Math.max(1, tickets.length)];
          if (!id) continue;
          const mutation = {
            reply: ['mutation($id: ID!) { addReply(ticketId: $id, body: "update") { id } }', engineer],
            internal: ['mutation($id: ID!) { addReply(ticketId: $id, body: "note", visibility: INTERNAL) { id } }', engineer],
            ask: ['mutation($id: ID!) { requestInformation(ticketId: $id, body: "logs?") { id } }', engineer],
            answer: ['mutation($id: ID!) { addReply(ticketId: $id, body: "here") { id } }', customer],
            resolve: ['mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "done") { id } }', engineer],
            reopen: ['mutation($id: ID!) { reopenTicket(ticketId: $id, reason: "again") { id } }', customer],
            close: ['mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', engineer],
            assess: [`mutation($id: ID!) { assessSeverity(ticketId: $id, severity: ${'severity' in s ? s.severity : 'P2'}, reason: "triage") { id } }`, engineer],
          }[s.kind] as [string, string];
          // Refusals (a reply on a closed ticket, reopening an open one) are part of a random workload.
          await platform.gql(mutation[0], { id }, mutation[1]);
        }
        await platform.runtime.settleAll();
        const { checked, mismatches } = await checkSlaConsistency(platform.runtime.store, platform.runtime.readDb);
        expect(mismatches).toEqual([]);
        expect(checked).toBeGreaterThan(0);

        // And what a query serves now equals the engine over the log now.
        for (const id of tickets) {
          const served = (await mustData(platform.gql('query($id: ID!) { ticket(id: $id) { sla { severity breached nextDueAt clocks { metric cycle state dueAt elapsedMinutes pausedMinutes breachedAt } } } }', { id }, admin))).ticket.sla;
          const events = (await platform.runtime.store.readStream(`ticket-${id}`)) as unknown as TicketEvent[];
          const pinned = (await platform.runtime.store.readStream(`sla-${id}`))[0]!.data as SlaPolicy & { contract: any };
          const expected = slaStatus(events, pinned, new Date(now));
          expect(served.severity).toBe(expected.severity);
          expect(served.breached).toBe(expected.breached);
          expect(served.clocks.map((c: any) => [c.metric, c.cycle, c.state, c.dueAt, c.elapsedMinutes, c.pausedMinutes, c.breachedAt])).toEqual(
            expected.clocks.map((c) => [c.metric, c.cycle, c.state, c.dueAt?.toISOString() ?? null, c.elapsedMinutes, c.pausedMinutes, c.breachedAt?.toISOString() ?? null]),
          );
        }
      }),
      { numRuns: 15 },
    );
  }, 240_000);

  it('rebuilding every projection from the log gives the same rows as the live run', async () => {
    const snapshot = async () => {
      const tables = await platform.runtime.readDb.query<{ name: string }>(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
         WHERE table_schema IN ('accounts', 'triage', 'intake', 'sla') AND table_name <> 'slack_threads' ORDER BY 1`,
      );
      const rows: Record<string, string[]> = {};
      for (const { name } of tables) {
        const result = await platform.runtime.readDb.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
        rows[name] = result.map((r) => r.row).sort();
      }
      return rows;
    };
    await platform.runtime.settleAll();
    const live = await snapshot();
    expect(Object.values(live).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(20);
    for (const name of platform.runtime.projectionRunner.names) await platform.runtime.projectionRunner.rebuild(name);
    expect(await snapshot()).toEqual(live);
  });

  it('reports a read-model row that no longer matches the log', async () => {
    const [row] = await platform.runtime.readDb.query<{ ticket_id: string }>('SELECT ticket_id FROM sla.ticket_sla WHERE status IS NOT NULL LIMIT 1');
    await platform.runtime.readDb.query(`UPDATE sla.ticket_sla SET breached = NOT breached WHERE ticket_id = $1`, [row!.ticket_id]);
    const { mismatches } = await checkSlaConsistency(platform.runtime.store, platform.runtime.readDb);
    expect(mismatches).toEqual([{ ticketId: row!.ticket_id, problem: expect.stringMatching(/queue columns/) }]);
  });
});
