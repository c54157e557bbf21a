import { Module } from '@nestjs/common';
import { IntegrityResolver } from './graphql/integrity.resolver.js';
import { TicketHistoryResolver } from './graphql/ticket-history.resolver.js';
import { EvidenceBundleController } from './http/evidence-bundle.controller.js';

/** Audit: a ticket's history as of any instant, and verification of its record. evidence bundles. */
@Module({ controllers: [EvidenceBundleController], providers: [IntegrityResolver, TicketHistoryResolver] })
export class AuditModule {}
