import { Inject, Injectable } from '@nestjs/common';
import type { Channel } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { CoverageProblem } from '../domain/open-ticket.decider.js';

/** Reads of intake's own read model (schema `intake`), built from the accounts context's events. */
@Injectable()
export class IntakeQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  /**
   * Why a ticket on `channel` received at `at` cannot open for this account, or null when it can. One
   * statement: the account and its contract version in force at `at` (the highest whose effectiveFrom is not
   * after it, as `contractInForce`).
   */
  async coverageProblem(accountId: string, channel: Channel, at: Date): Promise<CoverageProblem | null> {
    const [row] = await this.db.query<{ version: number | null; channels: string[] | null }>(
      `SELECT c.version, c.channels FROM intake.accounts a
       LEFT JOIN LATERAL (
         SELECT version, channels FROM intake.contracts WHERE account_id = a.id AND effective_from <= $2 ORDER BY version DESC LIMIT 1
       ) c ON true
       WHERE a.id = $1`,
      [accountId, at],
    );
    if (!row) return { field: 'input.accountId', message: `Account ${accountId} does not exist` };
    if (row.version === null || !row.channels) return { field: 'input.accountId', message: `The account has no contract in force at ${at.toISOString()}` };
    if (channel !== 'HEALTH_CHECK' && !row.channels.includes(channel)) {
      return { field: 'input.channel', message: `The account's contract (version ${row.version}) does not cover the ${channel} channel` };
    }
    return null;
  }

  async accountByEmailDomain(domain: string): Promise<string | null> {
    const [row] = await this.db.query<{ account_id: string }>('SELECT account_id FROM intake.email_domains WHERE domain = $1', [domain.toLowerCase()]);
    return row?.account_id ?? null;
  }

  async accountByImChannel(workspaceId: string, channelId: string): Promise<string | null> {
    const [row] = await this.db.query<{ account_id: string }>(
      'SELECT account_id FROM intake.im_channels WHERE workspace_id = $1 AND channel_id = $2',
      [workspaceId, channelId],
    );
    return row?.account_id ?? null;
  }
}
