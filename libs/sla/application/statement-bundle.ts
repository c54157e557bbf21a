import {
  claimStream,
  slaStream,
  statementStream,
  streams as accountStreams,
  ticketStream,
  type StatementFigures,
} from '#contracts';
import { dataCommitment, toBundledEvent, type BundledEvent, type EventStore, type StreamHead } from '#event-store';

/**
 * The evidence bundle of a monthly SLA statement: the statement's figures as served, and every stream they
 * follow from — the account's (its zone) and contracts', each ticket with a clock due or a first resolution in the
 * month (ticket and SLA streams), their claims, and the statement's own stream once issued. The verifier checks the
 * hash chains and re-derives the figures from the events with the same pure code (libs/sla/domain/statement-figures.ts).
 * A kind of its own beside the ticket bundle (libs/audit/application/evidence-bundle.ts); checked by libs/audit/application/statement-bundle.ts, which it does not change.
 */
export const STATEMENT_BUNDLE_FORMAT = 'ledgerdesk-statement-bundle/1';

export interface StatementBundle {
  format: typeof STATEMENT_BUNDLE_FORMAT;
  accountId: string;
  month: string;
  asOf: string;
  status: 'DRAFT' | 'ISSUED';
  figures: StatementFigures;
  ticketIds: string[];
  claimIds: string[];
  streams: Record<string, BundledEvent[]>;
  /** Each stream's head as the store recorded it at export: a tail removed from the bundle or the store shows. */
  heads: Record<string, StreamHead | null>;
}

/**
 * For a customer an internal note keeps its instant and who wrote it (a ticket's latest instant counts in its
 * figures) but not its text; it carries the commitment to its removed data, so its hash still verifies.
 */
function redacted(event: BundledEvent): BundledEvent {
  const data = event.data as { visibility?: string; body?: string };
  const redaction = { dataHash: dataCommitment(event.data) };
  if (event.type === 'ReplyAdded' && data.visibility === 'INTERNAL') return { ...event, data: { ...data, body: '', redacted: true }, redaction };
  if (event.type === 'AttachmentAdded' && data.visibility === 'INTERNAL') {
    const { ticketId, id, addedAt, visibility } = event.data as Record<string, unknown>;
    return { ...event, data: { ticketId, id, addedAt, visibility, redacted: true }, redaction };
  }
  return event;
}

export async function exportStatementBundle(
  store: EventStore,
  input: { accountId: string; month: string; status: 'DRAFT' | 'ISSUED'; figures: StatementFigures; ticketIds: string[]; claimIds: string[]; asOf: Date; forCustomer: boolean },
): Promise<StatementBundle> {
  const streams: Record<string, BundledEvent[]> = {};
  const heads: Record<string, StreamHead | null> = {};
  const add = async (name: string, customerView = false) => {
    const events = (await store.readStream(name)).map(toBundledEvent);
    if (!events.length) return;
    streams[name] = customerView && input.forCustomer ? events.map(redacted) : events;
    heads[name] = await store.streamHead(name);
  };
  await add(accountStreams.account(input.accountId));
  await add(accountStreams.contract(input.accountId));
  for (const ticketId of input.ticketIds) {
    await add(ticketStream(ticketId), true);
    await add(slaStream(ticketId));
  }
  for (const claimId of input.claimIds) await add(claimStream(claimId));
  await add(statementStream(input.accountId, input.month));
  return {
    format: STATEMENT_BUNDLE_FORMAT,
    accountId: input.accountId,
    month: input.month,
    asOf: input.asOf.toISOString(),
    status: input.status,
    figures: input.figures,
    ticketIds: input.ticketIds,
    claimIds: input.claimIds,
    streams,
    heads,
  };
}

