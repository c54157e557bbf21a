import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// Every reaction of one context to another's events runs on a reactor (docs/reactors.md). Each is shown to
// happen from the log: once after a crash between the cause's append and the reaction, once on redelivery.

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const CHECKS = `query($filter: HealthCheckFilter) { healthChecks(filter: $filter, first: 200) { totalCount edges { node { id kind status tam { id } } } } }`;
const ADVISORY = 'mutation($input: PublishSdkAdvisoryInput!) { publishSdkAdvisory(input: $input) { id } }';
const SCHEDULE = 'mutation($input: ScheduleHealthCheckInput!) { scheduleHealthCheck(input: $input) { id } }';

describe('cross-context reactions run on reactors', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let tamA: string;
  let tamB: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-11-09T04:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { name: 'Reactions' });
    await signContract(platform, admin, standardContract(accountId, calendarId, { proactiveChecks: true }));
    tamA = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
    tamB = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam B' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamA }, admin));
    await mustData(platform.gql(ADVISORY, { input: { sdkName: 'Agora RTC SDK', affectedVersions: '>=4.0.0 <4.2.3', fixedIn: '4.2.3', severity: 'P1', summary: 'Audio drops' } }, admin));
    await platform.runtime.settleReactions();
  });
  afterAll(async () => {
    delete process.env['LEDGERDESK_REACTION_WAIT_MS'];
    await platform?.close();
  });

  const open = async (input: Record<string, unknown> = {}) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2', ...input } }, admin))).openTicket.id as string;
  const checks = async (kind: string) => (await mustData(platform.gql(CHECKS, { filter: { accountId, kind: [kind] } }, admin))).healthChecks.edges.map((e: any) => e.node);
  const eventsOf = async (stream: string) => (await platform.runtime.store.readStream(stream)).map((event) => event.type);

  describe('health checks', () => {
    it('schedules an SDK_UPGRADE check when diagnostics added later report an affected version', async () => {
      const id = await open({ diagnostics: { sdkName: 'Agora RTC SDK' } });
      await platform.runtime.settleReactions();
      expect(await checks('SDK_UPGRADE')).toEqual([]);
      await mustData(platform.gql('mutation($id: ID!) { addDiagnostics(ticketId: $id, diagnostics: { sdkVersion: "4.1.0" }) { id } }', { id }, admin));
      await platform.runtime.settleReactions();
      expect(await checks('SDK_UPGRADE')).toEqual([expect.objectContaining({ status: 'SCHEDULED', tam: { id: tamA } })]);
    });

    it('moves scheduled checks on a handover recorded while health checks were down, once, when they catch up', async () => {
      await mustData(platform.gql(SCHEDULE, { input: { accountId, kind: 'PERIODIC', dueAt: '2026-12-01T02:00:00Z', agenda: 'Quarterly' } }, admin));
      await platform.runtime.reactorRunner.stop(); // the crash: the handover is recorded, no reaction yet
      await mustData(platform.gql('mutation($a: ID!, $t: ID!) { handOverAccount(accountId: $a, toTamId: $t, notes: "moves to EMEA") { id } }', { a: accountId, t: tamB }, admin));
      expect((await checks('PERIODIC')).map((c: any) => c.tam.id)).toEqual([tamA]);

      await platform.runtime.reactorRunner.start();
      await platform.runtime.settleReactions();
      const moved = await checks('PERIODIC');
      expect(moved.map((c: any) => c.tam.id)).toEqual([tamB]);
      expect((await eventsOf(`healthcheck-${moved[0].id}`)).filter((type) => type === 'HealthCheckReassigned')).toHaveLength(1);
    });

    it('parks a poison event with its error and goes on with the next one; a retry that fails again keeps it parked', async () => {
      // Diagnostics no client could send (a number for the SDK's name), recorded by hand: the reaction throws.
      const ticket = await open();
      const poison = '6f0c1d3e-0000-4000-8000-0000000000a1';
      const metadata = { occurredAt: '2026-11-09T04:00:00.000Z', actor: { id: 'admin-1', role: 'ADMIN' as const }, correlationId: poison, causationId: null, schemaVersion: 1 };
      const data = { ticketId: ticket, diagnostics: { sdkName: 42, sdkVersion: '4.0.1' }, addedBy: metadata.actor, addedAt: metadata.occurredAt };
      await platform.runtime.store.append(`ticket-${ticket}`, [{ id: poison, type: 'DiagnosticsAdded', data, metadata }], 'any');
      const after = await open({ diagnostics: { sdkName: 'Agora RTC SDK', sdkVersion: '4.0.1' } });
      expect(await platform.runtime.settleReactions()).toBe(true);
      expect(await platform.runtime.reactorRunner.parked(poison)).toEqual([
        expect.objectContaining({ reactor: 'health-checks.sdk-exposure', eventId: poison, attempts: 5, error: expect.stringMatching(/trim/) }),
      ]);
      // The reactor went on past it: nothing behind, one parked.
      const status = (await platform.runtime.reactorRunner.status()).find((reactor) => reactor.name === 'health-checks.sdk-exposure')!;
      expect(status).toMatchObject({ eventsBehind: 0, parked: 1 });
      expect(await platform.runtime.reactorRunner.retryParked('health-checks.sdk-exposure', poison)).toMatch(/trim/);
      expect(await platform.runtime.reactorRunner.parked(poison)).toHaveLength(1);
      expect(after).toBeTruthy();
    });
  });

  describe('intake', () => {
    const COMPLETE = 'mutation($id: ID!, $input: CompleteHealthCheckInput!) { completeHealthCheck(id: $id, input: $input) { findings { ticket { id channel claimedSeverity } } } }';
    const finding = { severity: 'P2', summary: 'Old SDK on Android', recommendation: 'Upgrade', openTicket: true };

    it('opens the ticket a completed check’s finding names, once, when intake catches up after a crash', async () => {
      const check = (await mustData(platform.gql(SCHEDULE, { input: { accountId, kind: 'PERIODIC', dueAt: '2026-11-09T06:00:00Z', agenda: 'Review' } }, admin))).scheduleHealthCheck;
      await platform.runtime.reactorRunner.stop(); // the crash: the completion is recorded, intake has not reacted
      process.env['LEDGERDESK_REACTION_WAIT_MS'] = '0';
      const done = (await mustData(platform.gql(COMPLETE, { id: check.id, input: { summary: 'Done', findings: [finding] } }, admin))).completeHealthCheck;
      expect(done.findings).toEqual([{ ticket: null }]); // past the bound: the ticket is not there yet
      const [completed] = (await platform.runtime.store.readStream(`healthcheck-${check.id}`)).filter((event) => event.type === 'HealthCheckCompleted');
      const ticketId = (completed!.data as any).findings[0].ticketId as string;
      expect(await eventsOf(`ticket-${ticketId}`)).toEqual([]);

      delete process.env['LEDGERDESK_REACTION_WAIT_MS'];
      await platform.runtime.reactorRunner.start();
      await platform.runtime.settleReactions();
      expect((await eventsOf(`ticket-${ticketId}`)).filter((type) => type === 'TicketOpened')).toHaveLength(1);
      const seen = (await mustData(platform.gql(`query($id: ID!) { healthCheck(id: $id) { findings { ticket { id channel } } } }`, { id: check.id }, admin))).healthCheck;
      expect(seen.findings).toEqual([{ ticket: { id: ticketId, channel: 'HEALTH_CHECK' } }]);
    });

    it('answers a completion with its findings’ tickets (read your writes through intake’s reactor)', async () => {
      const check = (await mustData(platform.gql(SCHEDULE, { input: { accountId, kind: 'PERIODIC', dueAt: '2026-11-09T06:00:00Z', agenda: 'Review' } }, admin))).scheduleHealthCheck;
      const done = (await mustData(platform.gql(COMPLETE, { id: check.id, input: { summary: 'Done', findings: [finding] } }, admin))).completeHealthCheck;
      expect(done.findings).toEqual([{ ticket: { id: expect.any(String), channel: 'HEALTH_CHECK', claimedSeverity: 'P2' } }]);
    });
  });

  describe('triage', () => {
    it('routes a ticket opened while triage was down, once, when it catches up; openTicket answers without an assignee past the bound', async () => {
      const ASSIGNEE = 'query($id: ID!) { ticket(id: $id) { assignee { id } } }';
      expect((await mustData(platform.gql(ASSIGNEE, { id: await open() }, admin))).ticket.assignee).toEqual({ id: tamB });
      await platform.runtime.reactorRunner.stop(); // the crash: the opening is recorded, no routing yet
      process.env['LEDGERDESK_REACTION_WAIT_MS'] = '0';
      const answered = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id assignee { id } } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P1' } }, admin))).openTicket;
      expect(answered.assignee).toBeNull();
      delete process.env['LEDGERDESK_REACTION_WAIT_MS'];

      await platform.runtime.reactorRunner.start();
      await platform.runtime.settleReactions();
      expect((await eventsOf(`ticket-${answered.id}`)).filter((type) => type === 'TicketAssigned')).toHaveLength(1);
      expect((await mustData(platform.gql(ASSIGNEE, { id: answered.id }, admin))).ticket.assignee).toEqual({ id: tamB });
    });

    it('escalates a P0 on a breach recorded while triage was down, once, when it catches up', async () => {
      const id = await open({ claimedSeverity: 'P0' });
      await platform.runtime.reactorRunner.stop(); // the crash: SLA records the breach, triage has not reacted
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: '2026-11-09T04:20:00Z' }, admin));
      expect(await eventsOf(`sla-${id}`)).toContain('SlaClockBreached');
      expect(await eventsOf(`ticket-${id}`)).not.toContain('TicketEscalated');

      await platform.runtime.reactorRunner.start();
      await platform.runtime.settleReactions();
      expect((await eventsOf(`ticket-${id}`)).filter((type) => type === 'TicketEscalated')).toHaveLength(1);
      expect((await mustData(platform.gql('query($id: ID!) { ticket(id: $id) { escalationLevel } }', { id }, admin))).ticket.escalationLevel).toBe(1);
    });
  });
});
