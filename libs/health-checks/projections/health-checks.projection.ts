import type { AgendaFeedEvent, ContractSigned, HealthCheckEvent, SdkAdvisoryPublished, TrafficPeakDeclared } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { cancelTimer, scheduleTimer } from '#platform-kit';
import { MISSED_AFTER_MS } from '../domain/health-check.decider.js';

export const HEALTH_CHECK_MISSED_TIMER = 'health-checks.missed';
/** Once a day per account: schedules PRE_HOLIDAY checks and repairs what a crash between two appends left. */
export const HEALTH_CHECK_SWEEP_TIMER = 'health-checks.sweep';

export const missedTimerId = (checkId: string) => `healthcheck-missed:${checkId}`;
export const sweepTimerId = (accountId: string) => `healthcheck-sweep:${accountId}`;

type HealthChecksContextEvent = HealthCheckEvent | TrafficPeakDeclared | SdkAdvisoryPublished | AgendaFeedEvent | ContractSigned;

const TABLES = ['checks', 'traffic_peaks', 'advisories', 'feed_tokens'];

/** The health-checks read model: checks (agenda, status, findings), traffic peaks, advisories, feed tokens. */
export const healthChecksProjection: Projection = {
  name: 'health-checks',
  eventTypes: [
    'HealthCheckScheduled',
    'HealthCheckReassigned',
    'HealthCheckCompleted',
    'HealthCheckMissed',
    'HealthCheckCancelled',
    'TrafficPeakDeclared',
    'SdkAdvisoryPublished',
    'AgendaFeedTokenIssued',
    'AgendaFeedTokenRevoked',
    'ContractSigned',
  ],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS health_checks');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.checks (
      id text PRIMARY KEY, account_id text NOT NULL, tam_id text, kind text NOT NULL, status text NOT NULL,
      due_at timestamptz NOT NULL, recurrence text, series_start_at timestamptz, agenda text NOT NULL, reason text,
      origin jsonb NOT NULL, scheduled_at timestamptz NOT NULL, completed_at timestamptz, summary text,
      findings jsonb NOT NULL DEFAULT '[]', missed_at timestamptz, cancelled_at timestamptz, cancel_reason text,
      ends_series boolean NOT NULL DEFAULT false)`);
    // Columns added after the table first shipped.
    await sql.query(`ALTER TABLE health_checks.checks ADD COLUMN IF NOT EXISTS cancelled_at timestamptz,
      ADD COLUMN IF NOT EXISTS cancel_reason text, ADD COLUMN IF NOT EXISTS ends_series boolean NOT NULL DEFAULT false`);
    await sql.query('CREATE INDEX IF NOT EXISTS checks_due ON health_checks.checks (due_at, id)');
    await sql.query('CREATE INDEX IF NOT EXISTS checks_account ON health_checks.checks (account_id, status, due_at)');
    await sql.query('CREATE INDEX IF NOT EXISTS checks_tam ON health_checks.checks (tam_id, status, due_at)');
    await sql.query(`CREATE INDEX IF NOT EXISTS checks_previous ON health_checks.checks ((origin->>'previousCheckId'))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.traffic_peaks (
      id text PRIMARY KEY, account_id text NOT NULL, name text NOT NULL, starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL, expected_peak_users int, health_check_id text, declared_at timestamptz NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS traffic_peaks_account ON health_checks.traffic_peaks (account_id, starts_at)');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.advisories (
      id text PRIMARY KEY, sdk_name text NOT NULL, affected_versions text NOT NULL, fixed_in text, severity text NOT NULL,
      summary text NOT NULL, affected_account_ids text[] NOT NULL, published_at timestamptz NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS advisories_sdk ON health_checks.advisories (lower(sdk_name))');
    await sql.query(`CREATE TABLE IF NOT EXISTS health_checks.feed_tokens (
      token_sha256 text PRIMARY KEY, token_id text NOT NULL UNIQUE, tam_id text NOT NULL, issued_at timestamptz NOT NULL,
      revoked_at timestamptz)`);
  },

  async reset(tx) {
    for (const table of TABLES) await tx.query(`DELETE FROM health_checks.${table}`);
    await tx.query(`DELETE FROM platform.timers WHERE kind IN ('${HEALTH_CHECK_MISSED_TIMER}', '${HEALTH_CHECK_SWEEP_TIMER}')`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) await applyOne(recorded as unknown as HealthChecksContextEvent & RecordedEvent, tx);
  },
};

