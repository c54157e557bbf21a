import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { claimStream, incidentStream, outboundStreams, slaStream, ticketStream, type SlaPolicyPinned, type TicketEvent } from '#contracts';
import {
  canonicalJson,
  dataCommitment,
  eventHash,
  eventHashOfCommitment,
  toBundledEvent,
  type BundledEvent,
  type EventStore,
  type StreamHead,
} from '#event-store';
import { policyOf, slaStatus } from '#sla';

export const BUNDLE_FORMAT = 'ledgerdesk-evidence-bundle/3';
/** Bundles the verifier still checks: /2 (before incident streams were in customers' bundles) may withhold less, never more. */
const CHECKED_FORMATS: ReadonlySet<string> = new Set([BUNDLE_FORMAT, 'ledgerdesk-evidence-bundle/2']);

/** The only events whose content a customer's export may withhold from a ticket's stream: internal notes and the files that came with them. */
const REDACTABLE_TYPES: ReadonlySet<string> = new Set(['ReplyAdded', 'AttachmentAdded']);
/** What a customer's export withholds from an incident stream: the links (they name other accounts' tickets), and INTERNAL updates. */
const INCIDENT_LINK_TYPES: ReadonlySet<string> = new Set(['TicketsLinkedToIncident', 'TicketUnlinkedFromIncident']);
const isIncidentStream = (stream: string) => stream.startsWith(incidentStream(''));

/** One JSON document: a ticket's streams with hashes, its pinned policy, and the SLA verdicts as of `asOf`. */
export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT | 'ledgerdesk-evidence-bundle/2';
  ticketId: string;
  asOf: string;
  streams: Record<string, BundledEvent[]>;
  /** Each stream's head as the store recorded it at export: a tail removed from the bundle or the store shows. */
  heads: Record<string, StreamHead | null>;
  pinnedPolicy: { contractVersion: number; calendarVersion: number; contract: unknown; calendar: unknown } | null;
  slaVerdicts: ReturnType<typeof slaStatus> | null;
  claims: unknown[];
  /** The files supplied with the ticket, as its AttachmentAdded events record them (the files travel beside the bundle). */
  attachments: BundledAttachment[];
}

export interface BundledAttachment {
  id: string;
  sha256: string;
  size: number;
  fileName: string;
  /** The ticket stream revision that recorded it (its hash proves when it was supplied). */
  revision: number;
  recordedAt: string;
}

/**
 * What a customer sees of an internal note in history and bundles: the fact (type, time, hash), not the
 * content. Used for both, so the two redact alike.
 */
export function redactedForCustomer<E extends { type: string; data: unknown }>(event: E): E {
  const data = event.data as { visibility?: string; ticketId?: string; replyId?: string; id?: string };
  if (data.visibility !== 'INTERNAL') return event;
  if (event.type === 'ReplyAdded') return { ...event, data: { ticketId: data.ticketId, replyId: data.replyId, visibility: 'INTERNAL', redacted: true } };
  // A file that came with an internal note: its name and hash are the note's content.
  if (event.type === 'AttachmentAdded') return { ...event, data: { ticketId: data.ticketId, id: data.id, visibility: 'INTERNAL', redacted: true } };
  return event;
}

/**
 * What a customer sees of an incident stream's event in a bundle: the declaration, PUBLIC updates and the
 * resolution whole; a link or unlink (it names other accounts' tickets) and an INTERNAL update as a stub — the
 * fact (type, time, place in the chain, hash), not the content (as `ticketHistory` leaves them out).
 */
export function incidentEventForCustomer<E extends { type: string; data: unknown }>(event: E): E {
  const data = event.data as { incidentId?: string; updateId?: string; visibility?: string };
  if (INCIDENT_LINK_TYPES.has(event.type)) return { ...event, data: { incidentId: data.incidentId, redacted: true } };
  if (event.type === 'IncidentUpdatePosted' && data.visibility !== 'PUBLIC') return { ...event, data: { incidentId: data.incidentId, updateId: data.updateId, visibility: 'INTERNAL', redacted: true } };
  return event;
}

/** The bundle's form of a withheld event: the visible stub plus the commitment to what was removed. */
function redactedInBundle(event: BundledEvent): BundledEvent {
  const stub = isIncidentStream(event.stream) ? incidentEventForCustomer(event) : redactedForCustomer(event);
  return stub === event ? event : { ...stub, redaction: { dataHash: dataCommitment(event.data) } };
}

