import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AddChannelReply, type Principal } from '#contracts';
import { TicketsQueries } from '../../triage/application/tickets.queries.js';
import { OpenTicketHandler, type OpenTicketRequest } from '../application/open-ticket.handler.js';

/** What a channel message did: opened a ticket, added a reply to one, or nothing (already received). */
export interface ChannelOutcome {
  ticketId: string;
  /** Whether this message opened a new ticket. */
  created: boolean;
  action: 'opened' | 'replied' | 'duplicate';
}

/**
 * What every channel adapter does once it has authenticated a message and found its account: recognise a
 * redelivery, add a reply to a ticket, or open one. Work on one key runs one at a time in this process, so two
 * concurrent deliveries of the same reply cannot both append it (the opening is idempotent by its derived id anyway).
 */
@Injectable()
export class ChannelIntake {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(OpenTicketHandler) private readonly openTicket: OpenTicketHandler,
    @Inject(TicketsQueries) private readonly tickets: TicketsQueries,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
  ) {}

  /** Runs `work` after every earlier call with the same key has finished (in this process). */
  serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** The ticket that already holds this channel message (as its opening or as a reply), if any. */
  async alreadyReceived(accountId: string, externalId: string): Promise<ChannelOutcome | null> {
    const ticketId = await this.tickets.ticketByExternalMessage(accountId, [externalId]);
    return ticketId ? { ticketId, created: false, action: 'duplicate' } : null;
  }

  /** The ticket whose opening message or one of whose replies has one of these channel ids. */
  ticketByMessages(accountId: string, externalIds: readonly string[]): Promise<string | null> {
    return this.tickets.ticketByExternalMessage(accountId, externalIds);
  }

  /**
   * A PUBLIC customer reply, added by triage (the ticket's owner); resolves once the read model shows it. A
   * repeat another process recorded first (this one's read model had not shown it yet) is a `duplicate`.
   */
  async reply(principal: Principal, ticketId: string, body: string, externalId: string, attachmentIds: readonly string[] = []): Promise<ChannelOutcome> {
    const recorded = await this.commandBus.execute<AddChannelReply, boolean>(new AddChannelReply(principal, ticketId, body, externalId, attachmentIds));
    return { ticketId, created: false, action: recorded ? 'replied' : 'duplicate' };
  }

  async open(principal: Principal, request: OpenTicketRequest): Promise<ChannelOutcome> {
    const { ticketId, created } = await this.openTicket.execute(principal, request);
    return { ticketId, created, action: created ? 'opened' : 'duplicate' };
  }
}