async function applyOne(event: HealthChecksContextEvent & RecordedEvent, tx: SqlExecutor): Promise<void> {
  switch (event.type) {
    case 'HealthCheckScheduled': {
      const d = event.data;
      await tx.query(
        `INSERT INTO health_checks.checks (id, account_id, tam_id, kind, status, due_at, recurrence, series_start_at, agenda, reason, origin, scheduled_at)
         VALUES ($1, $2, $3, $4, 'SCHEDULED', $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
        [d.checkId, d.accountId, d.tamId, d.kind, d.dueAt, d.recurrence, d.seriesStartAt, d.agenda, d.reason, JSON.stringify(d.origin), d.scheduledAt],
      );
      const missedAt = new Date(new Date(d.dueAt).getTime() + MISSED_AFTER_MS);
      await scheduleTimer(tx, { id: missedTimerId(d.checkId), kind: HEALTH_CHECK_MISSED_TIMER, dueAt: missedAt, payload: { checkId: d.checkId } });
      return;
    }
    case 'HealthCheckReassigned':
      await tx.query('UPDATE health_checks.checks SET tam_id = $2 WHERE id = $1', [event.data.checkId, event.data.toTamId]);
      return;
    case 'HealthCheckCompleted': {
      const d = event.data;
      await tx.query(`UPDATE health_checks.checks SET status = 'COMPLETED', completed_at = $2, summary = $3, findings = $4 WHERE id = $1`, [
        d.checkId,
        d.completedAt,
        d.summary,
        JSON.stringify(d.findings),
      ]);
      await cancelTimer(tx, missedTimerId(d.checkId));
      return;
    }
    case 'HealthCheckMissed':
      await tx.query(`UPDATE health_checks.checks SET status = 'MISSED', missed_at = $2 WHERE id = $1`, [event.data.checkId, event.data.missedAt]);
      await cancelTimer(tx, missedTimerId(event.data.checkId));
      return;
    case 'HealthCheckCancelled': {
      const d = event.data;
      await tx.query(`UPDATE health_checks.checks SET status = 'CANCELLED', cancelled_at = $2, cancel_reason = $3, ends_series = $4 WHERE id = $1`, [
        d.checkId,
        d.cancelledAt,
        d.reason,
        d.endsSeries,
      ]);
      await cancelTimer(tx, missedTimerId(d.checkId));
      return;
    }
    case 'TrafficPeakDeclared': {
      const d = event.data;
      await tx.query(
        `INSERT INTO health_checks.traffic_peaks (id, account_id, name, starts_at, ends_at, expected_peak_users, health_check_id, declared_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [d.peakId, d.accountId, d.name, d.startsAt, d.endsAt, d.expectedPeakUsers, d.healthCheckId, d.declaredAt],
      );
      return;
    }
    case 'SdkAdvisoryPublished': {
      const d = event.data;
      await tx.query(
        `INSERT INTO health_checks.advisories (id, sdk_name, affected_versions, fixed_in, severity, summary, affected_account_ids, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [d.advisoryId, d.sdkName, d.affectedVersions, d.fixedIn, d.severity, d.summary, d.affectedAccountIds, d.publishedAt],
      );
      return;
    }
    case 'AgendaFeedTokenIssued': {
      const d = event.data;
      await tx.query(
        'INSERT INTO health_checks.feed_tokens (token_sha256, token_id, tam_id, issued_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [d.tokenSha256, d.tokenId, d.tamId, d.issuedAt],
      );
      return;
    }
    case 'AgendaFeedTokenRevoked':
      await tx.query('UPDATE health_checks.feed_tokens SET revoked_at = $2 WHERE token_id = $1', [event.data.tokenId, event.data.revokedAt]);
      return;
    case 'ContractSigned':
      // The account's daily sweep starts with its first contract; the sweep re-arms itself each local midnight.
      await tx.query(
        `INSERT INTO platform.timers (id, kind, due_at, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING`,
        [sweepTimerId(event.data.accountId), HEALTH_CHECK_SWEEP_TIMER, event.data.signedAt, JSON.stringify({ accountId: event.data.accountId })],
      );
      return;
  }
}
