import { registerEnumType } from '@nestjs/graphql';
import { CHANNELS, COVERAGES, SEVERITIES, SLA_METRICS } from '#contracts';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

// The contract's shared enums, registered once for every context's GraphQL types.
export const SeverityEnum = enumOf(SEVERITIES);
registerEnumType(SeverityEnum, { name: 'Severity' });
export const ChannelEnum = enumOf(CHANNELS);
registerEnumType(ChannelEnum, { name: 'Channel' });
export const CoverageEnum = enumOf(COVERAGES);
registerEnumType(CoverageEnum, { name: 'Coverage', description: '7x24, or inside the contract’s business calendar (e.g. 5x8)' });
export const SlaMetricEnum = enumOf(SLA_METRICS);
registerEnumType(SlaMetricEnum, { name: 'SlaMetric' });
