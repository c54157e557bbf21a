import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../platform-kit/commands/decider-spec.js';
import type { DeliveryEvent, DeliveryRequested, TicketEvent } from '#contracts';
import { deliveryDecider } from './delivery.decider.js';
import { resolvesFor } from './paging.js';
import { nextAttemptAt } from './retry-policy.js';
import { signatureHeader, verifySignature } from './signature.js';
import { checkWebhookUrl, refusedAddress } from './target-address.js';

const T0 = new Date('2026-03-02T00:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe('retry policy', () => {
  it('doubles from one minute, at most four hours a gap, and the last attempt is 24 hours after the first', () => {
    const gaps: number[] = [];
    let at = T0;
    for (let attempt = 1; ; attempt += 1) {
      const next = nextAttemptAt(T0, attempt, at);
      if (!next) break;
      gaps.push((next.getTime() - at.getTime()) / 60_000);
      at = next;
    }
    expect(gaps.slice(0, 9)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 240]);
    expect(Math.max(...gaps)).toBe(240);
    expect(at).toEqual(minutes(24 * 60));
  });
});

describe('webhook targets', () => {
  it('refuses private, loopback, link-local and mapped addresses; allows public ones', () => {
    for (const address of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '100.64.0.1']) {
      expect(refusedAddress(address, { allowLoopback: false }), address).not.toBeNull();
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) expect(refusedAddress(address, { allowLoopback: false })).toBeNull();
    expect(refusedAddress('127.0.0.1', { allowLoopback: true })).toBeNull();
    expect(refusedAddress('10.0.0.1', { allowLoopback: true })).not.toBeNull();
  });

  it('takes https URLs, plain http only to localhost in development, never credentials or private literals', () => {
    expect(checkWebhookUrl('https://hooks.example.com/x', { allowLocalhost: false })).toEqual({ url: 'https://hooks.example.com/x' });
    expect(checkWebhookUrl('http://hooks.example.com/x', { allowLocalhost: false })).toHaveProperty('refused');
    expect(checkWebhookUrl('http://localhost:8080/x', { allowLocalhost: false })).toHaveProperty('refused');
    expect(checkWebhookUrl('http://localhost:8080/x', { allowLocalhost: true })).toEqual({ url: 'http://localhost:8080/x' });
    expect(checkWebhookUrl('http://127.0.0.1:8080/x', { allowLocalhost: true })).toHaveProperty('url');
    expect(checkWebhookUrl('http://hooks.example.com/x', { allowLocalhost: true })).toHaveProperty('refused');
    expect(checkWebhookUrl('https://10.0.0.5/x', { allowLocalhost: true })).toHaveProperty('refused');
    expect(checkWebhookUrl('https://[::ffff:192.168.0.1]/x', { allowLocalhost: false })).toHaveProperty('refused');
    expect(checkWebhookUrl('https://user:pw@hooks.example.com/', { allowLocalhost: false })).toHaveProperty('refused');
    expect(checkWebhookUrl('ftp://hooks.example.com/', { allowLocalhost: false })).toHaveProperty('refused');
    expect(checkWebhookUrl('not a url', { allowLocalhost: false })).toHaveProperty('refused');
  });
});

