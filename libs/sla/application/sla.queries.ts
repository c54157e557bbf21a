import { Inject, Injectable } from '@nestjs/common';
import type { CalendarDefinition } from '#calendar';
import type { BreachVerdictRecord, ContractSigned, MoneyAmount, SlaMetric, TicketEvent } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { JudgedClock } from '../domain/account-health.js';
import type { SlaPolicy } from '../domain/sla-engine.js';

export interface TicketSlaRow {
  ticketId: string;
  accountId: string | null;
  policy: SlaPolicy | null;
  events: TicketEvent[];
}

export interface ClaimRow {
  id: string;
  ticketId: string;
  accountId: string;
  metric: SlaMetric;
  cycle: number;
  statement: string;
  filedBy: { id: string; role: string };
  filedAt: Date;
  verdict: BreachVerdictRecord;
  proposedCredit: MoneyAmount;
  creditMonth: string | null;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  decidedBy: { id: string; role: string } | null;
  decisionReason: string | null;
  credit: MoneyAmount | null;
}

function toClaim(row: Record<string, any>): ClaimRow {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    accountId: row.account_id,
    metric: row.metric,
    cycle: Number(row.cycle),
    statement: row.statement,
    filedBy: row.filed_by,
    filedAt: new Date(row.filed_at),
    verdict: row.verdict,
    proposedCredit: row.proposed_credit,
    creditMonth: row.credit_month,
    status: row.status,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    credit: row.credit,
  };
}

/** Reads of the SLA context's read model (schema `sla`). */
@Injectable()
export class SlaQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  /** The account's tickets not RESOLVED or CLOSED, from SLA's own copy (sla.open-tickets). */
  async openTicketCount(accountId: string): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM sla.ticket_standing WHERE account_id = $1 AND standing = 'OPEN'`, [accountId]);
    return Number(row?.n ?? 0);
  }

  /**
   * What a ticket received at `at` pins, in one statement: the contract version in force then (the highest
   * whose effectiveFrom is not after it, as `contractInForce`) and its calendar as it stood then: the latest
   * version recorded by then (the first, if `at` precedes it). Null without a contract in force or its calendar.
   */
  async policyInForce(accountId: string, at: Date): Promise<{ contract: ContractSigned['data']; calendar: { version: number; definition: CalendarDefinition } } | null> {
    const [row] = await this.db.query<{ terms: ContractSigned['data']; calendar_version: number | null; definition: CalendarDefinition | null }>(
      `SELECT c.terms, v.version AS calendar_version, v.definition
       FROM sla.contracts c
       LEFT JOIN LATERAL (
         SELECT version, definition FROM sla.calendar_versions WHERE calendar_id = c.terms->>'calendarId'
         ORDER BY (valid_from <= $2) DESC, CASE WHEN valid_from <= $2 THEN -version ELSE version END LIMIT 1
       ) v ON true
       WHERE c.account_id = $1 AND c.effective_from <= $2
       ORDER BY c.version DESC LIMIT 1`,
      [accountId, at],
    );
    if (!row || row.calendar_version === null || !row.definition) return null;
    return { contract: row.terms, calendar: { version: Number(row.calendar_version), definition: row.definition } };
  }

  async account(accountId: string): Promise<{ timeZone: string; tamId: string | null } | null> {
    const [row] = await this.db.query<{ time_zone: string; tam_id: string | null }>('SELECT time_zone, tam_id FROM sla.accounts WHERE id = $1', [accountId]);
    return row ? { timeZone: row.time_zone, tamId: row.tam_id } : null;
  }

  /** Credits already approved for the account in that month (account zone), which the cap counts. */
  async approvedCredits(accountId: string, month: string | null): Promise<number> {
    if (!month) return 0;
    const [row] = await this.db.query<{ total: string | null }>(
      `SELECT sum(credit_amount)::text AS total FROM sla.claims WHERE account_id = $1 AND credit_month = $2 AND status = 'APPROVED'`,
      [accountId, month],
    );
    return Number(row?.total ?? 0);
  }

  /** Claims, newest filed first (ties by id); `after` is the (filed_at, id) of the previous page's last row. */
  async claimsPage(
    filter: { accountId: string | null; status: string | null },
    first: number,
    after: [string, string] | null,
  ): Promise<{ rows: ClaimRow[]; hasNextPage: boolean; totalCount: number }> {
    const where = `($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR status = $2)`;
    const params = [filter.accountId, filter.status];
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM sla.claims WHERE ${where} AND ($3::timestamptz IS NULL OR (filed_at, id) < ($3::timestamptz, $4::text))
       ORDER BY filed_at DESC, id DESC LIMIT $5`,
      [...params, after?.[0] ?? null, after?.[1] ?? null, first + 1],
    );
    const [count] = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM sla.claims WHERE ${where}`, params);
    return { rows: rows.slice(0, first).map(toClaim), hasNextPage: rows.length > first, totalCount: Number(count?.n ?? 0) };
  }

  async claim(id: string): Promise<ClaimRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM sla.claims WHERE id = $1', [id]);
    return row ? toClaim(row) : null;
  }

  /** What account health needs: the engine's verdict on every clock (report read model), credits per month and currency. */
  async accountSlaFacts(accountId: string, months: readonly string[]): Promise<{ clocks: JudgedClock[]; credits: { month: string; amount: number; currency: string }[]; currency: string | null }> {
    const clocks = await this.db.query<{ outcome: 'MET' | 'MISSED' | null; breached_at: Date | null; decided_at: Date | null }>(
      'SELECT outcome, breached_at, decided_at FROM sla.report_clocks WHERE account_id = $1 AND outcome IS NOT NULL',
      [accountId],
    );
    const credits = await this.db.query<{ month: string; currency: string; total: string }>(
      `SELECT credit_month AS month, credit->>'currency' AS currency, sum(credit_amount)::text AS total FROM sla.claims
       WHERE account_id = $1 AND status = 'APPROVED' AND credit_month = ANY($2) GROUP BY credit_month, credit->>'currency'`,
      [accountId, months],
    );
    const [contract] = await this.db.query<{ currency: string }>(
      `SELECT terms->>'currency' AS currency FROM sla.contracts WHERE account_id = $1 ORDER BY version DESC LIMIT 1`,
      [accountId],
    );
    const iso = (instant: Date | null) => (instant ? new Date(instant).toISOString() : null);
    return {
      clocks: clocks.map((c) => ({ outcome: c.outcome, breachedAt: iso(c.breached_at), decidedAt: iso(c.decided_at) })),
      credits: credits.map((c) => ({ month: c.month, currency: c.currency, amount: Number(c.total) })),
      currency: contract?.currency ?? null,
    };
  }

  async ticketSla(ticketIds: readonly string[]): Promise<TicketSlaRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT ticket_id, account_id, policy, events FROM sla.ticket_sla WHERE ticket_id = ANY($1)', [ticketIds]);
    return rows.map((row) => ({ ticketId: row.ticket_id, accountId: row.account_id, policy: row.policy, events: row.events }));
  }
}
