import type { DiagnosticsAdded, TicketOpened } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * The SDK name and version each ticket reports, kept by health checks from the log (`TicketOpened`,
 * `DiagnosticsAdded`) so advisories and the daily sweep match accounts without reading triage's schema. As the
 * ticket's diagnostics merge: a later non-null name or version replaces the earlier one; a repeated
 * `TicketOpened` (a retry recorded twice) changes nothing.
 */
export const reportedSdksProjection: Projection = {
  name: 'health-checks.reported-sdks',
  eventTypes: ['TicketOpened', 'DiagnosticsAdded'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS health_checks');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.reported_sdks (
      ticket_id text PRIMARY KEY, account_id text NOT NULL, sdk_name text, sdk_version text)`);
    await sql.query('CREATE INDEX IF NOT EXISTS reported_sdks_by_account ON health_checks.reported_sdks (account_id)');
    await sql.query('CREATE INDEX IF NOT EXISTS reported_sdks_by_name ON health_checks.reported_sdks (lower(trim(sdk_name)))');
  },

  async reset(tx) {
    await tx.query('DELETE FROM health_checks.reported_sdks');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const ids = [...new Set(events.map((event) => (event.data as { ticketId: string }).ticketId))];
    const rows = await tx.query<{ ticket_id: string; account_id: string; sdk_name: string | null; sdk_version: string | null }>(
      'SELECT ticket_id, account_id, sdk_name, sdk_version FROM health_checks.reported_sdks WHERE ticket_id = ANY($1)',
      [ids],
    );
    const stored = new Map(rows.map((row) => [row.ticket_id, row]));
    const changed = new Set<string>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketOpened | DiagnosticsAdded;
      const ticketId = event.data.ticketId;
      const row = stored.get(ticketId);
      if (event.type === 'TicketOpened') {
        if (row) continue;
        const d = event.data.diagnostics ?? {};
        stored.set(ticketId, { ticket_id: ticketId, account_id: event.data.accountId, sdk_name: d.sdkName ?? null, sdk_version: d.sdkVersion ?? null });
      } else {
        if (!row) continue; // diagnostics of a ticket never opened: triage ignores them too
        const d = event.data.diagnostics;
        if (d.sdkName != null) row.sdk_name = d.sdkName;
        if (d.sdkVersion != null) row.sdk_version = d.sdkVersion;
      }
      changed.add(ticketId);
    }
    if (changed.size === 0) return;
    await tx.query(
      `INSERT INTO health_checks.reported_sdks (ticket_id, account_id, sdk_name, sdk_version)
       SELECT ticket_id, account_id, sdk_name, sdk_version FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, sdk_name text, sdk_version text)
       ON CONFLICT (ticket_id) DO UPDATE SET sdk_name = EXCLUDED.sdk_name, sdk_version = EXCLUDED.sdk_version`,
      [JSON.stringify([...changed].map((id) => stored.get(id)))],
    );
  },
};
