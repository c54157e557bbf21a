import type { AccountEvent, CalendarEvent, ContractEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/** Every contract version and every calendar version, from the accounts context's events: what tickets pin. */
export const slaDirectoryProjection: Projection = {
  name: 'sla.directory',
  eventTypes: ['ContractSigned', 'CalendarDefined', 'CalendarAmended', 'AccountRegistered', 'TamAssigned', 'AccountHandedOver'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.contracts (
      account_id text NOT NULL, version int NOT NULL, terms jsonb NOT NULL, effective_from timestamptz NOT NULL,
      PRIMARY KEY (account_id, version))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.calendar_versions (
      calendar_id text NOT NULL, version int NOT NULL, definition jsonb NOT NULL, valid_from timestamptz NOT NULL,
      PRIMARY KEY (calendar_id, version))`);
    await sql.query('CREATE TABLE IF NOT EXISTS sla.accounts (id text PRIMARY KEY, time_zone text NOT NULL, tam_id text)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.contracts');
    await tx.query('DELETE FROM sla.calendar_versions');
    await tx.query('DELETE FROM sla.accounts');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as ContractEvent | CalendarEvent | AccountEvent;
      if (event.type === 'ContractSigned') {
        const d = event.data;
        await tx.query('INSERT INTO sla.contracts VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.accountId, d.version, d, d.effectiveFrom]);
      } else if (event.type === 'CalendarDefined') {
        const d = event.data;
        await tx.query('INSERT INTO sla.calendar_versions VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING', [d.calendarId, d.definition, d.definedAt]);
      } else if (event.type === 'AccountRegistered') {
        await tx.query('INSERT INTO sla.accounts VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING', [event.data.accountId, event.data.timeZone]);
      } else if (event.type === 'TamAssigned' || event.type === 'AccountHandedOver') {
        const tamId = event.type === 'TamAssigned' ? event.data.tamId : event.data.toTamId;
        await tx.query('UPDATE sla.accounts SET tam_id = $2 WHERE id = $1', [event.data.accountId, tamId]);
      } else if (event.type === 'CalendarAmended') {
        const d = event.data;
        await tx.query('INSERT INTO sla.calendar_versions VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.calendarId, d.version, d.definition, d.amendedAt]);
      }
    }
  },
};
