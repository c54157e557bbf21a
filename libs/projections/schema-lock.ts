import type { SqlClient, SqlExecutor } from '#event-store';

/**
 * Read-model DDL (`CREATE SCHEMA/TABLE … IF NOT EXISTS`) in one transaction holding a database-wide advisory
 * lock: processes that start together on one database (npm run start:split) would otherwise race in
 * PostgreSQL's catalog — `IF NOT EXISTS` is not safe against a concurrent creator (duplicate key in
 * pg_type_typname_nsp_index / pg_namespace) — and a context app would fail to start.
 */
export function withSchemaLock<T>(sql: SqlClient, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:read-models:setup'))`);
    return work(tx);
  });
}
