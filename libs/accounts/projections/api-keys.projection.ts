import type { ApiKeyEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * The `apiKeys` list. Only for listing: authentication reads each key's stream from the log itself, so a
 * revocation holds before this read model has caught up. No secret hash is kept here.
 */
export const apiKeysProjection: Projection = {
  name: 'api-keys',
  eventTypes: ['ApiKeyCreated', 'ApiKeyRevoked'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS accounts');
    await sql.query(`CREATE TABLE IF NOT EXISTS accounts.api_keys (
      id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, account_id text, scopes text[] NOT NULL,
      created_by text NOT NULL, created_at timestamptz NOT NULL, revoked_at timestamptz, revoked_reason text)`);
    await sql.query('CREATE INDEX IF NOT EXISTS api_keys_page ON accounts.api_keys (created_at, id)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM accounts.api_keys');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as ApiKeyEvent;
      if (event.type === 'ApiKeyCreated') {
        const d = event.data;
        await tx.query(
          `INSERT INTO accounts.api_keys (id, name, role, account_id, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO NOTHING`,
          [d.keyId, d.name, d.role, d.accountId, d.scopes, d.createdBy.id, d.createdAt],
        );
      } else {
        await tx.query('UPDATE accounts.api_keys SET revoked_at = $2, revoked_reason = $3 WHERE id = $1', [event.data.keyId, event.data.revokedAt, event.data.reason]);
      }
    }
  },
};
