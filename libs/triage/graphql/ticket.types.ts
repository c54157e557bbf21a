import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Channel, Severity } from '#contracts';
import { ActorType, ChannelEnum, NodeInterface, DateTimeScalar, PageInfoType, SeverityEnum } from '#platform-kit';

const enumOf = <T extends string>(...values: T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const TicketStatusEnum = enumOf('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED');
registerEnumType(TicketStatusEnum, { name: 'TicketStatus' });
export const VisibilityEnum = enumOf('PUBLIC', 'INTERNAL');
registerEnumType(VisibilityEnum, { name: 'Visibility' });
export const DisputeStatusEnum = enumOf('OPEN', 'UPHELD', 'REJECTED');
registerEnumType(DisputeStatusEnum, { name: 'DisputeStatus', description: 'UPHELD: the customer’s claimed severity applies from the ticket’s opening' });
export const DisputeOutcomeEnum = enumOf('UPHELD', 'REJECTED');
registerEnumType(DisputeOutcomeEnum, { name: 'DisputeOutcome' });
export const RequesterKindEnum = enumOf('PORTAL', 'INTEGRATION', 'EMAIL', 'SLACK', 'STAFF', 'SYSTEM');
registerEnumType(RequesterKindEnum, {
  name: 'RequesterKind',
  description: 'PORTAL: a customer’s token; INTEGRATION: an API key; EMAIL: the sender; SLACK: the Slack user; STAFF: staff recording a call; SYSTEM: health checks',
});
export const TicketOrderEnum = enumOf('SLA_DUE', 'OPENED_AT');
registerEnumType(TicketOrderEnum, { name: 'TicketOrder', description: 'SLA_DUE: the support queue, soonest due first' });

@InputType('DiagnosticsInput')
export class DiagnosticsInput {
  @Field(() => String, { nullable: true }) sdkName?: string | null;
  @Field(() => String, { nullable: true }) sdkVersion?: string | null;
  @Field(() => String, { nullable: true }) platform?: string | null;
  @Field(() => String, { nullable: true }) osVersion?: string | null;
  @Field(() => String, { nullable: true }) deviceModel?: string | null;
  @Field(() => String, { nullable: true }) networkType?: string | null;
  @Field(() => String, { nullable: true }) errorCode?: string | null;
  @Field(() => String, { nullable: true }) reproSteps?: string | null;
  @Field(() => [String], { nullable: true }) logUrls?: string[] | null;
}

@ObjectType('Diagnostics')
export class DiagnosticsType {
  @Field(() => String, { nullable: true }) sdkName!: string | null;
  @Field(() => String, { nullable: true }) sdkVersion!: string | null;
  @Field(() => String, { nullable: true }) platform!: string | null;
  @Field(() => String, { nullable: true }) osVersion!: string | null;
  @Field(() => String, { nullable: true }) deviceModel!: string | null;
  @Field(() => String, { nullable: true }) networkType!: string | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) reproSteps!: string | null;
  @Field(() => [String]) logUrls!: string[];
  @Field(() => [String], { description: 'fields a good report still lacks for this severity' }) missing!: string[];
}

@InputType('OpenTicketInput')
export class OpenTicketInput {
  @Field(() => ID) accountId!: string;
  @Field(() => ChannelEnum) channel!: Channel;
  @Field(() => String) subject!: string;
  @Field(() => String) description!: string;
  @Field(() => SeverityEnum) claimedSeverity!: Severity;
  @Field(() => DiagnosticsInput, { nullable: true }) diagnostics?: DiagnosticsInput | null;
  @Field(() => String, { nullable: true, description: 'the channel’s own id: a retry returns the same ticket' }) externalId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was received (staff recording a call); default now; never in the future; refused from a CUSTOMER' })
  receivedAt?: Date | null;
  @Field(() => [ID], { nullable: true, description: 'uploads (ids from POST /attachments, made with the same token) to attach to the ticket' })
  attachmentIds?: string[] | null;
}


@ObjectType('Reply')
export class ReplyType {
  @Field(() => ID) id!: string;
  @Field(() => ActorType) author!: ActorType;
  @Field(() => String) body!: string;
  @Field(() => VisibilityEnum) visibility!: string;
  @Field(() => DateTimeScalar) at!: Date;
}

@ObjectType('Attachment', { description: 'A file supplied with a ticket (an SDK log, a screenshot), recorded in its hash chain' })
export class AttachmentType {
  @Field(() => ID, { description: 'download it with GET /attachments/{id} and a bearer token' }) id!: string;
  @Field(() => String, { description: 'SHA-256 of the content, lowercase hex' }) sha256!: string;
  @Field(() => Float, { description: 'bytes' }) size!: number;
  @Field(() => String, { description: 'the name it was uploaded with (last path segment only)' }) fileName!: string;
  @Field(() => String, { description: 'the media type it was uploaded with; downloads are always served as attachments' }) contentType!: string;
  @Field(() => VisibilityEnum, { description: 'INTERNAL when it came with an internal note (staff only)' }) visibility!: string;
  @Field(() => ID, { nullable: true, description: 'the reply it came with, if any' }) replyId!: string | null;
  @Field(() => ActorType, { description: 'who attached it' }) addedBy!: ActorType;
  @Field(() => DateTimeScalar, { description: 'when it was recorded on the ticket' }) addedAt!: Date;
  @Field(() => String, { description: 'path of its download (GET, bearer token)' }) downloadPath!: string;
}

@ObjectType('Requester', { description: 'Who asked for a ticket, as recorded when it was opened' })
export class RequesterType {
  @Field(() => RequesterKindEnum) kind!: string;
  @Field(() => ID, { description: 'the id they act as: a token’s subject, apikey:<id>, email:<address>, slack:<user>' }) id!: string;
  @Field(() => String, { nullable: true, description: 'from the token’s name claim, or the e-mail’s From display name' }) name!: string | null;
  @Field(() => String, { nullable: true, description: 'from the token’s email claim, or the e-mail sender' }) email!: string | null;
}

