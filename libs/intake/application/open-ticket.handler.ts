import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { PinSlaPolicy, RouteNewTicket, ticketStream, type Channel, type Diagnostics, type Principal, type Severity } from '#contracts';
import { CLOCK, executeCommand, PlatformRuntime, type Clock } from '#platform-kit';
import { openTicketDecider } from '../domain/open-ticket.decider.js';
import { IntakeQueries } from './intake.queries.js';

/** Namespace for ticket ids derived from a channel's own message id (UUID v5). */
const EXTERNAL_TICKET_NAMESPACE = '0b8f4a52-8a3e-4c1e-9a57-3b2f9d6c1e44';

export interface OpenTicketRequest {
  accountId: string;
  channel: Channel;
  subject: string;
  description: string;
  claimedSeverity: Severity;
  diagnostics: Diagnostics;
  externalId: string | null;
  receivedAt: Date | null;
}

/**
 * Opens a ticket from any channel: checks coverage under the contract in force at receivedAt, records
 * TicketOpened (once per channel message), then asks the SLA context to pin its policy and triage to route
 * it, and returns when all of that shows.
 */
@Injectable()
export class OpenTicketHandler {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IntakeQueries) private readonly queries: IntakeQueries,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
  ) {}

  static ticketIdFor(accountId: string, channel: Channel, externalId: string | null): string {
    return externalId === null ? randomUUID() : uuidv5(`${accountId}\n${channel}\n${externalId}`, EXTERNAL_TICKET_NAMESPACE);
  }

  async execute(principal: Principal, request: OpenTicketRequest): Promise<{ ticketId: string; created: boolean }> {
    const now = this.clock.now();
    const receivedAt = request.receivedAt ?? now;
    const ticketId = OpenTicketHandler.ticketIdFor(request.accountId, request.channel, request.externalId);
    const actor = { id: principal.id, role: principal.role };
    const coverageProblem = await this.queries.coverageProblem(request.accountId, request.channel, receivedAt);
    const result = await executeCommand(
      this.runtime.store,
      ticketStream(ticketId),
      openTicketDecider,
      {
        type: 'OpenTicket',
        ticketId,
        ...request,
        receivedAt,
        actor,
        customerAccountId: principal.role === 'CUSTOMER' ? principal.accountId : null,
        coverageProblem,
        now,
      },
      { actor, now },
    );
    await this.runtime.settled(result);
    if (result.appended) {
      await this.commandBus.execute(new PinSlaPolicy(ticketId));
      await this.commandBus.execute(new RouteNewTicket(ticketId));
    }
    return { ticketId, created: result.appended !== null };
  }
}
