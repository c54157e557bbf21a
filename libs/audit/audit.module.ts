import { Module } from '@nestjs/common';
import { IntegrityResolver } from './graphql/integrity.resolver.js';

/** Audit: verification of a ticket's record. (History as of an instant and evidence bundles: issue #7.) */
@Module({ providers: [IntegrityResolver] })
export class AuditModule {}
