import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

/** A local receiver speaking the PagerDuty Events v2 answer (202 {status: "success", dedup_key}). */
class EventsReceiver {
  readonly events: { headers: IncomingHttpHeaders; body: any }[] = [];
  private server: Server | null = null;
  url = '';
  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        this.events.push({ headers: request.headers, body });
        response.statusCode = 202;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: body.dedup_key }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/v2/enqueue`;
    return this;
  }
  async close() {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DELIVERIES = 'query($id: ID!) { deliveries(ticketId: $id) { webhookId idempotencyKey status attempts lastResponseStatus } }';
const ADVANCE = 'mutation($to: DateTime!) { advanceClock(to: $to) }';

describe.each(TEST_BACKENDS)('on-call paging (%s)', (backend) => {
  let platform: TestPlatform;
  let receiver: EventsReceiver;
  let admin: string;
  let accountId: string;
  let now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    receiver = await new EventsReceiver().start();
    platform = await startTestPlatform({
      backend,
      clockStart: now.toISOString(),
      env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true', LEDGERDESK_PAGING_URL: receiver.url, LEDGERDESK_PAGING_ROUTING_KEY: 'R0UTINGKEY0123456789' },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  const open = async (severity: string) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: `Stream black ${severity}`, description: 'd', claimedSeverity: severity } }, admin))).openTicket.id as string;

  it('a P0 opened and its breach page the on-call in the Events v2 shape, deduplicated by ticket (+ metric and cycle); a P2 does not', async () => {
    const p0 = await open('P0');
    const p2 = await open('P2');
    await until(() => receiver.events.length >= 1, 'the P0 page');
    const [first] = receiver.events;
    expect(first!.body).toMatchObject({
      routing_key: 'R0UTINGKEY0123456789',
      event_action: 'trigger',
      dedup_key: `ledgerdesk:${p0}:opened`,
      payload: { severity: 'critical', source: 'ledgerdesk', class: 'TICKET_OPENED', summary: 'P0 opened: Stream black P0', custom_details: { ticketId: p0, accountId } },
    });
    expect(first!.headers['idempotency-key']).toBe(`ledgerdesk:${p0}:opened`);
    // The receiver answers before the outbound worker records the attempt's outcome: wait for the record.
    let recorded: unknown;
    await until(async () => {
      [recorded] = (await mustData(platform.gql(DELIVERIES, { id: p0 }, admin))).deliveries;
      const status = (recorded as { status?: string } | undefined)?.status;
      return status !== undefined && status !== 'ATTEMPTING';
    }, 'the recorded outcome of the P0 page');
    expect(recorded).toMatchObject({ webhookId: 'paging', status: 'SUCCEEDED', attempts: 1, lastResponseStatus: 202 });
    expect(((await (await fetch(`${platform.url}/health/ready`)).json()) as { outbound: { paging: string } }).outbound.paging).toBe('on: LEDGERDESK_PAGING_URL');

    // Nobody is on shift and the account has no TAM: routing records TicketUnassignable, which pages too.
    await until(() => receiver.events.some((e) => e.body.dedup_key === `ledgerdesk:${p0}:unassignable`), 'the unassignable page');
    expect(receiver.events.find((e) => e.body.dedup_key === `ledgerdesk:${p0}:unassignable`)!.body.payload).toMatchObject({
      class: 'UNASSIGNED',
      severity: 'critical',
      summary: 'P0 nobody can take: Stream black P0',
      custom_details: { ticketId: p0, severity: 'P0' },
    });

    now = new Date(now.getTime() + 25 * 3600_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await until(() => receiver.events.some((e) => e.body.dedup_key === `ledgerdesk:${p0}:FIRST_RESPONSE:1`), 'the breach page');
    const breach = receiver.events.find((e) => e.body.dedup_key === `ledgerdesk:${p0}:FIRST_RESPONSE:1`)!;
    expect(breach.body.payload).toMatchObject({ class: 'SLA_BREACH', severity: 'critical', custom_details: { metric: 'FIRST_RESPONSE', cycle: 1, severity: 'P0' } });
    expect(receiver.events.filter((e) => e.body.payload.custom_details.ticketId === p2)).toEqual([]);
    expect((await mustData(platform.gql(DELIVERIES, { id: p2 }, admin))).deliveries).toEqual([]);
  });
});

const CONFIGURE = 'mutation($input: ConfigureOnCallInput!) { configureOnCall(input: $input) { provider url severities triggers configuredAt } }';
const ON_CALL = '{ onCall { provider url severities triggers } }';
const REPLY = 'mutation($id: ID!) { addReply(ticketId: $id, body: "On it") { id } }';

describe.each(TEST_BACKENDS)('configureOnCall and paging resolves (%s)', (backend) => {
  let platform: TestPlatform;
  let receiver: EventsReceiver;
  let admin: string;
  let accountId: string;
  let now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    receiver = await new EventsReceiver().start();
    // No LEDGERDESK_PAGING_URL: paging is off until configureOnCall.
    platform = await startTestPlatform({ backend, clockStart: now.toISOString(), env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true' } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  const open = async (severity: string) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: `Checkout down ${severity}`, description: 'd', claimedSeverity: severity } }, admin))).openTicket.id as string;
  const valid = () => ({ provider: 'PAGERDUTY_EVENTS_V2', url: receiver.url, routingKey: 'CONFIGUREDKEY0000001', severities: ['P0'], triggers: ['TICKET_OPENED', 'SLA_BREACH'] });

  it('nothing is paged before configuration; bad input is refused with a code and records nothing; only ADMIN may configure', async () => {
    const before = await open('P0');
    expect((await mustData(platform.gql(DELIVERIES, { id: before }, admin))).deliveries).toEqual([]);
    expect((await mustData(platform.gql(ON_CALL, {}, admin))).onCall).toBeNull();
    const count = await eventCount(platform);
    const bad: [Record<string, unknown>, string][] = [
      [{ url: 'not a url' }, 'input.url'],
      [{ url: 'http://example.com/v2/enqueue' }, 'input.url'],
      [{ routingKey: 'x' }, 'input.routingKey'],
      [{ severities: [] }, 'input.severities'],
      [{ severities: ['P2'] }, 'input.severities'],
      [{ triggers: [] }, 'input.triggers'],
    ];
    for (const [change, field] of bad) {
      const result = await platform.gql(CONFIGURE, { input: { ...valid(), ...change } }, admin);
      expect(result.errors?.[0], JSON.stringify(change)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    }
    const unknownTrigger = await platform.gql(CONFIGURE, { input: { ...valid(), triggers: ['SOMETHING'] } }, admin);
    expect(unknownTrigger.errors?.length).toBeGreaterThan(0);
    const engineer = await platform.token('ENGINEER');
    expect((await platform.gql(CONFIGURE, { input: valid() }, engineer)).errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await eventCount(platform)).toBe(count);
    expect((await mustData(platform.gql(ON_CALL, {}, admin))).onCall).toBeNull();
    expect(((await (await fetch(`${platform.url}/health/ready`)).json()) as { outbound: { paging: string } }).outbound.paging).toBe('off: no configureOnCall and LEDGERDESK_PAGING_URL is not set');
    expect(receiver.events).toEqual([]);
  });

  it('a configured on-call gets triggers with its routing key, filtered by its triggers and severities, and a resolve with the same dedup_key when the ticket is answered', async () => {
    const configured = (await mustData(platform.gql(CONFIGURE, { input: valid() }, admin))).configureOnCall;
    expect(configured).toMatchObject({ provider: 'PAGERDUTY_EVENTS_V2', url: receiver.url, severities: ['P0'], triggers: ['TICKET_OPENED', 'SLA_BREACH'] });
    expect((await mustData(platform.gql(ON_CALL, {}, admin))).onCall).toMatchObject({ url: receiver.url, triggers: ['TICKET_OPENED', 'SLA_BREACH'] });
    // Readiness reports the configuration in force (the oncall stream's read model), not the unset env pair.
    const ready = (await (await fetch(`${platform.url}/health/ready`)).json()) as { outbound: { paging: string } };
    expect(ready.outbound.paging).toBe(`on: configureOnCall ${configured.configuredAt} (PAGERDUTY_EVENTS_V2 ${new URL(receiver.url).origin}; triggers TICKET_OPENED, SLA_BREACH; severities P0)`);

    const p0 = await open('P0');
    const p1 = await open('P1');
    await until(() => receiver.events.some((e) => e.body.dedup_key === `ledgerdesk:${p0}:opened`), 'the P0 page');
    expect(receiver.events.find((e) => e.body.dedup_key === `ledgerdesk:${p0}:opened`)!.body).toMatchObject({ routing_key: 'CONFIGUREDKEY0000001', event_action: 'trigger' });

    // Both breach their first response; only the P0 pages (severities: [P0]).
    now = new Date(now.getTime() + 25 * 3600_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await until(() => receiver.events.some((e) => e.body.dedup_key === `ledgerdesk:${p0}:FIRST_RESPONSE:1`), 'the P0 breach page');

    await mustData(platform.gql(REPLY, { id: p0 }, admin));
    const resolves = () => receiver.events.filter((e) => e.body.event_action === 'resolve' && String(e.body.dedup_key).startsWith(`ledgerdesk:${p0}:`));
    await until(() => resolves().some((e) => e.body.dedup_key === `ledgerdesk:${p0}:FIRST_RESPONSE:1`) && resolves().some((e) => e.body.dedup_key === `ledgerdesk:${p0}:opened`), 'the resolves');
    for (const resolve of resolves()) {
      expect(resolve.body.routing_key).toBe('CONFIGUREDKEY0000001');
      expect(resolve.body.payload).toBeUndefined();
    }
    // Each resolve is a delivery of the ticket with its recorded outcome.
    await until(async () => {
      const deliveries = (await mustData(platform.gql(DELIVERIES, { id: p0 }, admin))).deliveries as { idempotencyKey: string; status: string }[];
      const resolveDeliveries = deliveries.filter((d) => d.idempotencyKey.includes(':resolve:'));
      return resolveDeliveries.length >= 2 && resolveDeliveries.every((d) => d.status === 'SUCCEEDED');
    }, 'the recorded resolves');
    expect(resolves().filter((e) => e.body.dedup_key === `ledgerdesk:${p0}:opened`)).toHaveLength(1);

    // The P1 and the unassignable trigger (not configured) never paged.
    expect(receiver.events.filter((e) => e.body.event_action === 'trigger' && e.body.payload.custom_details.ticketId === p1)).toEqual([]);
    expect(receiver.events.filter((e) => e.body.event_action === 'trigger' && e.body.dedup_key === `ledgerdesk:${p0}:unassignable`)).toEqual([]);
  });

  it('SLA_WARNING pages when a clock reaches its warning, keyed by ticket, metric and cycle, and is resolved when that clock stops', async () => {
    await mustData(platform.gql(CONFIGURE, { input: { ...valid(), triggers: ['SLA_WARNING'] } }, admin));
    const p0 = await open('P0');
    const of = (key: string, action = 'trigger') => receiver.events.filter((e) => e.body.dedup_key === key && e.body.event_action === action);
    // P0 first response: 15 min, warning at 75 %: nothing at 11 min, the page at 12.
    now = new Date(now.getTime() + 11 * 60_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await platform.runtime.settleReactions();
    expect(of(`ledgerdesk:${p0}:FIRST_RESPONSE:1`)).toEqual([]);
    now = new Date(now.getTime() + 60_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await until(() => of(`ledgerdesk:${p0}:FIRST_RESPONSE:1`).length === 1, 'the warning page');
    const [warning] = of(`ledgerdesk:${p0}:FIRST_RESPONSE:1`);
    expect(warning!.body).toMatchObject({ routing_key: 'CONFIGUREDKEY0000001', payload: { class: 'SLA_WARNING', severity: 'warning', custom_details: { ticketId: p0, metric: 'FIRST_RESPONSE', cycle: 1, severity: 'P0' } } });
    expect(warning!.headers['idempotency-key']).toBe(`ledgerdesk:${p0}:FIRST_RESPONSE:1:warning`);
    // Opened (not a configured trigger) never paged.
    expect(of(`ledgerdesk:${p0}:opened`)).toEqual([]);

    // The answer stops the first-response clock: its page is resolved, once; the next-update clock (60 min) starts.
    await mustData(platform.gql(REPLY, { id: p0 }, admin));
    await until(() => of(`ledgerdesk:${p0}:FIRST_RESPONSE:1`, 'resolve').length === 1, 'the resolve of the warning');
    now = new Date(now.getTime() + 46 * 60_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await until(() => of(`ledgerdesk:${p0}:NEXT_UPDATE:1`).length === 1, 'the next-update warning page');
    // No breach came (answered in time), and a second answer resolves the next-update page but not the first-response one again.
    await mustData(platform.gql(REPLY, { id: p0 }, admin));
    await until(() => of(`ledgerdesk:${p0}:NEXT_UPDATE:1`, 'resolve').length === 1, 'the resolve of the next-update warning');
    await platform.runtime.settleReactions();
    expect(of(`ledgerdesk:${p0}:FIRST_RESPONSE:1`, 'resolve')).toHaveLength(1);
    expect(receiver.events.filter((e) => e.body.payload?.class === 'SLA_BREACH' && e.body.payload.custom_details.ticketId === p0)).toEqual([]);
  });
});
