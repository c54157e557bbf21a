import { describe, it } from 'vitest';
import type { TicketEvent } from '#contracts';
import { deciderSpec } from '../../platform-kit/commands/decider-spec.js';
import { emptyDiagnostics } from './ticket.state.js';
import { ticketDecider, type TicketCommand } from './ticket.decider.js';

const t0 = '2026-03-06T02:00:00.000Z';
const customer = { id: 'dev', role: 'CUSTOMER' as const };
const engineer = { id: 'eng', role: 'ENGINEER' as const };
const opened: TicketEvent = {
  type: 'TicketOpened',
  data: { ticketId: 't', accountId: 'acc', channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0', diagnostics: emptyDiagnostics(), externalId: null, receivedAt: t0, openedBy: customer, openedAt: t0 },
};
const assessed: TicketEvent = { type: 'SeverityAssessed', data: { ticketId: 't', severity: 'P2', previousSeverity: 'P0', reason: 'r', assessedBy: engineer, assessedAt: t0 } };
const resolved: TicketEvent = { type: 'TicketResolved', data: { ticketId: 't', resolution: 'ok', rootCause: null, resolvedBy: engineer, resolvedAt: t0 } };
const closed: TicketEvent = { type: 'TicketClosed', data: { ticketId: 't', closedBy: engineer, closedAt: t0 } };

const spec = deciderSpec(ticketDecider);
const by = (actor: { id: string; role: 'CUSTOMER' | 'ENGINEER' | 'ADMIN' | 'TAM' }, at = t0) => ({
  ticketId: 't',
  actor,
  customerAccountId: actor.role === 'CUSTOMER' ? 'acc' : null,
  now: new Date(at),
});

describe('ticket decider', () => {
  it('refuses everything on a closed ticket', () => {
    spec.given([opened, closed]).when({ ...by(engineer), type: 'EscalateTicket', reason: 'x' }).thenRefuses('BAD_USER_INPUT', /closed/);
  });
  it('hides another account’s ticket as NOT_FOUND', () => {
    spec.given([opened]).when({ ...by(customer), customerAccountId: 'other', type: 'CloseTicket' } as TicketCommand).thenRefuses('NOT_FOUND');
  });
  it('refuses a dispute when the assessment equals the claim, and a second open dispute', () => {
    spec.given([opened]).when({ ...by(customer), type: 'DisputeSeverity', reason: 'x', actorIsAccountTam: false }).thenRefuses('BAD_USER_INPUT');
    const disputed: TicketEvent = { type: 'SeverityDisputed', data: { ticketId: 't', claimedSeverity: 'P0', assessedSeverity: 'P2', reason: 'x', disputedBy: customer, disputedAt: t0 } };
    spec.given([opened, assessed, disputed]).when({ ...by(customer), type: 'DisputeSeverity', reason: 'again', actorIsAccountTam: false }).thenRefuses('CONFLICT');
  });
  it('reopens within 14 days of resolution and not after', () => {
    spec.given([opened, resolved]).when({ ...by(customer, '2026-03-20T02:00:00.000Z'), type: 'ReopenTicket', reason: 'again' }).then([
      { type: 'TicketReopened', data: { ticketId: 't', reason: 'again', reopenedBy: customer, reopenedAt: '2026-03-20T02:00:00.000Z' } },
    ]);
    spec.given([opened, resolved]).when({ ...by(customer, '2026-03-20T02:00:01.000Z'), type: 'ReopenTicket', reason: 'again' }).thenRefuses('BAD_USER_INPUT', /14 days/);
  });
  it('records nothing for a repeated assessment', () => {
    spec.given([opened, assessed]).when({ ...by(engineer), type: 'AssessSeverity', severity: 'P2', reason: 'same' }).then([]);
  });
});
