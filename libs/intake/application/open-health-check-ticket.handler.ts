import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OpenHealthCheckTicket } from '#contracts';
import { noDiagnostics } from '../channels/channel-messages.js';
import { OpenTicketHandler } from './open-ticket.handler.js';

/** A health check's finding opened as a HEALTH_CHECK ticket, by whoever completed the check. */
@CommandHandler(OpenHealthCheckTicket)
export class OpenHealthCheckTicketHandler implements ICommandHandler<OpenHealthCheckTicket, string> {
  constructor(@Inject(OpenTicketHandler) private readonly openTicket: OpenTicketHandler) {}

  async execute(command: OpenHealthCheckTicket): Promise<string> {
    const { ticketId } = await this.openTicket.execute(command.principal, {
      accountId: command.accountId,
      channel: 'HEALTH_CHECK',
      subject: command.subject,
      description: command.description,
      claimedSeverity: command.claimedSeverity,
      diagnostics: noDiagnostics(),
      externalId: command.externalId,
      receivedAt: null,
    });
    return ticketId;
  }
}
