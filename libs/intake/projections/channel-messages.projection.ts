import type { AttachmentAdded, ChannelReplyEvent, ReplyAdded, TicketClosed, TicketOpened } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

export const CHANNEL_MESSAGES_PROJECTION = 'intake.channel-messages';

/**
 * Intake's own copy of what a channel needs to know about tickets, from the log (no read of triage's tables):
 * which ticket holds a channel message (its opening's or a reply's externalId, per account) — so a redelivery
 * is recognised and a reply naming a message finds its ticket — and, per ticket, whether it is closed and which
 * attachments it holds (a channel reply is refused on a closed ticket or past the attachment limit, before
 * anything is recorded). A ChannelReplyReceived names its message as soon as intake recorded it (before
 * triage's reaction); a ChannelReplyRefused forgets it again, so a redelivery is refused again.
 */
export const channelMessagesProjection: Projection = {
  name: CHANNEL_MESSAGES_PROJECTION,
  eventTypes: ['TicketOpened', 'ReplyAdded', 'AttachmentAdded', 'TicketClosed', 'ChannelReplyReceived', 'ChannelReplyRefused'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS intake');
    await sql.query(`CREATE TABLE IF NOT EXISTS intake.channel_tickets (
      ticket_id text PRIMARY KEY, account_id text NOT NULL, closed boolean NOT NULL DEFAULT false,
      attachment_ids text[] NOT NULL DEFAULT '{}', attachment_bytes bigint NOT NULL DEFAULT 0)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS intake.channel_messages (
      account_id text NOT NULL, external_id text NOT NULL, ticket_id text NOT NULL, PRIMARY KEY (account_id, external_id))`);
  },

  async reset(tx) {
    for (const table of ['channel_tickets', 'channel_messages']) await tx.query(`DELETE FROM intake.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    // Openings (most of the log's ticket events) go in one statement per run of them.
    let openings: TicketOpened['data'][] = [];
    const flush = async () => {
      if (openings.length === 0) return;
      await tx.query(
        `WITH opened AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS o(ticket_id, account_id, external_id)),
              ticket AS (INSERT INTO intake.channel_tickets (ticket_id, account_id) SELECT ticket_id, account_id FROM opened ON CONFLICT DO NOTHING)
         INSERT INTO intake.channel_messages SELECT account_id, external_id, ticket_id FROM opened WHERE external_id IS NOT NULL ON CONFLICT DO NOTHING`,
        [openings.map((d) => d.ticketId), openings.map((d) => d.accountId), openings.map((d) => d.externalId)],
      );
      openings = [];
    };
    for (const recorded of events) {
      const event = recorded as unknown as TicketOpened | ReplyAdded | AttachmentAdded | TicketClosed | ChannelReplyEvent;
      if (event.type === 'TicketOpened') {
        openings.push(event.data);
        continue;
      }
      await flush();
      switch (event.type) {
        case 'ReplyAdded':
          if (event.data.externalId === null) break;
          await tx.query(
            'INSERT INTO intake.channel_messages SELECT account_id, $2, ticket_id FROM intake.channel_tickets WHERE ticket_id = $1 ON CONFLICT DO NOTHING',
            [event.data.ticketId, event.data.externalId],
          );
          break;
        case 'AttachmentAdded':
          await tx.query(
            `UPDATE intake.channel_tickets SET attachment_ids = array_append(attachment_ids, $2), attachment_bytes = attachment_bytes + $3
             WHERE ticket_id = $1 AND NOT ($2 = ANY(attachment_ids))`,
            [event.data.ticketId, event.data.id, event.data.size],
          );
          break;
        case 'TicketClosed':
          await tx.query('UPDATE intake.channel_tickets SET closed = true WHERE ticket_id = $1', [event.data.ticketId]);
          break;
        case 'ChannelReplyReceived':
          await tx.query('INSERT INTO intake.channel_messages VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [event.data.accountId, event.data.externalId, event.data.ticketId]);
          break;
        case 'ChannelReplyRefused':
          await tx.query('DELETE FROM intake.channel_messages WHERE account_id = $1 AND external_id = $2 AND ticket_id = $3', [event.data.accountId, event.data.externalId, event.data.ticketId]);
          break;
      }
    }
    await flush();
  },
};
