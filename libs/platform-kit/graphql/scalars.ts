import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';

/** RFC 3339 with an offset on input; UTC ISO-8601 with milliseconds on output. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'RFC 3339 instant: with an offset on input, in UTC on output',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: (value) => DateTimeResolver.parseValue(value) as Date,
  parseLiteral: (ast) => DateTimeResolver.parseLiteral(ast, {}) as Date,
});

/** A calendar date, YYYY-MM-DD, kept as that string. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'Calendar date, YYYY-MM-DD',
  serialize: (value) => LocalDateResolver.serialize(value) as string,
  parseValue: (value) => LocalDateResolver.parseValue(value) as string,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('Date must be a string YYYY-MM-DD');
    return LocalDateResolver.parseValue(ast.value) as string;
  },
});

export const JsonScalar = new GraphQLScalarType({ ...JSONResolver.toConfig(), name: 'JSON' });

/** A money amount as Ledgerdesk keeps it, to the cent: an exact decimal string, e.g. "1234.50", "-0.05". */
export function formatCents(amount: number): string {
  const cents = Math.round(amount * 100);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
/** An exact decimal number as a string (no float rounding on the way): output only. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "1234.50": parse it with a decimal library, not as a float',
  serialize: (value) => {
    const text = String(value);
    if (!DECIMAL.test(text)) throw new TypeError(`Decimal cannot represent ${text}`);
    return text;
  },
  parseValue: (value) => {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError('Decimal must be a string like "1234.50"');
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || !DECIMAL.test(ast.value)) throw new TypeError('Decimal must be a string like "1234.50"');
    return ast.value;
  },
});
