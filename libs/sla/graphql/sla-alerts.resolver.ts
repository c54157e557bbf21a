import { Inject } from '@nestjs/common';
import { Args, Field, ID, Int, ObjectType, Parent, registerEnumType, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { notFound, type SlaMetric } from '#contracts';
import { CurrentPrincipal, DateTimeScalar, entityType, Loaders, NodeRegistry, SlaMetricEnum, type LoaderFactory, type Principal, type RequestContext } from '#platform-kit';
import { SlaTicketReference } from './sla.resolver.js';
import { parseAlertCursor, SlaAlertsFeed, type SlaAlertMessage } from '../application/sla-alerts.feed.js';

export const SlaAlertKindEnum = { WARNING: 'WARNING', BREACH: 'BREACH', UNASSIGNABLE: 'UNASSIGNABLE' } as const;
registerEnumType(SlaAlertKindEnum, {
  name: 'SlaAlertKind',
  description: 'UNASSIGNABLE: a P0/P1 routing could give nobody (no engineer on shift in the region, no TAM); metric FIRST_RESPONSE, dueAt and at the moment it was found',
  valuesMap: {
    WARNING: { description: 'the clock reached the contract’s warningAtPercent of its target' },
    BREACH: { description: 'the clock reached dueAt still running' },
    UNASSIGNABLE: { description: 'routing found nobody to assign a P0/P1 ticket to' },
  },
});

@ObjectType('SlaAlert', { description: 'An SLA warning or breach of one clock' })
export class SlaAlertType {
  @Field(() => SlaAlertKindEnum, { description: 'WARNING or BREACH' }) kind!: string;
  ticketId!: string;
  accountId!: string;
  @Field(() => SlaMetricEnum, { description: 'the clock’s metric' }) metric!: SlaMetric;
  @Field(() => Int, { description: 'the clock’s cycle' }) cycle!: number;
  @Field(() => DateTimeScalar, { description: 'when the clock is (was) due' }) dueAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when the alert fired, on the platform clock' }) at!: Date;
  @Field(() => String, { description: 'Opaque: pass it as slaAlerts(after:) on reconnecting to get exactly the alerts recorded after this one' })
  cursor!: string;
  @Field(() => String, { nullable: true, description: 'UNASSIGNABLE: why routing found nobody' }) reason!: string | null;
}

@Resolver(() => SlaAlertType)
export class SlaAlertsResolver {
  constructor(
    @Inject(SlaAlertsFeed) private readonly alerts: SlaAlertsFeed,
    @Inject(NodeRegistry) private readonly nodes: NodeRegistry,
  ) {}

  @Subscription(() => SlaAlertType, {
    description:
      'SLA warnings and breaches from the log (GraphQL over WebSocket, graphql-ws), whichever process recorded them. Without `after`: from now on; with an alert’s cursor: every alert recorded after it (what was missed), then live — each once, in log order. Customers see only their account’s.',
    filter: (message: SlaAlertMessage, variables: { accountId?: string | null }, context: RequestContext) => {
      const principal = context.principal;
      if (!principal) return false;
      if (principal.role === 'CUSTOMER' && message.accountId !== principal.accountId) return false;
      return !variables.accountId || variables.accountId === message.accountId;
    },
    resolve: (message: SlaAlertMessage): SlaAlertType => ({ ...message, reason: message.reason ?? null, metric: message.metric as SlaMetric, dueAt: new Date(message.dueAt), at: new Date(message.at) }),
  })
  slaAlerts(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'only this account’s alerts; leave out for every account you may see', type: () => ID, nullable: true }) accountId: string | null,
    @Args('after', { type: () => String, nullable: true, description: 'Resume after this alert’s cursor (replays what was missed, then live)' })
    after: string | null,
  ) {
    // A customer naming another account gets nothing but a refusal that does not confirm it exists.
    if (principal.role === 'CUSTOMER' && accountId && accountId !== principal.accountId) throw notFound('Account');
    const from = after === null || after === undefined ? null : parseAlertCursor(after);
    return this.alerts.follow(from);
  }

  @ResolveField(() => entityType('Ticket', SlaTicketReference), { description: 'the ticket' })
  async ticket(@Parent() alert: SlaAlertType, @Loaders() loaders: LoaderFactory): Promise<object> {
    const ticket = await this.nodes.entity('Ticket', alert.ticketId, loaders);
    if (!ticket) throw notFound('Ticket');
    return ticket;
  }
}
