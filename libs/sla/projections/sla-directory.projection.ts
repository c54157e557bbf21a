import type { CalendarEvent, ContractEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/** Every contract version and every calendar version, from the accounts context's events: what tickets pin. */
export const slaDirectoryProjection: Projection = {
  name: 'sla.directory',
  eventTypes: ['ContractSigned', 'CalendarDefined', 'CalendarAmended'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.contracts (
      account_id text NOT NULL, version int NOT NULL, terms jsonb NOT NULL, effective_from timestamptz NOT NULL,
      PRIMARY KEY (account_id, version))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.calendar_versions (
      calendar_id text NOT NULL, version int NOT NULL, definition jsonb NOT NULL, valid_from timestamptz NOT NULL,
      PRIMARY KEY (calendar_id, version))`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.contracts');
    await tx.query('DELETE FROM sla.calendar_versions');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as ContractEvent | CalendarEvent;
      if (event.type === 'ContractSigned') {
        const d = event.data;
        await tx.query('INSERT INTO sla.contracts VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.accountId, d.version, d, d.effectiveFrom]);
      } else if (event.type === 'CalendarDefined') {
        const d = event.data;
        await tx.query('INSERT INTO sla.calendar_versions VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING', [d.calendarId, d.definition, d.definedAt]);
      } else if (event.type === 'CalendarAmended') {
        const d = event.data;
        await tx.query('INSERT INTO sla.calendar_versions VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.calendarId, d.version, d.definition, d.amendedAt]);
      }
    }
  },
};
