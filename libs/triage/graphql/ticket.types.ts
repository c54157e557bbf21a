import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Channel, Severity } from '#contracts';
import { DiagnosticsInput } from './diagnostics.input.js';
import { ActorType, ChannelEnum, NodeInterface, registerEntityType, DateTimeScalar, PageInfoType, SeverityEnum } from '#platform-kit';

export { DiagnosticsInput };

const enumOf = <T extends string>(...values: T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const TicketStatusEnum = enumOf('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED');
registerEnumType(TicketStatusEnum, { name: 'TicketStatus', description: 'Where a ticket stands in its lifecycle', valuesMap: { OPEN: { description: 'received, not yet worked on' }, IN_PROGRESS: { description: 'being worked on' }, WAITING_ON_CUSTOMER: { description: 'staff asked the customer for information; the customer’s reply moves it on' }, RESOLVED: { description: 'resolved; may be reopened' }, CLOSED: { description: 'closed; its running clocks are cancelled' } } });
export const VisibilityEnum = enumOf('PUBLIC', 'INTERNAL');
registerEnumType(VisibilityEnum, { name: 'Visibility', description: 'Who sees a reply', valuesMap: { PUBLIC: { description: 'the customer and staff' }, INTERNAL: { description: 'staff only' } } });
export const DisputeStatusEnum = enumOf('OPEN', 'UPHELD', 'REJECTED');
registerEnumType(DisputeStatusEnum, { name: 'DisputeStatus', valuesMap: { OPEN: { description: 'raised, not yet resolved' }, UPHELD: { description: 'the claimed severity applies' }, REJECTED: { description: 'the assessed severity stays' } }, description: 'UPHELD: the customer’s claimed severity applies from the ticket’s opening' });
export const DisputeOutcomeEnum = enumOf('UPHELD', 'REJECTED');
registerEnumType(DisputeOutcomeEnum, { name: 'DisputeOutcome', description: 'How staff resolve a severity dispute', valuesMap: { UPHELD: { description: 'the claimed severity applies from the ticket’s opening' }, REJECTED: { description: 'the assessed severity stays' } } });
export const RequesterKindEnum = enumOf('PORTAL', 'INTEGRATION', 'EMAIL', 'SLACK', 'STAFF', 'SYSTEM');
registerEnumType(RequesterKindEnum, {
  name: 'RequesterKind', valuesMap: { PORTAL: { description: 'a customer’s token' }, INTEGRATION: { description: 'an API key' }, EMAIL: { description: 'inbound mail’s sender' }, SLACK: { description: 'a Slack user' }, STAFF: { description: 'staff recording a call' }, SYSTEM: { description: 'the platform (health checks)' } },
  description: 'PORTAL: a customer’s token; INTEGRATION: an API key; EMAIL: the sender; SLACK: the Slack user; STAFF: staff recording a call; SYSTEM: health checks',
});
export const TicketOrderEnum = enumOf('SLA_DUE', 'OPENED_AT');
registerEnumType(TicketOrderEnum, { name: 'TicketOrder', valuesMap: { SLA_DUE: { description: 'breached first, then soonest due, then the rest by opening' }, OPENED_AT: { description: 'by when they were received' } }, description: 'SLA_DUE: the support queue, soonest due first' });

@ObjectType('Diagnostics', { description: 'Technical details reported with a ticket; null: not reported' })
export class DiagnosticsType {
  @Field(() => String, { description: 'the SDK in use, e.g. an SDK’s package name; null: not reported', nullable: true }) sdkName!: string | null;
  @Field(() => String, { description: 'its version; null: not reported', nullable: true }) sdkVersion!: string | null;
  @Field(() => String, { description: 'the platform, e.g. iOS or Android; null: not reported', nullable: true }) platform!: string | null;
  @Field(() => String, { description: 'the operating system version; null: not reported', nullable: true }) osVersion!: string | null;
  @Field(() => String, { description: 'the device model; null: not reported', nullable: true }) deviceModel!: string | null;
  @Field(() => String, { description: 'the network, e.g. WIFI or 4G; null: not reported', nullable: true }) networkType!: string | null;
  @Field(() => String, { description: 'the error code seen; null: not reported', nullable: true }) errorCode!: string | null;
  @Field(() => String, { description: 'steps to reproduce; null: not reported', nullable: true }) reproSteps!: string | null;
  @Field(() => [String], { description: 'links to logs; empty: none' }) logUrls!: string[];
  @Field(() => [String], { description: 'fields a good report still lacks for this severity' }) missing!: string[];
}



@ObjectType('Reply', { description: 'A message on a ticket; INTERNAL ones are staff only' })
export class ReplyType {
  @Field(() => ID, { description: 'the reply id' }) id!: string;
  @Field(() => ActorType, { description: 'who wrote it' }) author!: ActorType;
  @Field(() => String, { description: 'the text' }) body!: string;
  @Field(() => VisibilityEnum, { description: 'PUBLIC (the customer sees it) or INTERNAL (staff only)' }) visibility!: string;
  @Field(() => DateTimeScalar, { description: 'when it was recorded, on the platform clock' }) at!: Date;
  @Field(() => ID, { nullable: true, description: 'the platform incident update this reply broadcasts (IncidentUpdate.id); null for a personal answer' }) incidentUpdateId?: string | null;
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
  @Field(() => RequesterKindEnum, { description: 'how they asked' }) kind!: string;
  @Field(() => ID, { description: 'the id they act as: a token’s subject, apikey:<id>, email:<address>, slack:<user>' }) id!: string;
  @Field(() => String, { nullable: true, description: 'from the token’s name claim, or the e-mail’s From display name' }) name!: string | null;
  @Field(() => String, { nullable: true, description: 'from the token’s email claim, or the e-mail sender' }) email!: string | null;
}

@ObjectType('SeverityDispute', { description: 'A customer’s dispute of a ticket’s assessed severity' })
export class SeverityDisputeType {
  @Field(() => DisputeStatusEnum, { description: 'OPEN until staff resolve it' }) status!: string;
  @Field(() => ActorType, { description: 'who raised it' }) raisedBy!: ActorType;
  @Field(() => DateTimeScalar, { description: 'when' }) raisedAt!: Date;
  @Field(() => String, { description: 'the customer’s reason' }) reason!: string;
  @Field(() => ActorType, { description: 'who resolved it; null while OPEN', nullable: true }) decidedBy!: ActorType | null;
  @Field(() => DateTimeScalar, { description: 'when it was resolved; null while OPEN', nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { description: 'the reason given; null while OPEN', nullable: true }) decisionReason!: string | null;
}

// An entity of the federated graph: other subgraphs extend it by id (apps/gateway, docs/architecture.md).
@Directive('@key(fields: "id")')
@ObjectType('Ticket', { description: 'A support ticket; a CUSTOMER sees only their own account’s (any other reads as null)', implements: () => [NodeInterface] })
export class TicketType {
  @Field(() => ID, { description: 'the ticket id' }) id!: string;
  @Field(() => Int, { description: 'revision of the ticket’s stream; pass as expectedVersion' }) version!: number;
  accountId!: string;
  assigneeId!: string | null;
  @Field(() => ChannelEnum, { description: 'how it arrived' }) channel!: Channel;
  @Field(() => String, { description: 'one-line summary' }) subject!: string;
  @Field(() => String, { description: 'the full report' }) description!: string;
  @Field(() => TicketStatusEnum, { description: 'where it stands in its lifecycle' }) status!: string;
  @Field(() => SeverityEnum, { description: 'the severity the requester claimed' }) claimedSeverity!: Severity;
  @Field(() => SeverityEnum, { description: 'the severity staff assessed; null: not assessed', nullable: true }) assessedSeverity!: Severity | null;
  @Field(() => SeverityEnum, { description: 'the severity in effect for the SLA' }) severity!: Severity;
  @Field(() => SeverityDisputeType, { description: 'the latest severity dispute; null: none', nullable: true }) dispute!: SeverityDisputeType | null;
  @Field(() => DiagnosticsType, { description: 'technical details reported so far' }) diagnostics!: DiagnosticsType;
  @Field(() => Int, { description: 'how many times it was escalated (0: never)' }) escalationLevel!: number;
  @Field(() => DateTimeScalar, { description: 'when it was received' }) openedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when it was last resolved; null while unresolved', nullable: true }) resolvedAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when it was closed; null while not closed', nullable: true }) closedAt!: Date | null;
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

@InputType('TicketFilter', { description: 'Which tickets to list; fields combine with AND, lists match any of their values' })
export class TicketFilterInput {
  @Field(() => ID, { description: 'only this account’s (customers always see only their own)', nullable: true }) accountId?: string | null;
  @Field(() => [TicketStatusEnum], { description: 'only these statuses', nullable: true }) status?: string[] | null;
  @Field(() => [SeverityEnum], { description: 'only these severities in effect', nullable: true }) severity?: Severity[] | null;
  @Field(() => ID, { description: 'only those assigned to this engineer', nullable: true }) assigneeId?: string | null;
  @Field(() => Boolean, { description: 'true: only those with a breached SLA clock; false: only those without', nullable: true }) breached?: boolean | null;
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
  @Field(() => ID, { nullable: true, description: 'linked to this platform incident (an unknown id matches no ticket)' }) incidentId?: string | null;
}

@ObjectType('TicketEdge', { description: 'One ticket in a page' })
export class TicketEdgeType {
  @Field(() => String, { description: 'pass as `after` (or `before`) to page on from here' }) cursor!: string;
  @Field(() => TicketType, { description: 'the ticket' }) node!: TicketType;
}

@ObjectType('TicketConnection', { description: 'A page of tickets' })
export class TicketConnectionType {
  @Field(() => [TicketEdgeType], { description: 'this page' }) edges!: TicketEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there are more pages, and their cursors' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many tickets match the filter' }) totalCount!: number;
}

