import { attachmentsAdded, badUserInput, forbidden, type Actor, type AttachmentRef, type Requester, type Channel, type Diagnostics, type Severity, type TicketEvent } from '#contracts';
import type { Decider } from '#platform-kit';

export const MAX_SUBJECT_CHARS = 300;
export const MAX_DESCRIPTION_CHARS = 64 * 1024;
/** Why a ticket cannot open: no such account or no contract in force (`input.accountId`), or a channel the contract does not cover (`input.channel`). */
export interface CoverageProblem {
  field: 'input.accountId' | 'input.channel';
  message: string;
}

/** The same bound as an e-mail Message-ID: whatever channel sends it, a channel's id is short. */
export const MAX_EXTERNAL_ID_CHARS = 500;
export const MAX_BACKDATING_MS = 30 * 24 * 60 * 60 * 1000;

export interface OpenTicket {
  type: 'OpenTicket';
  ticketId: string;
  accountId: string;
  channel: Channel;
  subject: string;
  description: string;
  claimedSeverity: Severity;
  diagnostics: Diagnostics;
  externalId: string | null;
  receivedAt: Date;
  /**
   * Who set receivedAt: the CALLER of openTicket (staff recording a phone call; never a customer), a trusted
   * CHANNEL adapter (an e-mail's Date checked against the relay's receipt), or null when it is the opening instant.
   */
  receivedAtFrom: 'CALLER' | 'CHANNEL' | null;
  /** The instant the source claimed (the caller's input, the e-mail's Date), kept even when not adopted. */
  claimedReceivedAt: Date | null;
  /** The resolved ticket this one follows up (opened by a late customer reply), or null. */
  followUpOf: string | null;
  requester: Requester;
  /** E-mail addresses that follow it (an e-mail's Cc). */
  followers: readonly string[];
  actor: Actor;
  customerAccountId: string | null;
  /** Looked up by the handler: why the account's contract in force at receivedAt does not cover this, or null. */
  coverageProblem: CoverageProblem | null;
  /** The uploads `attachmentIds` names, looked up by the handler; recorded as AttachmentAdded after the opening. */
  attachments: readonly AttachmentRef[];
  maxTicketAttachmentBytes: number;
  now: Date;
}

export interface OpeningState {
  opened: boolean;
}

/**
 * Opening a ticket on a `ticket-<id>` stream. With a channel's externalId the id is derived from
 * (account, channel, externalId), so a retried delivery finds the ticket already open and records nothing.
 */
export const openTicketDecider: Decider<OpenTicket, OpeningState, TicketEvent> = {
  initialState: { opened: false },
  evolve: (state, event) => (event.type === 'TicketOpened' ? { opened: true } : state),

  decide(command, state) {
    // Who may open comes first, so a repeated delivery never shows another account's ticket.
    if (command.customerAccountId !== null) {
      if (command.customerAccountId !== command.accountId) throw forbidden('Customers open tickets for their own account only');
      if (command.channel === 'HEALTH_CHECK') throw forbidden('HEALTH_CHECK tickets are opened by staff');
    }
    if (state.opened) return [];
    const subject = command.subject.trim();
    if (!subject) throw badUserInput('subject must not be blank', 'input.subject');
    if (subject.length > MAX_SUBJECT_CHARS) throw badUserInput(`subject must be at most ${MAX_SUBJECT_CHARS} characters`, 'input.subject');
    if (command.description.length > MAX_DESCRIPTION_CHARS) {
      throw badUserInput(`description must be at most ${MAX_DESCRIPTION_CHARS} characters`, 'input.description');
    }
    if (command.externalId !== null && command.externalId.length > MAX_EXTERNAL_ID_CHARS) {
      throw badUserInput(`externalId must be at most ${MAX_EXTERNAL_ID_CHARS} characters`, 'input.externalId');
    }
    // A customer could otherwise backdate a P0 so that it is breached on arrival and claim a credit for it.
    if (command.receivedAtFrom === 'CALLER' && command.actor.role === 'CUSTOMER') {
      throw badUserInput('receivedAt is set only by staff recording a call or by a channel adapter; leave it out', 'input.receivedAt');
    }
    if (command.receivedAt.getTime() > command.now.getTime()) throw badUserInput('receivedAt must not be in the future', 'input.receivedAt');
    if (command.now.getTime() - command.receivedAt.getTime() > MAX_BACKDATING_MS) {
      throw badUserInput('receivedAt must be within the last 30 days', 'input.receivedAt');
    }
    checkDiagnostics(command.diagnostics);
    if (command.coverageProblem) throw badUserInput(command.coverageProblem.message, command.coverageProblem.field);
    return [
      {
        type: 'TicketOpened',
        data: {
          ticketId: command.ticketId,
          accountId: command.accountId,
          channel: command.channel,
          subject,
          description: command.description,
          claimedSeverity: command.claimedSeverity,
          diagnostics: command.diagnostics,
          externalId: command.externalId,
          receivedAt: command.receivedAt.toISOString(),
          claimedReceivedAt: command.claimedReceivedAt?.toISOString() ?? null,
          openedBy: command.actor,
          openedAt: command.now.toISOString(),
          ...(command.followUpOf ? { followUpOf: command.followUpOf } : {}),
          requester: command.requester,
          followers: [...command.followers],
        },
      },
      ...attachmentsAdded(command.attachments, { ids: [], bytes: 0 }, command.maxTicketAttachmentBytes, {
        ticketId: command.ticketId,
        visibility: 'PUBLIC',
        replyId: null,
        by: command.actor,
        at: command.now.toISOString(),
      }),
    ];
  },
};

export function checkDiagnostics(diagnostics: Partial<Diagnostics>): void {
  for (const [key, value] of Object.entries(diagnostics)) {
    if (key === 'logUrls') continue;
    if (typeof value === 'string' && value.length > 4000) throw badUserInput(`diagnostics.${key} must be at most 4000 characters`, `input.diagnostics.${key}`);
  }
  const urls = diagnostics.logUrls ?? [];
  if (urls.length > 50) throw badUserInput('at most 50 logUrls', 'input.diagnostics.logUrls');
  urls.forEach((url, index) => {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || url.length > 2000) {
      throw badUserInput(`logUrls[${index}] must be an http(s) URL`, `input.diagnostics.logUrls[${index}]`);
    }
  });
}
