import { registerEnumType } from '@nestjs/graphql';
import { CHANNELS, COVERAGES, SEVERITIES, SLA_METRICS } from '#contracts';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

// The contract's shared enums, registered once for every context's GraphQL types.
export const SeverityEnum = enumOf(SEVERITIES);
registerEnumType(SeverityEnum, { name: 'Severity', description: 'How badly the customer is affected; P0 is the most urgent', valuesMap: { P0: { description: 'the most urgent' }, P1: { description: 'urgent' }, P2: { description: 'normal' }, P3: { description: 'the least urgent' } } });
export const ChannelEnum = enumOf(CHANNELS);
registerEnumType(ChannelEnum, { name: 'Channel', description: 'How a ticket reached support', valuesMap: { EMAIL: { description: 'inbound mail' }, HEALTH_CHECK: { description: 'opened by a proactive health check (always covered by the contract)' }, IM: { description: 'an IM channel message (e.g. Slack)' }, PHONE: { description: 'a phone call' }, PORTAL: { description: 'the customer portal or API' }, VIDEO: { description: 'a video call' } } });
export const CoverageEnum = enumOf(COVERAGES);
registerEnumType(CoverageEnum, { name: 'Coverage', valuesMap: { ALWAYS: { description: 'wall-clock minutes, 7x24' }, BUSINESS_HOURS: { description: 'only minutes inside the contract’s business calendar' } }, description: '7x24, or inside the contract’s business calendar (e.g. 5x8)' });
export const SlaMetricEnum = enumOf(SLA_METRICS);
registerEnumType(SlaMetricEnum, { name: 'SlaMetric', description: 'Which SLA clock', valuesMap: { FIRST_RESPONSE: { description: 'from receipt to the first public staff reply; never pauses' }, NEXT_UPDATE: { description: 'from one public staff reply to the next, in cycles counted from 1' }, RESOLUTION: { description: 'from receipt to resolution; the resolved span before a reopen does not count' } } });
