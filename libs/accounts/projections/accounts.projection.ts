import type { AccountEvent, CalendarEvent, ContractEvent, StaffEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

type AccountsContextEvent = CalendarEvent | AccountEvent | StaffEvent | ContractEvent;

const TABLES = ['calendars', 'calendar_versions', 'accounts', 'tam_assignments', 'staff', 'contracts', 'email_domains', 'im_channels'];

/** The accounts context's read model: calendars (every version), accounts, TAM history, staff, contracts. */
export const accountsProjection: Projection = {
  name: 'accounts',
  eventTypes: ['CalendarDefined', 'CalendarAmended', 'AccountRegistered', 'TamAssigned', 'AccountHandedOver', 'AccountChannelsChanged', 'StaffRegistered', 'StaffUpdated', 'StaffDeactivated', 'StaffReactivated', 'ContractSigned'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS accounts');
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.calendars (
      id text PRIMARY KEY, name text NOT NULL, version int NOT NULL, definition jsonb NOT NULL)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.calendar_versions (
      calendar_id text NOT NULL, version int NOT NULL, definition jsonb NOT NULL, valid_from timestamptz NOT NULL,
      PRIMARY KEY (calendar_id, version))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.accounts (
      id text PRIMARY KEY, account_id text NOT NULL, name text NOT NULL, region text NOT NULL, time_zone text NOT NULL,
      tam_id text, email_domains text[] NOT NULL, im_channels jsonb NOT NULL, registered_at timestamptz NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS accounts_page ON accounts.accounts (registered_at, id)');
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.tam_assignments (
      account_id text NOT NULL, seq int NOT NULL, tam_id text NOT NULL, from_at timestamptz NOT NULL,
      to_at timestamptz, handover_notes text, PRIMARY KEY (account_id, seq))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.staff (
      id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, regions text[] NOT NULL, skills text[] NOT NULL, calendar_id text)`);
    await sql.query('ALTER TABLE accounts.staff ADD COLUMN IF NOT EXISTS active boolean NOT NULL DEFAULT true, ADD COLUMN IF NOT EXISTS deactivated_at timestamptz');
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.contracts (
      account_id text NOT NULL, version int NOT NULL, terms jsonb NOT NULL, effective_from timestamptz NOT NULL,
      signed_at timestamptz NOT NULL, PRIMARY KEY (account_id, version))`);
    await sql.query('CREATE TABLE IF NOT EXISTS accounts.email_domains (domain text PRIMARY KEY, account_id text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.im_channels (
      workspace_id text NOT NULL, channel_id text NOT NULL, account_id text NOT NULL, PRIMARY KEY (workspace_id, channel_id))`);
  },

  async reset(tx) {
    for (const table of TABLES) await tx.query(`DELETE FROM accounts.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) await applyOne(recorded as unknown as AccountsContextEvent & RecordedEvent, tx);
  },
};

async function applyOne(event: AccountsContextEvent, tx: SqlExecutor): Promise<void> {
  switch (event.type) {
    case 'CalendarDefined': {
      const { calendarId, name, definition, definedAt } = event.data;
      await tx.query('INSERT INTO accounts.calendars (id, name, version, definition) VALUES ($1, $2, 1, $3) ON CONFLICT (id) DO NOTHING', [calendarId, name, definition]);
      await tx.query(
        'INSERT INTO accounts.calendar_versions (calendar_id, version, definition, valid_from) VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING',
        [calendarId, definition, definedAt],
      );
      return;
    }
    case 'CalendarAmended': {
      const { calendarId, version, definition, amendedAt } = event.data;
      await tx.query('UPDATE accounts.calendars SET version = $2, definition = $3 WHERE id = $1', [calendarId, version, definition]);
      await tx.query(
        'INSERT INTO accounts.calendar_versions (calendar_id, version, definition, valid_from) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [calendarId, version, definition, amendedAt],
      );
      return;
    }
    case 'AccountRegistered': {
      const d = event.data;
      await tx.query(
        `INSERT INTO accounts.accounts (id, account_id, name, region, time_zone, email_domains, im_channels, registered_at)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [d.accountId, d.name, d.region, d.timeZone, d.emailDomains, JSON.stringify(d.imChannels), d.registeredAt],
      );
      for (const domain of d.emailDomains) {
        await tx.query('INSERT INTO accounts.email_domains (domain, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [domain, d.accountId]);
      }
      for (const channel of d.imChannels) {
        await tx.query('INSERT INTO accounts.im_channels (workspace_id, channel_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          channel.workspaceId,
          channel.channelId,
          d.accountId,
        ]);
      }
      return;
    }
    case 'TamAssigned':
      await changeTam(tx, event.data.accountId, event.data.tamId, event.data.assignedAt, null);
      return;
    case 'AccountHandedOver':
      await changeTam(tx, event.data.accountId, event.data.toTamId, event.data.handedOverAt, event.data.notes);
      return;
    case 'StaffRegistered': {
      const d = event.data;
      await tx.query(
        'INSERT INTO accounts.staff (id, name, role, regions, skills, calendar_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
        [d.staffId, d.name, d.role, d.regions, d.skills, d.calendarId],
      );
      return;
    }
    case 'AccountChannelsChanged': {
      const d = event.data;
      await tx.query('UPDATE accounts.accounts SET email_domains = $2, im_channels = $3 WHERE id = $1', [d.accountId, d.emailDomains, JSON.stringify(d.imChannels)]);
      await tx.query('DELETE FROM accounts.email_domains WHERE account_id = $1', [d.accountId]);
      await tx.query('DELETE FROM accounts.im_channels WHERE account_id = $1', [d.accountId]);
      for (const domain of d.emailDomains) {
        await tx.query('INSERT INTO accounts.email_domains (domain, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [domain, d.accountId]);
      }
      for (const channel of d.imChannels) {
        await tx.query('INSERT INTO accounts.im_channels (workspace_id, channel_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channel.workspaceId, channel.channelId, d.accountId]);
      }
      return;
    }
    case 'StaffUpdated': {
      const d = event.data;
      await tx.query('UPDATE accounts.staff SET regions = $2, skills = $3, calendar_id = $4 WHERE id = $1', [d.staffId, d.regions, d.skills, d.calendarId]);
      return;
    }
    case 'StaffDeactivated':
      await tx.query('UPDATE accounts.staff SET active = false, deactivated_at = $2 WHERE id = $1', [event.data.staffId, event.data.deactivatedAt]);
      return;
    case 'StaffReactivated':
      await tx.query('UPDATE accounts.staff SET active = true, deactivated_at = NULL WHERE id = $1', [event.data.staffId]);
      return;
    case 'ContractSigned': {
      const d = event.data;
      await tx.query(
        `INSERT INTO accounts.contracts (account_id, version, terms, effective_from, signed_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [d.accountId, d.version, d, d.effectiveFrom, d.signedAt],
      );
      return;
    }
  }
}

/** Ends the current assignment and opens the next; handover notes travel with the assignment they start. */
async function changeTam(tx: SqlExecutor, accountId: string, tamId: string, at: string, notes: string | null): Promise<void> {
  await tx.query('UPDATE accounts.tam_assignments SET to_at = $2 WHERE account_id = $1 AND to_at IS NULL', [accountId, at]);
  await tx.query(
    `INSERT INTO accounts.tam_assignments (account_id, seq, tam_id, from_at, handover_notes)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4 FROM accounts.tam_assignments WHERE account_id = $1`,
    [accountId, tamId, at, notes],
  );
  await tx.query('UPDATE accounts.accounts SET tam_id = $2 WHERE id = $1', [accountId, tamId]);
}
