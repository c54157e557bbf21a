import { Inject } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { notFound, ticketStream } from '#contracts';
import { CurrentPrincipal, entityType, PlatformRuntime, Roles, WORKING_STAFF_ROLES, type Principal } from '#platform-kit';
// Triage's pure fold and, in the plain schema only, its Ticket type — never its modules: in a subgraph the ticket
// is triage's entity, answered here by key (docs/architecture.md#the-federated-graph-issue-11).
import { foldTicketView } from '../../triage/domain/ticket-view.js';
import { toTicketType } from '../../triage/graphql/ticket.mapper.js';
import type { TicketType } from '../../triage/graphql/ticket.types.js';
import { OpenTicketInput } from './open-ticket.input.js';
import { OpenTicketHandler } from '../application/open-ticket.handler.js';

@Resolver(() => entityType('Ticket'))
export class OpenTicketResolver {
  constructor(
    @Inject(OpenTicketHandler) private readonly handler: OpenTicketHandler,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
  ) {}

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => entityType('Ticket'), { description: 'Customers for their own account; staff on a customer’s behalf (phone and video calls)' })
  async openTicket(@CurrentPrincipal() principal: Principal, @Args('input', { description: 'account, channel, subject, description, claimed severity and diagnostics', type: () => OpenTicketInput }) input: OpenTicketInput): Promise<TicketType> {
    const d = input.diagnostics ?? {};
    const { ticketId, recorded } = await this.handler.execute(principal, {
      accountId: input.accountId,
      channel: input.channel,
      subject: input.subject,
      description: input.description,
      claimedSeverity: input.claimedSeverity,
      diagnostics: {
        sdkName: d.sdkName ?? null,
        sdkVersion: d.sdkVersion ?? null,
        platform: d.platform ?? null,
        osVersion: d.osVersion ?? null,
        deviceModel: d.deviceModel ?? null,
        networkType: d.networkType ?? null,
        errorCode: d.errorCode ?? null,
        reproSteps: d.reproSteps ?? null,
        logUrls: d.logUrls ?? [],
      },
      externalId: input.externalId ?? null,
      receivedAt: input.receivedAt ?? null,
      attachmentIds: input.attachmentIds ?? [],
    });
    // A ticket this call opened is what it recorded (folded as the read model folds it, which the handler has
    // waited for); a repeat shows the ticket as its stream stands now, folded the same way.
    const view = foldTicketView(recorded.length > 0 ? recorded : await this.runtime.store.readStream(ticketStream(ticketId)));
    if (!view) throw notFound('Ticket');
    const { replies: _replies, ...row } = view;
    return toTicketType(row);
  }
}
