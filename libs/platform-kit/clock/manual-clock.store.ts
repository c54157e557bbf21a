import type { SqlClient, SqlExecutor } from '#event-store';
import { ConfigError } from '../config/config.js';
import type { ManualClock } from './clock.js';

/**
 * The latest instant a manual clock has reached, kept beside the read models so a restart resumes there:
 * the log may already hold facts up to that instant, and time must never run backwards under them.
 */
export async function setupManualClock(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:platform:setup'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS platform');
    await tx.query(`CREATE TABLE IF NOT EXISTS platform.manual_clock (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      reached_at timestamptz NOT NULL
    )`);
  });
}

/** Records that the clock has reached `instant` (never lowers it: several processes may share the table). */
export async function recordManualClock(sql: SqlExecutor, instant: Date): Promise<void> {
  await sql.query(
    `INSERT INTO platform.manual_clock (singleton, reached_at) VALUES (true, $1)
     ON CONFLICT (singleton) DO UPDATE SET reached_at = GREATEST(platform.manual_clock.reached_at, EXCLUDED.reached_at)`,
    [instant],
  );
}

/**
 * At start-up: a configured start earlier than the instant already reached is refused; without one, the
 * clock resumes where it was. Either way the start instant is recorded.
 */
export async function resumeManualClock(sql: SqlClient, clock: ManualClock, configuredStart: Date | null): Promise<void> {
  await setupManualClock(sql);
  const rows = await sql.query<{ reached_at: Date | string }>('SELECT reached_at FROM platform.manual_clock');
  const reached = rows[0] ? new Date(rows[0].reached_at) : null;
  if (reached && configuredStart && configuredStart < reached) {
    throw new ConfigError(
      'LEDGERDESK_CLOCK_START',
      `${configuredStart.toISOString()} is earlier than ${reached.toISOString()}, the instant this data’s manual clock has already reached; time never runs backwards (unset it to resume there, or give a later instant)`,
    );
  }
  if (reached && !configuredStart) clock.resume(reached);
  await recordManualClock(sql, clock.now());
}
