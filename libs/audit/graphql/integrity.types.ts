import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('IntegrityReport')
export class IntegrityReportType {
  @Field(() => ID) ticketId!: string;
  @Field(() => Boolean) valid!: boolean;
  @Field(() => Int) eventsChecked!: number;
  @Field(() => String, { nullable: true, description: 'hash of the ticket stream’s last event' }) headHash!: string | null;
  @Field(() => Int, { nullable: true }) brokenAtRevision!: number | null;
  @Field(() => String, { nullable: true, description: 'which stream broke, and how' }) problem!: string | null;
}
