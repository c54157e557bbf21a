import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { IncidentUpdatePosted, Principal } from '#contracts';
import type { Position } from '#event-store';
import { LogFeed, logCursor, parseLogCursor, PlatformRuntime } from '#platform-kit';
import { INCIDENTS_PROJECTION } from '../projections/incidents.projection.js';
import { IncidentsQueries } from './incidents.queries.js';

export interface IncidentUpdateMessage {
  incidentId: string;
  updateId: string;
  status: string;
  body: string;
  visibility: 'PUBLIC' | 'INTERNAL';
  postedBy: string;
  postedAt: string;
  /** Opaque: the update's place in the log; handed back as `after`, delivery resumes right after it. */
  cursor: string;
}

const CURSOR_PREFIX = 'incident-update:';

/** The position an incidentUpdates cursor names; BAD_USER_INPUT for anything it did not hand out. */
export const parseIncidentUpdateCursor = (cursor: string): Position => parseLogCursor(CURSOR_PREFIX, cursor, 'after', 'after is not a cursor incidentUpdates handed out');

/**
 * Incident updates straight from the log, through the same LogFeed as slaAlerts (one store subscription per
 * subscriber, resumable by cursor, each update once, in log order, whichever process recorded it). Staff get every
 * update (of one incident, or of all); a customer only PUBLIC updates of incidents linked to their account's
 * tickets, checked once the incidents read model has passed the update (the links made before it are in).
 */
@Injectable()
export class IncidentUpdatesFeed implements OnApplicationShutdown {
  private readonly feed: LogFeed;

  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
  ) {
    this.feed = new LogFeed(() => runtime.store);
  }

  follow(principal: Principal, incidentId: string | null, after: Position | null): Promise<AsyncIterableIterator<IncidentUpdateMessage>> {
    const customerAccount = principal.role === 'CUSTOMER' ? principal.accountId : null;
    return this.feed.follow(after, ['IncidentUpdatePosted'], async (event) => {
      const update = (event as unknown as IncidentUpdatePosted).data;
      if (incidentId && update.incidentId !== incidentId) return null;
      if (principal.role === 'CUSTOMER') {
        if (update.visibility !== 'PUBLIC' || !customerAccount) return null;
        await this.runtime.reached(INCIDENTS_PROJECTION, event.position, AbortSignal.timeout(5_000)).catch(() => undefined);
        if (!(await this.queries.incident(update.incidentId, { accountId: customerAccount }))) return null;
      }
      return {
        incidentId: update.incidentId,
        updateId: update.updateId,
        status: update.status,
        body: update.body,
        visibility: update.visibility,
        postedBy: update.postedBy.id,
        postedAt: update.postedAt,
        cursor: logCursor(CURSOR_PREFIX, event.position),
      };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.closeAll();
  }
}
