import { Module } from '@nestjs/common';
import { IntegrityResolver } from './graphql/integrity.resolver.js';
import { TicketHistoryResolver } from './graphql/ticket-history.resolver.js';

/** Audit: a ticket's history as of any instant, and verification of its record. (Evidence bundles: issue #7.) */
@Module({ providers: [IntegrityResolver, TicketHistoryResolver] })
export class AuditModule {}
