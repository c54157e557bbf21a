import { Inject, Injectable } from '@nestjs/common';
import { contractInForce, type Channel } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';

/** Reads of intake's own read model (schema `intake`), built from the accounts context's events. */
@Injectable()
export class IntakeQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  /** Why a ticket on `channel` received at `at` cannot open for this account, or null when it can. */
  async coverageProblem(accountId: string, channel: Channel, at: Date): Promise<string | null> {
    const [account] = await this.db.query('SELECT id FROM intake.accounts WHERE id = $1', [accountId]);
    if (!account) return `Account ${accountId} does not exist`;
    const rows = await this.db.query<{ version: number; channels: string[]; effective_from: Date | string }>(
      'SELECT version, channels, effective_from FROM intake.contracts WHERE account_id = $1',
      [accountId],
    );
    const inForce = contractInForce(
      rows.map((row) => ({ version: Number(row.version), channels: row.channels, effectiveFrom: new Date(row.effective_from).toISOString() })),
      at,
    );
    if (!inForce) return `The account has no contract in force at ${at.toISOString()}`;
    if (channel !== 'HEALTH_CHECK' && !inForce.channels.includes(channel)) {
      return `The account's contract (version ${inForce.version}) does not cover the ${channel} channel`;
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
