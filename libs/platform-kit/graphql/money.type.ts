import { Directive, Field, Float, ObjectType } from '@nestjs/graphql';
import { DecimalScalar, formatCents } from './scalars.js';

/** A value type several contexts return (contracts' fees, claims' credits, SLA figures): shareable across subgraphs. */
@ObjectType('Money', { description: 'An amount in a currency, kept to the cent' })
@Directive('@shareable')
export class MoneyType {
  @Field(() => Float, { description: 'the amount as a float: for display; sum and compare `amountDecimal`' }) amount!: number;
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => DecimalScalar, {
    description: 'the same amount as an exact decimal string with two decimals, e.g. "1234.50"',
    middleware: [({ source }) => formatCents((source as MoneyType).amount)],
  })
  amountDecimal?: string;
}
