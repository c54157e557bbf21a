import { Inject, Module } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { byKey, Loaders, type LoaderFactory } from '#platform-kit';
import { HealthChecksModule, HealthChecksQueries, HealthCheckType, type HealthCheckRow } from '#health-checks';
import { AccountHealthType, SlaModule } from '#sla';

/**
 * `AccountHealth.nextCheckIn` joins the SLA context's type with health checks' read model, so it exists only
 * where both run in one process (apps/platform). Neither context's subgraph serves it: AccountHealth is a value
 * type of the SLA subgraph, not an entity the health-checks subgraph could extend (docs/architecture.md).
 */
@Resolver(() => AccountHealthType)
export class NextCheckInResolver {
  constructor(@Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries) {}

  @ResolveField(() => HealthCheckType, { nullable: true, description: 'the soonest SCHEDULED check-in' })
  async nextCheckIn(@Parent() health: AccountHealthType, @Loaders() loaders: LoaderFactory): Promise<HealthCheckType | null> {
    const row = await loaders<string, HealthCheckRow>('health-checks.next', async (ids) => byKey(ids, await this.queries.nextCheckIns(ids), (c) => c.accountId)).load(health.accountId);
    return row ? row : null;
  }
}

@Module({ imports: [HealthChecksModule, SlaModule], providers: [NextCheckInResolver] })
export class NextCheckInModule {}