export async function exportEvidenceBundle(
  store: EventStore,
  ticketId: string,
  claimIds: readonly string[],
  asOf: Date,
  forCustomer: boolean,
  deliveryIds: readonly string[] = [],
  /** Platform incidents the ticket was ever linked to: their streams, whole for staff; for a customer links and INTERNAL updates withheld. */
  incidentIds: readonly string[] = [],
): Promise<EvidenceBundle | null> {
  const ticket = await store.readStream(ticketStream(ticketId));
  if (ticket.length === 0) return null;
  const sla = await store.readStream(slaStream(ticketId));
  const streams: Record<string, BundledEvent[]> = {
    [ticketStream(ticketId)]: ticket.map(toBundledEvent).map((e) => (forCustomer ? redactedInBundle(e) : e)),
    [slaStream(ticketId)]: sla.map(toBundledEvent),
  };
  const claims: unknown[] = [];
  for (const claimId of claimIds) {
    const events = await store.readStream(claimStream(claimId));
    streams[claimStream(claimId)] = events.map(toBundledEvent);
    claims.push(...events.map((event) => ({ type: event.type, ...(event.data as object) })));
  }
  // What was sent about the ticket (webhooks, e-mails, pages): chain- and head-checked like the rest.
  for (const deliveryId of deliveryIds) streams[outboundStreams.delivery(deliveryId)] = (await store.readStream(outboundStreams.delivery(deliveryId))).map(toBundledEvent);
  for (const incidentId of incidentIds) {
    const events = (await store.readStream(incidentStream(incidentId))).map(toBundledEvent);
    streams[incidentStream(incidentId)] = forCustomer ? events.map(redactedInBundle) : events;
  }
  const heads: Record<string, StreamHead | null> = {};
  for (const stream of Object.keys(streams)) heads[stream] = await store.streamHead(stream);
  const pinned = sla.find((event) => event.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined;
  const policy = pinned ? policyOf(pinned) : null;
  return {
    format: BUNDLE_FORMAT,
    ticketId,
    asOf: asOf.toISOString(),
    streams,
    heads,
    pinnedPolicy: policy,
    slaVerdicts: policy ? JSON.parse(JSON.stringify(slaStatus(ticket as unknown as TicketEvent[], policy, asOf))) : null,
    claims,
    attachments: attachmentsOf(streams[ticketStream(ticketId)]!),
  };
}

/** The attachments a ticket stream records (redacted ones are withheld with the rest of their content). */
function attachmentsOf(events: readonly BundledEvent[]): BundledAttachment[] {
  return events
    .filter((event) => event.type === 'AttachmentAdded' && !isRedacted(event))
    .map((event) => {
      const d = event.data as { id: string; sha256: string; size: number; fileName: string };
      return { id: d.id, sha256: d.sha256, size: d.size, fileName: d.fileName, revision: event.revision, recordedAt: event.recordedAt };
    });
}

export interface BundleCheck {
  ok: boolean;
  lines: string[];
}

/**
 * Checks a bundle with nothing but the bundle: every stream's hash chain up to the head the store recorded, and
 * the SLA verdicts re-derived with the same pure engine from the ticket's events and the pinned policy. A
 * withheld event is checked through the data commitment it carries; only internal notes may be withheld.
 * Never throws: a malformed bundle is reported as not holding.
 */
export function checkEvidenceBundle(bundle: EvidenceBundle): BundleCheck {
  try {
    return checkWellFormedBundle(bundle);
  } catch (error) {
    return { ok: false, lines: [`BROKEN  the bundle is malformed: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function checkWellFormedBundle(bundle: EvidenceBundle): BundleCheck {
  const lines: string[] = [];
  let ok = true;
  if (!CHECKED_FORMATS.has(bundle?.format)) return { ok: false, lines: [`not a Ledgerdesk evidence bundle of format ${BUNDLE_FORMAT} (format ${String(bundle?.format)})`] };
  const ticketEvents = bundle.streams?.[ticketStream(bundle.ticketId)];
  if (!Array.isArray(ticketEvents) || ticketEvents.length === 0) {
    return { ok: false, lines: [`BROKEN  the bundle holds no events of ticket ${String(bundle.ticketId)}'s stream`] };
  }
  for (const [stream, events] of Object.entries(bundle.streams)) {
    if (!Array.isArray(events)) throw new Error(`stream ${stream} is not a list of events`);
    const problem = chainProblem(stream, events) ?? headProblem(events, bundle.heads?.[stream]);
    const withheld = events.filter((event) => event.redaction).length;
    if (problem) {
      ok = false;
      lines.push(`BROKEN  ${stream}: ${problem}`);
    } else {
      const note = withheld ? ` (${withheld} redacted: content withheld, its hash committed in the chain)` : '';
      lines.push(`HOLDS   ${stream}: ${events.length} events, chain intact up to the recorded head${note}, head ${events.at(-1)?.hash ?? 'none'}`);
    }
  }
  if (bundle.pinnedPolicy && bundle.slaVerdicts) {
    const derived = rederivedVerdicts(ticketEvents, bundle);
    const same = JSON.stringify(derived) === JSON.stringify(bundle.slaVerdicts);
    if (same) lines.push(`HOLDS   SLA verdicts as of ${bundle.asOf}: re-derived from the events and the pinned policy, identical`);
    else {
      ok = false;
      lines.push(`DIFFERS SLA verdicts as of ${bundle.asOf}: the bundle says ${JSON.stringify(bundle.slaVerdicts)}, the events say ${JSON.stringify(derived)}`);
    }
  }
  const listed = JSON.stringify(bundle.attachments ?? []);
  const recorded = JSON.stringify(attachmentsOf(ticketEvents));
  if (listed === recorded) {
    if (bundle.attachments?.length) lines.push(`HOLDS   attachments: ${bundle.attachments.length} listed, each as its AttachmentAdded event records it`);
  } else {
    ok = false;
    lines.push(`DIFFERS attachments: the list is not what the ticket's AttachmentAdded events record (${recorded})`);
  }
  return { ok, lines };
}

/** The engine's verdicts from the bundled events; events the engine cannot read give an error text, not a throw. */
function rederivedVerdicts(ticketEvents: readonly BundledEvent[], bundle: EvidenceBundle): unknown {
  try {
    return JSON.parse(JSON.stringify(slaStatus(ticketEvents as unknown as TicketEvent[], bundle.pinnedPolicy as never, new Date(bundle.asOf))));
  } catch (error) {
    return { error: `the SLA engine cannot read these events: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Checks the files beside a bundle: each listed attachment must be in `dir` — named by its SHA-256, its id or
 * its file name — with exactly the recorded content. Reads each file as a stream.
 */
export async function checkAttachmentFiles(bundle: EvidenceBundle, dir: string): Promise<BundleCheck> {
  const lines: string[] = [];
  let ok = true;
  for (const attachment of bundle.attachments ?? []) {
    const candidates = [attachment.sha256, attachment.id, basename(attachment.fileName)].map((name) => join(dir, name));
    const path = candidates.find((candidate) => existsSync(candidate));
    if (!path) {
      ok = false;
      lines.push(`MISSING attachment ${attachment.id} (${attachment.fileName}): no file named ${attachment.sha256}, ${attachment.id} or ${basename(attachment.fileName)} in ${dir}`);
      continue;
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const actual = hash.digest('hex');
    if (actual === attachment.sha256) lines.push(`HOLDS   attachment ${attachment.id} (${attachment.fileName}): ${path} has the recorded SHA-256, supplied at revision ${attachment.revision} (${attachment.recordedAt})`);
    else {
      ok = false;
      lines.push(`DIFFERS attachment ${attachment.id} (${attachment.fileName}): ${path} hashes to ${actual}, the ticket recorded ${attachment.sha256}`);
    }
  }
  return { ok, lines };
}

const isRedacted = (event: BundledEvent) => event.redaction !== undefined;

/** The first place a stream's chain does not hold, or null (ticket and statement bundles alike). */
export function chainProblem(stream: string, events: readonly BundledEvent[]): string | null {
  let previousHash: string | null = null;
  for (const [index, event] of events.entries()) {
    if (event.stream !== stream || event.revision !== index) return `revision ${index} is missing or out of place`;
    if (event.previousHash !== previousHash) return `revision ${index}: previousHash does not match the hash of revision ${index - 1}`;
    if (event.redaction && !mayBeWithheld(stream, event)) {
      return `revision ${index}: a ${event.type} cannot be redacted (only internal notes and their files, and an incident's links and internal updates, may be withheld)`;
    }
    const hash: string = event.redaction
      ? eventHashOfCommitment(stream, index, event.type, String(event.redaction.dataHash), canonicalJson(event.metadata), previousHash)
      : eventHash({ ...event, previousHash });
    if (hash !== event.hash) return `revision ${index}: content does not match its recorded hash (altered)`;
    previousHash = event.hash;
  }
  return null;
}

function mayBeWithheld(stream: string, event: BundledEvent): boolean {
  const internal = (event.data as { visibility?: unknown } | null)?.visibility === 'INTERNAL';
  if (isIncidentStream(stream)) return INCIDENT_LINK_TYPES.has(event.type) || (event.type === 'IncidentUpdatePosted' && internal);
  return REDACTABLE_TYPES.has(event.type) && internal;
}

/** A stream must end where the store's head record said it ended at export (a deleted tail leaves a shorter chain). */
export function headProblem(events: readonly BundledEvent[], head: StreamHead | null | undefined): string | null {
  if (head === undefined) return 'the bundle records no head for this stream';
  const last = events.at(-1);
  if (!head) return last ? 'the store had no such stream, yet the bundle holds events for it' : null;
  if (!last || last.revision !== head.revision || last.hash !== head.hash) {
    return `the stream's recorded head is revision ${head.revision} (${head.hash}) but the events end at ${last ? `revision ${last.revision}` : 'nothing'}: events are missing from its tail`;
  }
  return null;
}
