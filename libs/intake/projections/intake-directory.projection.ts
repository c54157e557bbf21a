import type { AccountEvent, ContractEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Intake's view of the accounts context, from its events: which contract versions cover which channels
 * (a ticket opens only under one in force), and which e-mail domains and IM channels belong to which account.
 */
export const intakeDirectoryProjection: Projection = {
  name: 'intake.directory',
  eventTypes: ['AccountRegistered', 'AccountChannelsChanged', 'ContractSigned'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS intake');
    await sql.query('CREATE TABLE IF NOT EXISTS intake.accounts (id text PRIMARY KEY, name text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS intake.contracts (
      account_id text NOT NULL, version int NOT NULL, channels text[] NOT NULL, effective_from timestamptz NOT NULL,
      PRIMARY KEY (account_id, version))`);
    await sql.query('CREATE TABLE IF NOT EXISTS intake.email_domains (domain text PRIMARY KEY, account_id text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS intake.im_channels (
      workspace_id text NOT NULL, channel_id text NOT NULL, account_id text NOT NULL, PRIMARY KEY (workspace_id, channel_id))`);
  },

  async reset(tx) {
    for (const table of ['accounts', 'contracts', 'email_domains', 'im_channels']) await tx.query(`DELETE FROM intake.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as AccountEvent | ContractEvent;
      if (event.type === 'AccountRegistered') {
        const d = event.data;
        await tx.query('INSERT INTO intake.accounts VALUES ($1, $2) ON CONFLICT DO NOTHING', [d.accountId, d.name]);
        for (const domain of d.emailDomains) {
          await tx.query('INSERT INTO intake.email_domains VALUES ($1, $2) ON CONFLICT DO NOTHING', [domain, d.accountId]);
        }
        for (const channel of d.imChannels) {
          await tx.query('INSERT INTO intake.im_channels VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channel.workspaceId, channel.channelId, d.accountId]);
        }
      } else if (event.type === 'AccountChannelsChanged') {
        // Intake matching follows at once: the old domains and channels stop naming this account.
        const d = event.data;
        await tx.query('DELETE FROM intake.email_domains WHERE account_id = $1', [d.accountId]);
        await tx.query('DELETE FROM intake.im_channels WHERE account_id = $1', [d.accountId]);
        for (const domain of d.emailDomains) {
          await tx.query('INSERT INTO intake.email_domains VALUES ($1, $2) ON CONFLICT DO NOTHING', [domain, d.accountId]);
        }
        for (const channel of d.imChannels) {
          await tx.query('INSERT INTO intake.im_channels VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channel.workspaceId, channel.channelId, d.accountId]);
        }
      } else if (event.type === 'ContractSigned') {
        const d = event.data;
        await tx.query('INSERT INTO intake.contracts VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.accountId, d.version, d.channels, d.effectiveFrom]);
      }
    }
  },
};
