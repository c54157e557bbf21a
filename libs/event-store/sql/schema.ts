import type { SqlClient } from './sql-client.js';

/**
 * Versioned migrations of the event store's own schema. Each runs once, in order, inside a transaction
 * that holds an advisory lock, so several processes starting together migrate once.
 */
// transaction_id is the writer's xid8 kept as bigint, so positions compare as plain numbers in SQL and JS.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE event_store.events (
    seq            bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    id             uuid        NOT NULL,
    stream         text        NOT NULL,
    revision       integer     NOT NULL,
    type           text        NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    hash           text        NOT NULL,
    previous_hash  text,
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id),
    CONSTRAINT events_stream_revision UNIQUE (stream, revision)
  );
  CREATE INDEX events_global_order ON event_store.events (transaction_id, seq);
  CREATE TABLE event_store.streams (
    stream    text PRIMARY KEY,
    revision  integer NOT NULL,
    last_hash text
  );
  `,
];

export const EVENT_STORE_SCHEMA_VERSION = MIGRATIONS.length;

export async function migrateEventStore(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:event_store:migrations'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS event_store');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS event_store.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = await tx.query<{ version: number }>('SELECT version FROM event_store.migrations');
    const done = new Set(applied.map((row) => Number(row.version)));
    for (const [index, script] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      for (const statement of splitStatements(script)) await tx.query(statement);
      await tx.query('INSERT INTO event_store.migrations (version) VALUES ($1)', [version]);
    }
  });
}

/** Migrations hold plain DDL (no functions with semicolons in their bodies), so a split on ';' is exact. */
export function splitStatements(script: string): string[] {
  return script
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
