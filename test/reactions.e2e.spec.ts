import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const SLA = 'query($id: ID!) { ticket(id: $id) { sla { contractVersion severity } } }';

describe('SLA pins come from a reactor on the log', () => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    delete process.env['LEDGERDESK_REACTION_WAIT_MS'];
    await platform?.close();
  });

  const open = async () =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, customer))).openTicket
      .id as string;

  it('answers openTicket with the pinned SLA (read your writes through the reactor)', async () => {
    const id = await open();
    expect((await mustData(platform.gql(SLA, { id }, admin))).ticket.sla).toEqual({ contractVersion: 1, severity: 'P2' });
  });

  it('pins a ticket whose reaction was cut off after the append, once, when the reactor catches up', async () => {
    // The SLA side stops right after intake appended (a crash between append and reaction); intake's bounded
    // wait then gives up at once instead of after 5 s.
    await platform.runtime.reactorRunner.stop();
    process.env['LEDGERDESK_REACTION_WAIT_MS'] = '0';
    const id = await open();
    expect(await platform.runtime.store.readStream(`sla-${id}`)).toEqual([]);

    await platform.runtime.reactorRunner.start();
    const head = (await platform.runtime.store.headPosition())!;
    expect(await platform.runtime.reached('sla.pin-policies', head, AbortSignal.timeout(10_000))).toBe(true);
    await platform.runtime.settleAll();
    expect((await mustData(platform.gql(SLA, { id }, admin))).ticket.sla).toEqual({ contractVersion: 1, severity: 'P2' });
    expect((await platform.runtime.store.readStream(`sla-${id}`)).map((event) => event.type)).toEqual(['SlaPolicyPinned']);
  });

  it('lists a ticket whose pin is not recorded yet with a pending SLA instead of failing the list', async () => {
    const LIST = 'query($a: ID) { tickets(filter: { accountId: $a }, first: 100) { totalCount edges { node { id sla { pending severity contractVersion clocks { metric } breached } } } } }';
    await platform.runtime.reactorRunner.stop();
    process.env['LEDGERDESK_REACTION_WAIT_MS'] = '0';
    const id = await open();
    await platform.runtime.settleAll();
    expect(await platform.runtime.store.readStream(`sla-${id}`)).toEqual([]);

    const listed = await platform.gql(LIST, { a: accountId }, admin);
    expect(listed.errors).toBeUndefined();
    const nodes = listed.data!.tickets.edges.map((edge: any) => edge.node);
    expect(nodes.find((node: any) => node.id === id).sla).toEqual({ pending: true, severity: 'P2', contractVersion: 0, clocks: [], breached: false });
    expect(nodes.filter((node: any) => node.id !== id).every((node: any) => node.sla.pending === false && node.sla.contractVersion === 1)).toBe(true);

    // The reactor catching up is the repair: the same list then shows the pinned SLA.
    await platform.runtime.reactorRunner.start();
    const head = (await platform.runtime.store.headPosition())!;
    expect(await platform.runtime.reached('sla.pin-policies', head, AbortSignal.timeout(10_000))).toBe(true);
    await platform.runtime.settleAll();
    const repaired = (await mustData(platform.gql(LIST, { a: accountId }, admin))).tickets.edges.map((edge: any) => edge.node).find((node: any) => node.id === id);
    expect(repaired.sla).toMatchObject({ pending: false, contractVersion: 1, severity: 'P2' });
  });
});
