import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { byKey, entityType, Loaders, type LoaderFactory } from '#platform-kit';
import { HealthChecksQueries, type HealthCheckRow } from '../application/health-checks.queries.js';
import { HealthCheckType } from './health-checks.types.js';

/** `AccountHealth.nextCheckIn`: the SLA context's AccountHealth, extended by key (its account). */
@Resolver(() => entityType('AccountHealth'))
export class NextCheckInResolver {
  constructor(@Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries) {}

  @ResolveField(() => HealthCheckType, { nullable: true, description: 'the soonest SCHEDULED check-in' })
  async nextCheckIn(@Parent() health: { accountId: string }, @Loaders() loaders: LoaderFactory): Promise<HealthCheckType | null> {
    const row = await loaders<string, HealthCheckRow>('health-checks.next', async (ids) => byKey(ids, await this.queries.nextCheckIns(ids), (c) => c.accountId)).load(health.accountId);
    return row ? row : null;
  }
}
