import type { AccountEvent, CalendarEvent, StaffEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Triage's own view of who can take tickets — engineers and TAMs, their shift calendars, and each
 * account's region and TAM — built from the accounts context's events, never from its tables.
 */
export const triageDirectoryProjection: Projection = {
  name: 'triage.directory',
  eventTypes: ['StaffRegistered', 'StaffUpdated', 'StaffDeactivated', 'StaffReactivated', 'CalendarDefined', 'CalendarAmended', 'AccountRegistered', 'TamAssigned', 'AccountHandedOver'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.staff (
      id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, regions text[] NOT NULL, skills text[] NOT NULL, calendar_id text)`);
    // Added with staff administration (issue 16): a deactivated member is never routed to nor assigned.
    await sql.query('ALTER TABLE triage.staff ADD COLUMN IF NOT EXISTS active boolean NOT NULL DEFAULT true');
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
          await tx.query('INSERT INTO triage.staff (id, name, role, regions, skills, calendar_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
            d.staffId, d.name, d.role, d.regions, d.skills, d.calendarId,
          ]);
          break;
        }
        case 'StaffUpdated': {
          const d = event.data;
          await tx.query('UPDATE triage.staff SET regions = $2, skills = $3, calendar_id = $4 WHERE id = $1', [d.staffId, d.regions, d.skills, d.calendarId]);
          break;
        }
        case 'StaffDeactivated':
          await tx.query('UPDATE triage.staff SET active = false WHERE id = $1', [event.data.staffId]);
          break;
        case 'StaffReactivated':
          await tx.query('UPDATE triage.staff SET active = true WHERE id = $1', [event.data.staffId]);
          break;
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
