import type { PagingEvent, Severity, SlaClockBreached, SlaWarningReached, TicketEvent, TicketOpened, TicketUnassignable } from '#contracts';

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

/**
 * A P0/P1 clock reached its warning percentage pages the on-call. Its dedup_key is the breach page's (ticket,
 * metric, cycle): at PagerDuty a breach that follows lands on the same alert, and both close with one resolve.
 */
export function pageForWarning(warning: SlaWarningReached['data'], severity: Severity | null, subject: string): PagingEvent | null {
  if (severity !== 'P0' && severity !== 'P1') return null;
  return {
    event_action: 'trigger',
    dedup_key: `ledgerdesk:${warning.ticketId}:${warning.metric}:${warning.cycle}`,
    payload: {
      summary: `${severity} ${warning.metric} due ${warning.dueAt}: ${subject}`.slice(0, 1024),
      source: 'ledgerdesk',
      severity: 'warning',
      timestamp: warning.warnedAt,
      component: warning.metric,
      group: warning.accountId,
      class: 'SLA_WARNING',
      custom_details: { ticketId: warning.ticketId, accountId: warning.accountId, severity, metric: warning.metric, cycle: warning.cycle, dueAt: warning.dueAt },
    },
  };
}

/** Does this ticket event stop the clock of `metric` (sla-engine.ts): a public staff answer stops the first response and the running update; resolving or closing stops every clock. */
export function clockStoppedBy(event: TicketEvent, metric: string): boolean {
  if (event.type === 'TicketResolved' || event.type === 'TicketClosed') return true;
  if (event.type === 'ReplyAdded' && event.data.side === 'STAFF' && event.data.visibility === 'PUBLIC') return metric === 'FIRST_RESPONSE' || metric === 'NEXT_UPDATE';
  return false;
}

/** A page of an SLA clock (its warning or its breach) that was triggered, with the severity in effect before it; `closed`: a stop of its clock came between it and now. */
export interface SlaPage {
  metric: string;
  cycle: number;
  severity: Severity | null;
  closed?: boolean;
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
 * public staff answer, resolving or closing it closes the `opened` and `unassignable` pages; an SLA clock's page (its
 * warning or breach, P0/P1, not closed yet) is closed when its clock stops (clockStoppedBy): a public staff answer
 * closes FIRST_RESPONSE and NEXT_UPDATE pages, resolving or closing every one.
 */
export function resolvesFor(event: TicketEvent, before: readonly TicketEvent[], slaPages: readonly SlaPage[]): string[] {
  const ticketId = event.data.ticketId;
  const isTaken = (e: TicketEvent) =>
    e.type === 'TicketAssigned' || e.type === 'TicketResolved' || e.type === 'TicketClosed' || (e.type === 'ReplyAdded' && e.data.side === 'STAFF' && e.data.visibility === 'PUBLIC');
  if (!isTaken(event)) return [];
  const keys: string[] = [];
  // A page closed once is not closed again: only the first taking event after the trigger resolves it.
  const opened = before.find((e): e is TicketOpened => e.type === 'TicketOpened');
  if (opened && opened.data.claimedSeverity === 'P0' && !before.some(isTaken)) keys.push(`ledgerdesk:${ticketId}:opened`);
  const lastUnassignable = before.map((e) => e.type).lastIndexOf('TicketUnassignable');
  if (lastUnassignable >= 0 && !before.slice(lastUnassignable + 1).some(isTaken)) keys.push(`ledgerdesk:${ticketId}:unassignable`);
  for (const page of slaPages) {
    if (page.severity !== 'P0' && page.severity !== 'P1') continue;
    if (page.closed || !clockStoppedBy(event, page.metric)) continue;
    const key = `ledgerdesk:${ticketId}:${page.metric}:${page.cycle}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

export const resolvePage = (dedupKey: string): PagingEvent => ({ event_action: 'resolve', dedup_key: dedupKey });
