import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const SLA = `query($id: ID!) { ticket(id: $id) { escalationLevel sla { severity contractVersion calendarVersion breached nextDueAt
  clocks { metric cycle state coverage targetMinutes startedAt dueAt warnedAt breachedAt stoppedAt elapsedMinutes pausedMinutes } } } }`;

describe.each(TEST_BACKENDS)('SLA over GraphQL with a manual clock (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    otherAccountId = await registerAccount(platform, admin, { name: 'Other' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    await signContract(platform, admin, standardContract(otherAccountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const open = async (claimedSeverity: string, extra: Record<string, unknown> = {}, token = customer) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity, ...extra } }, token))).openTicket.id as string;
  const advance = (to: string) => mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin));
  const slaOf = async (id: string) => (await mustData(platform.gql(SLA, { id }, engineer))).ticket;

  it('pins the policy, warns and breaches once on time, and escalates a P0 once', async () => {
    const id = await open('P0');
    const fresh = await slaOf(id);
    expect(fresh.sla).toMatchObject({ severity: 'P0', contractVersion: 1, calendarVersion: 1, breached: false, nextDueAt: '2026-03-06T02:15:00.000Z' });
    expect(fresh.sla.clocks).toEqual([
      expect.objectContaining({ metric: 'FIRST_RESPONSE', cycle: 1, state: 'RUNNING', coverage: 'ALWAYS', targetMinutes: 15, dueAt: '2026-03-06T02:15:00.000Z' }),
      expect.objectContaining({ metric: 'RESOLUTION', cycle: 1, state: 'RUNNING', targetMinutes: 240, dueAt: '2026-03-06T06:00:00.000Z' }),
    ]);

    await advance('2026-03-06T02:20:00Z');
    const late = await slaOf(id);
    expect(late.escalationLevel).toBe(1);
    expect(late.sla.breached).toBe(true);
    expect(late.sla.clocks[0]).toMatchObject({ state: 'BREACHED', warnedAt: '2026-03-06T02:11:15.000Z', breachedAt: '2026-03-06T02:15:00.000Z', elapsedMinutes: 20 });
    const recorded = await platform.runtime.store.readStream(`sla-${id}`);
    expect(recorded.map((e) => [e.type, (e.data as { metric?: string }).metric ?? null])).toEqual([
      ['SlaPolicyPinned', null],
      ['SlaWarningReached', 'FIRST_RESPONSE'],
      ['SlaClockBreached', 'FIRST_RESPONSE'],
    ]);
    const escalation = (await platform.runtime.store.readStream(`ticket-${id}`)).filter((e) => e.type === 'TicketEscalated');
    expect(escalation.map((e) => e.data)).toEqual([expect.objectContaining({ level: 1, reason: 'SLA breach' })]);

    // Answering late stops the clock as MISSED; moving on records nothing twice.
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "On it") { id } }', { id }, engineer));
    await advance('2026-03-06T02:30:00Z');
    const answered = await slaOf(id);
    expect(answered.sla.clocks[0]).toMatchObject({ state: 'MISSED', stoppedAt: '2026-03-06T02:20:00.000Z' });
    expect((await platform.runtime.store.readStream(`sla-${id}`)).filter((e) => e.type === 'SlaClockBreached')).toHaveLength(1);
  });

  it('records the breach of a ticket received long enough ago to be overdue on arrival', async () => {
    const now = new Date((await mustData(platform.gql('{ now }', {}, admin))).now);
    const receivedAt = new Date(now.getTime() - 60 * 60_000).toISOString();
    const id = await open('P0', { receivedAt }, admin);
    expect((await slaOf(id)).sla.clocks[0]).toMatchObject({ state: 'BREACHED' });
    await advance(new Date(now.getTime() + 60_000).toISOString());
    const recorded = (await platform.runtime.store.readStream(`sla-${id}`)).map((e) => [e.type, (e.data as { metric?: string }).metric ?? null]);
    expect(recorded).toEqual(expect.arrayContaining([['SlaWarningReached', 'FIRST_RESPONSE'], ['SlaClockBreached', 'FIRST_RESPONSE']]));
    expect(recorded.filter(([type, metric]) => type === 'SlaClockBreached' && metric === 'FIRST_RESPONSE')).toHaveLength(1);
    expect((await slaOf(id)).escalationLevel).toBe(1);
  });

  it('moves the timers when the severity changes, and orders the queue by SLA', async () => {
    const p2 = await open('P2'); // business hours: 4 hours of the Shanghai calendar
    const p1 = await open('P1');
    await mustData(platform.gql('mutation($id: ID!) { assessSeverity(ticketId: $id, severity: P3, reason: "cosmetic") { id } }', { id: p1 }, engineer));
    const downgraded = await slaOf(p1);
    expect(downgraded.sla).toMatchObject({ severity: 'P3' });
    expect(downgraded.sla.clocks[0]).toMatchObject({ targetMinutes: 480, coverage: 'BUSINESS_HOURS' });
    // Under P1 the first response would have breached at 03:30; under P3 nothing fires.
    await advance('2026-03-06T03:45:00Z');
    expect((await platform.runtime.store.readStream(`sla-${p1}`)).map((e) => e.type)).toEqual(['SlaPolicyPinned']);

    const queue = await mustData(platform.gql('{ tickets(orderBy: SLA_DUE, first: 50) { edges { node { id sla { breached nextDueAt } } } } }', {}, engineer));
    const order = queue.tickets.edges.map((e: any) => e.node);
    const firstUnbreached = order.findIndex((t: any) => !t.sla.breached);
    expect(order.slice(firstUnbreached).every((t: any) => !t.sla.breached)).toBe(true);
    const dues = order.slice(firstUnbreached).map((t: any) => t.sla.nextDueAt).filter(Boolean);
    expect([...dues].sort()).toEqual(dues);
    expect(order.map((t: any) => t.id)).toEqual(expect.arrayContaining([p1, p2]));

    const breachedOnly = await mustData(platform.gql('{ tickets(filter: { breached: true }) { edges { node { sla { breached } } } } }', {}, engineer));
    expect(breachedOnly.tickets.edges.length).toBeGreaterThan(0);
    expect(breachedOnly.tickets.edges.every((e: any) => e.node.sla.breached)).toBe(true);
    const dueSoon = await mustData(platform.gql('{ tickets(filter: { dueBefore: "2026-03-06T07:00:00Z" }) { edges { node { id } } } }', {}, engineer));
    expect(dueSoon.tickets.edges.map((e: any) => e.node.id)).toContain(p2);
    expect(dueSoon.tickets.edges.map((e: any) => e.node.id)).not.toContain(p1);
  });

  it('answers what-if for the ticket’s own customer only', async () => {
    const id = await open('P3');
    const whatIf = 'query($id: ID!) { slaWhatIf(ticketId: $id, severity: P0) { severity breached clocks { metric targetMinutes dueAt } } }';
    const answer = (await mustData(platform.gql(whatIf, { id }, customer))).slaWhatIf;
    expect(answer).toMatchObject({ severity: 'P0', clocks: [expect.objectContaining({ metric: 'FIRST_RESPONSE', targetMinutes: 15, dueAt: '2026-03-06T04:00:00.000Z' }), expect.anything()] });
    const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    expect((await platform.gql(whatIf, { id }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const future = await platform.gql('query($id: ID!) { slaWhatIf(ticketId: $id, severity: P0, asOf: "2030-01-01T00:00:00Z") { severity } }', { id }, customer);
    expect(future.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
  it('judges breach claims from the record and issues credits on approval', async () => {
    const openedAt = new Date((await mustData(platform.gql('{ now }', {}, admin))).now);
    const id = await open('P0');
    const answeredAt = new Date(openedAt.getTime() + 85 * 60_000).toISOString(); // 70 minutes past the 15-minute target
    await advance(answeredAt);
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Sorry, looking now") { id } }', { id }, engineer));
    const file = `mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id status metric cycle statement filedBy { id role }
      verdict { breached severityApplied contractVersion calendarVersion dueAt stoppedAt minutesLate evidence { type stream hash previousHash actor { role } } }
      proposedCredit { amount currency } credit { amount } ticket { id } } }`;
    const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    const input = { ticketId: id, metric: 'FIRST_RESPONSE', statement: 'Nobody answered our P0 for over an hour' };
    expect((await platform.gql(file, { input }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(file, { input }, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const claim = (await mustData(platform.gql(file, { input }, customer))).fileBreachClaim;
    expect(claim).toMatchObject({
      status: 'PENDING',
      metric: 'FIRST_RESPONSE',
      cycle: 1,
      filedBy: { role: 'CUSTOMER' },
      verdict: { breached: true, severityApplied: 'P0', contractVersion: 1, calendarVersion: 1, stoppedAt: answeredAt, minutesLate: 70 },
      proposedCredit: { amount: 500, currency: 'USD' },
      credit: null,
      ticket: { id },
    });
    const evidenceTypes = claim.verdict.evidence.map((e: { type: string }) => e.type);
    expect(evidenceTypes).toEqual(expect.arrayContaining(['TicketOpened', 'ReplyAdded', 'SlaPolicyPinned', 'SlaClockBreached']));
    expect(claim.verdict.evidence.every((e: { hash: string }) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect((await platform.gql(file, { input }, admin)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const decide = 'mutation($id: ID!, $d: ClaimDecision!) { decideBreachClaim(claimId: $id, decision: $d, reason: "Confirmed from the log") { status credit { amount currency } decidedBy { id } decisionReason } }';
    expect((await platform.gql(decide, { id: claim.id, d: 'APPROVE' }, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await mustData(platform.gql(decide, { id: claim.id, d: 'APPROVE' }, admin))).decideBreachClaim).toEqual({
      status: 'APPROVED',
      credit: { amount: 500, currency: 'USD' },
      decidedBy: { id: 'admin-1' },
      decisionReason: 'Confirmed from the log',
    });
    expect((await platform.gql(decide, { id: claim.id, d: 'REJECT' }, admin)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const unbreached = (await mustData(platform.gql(file, { input: { ...input, metric: 'NEXT_UPDATE', statement: 'Updates are slow' } }, customer))).fileBreachClaim;
    expect(unbreached.verdict).toMatchObject({ breached: false, minutesLate: 0 });
    expect(unbreached.proposedCredit.amount).toBe(0);
    expect((await platform.gql(file, { input: { ...input, metric: 'NEXT_UPDATE', cycle: 7 } }, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await platform.gql('query($id: ID!) { breachClaim(id: $id) { id } }', { id: claim.id }, stranger)).data).toEqual({ breachClaim: null });

    const health = (await mustData(platform.gql('query($a: ID!) { account(id: $a) { health { openTickets breachesLast30Days slaAttainmentPercent creditsIssued { amount currency } } } }', { a: accountId }, customer))).account.health;
    expect(health.creditsIssued).toEqual({ amount: 500, currency: 'USD' });
    expect(health.openTickets).toBeGreaterThanOrEqual(4);
    expect(health.breachesLast30Days).toBeGreaterThanOrEqual(2);
    expect(health.slaAttainmentPercent).toBeGreaterThanOrEqual(0);
    expect(health.slaAttainmentPercent).toBeLessThan(100);
  });

  it('drops the timers of a clock that a severity change removes', async () => {
    const id = await open('P1');
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Looking") { id } }', { id }, engineer));
    const pending = async () =>
      (await platform.runtime.readDb.query<{ id: string }>(`SELECT id FROM platform.timers WHERE id LIKE $1 AND fired_at IS NULL ORDER BY id`, [`sla:%:${id}:NEXT_UPDATE:%`])).map((t) => t.id);
    expect(await pending()).toEqual([`sla:breach:${id}:NEXT_UPDATE:1`, `sla:warning:${id}:NEXT_UPDATE:1`]);
    // P2 has no update target in this contract: the update cycle and its timers are gone.
    await mustData(platform.gql('mutation($id: ID!) { assessSeverity(ticketId: $id, severity: P2, reason: "single user") { id } }', { id }, engineer));
    expect((await slaOf(id)).sla.clocks.map((c: { metric: string }) => c.metric)).not.toContain('NEXT_UPDATE');
    expect(await pending()).toEqual([]);
  });
});
