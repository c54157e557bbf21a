/**
 * The five subgraphs of the split deployment (issue 11): each is `apps/<name>/main.ts` (compiled:
 * `dist/apps/<name>/main.js`), a Federation 2 subgraph serving `_service { sdl }` on `/graphql`. A gateway
 * composes them (test/federation-composition.spec.ts composes them with `@apollo/composition`). Nothing here
 * loads a context: this module only names them, so any process may import it.
 */
export interface SubgraphApp {
  /** The subgraph's name in the supergraph (and the app's directory). */
  name: 'accounts' | 'intake' | 'triage' | 'sla' | 'health-checks';
  /** What it owns, for people reading a composed plan. */
  owns: string;
}

export const SUBGRAPH_APPS: readonly SubgraphApp[] = [
  { name: 'accounts', owns: 'Account, StaffMember, Actor names, calendars, contracts, staff, API keys' },
  { name: 'intake', owns: 'openTicket (the ticket it returns is triage’s entity), the e-mail and IM channels; outbound: e-mail replies, webhooks, deliveries, on-call paging' },
  { name: 'triage', owns: 'Ticket and its lifecycle, the queue, search, Account.tickets, StaffMember.openTickets; platform incidents, Ticket.incident, Ticket.suggestedIncidents' },
  { name: 'sla', owns: 'Ticket.sla, claims, alerts, reports, statements, Account.health; the platform operations (advanceClock, reactors, parked events and timers)' },
  { name: 'health-checks', owns: 'health checks, traffic peaks, SDK advisories, the TAM agenda, Account.trafficPeaks' },
];

/** The source and compiled entry points of a subgraph app, relative to the repository root. */
export function subgraphEntry(app: SubgraphApp, compiled = true): string {
  return compiled ? `dist/apps/${app.name}/main.js` : `apps/${app.name}/main.ts`;
}

/** A running subgraph's SDL (`_service { sdl }`), as a gateway reads it to compose. */
export async function fetchSubgraphSdl(url: string, token?: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`${url} gave no SDL: ${body.errors?.map((error) => error.message).join('; ') ?? response.status}`);
  return sdl;
}
