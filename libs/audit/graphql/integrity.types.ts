import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('IntegrityReport', { description: 'Whether a ticket’s recorded history is intact (its hash chains recompute)' })
export class IntegrityReportType {
  @Field(() => ID, { description: 'the ticket' }) ticketId!: string;
  @Field(() => Boolean, { description: 'true when every chain recomputes' }) valid!: boolean;
  @Field(() => Int, { description: 'how many events were checked' }) eventsChecked!: number;
  @Field(() => String, { nullable: true, description: 'hash of the ticket stream’s last event' }) headHash!: string | null;
  @Field(() => Int, { description: 'the stream revision of the first event that does not recompute; null when valid', nullable: true }) brokenAtRevision!: number | null;
  @Field(() => String, { nullable: true, description: 'which stream broke, and how' }) problem!: string | null;
}
