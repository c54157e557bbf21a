import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SlaCommands } from '../libs/sla/application/sla.commands.js';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const SLA = 'query($id: ID!) { ticket(id: $id) { sla { pending contractVersion severity } } }';
const REACTORS = '{ reactors { name checkpoint eventsBehind secondsBehind parkedCount lastError } }';
const PARKED = `query($r: String, $first: Int, $after: String) { parkedEvents(reactor: $r, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { reactor eventId type stream position error attempts parkedAt } } } }`;
const RETRY = 'mutation($r: String!, $e: ID!) { retryParkedEvent(reactor: $r, eventId: $e) { reactor eventId recorded error parkedEvent { attempts error } } }';

describe('a reactor that fails on one event parks it, ADMIN sees it and retries it', () => {
  let platform: TestPlatform;
  let admin: string;
  let healthyAccount: string;
  let brokenAccount: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    healthyAccount = await registerAccount(platform, admin);
    brokenAccount = await registerAccount(platform, admin, { name: 'Broken' });
    await signContract(platform, admin, standardContract(healthyAccount, calendarId));
    await signContract(platform, admin, standardContract(brokenAccount, calendarId));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await platform?.close();
  });

  const open = async (accountId: string) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id as string;

  it('parks the poison event after its retries, goes on with the next, and shows it to ADMIN only', async () => {
    // The cause: pinning one account's tickets fails (say its policy store is unreadable) until it is fixed.
    const pin = SlaCommands.prototype.pin;
    vi.spyOn(SlaCommands.prototype, 'pin').mockImplementation(function (this: SlaCommands, ticketId, accountId, receivedAt) {
      if (accountId === brokenAccount) return Promise.reject(new Error('policy store unreadable'));
      return pin.call(this, ticketId, accountId, receivedAt);
    });
    const poisoned = await open(brokenAccount);
    const next = await open(healthyAccount);

    // The reactor went on: the next ticket is pinned; the poisoned one waits, pending.
    expect((await mustData(platform.gql(SLA, { id: next }, admin))).ticket.sla).toEqual({ pending: false, contractVersion: 1, severity: 'P2' });
    expect((await mustData(platform.gql(SLA, { id: poisoned }, admin))).ticket.sla).toMatchObject({ pending: true });

    const reactors = (await mustData(platform.gql(REACTORS, {}, admin))).reactors as any[];
    const pinner = reactors.find((reactor) => reactor.name === 'sla.pin-policies');
    expect(pinner).toMatchObject({ eventsBehind: 0, secondsBehind: 0, parkedCount: 1, lastError: null });
    expect(pinner.checkpoint).toMatch(/^\d+\/\d+$/);

    const parked = (await mustData(platform.gql(PARKED, { r: 'sla.pin-policies' }, admin))).parkedEvents;
    expect(parked.totalCount).toBe(1);
    expect(parked.pageInfo).toEqual({ hasNextPage: false, endCursor: parked.edges[0].cursor });
    expect(parked.edges[0].node).toMatchObject({
      reactor: 'sla.pin-policies',
      type: 'TicketOpened',
      stream: `ticket-${poisoned}`,
      error: 'policy store unreadable',
      attempts: 5,
    });
    expect(Date.parse(parked.edges[0].node.parkedAt)).not.toBeNaN();
    const opened = (await platform.runtime.store.readStream(`ticket-${poisoned}`))[0]!;
    expect(parked.edges[0].node.eventId).toBe(opened.id);
    // Nothing after the last one; every reactor's list holds it too.
    expect((await mustData(platform.gql(PARKED, { r: 'sla.pin-policies', after: parked.pageInfo.endCursor }, admin))).parkedEvents.edges).toEqual([]);
    expect((await mustData(platform.gql(PARKED, {}, admin))).parkedEvents.totalCount).toBe(1);

    for (const role of ['ENGINEER', 'TAM', 'AUDITOR'] as const) {
      const token = await platform.token(role);
      for (const [query, variables] of [
        [REACTORS, {}],
        [PARKED, {}],
        [RETRY, { r: 'sla.pin-policies', e: opened.id }],
      ] as const) {
        const refused = await platform.gql(query, variables, token);
        expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    }
    const customer = await platform.gql(REACTORS, {}, await platform.token('CUSTOMER', { accountId: brokenAccount }));
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Readiness names the reactor with its parked event, and stays ready.
    const ready = await fetch(`${platform.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).reactors['sla.pin-policies']).toEqual({ eventsBehind: 0, secondsBehind: 0, parked: 1 });
  });

  it('retries: still failing keeps it parked with one more attempt; once the cause is fixed it records the effect', async () => {
    const opened = (await mustData(platform.gql(PARKED, { r: 'sla.pin-policies' }, admin))).parkedEvents.edges[0].node;
    const ticketId = opened.stream.slice('ticket-'.length);

    const again = (await mustData(platform.gql(RETRY, { r: 'sla.pin-policies', e: opened.eventId }, admin))).retryParkedEvent;
    expect(again).toEqual({ reactor: 'sla.pin-policies', eventId: opened.eventId, recorded: false, error: 'policy store unreadable', parkedEvent: { attempts: 6, error: 'policy store unreadable' } });
    expect(await platform.runtime.store.readStream(`sla-${ticketId}`)).toEqual([]);

    vi.restoreAllMocks(); // the cause is fixed
    const retried = (await mustData(platform.gql(RETRY, { r: 'sla.pin-policies', e: opened.eventId }, admin))).retryParkedEvent;
    expect(retried).toEqual({ reactor: 'sla.pin-policies', eventId: opened.eventId, recorded: true, error: null, parkedEvent: null });
    expect((await platform.runtime.store.readStream(`sla-${ticketId}`)).map((event) => event.type)).toEqual(['SlaPolicyPinned']);
    await platform.runtime.settleAll();
    expect((await mustData(platform.gql(SLA, { id: ticketId }, admin))).ticket.sla).toEqual({ pending: false, contractVersion: 1, severity: 'P2' });

    expect((await mustData(platform.gql(PARKED, { r: 'sla.pin-policies' }, admin))).parkedEvents.totalCount).toBe(0);
    expect((await mustData(platform.gql(REACTORS, {}, admin))).reactors.find((r: any) => r.name === 'sla.pin-policies').parkedCount).toBe(0);
    expect(((await (await fetch(`${platform.url}/health/ready`)).json()) as any).reactors['sla.pin-policies'].parked).toBe(0);

    // Retrying what is no longer parked, or naming no reactor of this process, is NOT_FOUND and records nothing.
    const head = await platform.runtime.store.headPosition();
    for (const variables of [
      { r: 'sla.pin-policies', e: opened.eventId },
      { r: 'no.such-reactor', e: opened.eventId },
    ]) {
      const refused = await platform.gql(RETRY, variables, admin);
      expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(await platform.runtime.store.headPosition()).toEqual(head);
    expect((await platform.gql(PARKED, { r: 'no.such-reactor' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(PARKED, { after: 'bm90IGEgY3Vyc29y' }, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
