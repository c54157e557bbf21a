import {
  badUserInput,
  CHANNELS,
  COVERAGES,
  SEVERITIES,
  SLA_METRICS,
  type ContractTerms,
} from '#contracts';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const MAX_MINUTES = 366 * 24 * 60;

/**
 * Everything a signed contract must satisfy, checked before anything is recorded. The first problem is
 * refused as BAD_USER_INPUT naming the field, e.g. `input.targets[2].firstResponseMinutes`.
 */
export function checkContractTerms(terms: ContractTerms): ContractTerms {
  const fail = (field: string, message: string): never => {
    throw badUserInput(`${field} ${message}`, field);
  };
  const plan = terms.plan.trim();
  if (!plan || plan.length > 200) fail('input.plan', 'must be 1-200 characters');
  if (terms.channels.length === 0) fail('input.channels', 'must list at least one channel');
  terms.channels.forEach((channel, i) => {
    if (!CHANNELS.includes(channel)) fail(`input.channels[${i}]`, 'is not a channel');
  });
  const minutes = (value: number | null, field: string, optional: boolean) => {
    if (value === null || value === undefined) {
      if (!optional) fail(field, 'is required');
      return;
    }
    if (!Number.isInteger(value) || value <= 0 || value > MAX_MINUTES) fail(field, `must be a whole number of minutes, 1-${MAX_MINUTES}`);
  };
  const seen = new Set<string>();
  terms.targets.forEach((target, i) => {
    const field = `input.targets[${i}]`;
    if (!SEVERITIES.includes(target.severity)) fail(`${field}.severity`, 'is not a severity');
    if (target.channel !== null && !CHANNELS.includes(target.channel)) fail(`${field}.channel`, 'is not a channel');
    if (!COVERAGES.includes(target.coverage)) fail(`${field}.coverage`, 'is not a coverage');
    const key = `${target.severity}/${target.channel ?? '*'}`;
    if (seen.has(key)) fail(field, `repeats the target for ${target.severity} on ${target.channel ?? 'every channel'}`);
    seen.add(key);
    minutes(target.firstResponseMinutes, `${field}.firstResponseMinutes`, false);
    minutes(target.nextUpdateMinutes, `${field}.nextUpdateMinutes`, true);
    minutes(target.resolutionMinutes, `${field}.resolutionMinutes`, true);
  });
  for (const severity of SEVERITIES) {
    if (!seen.has(`${severity}/*`)) fail('input.targets', `must include a general (channel-less) target for ${severity}`);
  }
  if (!Number.isInteger(terms.warningAtPercent) || terms.warningAtPercent < 1 || terms.warningAtPercent > 99) {
    fail('input.warningAtPercent', 'must be a whole number 1-99');
  }
  if (!Number.isFinite(terms.monthlyFee) || terms.monthlyFee < 0) fail('input.monthlyFee', 'must be zero or more');
  const currency = terms.currency.trim().toUpperCase();
  if (!CURRENCIES.has(currency)) fail('input.currency', 'must be an ISO 4217 currency code, e.g. USD or CNY');
  const percent = (value: number, field: string) => {
    if (!Number.isFinite(value) || value < 0 || value > 100) fail(field, 'must be a percentage 0-100');
  };
  const rules = new Set<string>();
  terms.credits.forEach((rule, i) => {
    const field = `input.credits[${i}]`;
    if (!SEVERITIES.includes(rule.severity)) fail(`${field}.severity`, 'is not a severity');
    if (!SLA_METRICS.includes(rule.metric)) fail(`${field}.metric`, 'is not an SLA metric');
    if (rules.has(`${rule.severity}/${rule.metric}`)) fail(field, `repeats the credit rule for ${rule.severity} ${rule.metric}`);
    rules.add(`${rule.severity}/${rule.metric}`);
    percent(rule.percentOfMonthlyFee, `${field}.percentOfMonthlyFee`);
  });
  percent(terms.creditCapPercent, 'input.creditCapPercent');
  if (Number.isNaN(Date.parse(terms.effectiveFrom))) fail('input.effectiveFrom', 'must be an instant');
  return { ...terms, plan, currency, channels: [...new Set(terms.channels)] };
}
