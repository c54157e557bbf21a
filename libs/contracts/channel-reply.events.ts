import { v5 as uuidv5 } from 'uuid';
import type { Actor } from '#event-store';
import type { AttachmentRef } from './tickets.events.js';

// A channel reply (e-mail, IM) on an existing ticket: intake's fact, then triage's decision on the ticket
// (docs/reactors.md#channel-replies-a-fact-of-intake-a-reaction-of-triage). schemaVersion 1.

/**
 * A customer's message through a channel answered an existing ticket (In-Reply-To/References naming one of its
 * messages, a Slack thread). Recorded by intake on `channel-reply-<key>` (key from the account and the channel's
 * message id, so a redelivery in any process is `alreadyRecorded`), after intake checked what it can know from its
 * own copy (the ticket not closed, a body or files, the ticket's attachment limit). Triage's reactor
 * `triage.channel-replies` turns it into the ReplyAdded (and attachments, a reopening) on the ticket.
 */
export interface ChannelReplyReceived {
  type: 'ChannelReplyReceived';
  data: {
    ticketId: string;
    accountId: string;
    /** The channel's own id for the message (e-mail Message-ID, Slack event_id). */
    externalId: string;
    body: string;
    /** The customer, as the channel knows them (`email:<address>`, `slack:<user>`), role CUSTOMER. */
    author: Actor;
    /** The uploads the message carried (stored by the channel as the author's), as AttachmentAdded will record them. */
    attachments: AttachmentRef[];
    receivedAt: string;
  };
}

/**
 * Triage refused a ChannelReplyReceived that intake's copy had let through (the ticket was closed meanwhile, its
 * attachment limit reached by another message): recorded by `triage.channel-replies` on `reply-refusal-<key>`,
 * event id from the received event, so the channel answers the refusal (and a redelivery gets it again).
 */
export interface ChannelReplyRefused {
  type: 'ChannelReplyRefused';
  data: {
    ticketId: string;
    accountId: string;
    externalId: string;
    /** The refusal's error code and message, as the ticket's decider gave them. */
    code: string;
    message: string;
    /** The offending field, when the refusal names one. */
    field: string | null;
    refusedAt: string;
  };
}

export type ChannelReplyEvent = ChannelReplyReceived | ChannelReplyRefused;

const CHANNEL_REPLY_KEY_NAMESPACE = '5d2e8f1a-6c3b-4a7d-9e0f-1b2c3d4e5f60';
/** The namespace triage has derived channel replies' event ids in since before the reply became a reaction. */
const CHANNEL_REPLY_NAMESPACE = '7a4e2c1d-9b8f-4e6a-a5d3-2c1b0f9e8d7c';

/** The key of one channel message's reply: from the account and the channel's message id. */
export const channelReplyKey = (accountId: string, externalId: string): string => uuidv5(`${accountId}\n${externalId}`, CHANNEL_REPLY_KEY_NAMESPACE);

export const channelReplyStreams = {
  /** intake's ChannelReplyReceived */
  received: (key: string) => `channel-reply-${key}`,
  /** triage's ChannelReplyRefused */
  refused: (key: string) => `reply-refusal-${key}`,
} as const;

/** The ReplyAdded event id (and replyId) of a channel message's reply on a ticket: a redelivery records it once. */
export const channelReplyEventId = (ticketId: string, externalId: string): string => uuidv5(`reply\n${ticketId}\n${externalId}`, CHANNEL_REPLY_NAMESPACE);

/** The id of another event of the same reply (its reopening, its attachments): from its type, place and the reply's id. */
export const channelReplyPartId = (replyEventId: string, type: string, index: number): string => uuidv5(`${type}\n${index}\n${replyEventId}`, CHANNEL_REPLY_NAMESPACE);