@ObjectType('TextRange', { description: 'a [start, end) span of a text, in UTF-16 code units (JavaScript string offsets)' })
export class TextRangeType {
  @Field(() => Int, { description: 'first code unit of the span' }) start!: number;
  @Field(() => Int, { description: 'the code unit after the span' }) end!: number;
}

@ObjectType('SearchHighlight', { description: 'where the query matched: a plain-text snippet of one field and the matched spans in it' })
export class SearchHighlightType {
  @Field(() => String, {
    description: 'subject, description, resolution, rootCause, reply, or diagnostics.<field> (errorCode, sdkName, sdkVersion, platform, osVersion, deviceModel, networkType, reproSteps)',
  })
  field!: string;
  @Field(() => ID, { nullable: true, description: 'the reply, when field is reply' }) replyId!: string | null;
  @Field(() => String, { description: 'at most about 200 characters around the first match; "…" marks a cut' }) snippet!: string;
  @Field(() => [TextRangeType], { description: 'the matched spans in snippet' }) matches!: TextRangeType[];
}

@ObjectType('TicketSearchEdge', { description: 'One search hit' })
export class TicketSearchEdgeType {
  @Field(() => String, { description: 'pass as `after` for the next page' }) cursor!: string;
  @Field(() => TicketType, { description: 'the ticket' }) node!: TicketType;
  @Field(() => Float, { description: 'relevance (higher first): matches in the subject weigh most, then description and diagnostics, resolution, replies' })
  score!: number;
  @Field(() => [SearchHighlightType], { description: 'where the query matched' }) highlights!: SearchHighlightType[];
}

@ObjectType('TicketSearchConnection', { description: 'A page of search hits, most relevant first' })
export class TicketSearchConnectionType {
  @Field(() => [TicketSearchEdgeType], { description: 'this page' }) edges!: TicketSearchEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there is a next page' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many tickets match, counted up to LEDGERDESK_SEARCH_CANDIDATES (default 1000); when more match it reads that number and totalCountCapped is true' })
  totalCount!: number;
  @Field(() => Boolean, {
    description:
      'true when more tickets match than are counted: totalCount is then a lower bound, and the pages hold only the candidates, chosen newest first among the subject matches, then the opening (subject, description, diagnostics) matches, then the rest, and ranked; narrow the query to reach older tickets',
  })
  totalCountCapped!: boolean;
}

// The owner's class of the entity other subgraphs extend by key (platform-kit's entityType).
registerEntityType('Ticket', TicketType);
