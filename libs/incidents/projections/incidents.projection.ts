import type { AccountEvent, ContractEvent, IncidentEvent, TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

export const INCIDENTS_PROJECTION = 'incidents.incidents';

/**
 * The incidents read model: each incident, its updates, its linked tickets (with their accounts), and the
 * context's own directory of tickets (account, open or closed) that links are checked against.
 */
export const incidentsProjection: Projection = {
  name: INCIDENTS_PROJECTION,
  eventTypes: ['PlatformIncidentDeclared', 'TicketsLinkedToIncident', 'TicketUnlinkedFromIncident', 'IncidentUpdatePosted', 'PlatformIncidentResolved', 'TicketOpened', 'DiagnosticsAdded', 'TicketClosed', 'AccountRegistered', 'ContractSigned'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS incidents');
    await sql.query(`CREATE TABLE IF NOT EXISTS incidents.incidents (
      id text PRIMARY KEY, seq bigserial, title text NOT NULL, severity text NOT NULL, regions text[] NOT NULL, components text[] NOT NULL,
      sdk_name text, sdk_version_range text, started_at timestamptz NOT NULL, public_summary text NOT NULL,
      declared_by text NOT NULL, declared_at timestamptz NOT NULL, status text NOT NULL,
      resolved_at timestamptz, resolution text, root_cause text, resolve_linked_tickets boolean)`);
    await sql.query('CREATE INDEX IF NOT EXISTS incidents_status ON incidents.incidents (status, seq)');
    // Where in the log it was declared and resolved (auto-linking at intake asks which incidents were open at a
    // ticket's TicketOpened, not which are open when the reactor gets to it).
    for (const column of ['declared_commit numeric', 'declared_prepare numeric', 'resolved_commit numeric', 'resolved_prepare numeric']) {
      await sql.query(`ALTER TABLE incidents.incidents ADD COLUMN IF NOT EXISTS ${column}`);
    }
    await sql.query(`CREATE TABLE IF NOT EXISTS incidents.updates (
      update_id text PRIMARY KEY, incident_id text NOT NULL, seq bigserial, status text NOT NULL, body text NOT NULL, visibility text NOT NULL,
      posted_by text NOT NULL, posted_at timestamptz NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS updates_incident ON incidents.updates (incident_id, seq)');
    await sql.query(`CREATE TABLE IF NOT EXISTS incidents.links (
      incident_id text NOT NULL, ticket_id text NOT NULL, account_id text NOT NULL, linked_at timestamptz NOT NULL, PRIMARY KEY (incident_id, ticket_id))`);
    await sql.query('CREATE INDEX IF NOT EXISTS links_ticket ON incidents.links (ticket_id)');
    await sql.query('CREATE INDEX IF NOT EXISTS links_account ON incidents.links (account_id, incident_id)');
    // Every (ticket, incident) ever linked, unlinking kept: the ticket's history shows those incidents' streams.
    await sql.query('CREATE TABLE IF NOT EXISTS incidents.ever_linked (ticket_id text NOT NULL, incident_id text NOT NULL, PRIMARY KEY (ticket_id, incident_id))');
    await sql.query('CREATE TABLE IF NOT EXISTS incidents.tickets (ticket_id text PRIMARY KEY, account_id text NOT NULL, closed boolean NOT NULL DEFAULT false)');
    // What suggestions match on (Ticket.suggestedIncidents): the ticket's SDK, its words, when it came in; the account's region.
    for (const column of ['sdk_name text', 'sdk_version text', 'words text', 'received_at timestamptz']) {
      await sql.query(`ALTER TABLE incidents.tickets ADD COLUMN IF NOT EXISTS ${column}`);
    }
    await sql.query('CREATE TABLE IF NOT EXISTS incidents.accounts (account_id text PRIMARY KEY, region text NOT NULL)');
    // Each contract version's auto-link term (auto-linking at intake), from ContractSigned.
    await sql.query(
      'CREATE TABLE IF NOT EXISTS incidents.contracts (account_id text NOT NULL, version int NOT NULL, effective_from timestamptz NOT NULL, auto_link boolean NOT NULL, signed_commit numeric NOT NULL, signed_prepare numeric NOT NULL, PRIMARY KEY (account_id, version))',
    );
  },

  async reset(tx) {
    for (const table of ['incidents', 'updates', 'links', 'ever_linked', 'tickets', 'accounts', 'contracts']) await tx.query(`DELETE FROM incidents.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as IncidentEvent | TicketEvent | AccountEvent | ContractEvent;
      switch (event.type) {
        case 'TicketOpened': {
          const d = event.data;
          await tx.query(
            'INSERT INTO incidents.tickets (ticket_id, account_id, sdk_name, sdk_version, words, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticket_id) DO NOTHING',
            [
              d.ticketId,
              d.accountId,
              // As for DiagnosticsAdded below: a log may hold a non-string value here (see the search projection).
              typeof d.diagnostics?.sdkName === 'string' ? d.diagnostics.sdkName : null,
              typeof d.diagnostics?.sdkVersion === 'string' ? d.diagnostics.sdkVersion : null,
              `${d.subject}\n${d.description}`.slice(0, 4000).toLowerCase(),
              d.receivedAt,
            ],
          );
          break;
        }
        case 'DiagnosticsAdded': {
          const d = event.data.diagnostics;
          if (d.sdkName === undefined && d.sdkVersion === undefined) break;
          await tx.query('UPDATE incidents.tickets SET sdk_name = COALESCE($2, sdk_name), sdk_version = COALESCE($3, sdk_version) WHERE ticket_id = $1', [
            event.data.ticketId,
            typeof d.sdkName === 'string' ? d.sdkName : null,
            typeof d.sdkVersion === 'string' ? d.sdkVersion : null,
          ]);
          break;
        }
        case 'AccountRegistered':
          await tx.query('INSERT INTO incidents.accounts (account_id, region) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING', [event.data.accountId, event.data.region]);
          break;
        case 'ContractSigned':
          await tx.query(
            'INSERT INTO incidents.contracts (account_id, version, effective_from, auto_link, signed_commit, signed_prepare) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
            [event.data.accountId, event.data.version, event.data.effectiveFrom, event.data.autoLinkIncidents === true, String(recorded.position.commit), String(recorded.position.prepare)],
          );
          break;
        case 'TicketClosed':
          await tx.query('UPDATE incidents.tickets SET closed = true WHERE ticket_id = $1', [event.data.ticketId]);
          break;
        case 'PlatformIncidentDeclared': {
          const d = event.data;
          await tx.query(
            `INSERT INTO incidents.incidents (id, title, severity, regions, components, sdk_name, sdk_version_range, started_at, public_summary, declared_by, declared_at, status, declared_commit, declared_prepare)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'OPEN', $12, $13) ON CONFLICT (id) DO NOTHING`,
            [d.incidentId, d.title, d.severity, d.regions, d.components, d.sdk?.name ?? null, d.sdk?.versionRange ?? null, d.startedAt, d.publicSummary, d.declaredBy.id, d.declaredAt, String(recorded.position.commit), String(recorded.position.prepare)],
          );
          break;
        }
        case 'TicketsLinkedToIncident': {
          const d = event.data;
          await tx.query(
            `INSERT INTO incidents.links (incident_id, ticket_id, account_id, linked_at)
             SELECT $1, t.ticket_id, t.account_id, $4 FROM unnest($2::text[], $3::text[]) AS t(ticket_id, account_id) ON CONFLICT DO NOTHING`,
            [d.incidentId, d.tickets.map((t) => t.ticketId), d.tickets.map((t) => t.accountId), d.linkedAt],
          );
          await tx.query('INSERT INTO incidents.ever_linked (ticket_id, incident_id) SELECT t, $1 FROM unnest($2::text[]) AS t ON CONFLICT DO NOTHING', [
            d.incidentId,
            d.tickets.map((t) => t.ticketId),
          ]);
          break;
        }
        case 'TicketUnlinkedFromIncident':
          await tx.query('DELETE FROM incidents.links WHERE incident_id = $1 AND ticket_id = $2', [event.data.incidentId, event.data.ticketId]);
          break;
        case 'IncidentUpdatePosted': {
          const d = event.data;
          await tx.query(
            `INSERT INTO incidents.updates (update_id, incident_id, status, body, visibility, posted_by, posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
            [d.updateId, d.incidentId, d.status, d.body, d.visibility, d.postedBy.id, d.postedAt],
          );
          break;
        }
        case 'PlatformIncidentResolved': {
          const d = event.data;
          await tx.query(
            `UPDATE incidents.incidents SET status = 'RESOLVED', resolved_at = $2, resolution = $3, root_cause = $4, resolve_linked_tickets = $5, resolved_commit = $6, resolved_prepare = $7 WHERE id = $1`,
            [d.incidentId, d.resolvedAt, d.resolution, d.rootCause, d.resolveLinkedTickets, String(recorded.position.commit), String(recorded.position.prepare)],
          );
          break;
        }
        default:
          break;
      }
    }
  },
};
