import type { AccountEvent, CalendarEvent, ContractEvent, StaffRegistered } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

type DirectoryEvent = AccountEvent | CalendarEvent | ContractEvent | StaffRegistered;

const TABLES = ['accounts', 'staff', 'contracts', 'calendars'];

/**
 * Health checks' own copy of what it needs from the accounts context, built from the accounts context's events:
 * each account's name, zone and TAM, staff names and roles, every contract version and each calendar's latest
 * version. Scheduling, the agenda feed and advisories read this, never the accounts read model.
 */
export const healthChecksDirectoryProjection: Projection = {
  name: 'health-checks.directory',
  eventTypes: ['AccountRegistered', 'TamAssigned', 'AccountHandedOver', 'StaffRegistered', 'ContractSigned', 'CalendarDefined', 'CalendarAmended'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS health_checks');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.accounts (
      id text PRIMARY KEY, name text NOT NULL, time_zone text NOT NULL, tam_id text)`);
    await sql.query('CREATE TABLE IF NOT EXISTS health_checks.staff (id text PRIMARY KEY, name text NOT NULL, role text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.contracts (
      account_id text NOT NULL, version int NOT NULL, terms jsonb NOT NULL, PRIMARY KEY (account_id, version))`);
    await sql.query('CREATE TABLE IF NOT EXISTS health_checks.calendars (id text PRIMARY KEY, version int NOT NULL, definition jsonb NOT NULL)');
  },

  async reset(tx) {
    for (const table of TABLES) await tx.query(`DELETE FROM health_checks.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) await applyOne(recorded as unknown as DirectoryEvent, tx);
  },
};

async function applyOne(event: DirectoryEvent, tx: SqlExecutor): Promise<void> {
  switch (event.type) {
    case 'AccountRegistered':
      await tx.query('INSERT INTO health_checks.accounts (id, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        event.data.accountId,
        event.data.name,
        event.data.timeZone,
      ]);
      return;
    case 'TamAssigned':
      await tx.query('UPDATE health_checks.accounts SET tam_id = $2 WHERE id = $1', [event.data.accountId, event.data.tamId]);
      return;
    case 'AccountHandedOver':
      await tx.query('UPDATE health_checks.accounts SET tam_id = $2 WHERE id = $1', [event.data.accountId, event.data.toTamId]);
      return;
    case 'StaffRegistered':
      await tx.query('INSERT INTO health_checks.staff (id, name, role) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        event.data.staffId,
        event.data.name,
        event.data.role,
      ]);
      return;
    case 'ContractSigned':
      await tx.query('INSERT INTO health_checks.contracts (account_id, version, terms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        event.data.accountId,
        event.data.version,
        event.data,
      ]);
      return;
    case 'CalendarDefined':
      await tx.query('INSERT INTO health_checks.calendars (id, version, definition) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING', [
        event.data.calendarId,
        event.data.definition,
      ]);
      return;
    case 'CalendarAmended':
      // Versions only grow; a redelivered older amendment never replaces a newer one.
      await tx.query('UPDATE health_checks.calendars SET version = $2, definition = $3 WHERE id = $1 AND version < $2', [
        event.data.calendarId,
        event.data.version,
        event.data.definition,
      ]);
      return;
  }
}
