import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SlaCommands } from '../libs/sla/application/sla.commands.js';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const PARKED = '{ parkedTimers { id kind dueAt error attempts } }';
const BREACHES = 'query($id: ID!) { ticket(id: $id) { sla { breached clocks { metric state } } } }';

describe('a timer whose handler keeps failing is parked, shown to ADMIN, and fires once retried', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await platform?.close();
  });

  it('parks the breach timer with its error, keeps the clock moving, and records the breach after a retry', async () => {
    const ticketId = (
      await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin))
    ).openTicket.id as string;
    const fire = SlaCommands.prototype.fire;
    const broken = vi.spyOn(SlaCommands.prototype, 'fire').mockImplementation(function (this: SlaCommands, timer, firedAt) {
      if (timer.kind === 'sla.breach') return Promise.reject(new Error('read model unreachable'));
      return fire.call(this, timer, firedAt);
    });
    // Past every P0 target of the standard contract: the breach timers fail on each try.
    expect((await platform.gql('mutation { advanceClock(to: "2026-03-06T08:00:00Z") }', {}, admin)).errors).toBeUndefined();
    const parked = (await mustData(platform.gql(PARKED, {}, admin))).parkedTimers as { id: string; kind: string; error: string; attempts: number }[];
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((timer) => timer.kind === 'sla.breach' && timer.error === 'read model unreachable' && timer.attempts === 3)).toBe(true);
    expect(parked.every((timer) => timer.id.includes(ticketId))).toBe(true);
    expect((await platform.gql(PARKED, {}, await platform.token('ENGINEER'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    broken.mockRestore();
    for (const timer of parked) expect((await mustData(platform.gql('mutation($id: ID!) { retryParkedTimer(id: $id) }', { id: timer.id }, admin))).retryParkedTimer).toBe(true);
    expect((await platform.gql('mutation($id: ID!) { retryParkedTimer(id: $id) }', { id: parked[0]!.id }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T08:01:00Z") }', {}, admin));
    expect((await mustData(platform.gql(PARKED, {}, admin))).parkedTimers).toEqual([]);
    const events = await platform.runtime.store.readStream(`sla-${ticketId}`);
    expect(events.filter((event) => event.type === 'SlaClockBreached')).toHaveLength(parked.length);
    expect((await mustData(platform.gql(BREACHES, { id: ticketId }, admin))).ticket.sla.breached).toBe(true);
  });
});
