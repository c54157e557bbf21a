import canonicalize from 'canonicalize';
import {
  claimStream,
  slaStream,
  statementStream,
  streams as accountStreams,
  ticketStream,
  type AccountRegistered,
  type ClaimEvent,
  type ContractSigned,
  type SlaEvent,
  type StatementFigures,
  type TicketEvent,
} from '#contracts';
import { monthBounds, statementFigures, STATEMENT_BUNDLE_FORMAT, type StatementBundle } from '#sla';
import type { BundledEvent } from '#event-store';
import { chainProblem, headProblem, type BundleCheck } from './evidence-bundle.js';

/**
 * The offline check of a monthly statement's evidence bundle (exported by libs/sla/application/statement-bundle.ts):
 * every stream's hash chain, and the figures re-derived from the events with the same pure code the platform
 * documents (libs/sla/domain/statement-figures.ts). A kind of its own beside the ticket bundle's check.
 */
const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);

/** Checks a statement bundle with nothing but the bundle: hash chains, and the figures re-derived from its events. */
export function checkStatementBundle(bundle: StatementBundle): BundleCheck {
  const lines: string[] = [];
  let ok = true;
  if (bundle.format !== STATEMENT_BUNDLE_FORMAT) return { ok: false, lines: [`not a Ledgerdesk statement bundle (format ${String(bundle.format)})`] };
  for (const [stream, events] of Object.entries(bundle.streams) as [string, BundledEvent[]][]) {
    const problem = chainProblem(stream, events) ?? headProblem(events, bundle.heads?.[stream]);
    if (problem) {
      ok = false;
      lines.push(`BROKEN  ${stream}: ${problem}`);
    } else {
      const withheld = events.filter((event) => event.redaction).length;
      lines.push(`HOLDS   ${stream}: ${events.length} events, chain intact up to the recorded head${withheld ? ` (${withheld} redacted: text withheld, its hash committed in the chain)` : ''}`);
    }
  }
  const events = (name: string) => (bundle.streams[name] ?? []) as unknown as { type: string; data: unknown }[];
  const registered = events(accountStreams.account(bundle.accountId)).find((e) => e.type === 'AccountRegistered') as AccountRegistered | undefined;
  if (!registered) return { ok: false, lines: [...lines, `MISSING the account's AccountRegistered event (its zone)`] };
  const { start, end } = monthBounds(bundle.month, registered.data.timeZone);
  const derived = statementFigures({
    month: bundle.month,
    timeZone: registered.data.timeZone,
    start: start.toJSDate(),
    end: end.toJSDate(),
    tickets: bundle.ticketIds.map((id) => ({ ticketEvents: events(ticketStream(id)) as TicketEvent[], slaEvents: events(slaStream(id)) as SlaEvent[] })),
    claims: bundle.claimIds.flatMap((id) => events(claimStream(id)) as ClaimEvent[]),
    contracts: (events(accountStreams.contract(bundle.accountId)) as ContractSigned[]).filter((e) => e.type === 'ContractSigned').map((e) => e.data),
  });
  const what = `${bundle.status} statement ${bundle.accountId} ${bundle.month}`;
  if (same(derived, bundle.figures)) {
    lines.push(`HOLDS   figures of the ${what}: re-derived from the events of ${bundle.ticketIds.length} tickets and ${bundle.claimIds.length} claims, identical (${derived.totals.met} met, ${derived.totals.missed} missed, ${derived.breaches.length} breaches)`);
  } else {
    ok = false;
    lines.push(`DIFFERS figures of the ${what}: the bundle says ${JSON.stringify(bundle.figures)}, the events say ${JSON.stringify(derived)}`);
  }
  const recorded = events(statementStream(bundle.accountId, bundle.month)).at(-1) as { type: string; data: { figures: StatementFigures } } | undefined;
  if (recorded) {
    if (same(recorded.data.figures, derived)) lines.push(`HOLDS   the statement stream's last record (${recorded.type}) states the same figures`);
    else {
      ok = false;
      lines.push(`DIFFERS the statement stream's last record (${recorded.type}) states other figures than the events give`);
    }
  }
  return { ok, lines };
}
