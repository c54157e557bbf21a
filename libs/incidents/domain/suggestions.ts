import { satisfies } from 'semver';

// Which open platform incidents a ticket probably belongs to (Ticket.suggestedIncidents, auto-linking at intake):
// pure, on what the read side knows of the ticket and the incidents. docs/incidents.md#suggestions.

/** What a suggestion matched on, strongest first. */
export type IncidentMatch = 'SDK' | 'COMPONENT' | 'REGION';

/** What the ranking needs of an incident. */
export interface SuggestibleIncident {
  id: string;
  status: 'OPEN' | 'RESOLVED';
  startedAt: Date;
  regions: readonly string[];
  components: readonly string[];
  sdkName: string | null;
  sdkVersionRange: string | null;
}

/** What the ranking needs of a ticket: `words` its subject and description, lower-cased; `region` its account's. */
export interface SuggestibleTicket {
  sdkName: string | null;
  sdkVersion: string | null;
  words: string;
  region: string | null;
  receivedAt: Date | null;
}

export interface Suggestion<I extends SuggestibleIncident = SuggestibleIncident> {
  incident: I;
  matchedOn: IncidentMatch[];
}

/** A ticket that came in more than this long before an incident started is not suggested for it. */
export const SUGGESTION_LEAD_MS = 60 * 60_000;
const MATCH_WEIGHT: Record<IncidentMatch, number> = { SDK: 4, COMPONENT: 2, REGION: 1 };

/** A suggestion's score: the sum of its matches' weights. */
export const suggestionScore = (matchedOn: readonly IncidentMatch[]) => matchedOn.reduce((sum, m) => sum + MATCH_WEIGHT[m], 0);

/**
 * Auto-linking at intake takes the best suggestion only from this score on: the SDK alone (4), or a component
 * named in the ticket together with the account's region (3); a component or a region alone is not enough.
 */
export const AUTO_LINK_MIN_SCORE = 3;

/**
 * Which of the open incidents a ticket probably belongs to, best first: its SDK name and version in the
 * incident's SDK range (weight 4), a component named in its subject or description (2), its account's region
 * among the incident's regions (1); only incidents started at most an hour after the ticket came in (a ticket
 * from before the outage is not about it), and not resolved. Ties: the most recently started first, then by id.
 */
export function rankSuggestions<I extends SuggestibleIncident>(ticket: SuggestibleTicket, incidents: readonly I[]): Suggestion<I>[] {
  const suggestions: (Suggestion<I> & { score: number })[] = [];
  for (const incident of incidents) {
    if (incident.status !== 'OPEN') continue;
    if (ticket.receivedAt && incident.startedAt.getTime() - ticket.receivedAt.getTime() > SUGGESTION_LEAD_MS) continue;
    const matchedOn: IncidentMatch[] = [];
    if (
      incident.sdkName &&
      incident.sdkVersionRange &&
      ticket.sdkName?.trim().toLowerCase() === incident.sdkName.toLowerCase() &&
      ticket.sdkVersion &&
      satisfies(ticket.sdkVersion.trim(), incident.sdkVersionRange, { loose: true, includePrerelease: true })
    ) {
      matchedOn.push('SDK');
    }
    if (incident.components.some((component) => component.trim() && ticket.words.includes(component.trim().toLowerCase()))) matchedOn.push('COMPONENT');
    if (ticket.region && incident.regions.some((region) => region.toLowerCase() === ticket.region!.toLowerCase())) matchedOn.push('REGION');
    if (matchedOn.length === 0) continue;
    suggestions.push({ incident, matchedOn, score: suggestionScore(matchedOn) });
  }
  suggestions.sort((a, b) => b.score - a.score || b.incident.startedAt.getTime() - a.incident.startedAt.getTime() || a.incident.id.localeCompare(b.incident.id));
  return suggestions.map(({ incident, matchedOn }) => ({ incident, matchedOn }));
}
