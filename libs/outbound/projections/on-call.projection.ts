import type { OnCallConfigured } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

export const OUTBOUND_ON_CALL = 'outbound.on-call';

/** The on-call configuration in force (the last `OnCallConfigured` of the stream `oncall`): one row, `current`; no routing key. */
export const onCallProjection: Projection = {
  name: OUTBOUND_ON_CALL,
  eventTypes: ['OnCallConfigured'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS outbound');
    await sql.query(`CREATE TABLE IF NOT EXISTS outbound.on_call (
      slot text PRIMARY KEY, provider text NOT NULL, url text NOT NULL, severities text[] NOT NULL, triggers text[] NOT NULL,
      configured_by text NOT NULL, configured_at timestamptz NOT NULL)`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM outbound.on_call');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const d = (recorded as unknown as OnCallConfigured).data;
      await tx.query(
        `INSERT INTO outbound.on_call (slot, provider, url, severities, triggers, configured_by, configured_at) VALUES ('current', $1, $2, $3, $4, $5, $6)
         ON CONFLICT (slot) DO UPDATE SET provider = EXCLUDED.provider, url = EXCLUDED.url, severities = EXCLUDED.severities, triggers = EXCLUDED.triggers,
           configured_by = EXCLUDED.configured_by, configured_at = EXCLUDED.configured_at`,
        [d.provider, d.url, d.severities, d.triggers, d.configuredBy.id, d.configuredAt],
      );
    }
  },
};
