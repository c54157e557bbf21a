import { Inject, Injectable } from '@nestjs/common';
import type { Channel } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { ChannelTicket } from '../domain/channel-reply.decider.js';
import type { CoverageProblem } from '../domain/open-ticket.decider.js';

/** Reads of intake's own read models (schema `intake`), built from the log: the accounts context's events and the tickets' channel messages. */
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

  /** The ticket whose opening message or one of whose replies has one of these channel ids (intake.channel-messages). */
  async ticketByChannelMessage(accountId: string, externalIds: readonly string[]): Promise<string | null> {
    if (externalIds.length === 0) return null;
    const [row] = await this.db.query<{ ticket_id: string }>(
      'SELECT ticket_id FROM intake.channel_messages WHERE account_id = $1 AND external_id = ANY($2) LIMIT 1',
      [accountId, externalIds],
    );
    return row?.ticket_id ?? null;
  }

  /** What intake's copy knows of a ticket a channel reply answers (null: its opening is not in the copy). */
  async channelTicket(ticketId: string): Promise<ChannelTicket | null> {
    const [row] = await this.db.query<{ account_id: string; closed: boolean; attachment_ids: string[]; attachment_bytes: string | number }>(
      'SELECT account_id, closed, attachment_ids, attachment_bytes FROM intake.channel_tickets WHERE ticket_id = $1',
      [ticketId],
    );
    return row ? { accountId: row.account_id, closed: row.closed, attachmentIds: row.attachment_ids, attachmentBytes: Number(row.attachment_bytes) } : null;
  }
}
