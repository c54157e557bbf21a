import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import { withSchemaLock } from '#projections';

/**
 * Which ticket a Slack thread belongs to: (workspace, channel, thread root ts) → ticket id.
 *
 * Tickets and replies from Slack carry the delivery's `event_id` as their externalId (Slack redelivers an event
 * with the same id, so that makes deliveries idempotent), but a thread reply names its root only by `thread_ts`.
 * This table, intake's own, links the two. It is written after the ticket opens and again on every redelivery
 * of the root (so a crash in between heals); it is not rebuilt from events, so dropping the read-model database
 * forgets it (thread replies to older tickets would then open new tickets).
 */
@Injectable()
export class SlackThreads implements OnModuleInit {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async onModuleInit(): Promise<void> {
    // Under the read models' setup lock: intake's projections create the same schema, maybe in another process.
    await withSchemaLock(this.db, async (tx) => {
      await tx.query('CREATE SCHEMA IF NOT EXISTS intake');
      await tx.query(`CREATE TABLE IF NOT EXISTS intake.slack_threads (
        workspace_id text NOT NULL, channel_id text NOT NULL, thread_ts text NOT NULL, ticket_id text NOT NULL,
        PRIMARY KEY (workspace_id, channel_id, thread_ts))`);
    });
  }

  async ticketOf(workspaceId: string, channelId: string, threadTs: string): Promise<string | null> {
    const [row] = await this.db.query<{ ticket_id: string }>(
      'SELECT ticket_id FROM intake.slack_threads WHERE workspace_id = $1 AND channel_id = $2 AND thread_ts = $3',
      [workspaceId, channelId, threadTs],
    );
    return row?.ticket_id ?? null;
  }

  /** Links the thread to the ticket unless it is already linked (the first ticket keeps the thread). */
  async link(workspaceId: string, channelId: string, threadTs: string, ticketId: string): Promise<void> {
    await this.db.query('INSERT INTO intake.slack_threads VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [workspaceId, channelId, threadTs, ticketId]);
  }
}
