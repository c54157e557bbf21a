// The vocabulary every context shares (the contract's enums), as plain TypeScript types.

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHANNELS = ['PORTAL', 'EMAIL', 'IM', 'PHONE', 'VIDEO', 'HEALTH_CHECK'] as const;
export type Channel = (typeof CHANNELS)[number];

export const COVERAGES = ['ALWAYS', 'BUSINESS_HOURS'] as const;
export type Coverage = (typeof COVERAGES)[number];

export const SLA_METRICS = ['FIRST_RESPONSE', 'NEXT_UPDATE', 'RESOLUTION'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];
