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
