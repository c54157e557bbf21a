import { IANAZone } from 'luxon';
import { badUserInput } from '#contracts';

/** Small, shared checks for names and codes; each refusal names the input field. */
export function requireText(value: string, field: string, max = 200): string {
  const text = value.trim();
  if (text.length === 0) throw badUserInput(`${field} must not be blank`, field);
  if (text.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return text;
}

export function requireTimeZone(value: string, field: string): string {
  if (!IANAZone.isValidZone(value)) throw badUserInput(`${field} "${value}" is not an IANA time zone (e.g. Asia/Shanghai)`, field);
  return value;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function requireEmailDomain(value: string, field: string): string {
  const domain = value.trim().toLowerCase();
  if (!DOMAIN.test(domain)) throw badUserInput(`${field} "${value}" is not an e-mail domain`, field);
  return domain;
}

export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
