import type { AccountEvent, CalendarEvent, StaffEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Triage's own view of who can take tickets — engineers and TAMs, their shift calendars, and each
 * account's region and TAM — built from the accounts context's events, never from its tables.
 */
export const triageDirectoryProjection: Projection = {
  name: 'triage.directory',
  eventTypes: ['StaffRegistered', 'CalendarDefined', 'CalendarAmended', 'AccountRegistered', 'TamAssigned', 'AccountHandedOver'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.staff (
      id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, regions text[] NOT NULL, skills text[] NOT NULL, calendar_id text)`);
    await sql.query('CREATE TABLE IF NOT EXISTS triage.shift_calendars (id text PRIMARY KEY, definition jsonb NOT NULL)');
    await sql.query('CREATE TABLE IF NOT EXISTS triage.accounts (id text PRIMARY KEY, region text NOT NULL, tam_id text)');
  },

  async reset(tx) {
    for (const table of ['staff', 'shift_calendars', 'accounts']) await tx.query(`DELETE FROM triage.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as AccountEvent | CalendarEvent | StaffEvent;
      switch (event.type) {
        case 'StaffRegistered': {
          const d = event.data;
          await tx.query('INSERT INTO triage.staff VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
            d.staffId, d.name, d.role, d.regions, d.skills, d.calendarId,
          ]);
          break;
        }
        case 'CalendarDefined':
        case 'CalendarAmended':
          await tx.query(
            'INSERT INTO triage.shift_calendars VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition',
            [event.data.calendarId, event.data.definition],
          );
          break;
        case 'AccountRegistered':
          await tx.query('INSERT INTO triage.accounts VALUES ($1, $2, NULL) ON CONFLICT (id) DO NOTHING', [event.data.accountId, event.data.region]);
          break;
        case 'TamAssigned':
          await tx.query('UPDATE triage.accounts SET tam_id = $2 WHERE id = $1', [event.data.accountId, event.data.tamId]);
          break;
        case 'AccountHandedOver':
          await tx.query('UPDATE triage.accounts SET tam_id = $2 WHERE id = $1', [event.data.accountId, event.data.toTamId]);
          break;
      }
    }
  },
};