describe('signature', () => {
  it('is HMAC-SHA256 over "t.body", verifiable with the secret only', () => {
    const header = signatureHeader('whsec_abc', 1772400000, '{"a":1}');
    expect(header).toMatch(/^t=1772400000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_abc', header, '{"a":1}')).toBe(true);
    expect(verifySignature('whsec_abc', header, '{"a":2}')).toBe(false);
    expect(verifySignature('whsec_other', header, '{"a":1}')).toBe(false);
  });
});

describe('delivery decider', () => {
  const requested: DeliveryRequested['data'] = {
    deliveryId: 'd1',
    webhookId: 'w1',
    idempotencyKey: 'd1',
    url: 'https://hooks.example.com/',
    ticketId: 't1',
    accountId: 'a1',
    sourceEventId: 'e1',
    sourceEventType: 'ReplyAdded',
    payload: { id: 'e1', type: 'ReplyAdded', occurredAt: T0.toISOString(), ticketId: 't1', accountId: 'a1', data: {} },
    requestedAt: T0.toISOString(),
  };
  const history: DeliveryEvent[] = [
    { type: 'DeliveryRequested', data: requested },
    { type: 'DeliveryAttempted', data: { deliveryId: 'd1', attempt: 1, attemptedAt: T0.toISOString() } },
  ];
  const spec = deciderSpec(deliveryDecider);

  it('a failure schedules the next attempt', () => {
    spec.given(history).when({ type: 'RecordOutcome', attempt: 1, now: T0, outcome: { ok: false, responseStatus: 500, responseBody: 'boom', error: 'HTTP 500', durationMs: 3 } }).then([
      {
        type: 'DeliveryFailed',
        data: { deliveryId: 'd1', attempt: 1, responseStatus: 500, responseBody: 'boom', error: 'HTTP 500', durationMs: 3, failedAt: T0.toISOString(), nextAttemptAt: minutes(1).toISOString() },
      },
    ]);
  });

  it('an e-mail refused with a 5xx is abandoned at once; a 4xx is retried', () => {
    const email: DeliveryEvent[] = [{ type: 'DeliveryRequested', data: { ...requested, kind: 'EMAIL', webhookId: 'email', url: 'mailto:a@b.example' } }, history[1]!];
    const error = 'permanent SMTP rejection (550, not retried): 550 mailbox unavailable';
    spec.given(email).when({ type: 'RecordOutcome', attempt: 1, now: T0, outcome: { ok: false, responseStatus: 550, responseBody: '550 mailbox unavailable', error: '550 mailbox unavailable', durationMs: 2 } }).then([
      { type: 'DeliveryFailed', data: { deliveryId: 'd1', attempt: 1, responseStatus: 550, responseBody: '550 mailbox unavailable', error, durationMs: 2, failedAt: T0.toISOString(), nextAttemptAt: null } },
      { type: 'DeliveryAbandoned', data: { deliveryId: 'd1', attempts: 1, lastError: error, abandonedAt: T0.toISOString() } },
    ]);
    spec.given(email).when({ type: 'RecordOutcome', attempt: 1, now: T0, outcome: { ok: false, responseStatus: 451, responseBody: '451 later', error: '451 later', durationMs: 2 } }).then([
      { type: 'DeliveryFailed', data: { deliveryId: 'd1', attempt: 1, responseStatus: 451, responseBody: '451 later', error: '451 later', durationMs: 2, failedAt: T0.toISOString(), nextAttemptAt: minutes(1).toISOString() } },
    ]);
  });

  it('a failure 24 hours after the first attempt abandons it with the last error', () => {
    const late = minutes(24 * 60);
    spec
      .given([...history, { type: 'DeliveryFailed', data: { deliveryId: 'd1', attempt: 1, responseStatus: 500, responseBody: '', error: 'HTTP 500', durationMs: 1, failedAt: T0.toISOString(), nextAttemptAt: late.toISOString() } }, { type: 'DeliveryAttempted', data: { deliveryId: 'd1', attempt: 2, attemptedAt: late.toISOString() } }])
      .when({ type: 'RecordOutcome', attempt: 2, now: late, outcome: { ok: false, responseStatus: null, responseBody: null, error: 'connect ECONNREFUSED', durationMs: 1 } })
      .then([
        { type: 'DeliveryFailed', data: { deliveryId: 'd1', attempt: 2, responseStatus: null, responseBody: null, error: 'connect ECONNREFUSED', durationMs: 1, failedAt: late.toISOString(), nextAttemptAt: null } },
        { type: 'DeliveryAbandoned', data: { deliveryId: 'd1', attempts: 2, lastError: 'connect ECONNREFUSED', abandonedAt: late.toISOString() } },
      ]);
  });

  it('records nothing more once succeeded', () => {
    const done: DeliveryEvent[] = [...history, { type: 'DeliverySucceeded', data: { deliveryId: 'd1', attempt: 1, responseStatus: 200, responseBody: '', durationMs: 1, succeededAt: T0.toISOString() } }];
    spec.given(done).when({ type: 'StartAttempt', now: T0 }).then([]);
    spec.given(done).when({ type: 'RequestDelivery', delivery: requested }).then([]);
  });
});

describe('paging resolves', () => {
  const actor = { id: 'u1', role: 'ENGINEER' } as const;
  const opened = (severity: string) => ({ type: 'TicketOpened', data: { ticketId: 't1', claimedSeverity: severity } }) as unknown as TicketEvent;
  const unassignable = { type: 'TicketUnassignable', data: { ticketId: 't1' } } as unknown as TicketEvent;
  const assigned = { type: 'TicketAssigned', data: { ticketId: 't1', assigneeId: 'u1', assignedBy: actor } } as unknown as TicketEvent;
  const reply = (visibility: string, side = 'STAFF') => ({ type: 'ReplyAdded', data: { ticketId: 't1', visibility, side } }) as unknown as TicketEvent;
  const resolved = { type: 'TicketResolved', data: { ticketId: 't1' } } as unknown as TicketEvent;
  const breaches = [
    { metric: 'FIRST_RESPONSE', cycle: 1, severity: 'P0' as const },
    { metric: 'RESOLUTION', cycle: 1, severity: 'P0' as const },
    { metric: 'FIRST_RESPONSE', cycle: 2, severity: 'P2' as const },
  ];

  it('taking a P0 closes its opened and unassignable pages once', () => {
    expect(resolvesFor(assigned, [opened('P0'), unassignable], [])).toEqual(['ledgerdesk:t1:opened', 'ledgerdesk:t1:unassignable']);
    expect(resolvesFor(assigned, [opened('P0'), unassignable, assigned], [])).toEqual([]);
    // A ticket unassignable again after being taken is closed again by the next taking.
    expect(resolvesFor(assigned, [opened('P0'), assigned, unassignable], [])).toEqual(['ledgerdesk:t1:unassignable']);
    expect(resolvesFor(assigned, [opened('P2')], [])).toEqual([]);
  });

  it('a public staff answer closes first-response breaches of P0/P1; resolving closes every breach; internal notes and customer replies close nothing', () => {
    expect(resolvesFor(reply('PUBLIC'), [opened('P2')], breaches)).toEqual(['ledgerdesk:t1:FIRST_RESPONSE:1']);
    expect(resolvesFor(resolved, [opened('P2')], breaches)).toEqual(['ledgerdesk:t1:FIRST_RESPONSE:1', 'ledgerdesk:t1:RESOLUTION:1']);
    expect(resolvesFor(reply('INTERNAL'), [opened('P0')], breaches)).toEqual([]);
    expect(resolvesFor(reply('PUBLIC', 'CUSTOMER'), [opened('P0')], breaches)).toEqual([]);
  });

  it('an SLA page (warning or breach, one key per clock) closes when its clock stops, once', () => {
    const pages = [
      { metric: 'FIRST_RESPONSE', cycle: 1, severity: 'P1' as const },
      { metric: 'FIRST_RESPONSE', cycle: 1, severity: 'P1' as const },
      { metric: 'NEXT_UPDATE', cycle: 2, severity: 'P1' as const },
      { metric: 'NEXT_UPDATE', cycle: 1, severity: 'P1' as const, closed: true },
      { metric: 'RESOLUTION', cycle: 1, severity: 'P1' as const },
    ];
    expect(resolvesFor(reply('PUBLIC'), [opened('P1')], pages)).toEqual(['ledgerdesk:t1:FIRST_RESPONSE:1', 'ledgerdesk:t1:NEXT_UPDATE:2']);
    const closed = { type: 'TicketClosed', data: { ticketId: 't1' } } as unknown as TicketEvent;
    expect(resolvesFor(closed, [opened('P1'), assigned], pages)).toEqual(['ledgerdesk:t1:FIRST_RESPONSE:1', 'ledgerdesk:t1:NEXT_UPDATE:2', 'ledgerdesk:t1:RESOLUTION:1']);
    expect(resolvesFor(assigned, [opened('P1')], pages)).toEqual([]);
  });
});
