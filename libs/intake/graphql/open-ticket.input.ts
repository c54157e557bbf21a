import { Field, ID, InputType } from '@nestjs/graphql';
import type { Channel, Severity } from '#contracts';
import { ChannelEnum, DateTimeScalar, SeverityEnum } from '#platform-kit';
import { DiagnosticsInput } from '../../triage/graphql/diagnostics.input.js';

@InputType('OpenTicketInput', { description: 'A new ticket' })
export class OpenTicketInput {
  @Field(() => ID, { description: 'the account (a CUSTOMER may open only for their own)' }) accountId!: string;
  @Field(() => ChannelEnum, { description: 'how it arrived; the contract in force must cover it' }) channel!: Channel;
  @Field(() => String, { description: 'one-line summary' }) subject!: string;
  @Field(() => String, { description: 'the full report' }) description!: string;
  @Field(() => SeverityEnum, { description: 'the severity the requester claims; staff may assess another' }) claimedSeverity!: Severity;
  @Field(() => DiagnosticsInput, { description: 'technical details, if any', nullable: true }) diagnostics?: DiagnosticsInput | null;
  @Field(() => String, { nullable: true, description: 'the channel’s own id: a retry returns the same ticket' }) externalId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was received (staff recording a call); default now; never in the future; refused from a CUSTOMER' })
  receivedAt?: Date | null;
  @Field(() => [ID], { nullable: true, description: 'uploads (ids from POST /attachments, made with the same token) to attach to the ticket' })
  attachmentIds?: string[] | null;
}
