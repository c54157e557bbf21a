import { Inject, Injectable } from '@nestjs/common';
import type { FindingRecord, HealthCheckKind, HealthCheckOrigin, Severity } from '#contracts';
import type { SqlClient } from '#event-store';
import { keysetSql, pageOf, READ_DB, type PageWindow } from '#platform-kit';

export type HealthCheckStatus = 'SCHEDULED' | 'COMPLETED' | 'MISSED' | 'CANCELLED';

export interface HealthCheckRow {
  id: string;
  accountId: string;
  tamId: string | null;
  kind: HealthCheckKind;
  status: HealthCheckStatus;
  dueAt: Date;
  recurrence: string | null;
  seriesStartAt: Date | null;
  agenda: string;
  reason: string | null;
  origin: HealthCheckOrigin;
  completedAt: Date | null;
  summary: string | null;
  findings: FindingRecord[];
  cancelledAt: Date | null;
  cancelReason: string | null;
  endsSeries: boolean;
}
export interface HealthCheckFilterValues {
  accountId?: string | null;
  tamId?: string | null;
  kind?: HealthCheckKind[] | null;
  status?: HealthCheckStatus[] | null;
  dueBefore?: Date | null;
}
export interface TrafficPeakRow {
  id: string;
  accountId: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  expectedPeakUsers: number | null;
  healthCheckId: string | null;
}
export interface SdkAdvisoryRow {
  id: string;
  sdkName: string;
  affectedVersions: string;
  fixedIn: string | null;
  severity: Severity;
  summary: string;
  affectedAccountIds: string[];
}
export interface FeedTokenRow {
  id: string;
  tamId: string;
  issuedAt: Date;
  revokedAt: Date | null;
}

