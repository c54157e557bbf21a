import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { notFound } from '#contracts';
import { CurrentPrincipal, type Principal } from '#platform-kit';
import { IncidentUpdatesFeed, parseIncidentUpdateCursor, type IncidentUpdateMessage } from '../application/incident-updates.feed.js';
import { IncidentsQueries } from '../application/incidents.queries.js';
import { IncidentUpdateNoticeType } from './incident.types.js';

@Resolver(() => IncidentUpdateNoticeType)
export class IncidentUpdatesResolver {
  constructor(
    @Inject(IncidentUpdatesFeed) private readonly feed: IncidentUpdatesFeed,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
  ) {}

  @Subscription(() => IncidentUpdateNoticeType, {
    description:
      "Platform incident updates from the log (GraphQL over WebSocket, graphql-ws), whichever process recorded them. Without `after`: from now on; with an update's cursor: every update recorded after it, then live — each once, in log order. Staff: every update; a customer: PUBLIC updates of incidents linked to their account's tickets.",
    resolve: (message: IncidentUpdateMessage): IncidentUpdateNoticeType => ({
      incidentId: message.incidentId,
      update: { id: message.updateId, status: message.status, body: message.body, visibility: message.visibility, postedBy: message.postedBy, postedAt: new Date(message.postedAt) },
      cursor: message.cursor,
    }),
  })
  async incidentUpdates(
    @CurrentPrincipal() principal: Principal,
    @Args('incidentId', { type: () => ID, nullable: true, description: "only this incident's updates; leave out for every incident you may see" }) incidentId: string | null,
    @Args('after', { type: () => String, nullable: true, description: 'Resume after this update’s cursor (replays what was missed, then live)' }) after: string | null,
  ) {
    const from = after === null || after === undefined ? null : parseIncidentUpdateCursor(after);
    // An incident the caller may not see (a customer: not linked to their account) is refused as unknown.
    if (incidentId && !(await this.queries.incident(incidentId, { accountId: principal.role === 'CUSTOMER' ? principal.accountId : null }))) throw notFound('PlatformIncident');
    return this.feed.follow(principal, incidentId ?? null, from);
  }
}