@ObjectType('SeverityDispute')
export class SeverityDisputeType {
  @Field(() => DisputeStatusEnum) status!: string;
  @Field(() => ActorType) raisedBy!: ActorType;
  @Field(() => DateTimeScalar) raisedAt!: Date;
  @Field(() => String) reason!: string;
  @Field(() => ActorType, { nullable: true }) decidedBy!: ActorType | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true }) decisionReason!: string | null;
}

@ObjectType('Ticket', { implements: () => [NodeInterface] })
export class TicketType {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'revision of the ticket’s stream; pass as expectedVersion' }) version!: number;
  accountId!: string;
  assigneeId!: string | null;
  @Field(() => ChannelEnum) channel!: Channel;
  @Field(() => String) subject!: string;
  @Field(() => String) description!: string;
  @Field(() => TicketStatusEnum) status!: string;
  @Field(() => SeverityEnum) claimedSeverity!: Severity;
  @Field(() => SeverityEnum, { nullable: true }) assessedSeverity!: Severity | null;
  @Field(() => SeverityEnum, { description: 'the severity in effect for the SLA' }) severity!: Severity;
  @Field(() => SeverityDisputeType, { nullable: true }) dispute!: SeverityDisputeType | null;
  @Field(() => DiagnosticsType) diagnostics!: DiagnosticsType;
  @Field(() => Int) escalationLevel!: number;
  @Field(() => DateTimeScalar) openedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) closedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'how it was resolved (the latest resolution; null while unresolved or after a reopening)' })
  resolution!: string | null;
  @Field(() => String, { nullable: true, description: 'the root cause recorded with the resolution, if any' }) rootCause!: string | null;
  @Field(() => DateTimeScalar, { description: 'when its latest event took effect' }) updatedAt!: Date;
  @Field(() => RequesterType, { nullable: true, description: 'who asked for it (null on tickets opened before requesters were recorded)' })
  requester!: RequesterType | null;
  @Field(() => [String], { description: 'e-mail addresses following it: the opening message’s Cc' }) followers!: string[];
  /** The ticket it follows up (served by `followUpOf`). */
  followUpOf!: string | null;
  /** The attachments as recorded; the `attachments` field filters them for the caller. */
  attachmentRows!: AttachmentType[];
  /** Set when the ticket is shown as it stood at some instant (history): its replies then, not now. */
  repliesAsOf?: ReplyType[];
  /** …and the instant it is shown at, for fields computed in time (its SLA). */
  asOf?: Date;
}

@InputType('TicketFilter')
export class TicketFilterInput {
  @Field(() => ID, { nullable: true }) accountId?: string | null;
  @Field(() => [TicketStatusEnum], { nullable: true }) status?: string[] | null;
  @Field(() => [SeverityEnum], { nullable: true }) severity?: Severity[] | null;
  @Field(() => ID, { nullable: true }) assigneeId?: string | null;
  @Field(() => Boolean, { nullable: true }) breached?: boolean | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'some running SLA clock is due before this instant' }) dueBefore?: Date | null;
  @Field(() => [ChannelEnum], { nullable: true, description: 'opened through one of these channels' }) channel?: Channel[] | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'received at or after this instant' }) openedAfter?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'received before this instant' }) openedBefore?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'latest event at or after this instant' }) updatedAfter?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'latest event before this instant' }) updatedBefore?: Date | null;
  @Field(() => String, { nullable: true, description: 'diagnostics.errorCode equals this' }) errorCode?: string | null;
  @Field(() => String, { nullable: true, description: 'diagnostics.sdkName equals this (case-insensitive)' }) sdkName?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'diagnostics.sdkVersion is in this semver range, e.g. ">=4.1.0 <4.3" or "^4.2 || 5.x" (versions read loosely: "v4.1", "4.2.0-beta.1")',
  })
  sdkVersionRange?: string | null;
}

@ObjectType('TicketEdge')
export class TicketEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => TicketType) node!: TicketType;
}

@ObjectType('TicketConnection')
export class TicketConnectionType {
  @Field(() => [TicketEdgeType]) edges!: TicketEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('TextRange', { description: 'a [start, end) span of a text, in UTF-16 code units (JavaScript string offsets)' })
export class TextRangeType {
  @Field(() => Int) start!: number;
  @Field(() => Int) end!: number;
}

@ObjectType('SearchHighlight', { description: 'where the query matched: a plain-text snippet of one field and the matched spans in it' })
export class SearchHighlightType {
  @Field(() => String, {
    description: 'subject, description, resolution, rootCause, reply, or diagnostics.<field> (errorCode, sdkName, sdkVersion, platform, osVersion, deviceModel, networkType, reproSteps)',
  })
  field!: string;
  @Field(() => ID, { nullable: true, description: 'the reply, when field is reply' }) replyId!: string | null;
  @Field(() => String, { description: 'at most about 200 characters around the first match; "…" marks a cut' }) snippet!: string;
  @Field(() => [TextRangeType]) matches!: TextRangeType[];
}

@ObjectType('TicketSearchEdge')
export class TicketSearchEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => TicketType) node!: TicketType;
  @Field(() => Float, { description: 'relevance (higher first): matches in the subject weigh most, then description and diagnostics, resolution, replies' })
  score!: number;
  @Field(() => [SearchHighlightType]) highlights!: SearchHighlightType[];
}

@ObjectType('TicketSearchConnection')
export class TicketSearchConnectionType {
  @Field(() => [TicketSearchEdgeType]) edges!: TicketSearchEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}
