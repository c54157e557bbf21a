import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { IntegrityResolver } from './graphql/integrity.resolver.js';
import { TicketHistoryResolver } from './graphql/ticket-history.resolver.js';
import { EvidenceBundleController } from './http/evidence-bundle.controller.js';
import { ticketClaimsProjection } from './projections/ticket-claims.projection.js';
import { ticketDeliveriesProjection } from './projections/ticket-deliveries.projection.js';
import { ticketIncidentsProjection } from './projections/ticket-incidents.projection.js';

/** Audit: a ticket's history as of any instant, and verification of its record. evidence bundles. */
@Module({ controllers: [EvidenceBundleController], providers: [IntegrityResolver, TicketHistoryResolver] })
export class AuditModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(ticketClaimsProjection);
    this.runtime.registerProjection(ticketDeliveriesProjection);
    this.runtime.registerProjection(ticketIncidentsProjection);
  }
}