/** Reads of the health-checks read model (schema `health_checks`), and the SDK versions tickets report. */
@Injectable()
export class HealthChecksQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async check(id: string): Promise<HealthCheckRow | null> {
    return (await this.checksByIds([id]))[0] ?? null;
  }

  async checksByIds(ids: readonly string[]): Promise<HealthCheckRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.checks WHERE id = ANY($1)', [ids]);
    return rows.map(toCheck);
  }

  /** Ordered by due time; `after` is the (dueAt, id) of the previous page's last row. */
  /** A page ordered by dueAt (then id); the window's keys are `[dueAt, id]`. */
  async checksPage(
    filter: HealthCheckFilterValues,
    window: PageWindow<[string, string]>,
  ): Promise<{ rows: HealthCheckRow[]; hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.accountId) add('account_id = ?', filter.accountId);
    if (filter.tamId) add('tam_id = ?', filter.tamId);
    if (filter.kind?.length) add('kind = ANY(?)', filter.kind);
    if (filter.status?.length) add('status = ANY(?)', filter.status);
    if (filter.dueBefore) add('due_at < ?', filter.dueBefore);
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM health_checks.checks ${filtered}`, params);
    const keyset = keysetSql(window, ['due_at', 'id'], ['timestamptz', 'text'], (value) => `$${params.push(value)}`);
    where.push(...keyset.where);
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM health_checks.checks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
      params,
    );
    return { ...pageOf(rows.map(toCheck), window), totalCount: Number(count?.n ?? 0) };
  }

  /** A TAM's SCHEDULED checks due in [from, to), soonest first. */
  async agenda(tamId: string, from: Date, to: Date, limit = 1000): Promise<HealthCheckRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM health_checks.checks WHERE tam_id = $1 AND status = 'SCHEDULED' AND due_at >= $2 AND due_at < $3
       ORDER BY due_at, id LIMIT $4`,
      [tamId, from, to, limit],
    );
    return rows.map(toCheck);
  }

  /** Each account's soonest SCHEDULED check. */
  async nextCheckIns(accountIds: readonly string[]): Promise<HealthCheckRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT DISTINCT ON (account_id) * FROM health_checks.checks WHERE account_id = ANY($1) AND status = 'SCHEDULED'
       ORDER BY account_id, due_at, id`,
      [accountIds],
    );
    return rows.map(toCheck);
  }

  async scheduledChecksOf(accountId: string): Promise<HealthCheckRow[]> {
    const rows = await this.db.query<Record<string, any>>(`SELECT * FROM health_checks.checks WHERE account_id = $1 AND status = 'SCHEDULED'`, [accountId]);
    return rows.map(toCheck);
  }

  /** Recurring checks that ended (completed, missed, cancelled without ending the series) with no next occurrence yet. */
  async endedRecurringWithoutSuccessor(accountId: string): Promise<HealthCheckRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM health_checks.checks c WHERE c.account_id = $1 AND c.recurrence IS NOT NULL AND c.status IN ('COMPLETED', 'MISSED', 'CANCELLED')
       AND NOT c.ends_series
       AND NOT EXISTS (SELECT 1 FROM health_checks.checks n WHERE n.origin->>'previousCheckId' = c.id)`,
      [accountId],
    );
    return rows.map(toCheck);
  }

  async hasScheduledSdkUpgradeCheck(accountId: string, advisoryId: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM health_checks.checks WHERE account_id = $1 AND kind = 'SDK_UPGRADE' AND status = 'SCHEDULED'
       AND origin->>'advisoryId' = $2) AS found`,
      [accountId, advisoryId],
    );
    return row?.found === true;
  }

  async trafficPeaksOf(accountIds: readonly string[]): Promise<TrafficPeakRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.traffic_peaks WHERE account_id = ANY($1) ORDER BY starts_at, id', [accountIds]);
    return rows.map(toPeak);
  }

  async trafficPeak(id: string): Promise<TrafficPeakRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.traffic_peaks WHERE id = $1', [id]);
    return row ? toPeak(row) : null;
  }

  async advisory(id: string): Promise<SdkAdvisoryRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.advisories WHERE id = $1', [id]);
    return row ? toAdvisory(row) : null;
  }

  async allAdvisories(): Promise<SdkAdvisoryRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.advisories ORDER BY published_at, id');
    return rows.map(toAdvisory);
  }

  async hasAnySdkUpgradeCheck(accountId: string, advisoryId: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM health_checks.checks WHERE account_id = $1 AND kind = 'SDK_UPGRADE' AND origin->>'advisoryId' = $2) AS found`,
      [accountId, advisoryId],
    );
    return row?.found === true;
  }

  /** The SDK name and version pairs an account's tickets report. */
  async reportedSdksOf(accountId: string): Promise<{ sdkName: string; version: string }[]> {
    return this.db.query<{ sdkName: string; version: string }>(
      `SELECT DISTINCT sdk_name AS "sdkName", sdk_version AS version FROM health_checks.reported_sdks
       WHERE account_id = $1 AND sdk_name IS NOT NULL AND sdk_version IS NOT NULL`,
      [accountId],
    );
  }

  async advisoriesForSdk(sdkName: string): Promise<SdkAdvisoryRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.advisories WHERE lower(sdk_name) = lower($1) ORDER BY published_at', [sdkName.trim()]);
    return rows.map(toAdvisory);
  }

  /** Every (account, version) that a ticket's diagnostics report for this SDK (health checks' own copy, from the log). */
  async reportedVersions(sdkName: string): Promise<{ accountId: string; version: string }[]> {
    return this.db.query<{ accountId: string; version: string }>(
      `SELECT DISTINCT account_id AS "accountId", sdk_version AS version FROM health_checks.reported_sdks
       WHERE lower(trim(sdk_name)) = lower($1) AND sdk_version IS NOT NULL`,
      [sdkName.trim()],
    );
  }

  async feedTokenByHash(tokenSha256: string): Promise<FeedTokenRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.feed_tokens WHERE token_sha256 = $1', [tokenSha256]);
    return row ? toFeedToken(row) : null;
  }

  async feedTokens(tamId: string): Promise<FeedTokenRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM health_checks.feed_tokens WHERE tam_id = $1 ORDER BY issued_at, token_id', [tamId]);
    return rows.map(toFeedToken);
  }
}

const dateOrNull = (value: unknown) => (value ? new Date(value as string) : null);

function toCheck(row: Record<string, any>): HealthCheckRow {
  return {
    id: row.id,
    accountId: row.account_id,
    tamId: row.tam_id,
    kind: row.kind,
    status: row.status,
    dueAt: new Date(row.due_at),
    recurrence: row.recurrence,
    seriesStartAt: dateOrNull(row.series_start_at),
    agenda: row.agenda,
    reason: row.reason,
    origin: row.origin,
    completedAt: dateOrNull(row.completed_at),
    summary: row.summary,
    findings: row.findings,
    cancelledAt: dateOrNull(row.cancelled_at),
    cancelReason: row.cancel_reason,
    endsSeries: row.ends_series === true,
  };
}

function toPeak(row: Record<string, any>): TrafficPeakRow {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    expectedPeakUsers: row.expected_peak_users,
    healthCheckId: row.health_check_id,
  };
}

function toAdvisory(row: Record<string, any>): SdkAdvisoryRow {
  return {
    id: row.id,
    sdkName: row.sdk_name,
    affectedVersions: row.affected_versions,
    fixedIn: row.fixed_in,
    severity: row.severity,
    summary: row.summary,
    affectedAccountIds: row.affected_account_ids,
  };
}

function toFeedToken(row: Record<string, any>): FeedTokenRow {
  return { id: row.token_id, tamId: row.tam_id, issuedAt: new Date(row.issued_at), revokedAt: dateOrNull(row.revoked_at) };
}
