import type { PagingEvent, Severity, SlaClockBreached, TicketEvent, TicketOpened, TicketUnassignable } from '#contracts';

/** The severity in effect after these ticket events: assessed if any, else claimed; after an UPHELD dispute, the claimed one. */
export function severityInEffect(events: readonly TicketEvent[]): Severity | null {
  let claimed: Severity | null = null;
  let assessed: Severity | null = null;
  let disputed: Severity | null = null;
  for (const event of events) {
    if (event.type === 'TicketOpened') claimed = event.data.claimedSeverity;
    else if (event.type === 'SeverityAssessed') assessed = event.data.severity;
    else if (event.type === 'SeverityDisputed') disputed = event.data.claimedSeverity;
    else if (event.type === 'SeverityDisputeResolved' && event.data.outcome === 'UPHELD' && disputed) assessed = disputed;
  }
  return assessed ?? claimed;
}

const pdSeverity = (severity: Severity): NonNullable<PagingEvent['payload']>['severity'] => (severity === 'P0' ? 'critical' : 'error');

/** A P0 opened pages the on-call (dedup: the ticket and `opened`). */
export function pageForOpened(opened: TicketOpened['data']): PagingEvent | null {
  if (opened.claimedSeverity !== 'P0') return null;
  return {
    event_action: 'trigger',
    dedup_key: `ledgerdesk:${opened.ticketId}:opened`,
    payload: {
      summary: `P0 opened: ${opened.subject}`.slice(0, 1024),
      source: 'ledgerdesk',
      severity: 'critical',
      timestamp: opened.receivedAt,
      component: opened.channel,
      group: opened.accountId,
      class: 'TICKET_OPENED',
      custom_details: { ticketId: opened.ticketId, accountId: opened.accountId, severity: 'P0', channel: opened.channel },
    },
  };
}

/** A P0/P1 clock breached pages the on-call (dedup: ticket, metric, cycle). */
export function pageForBreach(breach: SlaClockBreached['data'], severity: Severity | null, subject: string): PagingEvent | null {
  if (severity !== 'P0' && severity !== 'P1') return null;
  return {
    event_action: 'trigger',
    dedup_key: `ledgerdesk:${breach.ticketId}:${breach.metric}:${breach.cycle}`,
    payload: {
      summary: `${severity} ${breach.metric} breached: ${subject}`.slice(0, 1024),
      source: 'ledgerdesk',
      severity: pdSeverity(severity),
      timestamp: breach.breachedAt,
      component: breach.metric,
      group: breach.accountId,
      class: 'SLA_BREACH',
      custom_details: { ticketId: breach.ticketId, accountId: breach.accountId, severity, metric: breach.metric, cycle: breach.cycle, dueAt: breach.dueAt },
    },
  };
}

/** A P0/P1 routing could give nobody pages the on-call (dedup: the ticket and `unassignable`). */
export function pageForUnassignable(found: TicketUnassignable['data'], subject: string): PagingEvent {
  return {
    event_action: 'trigger',
    dedup_key: `ledgerdesk:${found.ticketId}:unassignable`,
    payload: {
      summary: `${found.severity} nobody can take: ${subject}`.slice(0, 1024),
      source: 'ledgerdesk',
      severity: pdSeverity(found.severity),
      timestamp: found.foundAt,
      component: found.region || 'routing',
      group: found.accountId,
      class: 'UNASSIGNED',
      custom_details: { ticketId: found.ticketId, accountId: found.accountId, severity: found.severity, region: found.region, reason: found.reason },
    },
  };
}

/**
 * The dedup keys a ticket event closes, from the ticket's events before it: taking the ticket (TicketAssigned), a
 * public staff answer or resolving it closes the `opened` and `unassignable` pages; a public staff answer closes the
 * FIRST_RESPONSE breach pages, resolving closes every breach page. Only pages that were triggered (by the same
 * rules as above) are closed; the breaches are the ticket's SlaClockBreached events of a P0/P1.
 */
export function resolvesFor(event: TicketEvent, before: readonly TicketEvent[], breaches: readonly { metric: string; cycle: number; severity: Severity | null }[]): string[] {
  const ticketId = event.data.ticketId;
  const answered = event.type === 'ReplyAdded' && event.data.side === 'STAFF' && event.data.visibility === 'PUBLIC';
  if (!(event.type === 'TicketAssigned' || answered || event.type === 'TicketResolved')) return [];
  const keys: string[] = [];
  const isTaken = (e: TicketEvent) => e.type === 'TicketAssigned' || e.type === 'TicketResolved' || (e.type === 'ReplyAdded' && e.data.side === 'STAFF' && e.data.visibility === 'PUBLIC');
  // A page closed once is not closed again: only the first taking event after the trigger resolves it.
  const opened = before.find((e): e is TicketOpened => e.type === 'TicketOpened');
  if (opened && opened.data.claimedSeverity === 'P0' && !before.some(isTaken)) keys.push(`ledgerdesk:${ticketId}:opened`);
  const lastUnassignable = before.map((e) => e.type).lastIndexOf('TicketUnassignable');
  if (lastUnassignable >= 0 && !before.slice(lastUnassignable + 1).some(isTaken)) keys.push(`ledgerdesk:${ticketId}:unassignable`);
  for (const breach of breaches) {
    if (breach.severity !== 'P0' && breach.severity !== 'P1') continue;
    if (event.type === 'TicketResolved' || (answered && breach.metric === 'FIRST_RESPONSE')) keys.push(`ledgerdesk:${ticketId}:${breach.metric}:${breach.cycle}`);
  }
  return keys;
}

export const resolvePage = (dedupKey: string): PagingEvent => ({ event_action: 'resolve', dedup_key: dedupKey });
