import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, PageInfoType } from '#platform-kit';

export const IncidentSeverityEnum = { SEV1: 'SEV1', SEV2: 'SEV2', SEV3: 'SEV3' } as const;
registerEnumType(IncidentSeverityEnum, {
  name: 'IncidentSeverity',
  description: 'How bad a platform incident is: SEV1 a full outage of a region or component',
  valuesMap: { SEV1: { description: 'a region or component is down' }, SEV2: { description: 'degraded for many customers' }, SEV3: { description: 'limited impact' } },
});

export const IncidentUpdateStatusEnum = { INVESTIGATING: 'INVESTIGATING', IDENTIFIED: 'IDENTIFIED', MONITORING: 'MONITORING', RESOLVED: 'RESOLVED' } as const;
registerEnumType(IncidentUpdateStatusEnum, {
  name: 'IncidentUpdateStatus',
  description: 'Where the investigation stands, as an update tells it',
  valuesMap: {
    INVESTIGATING: { description: 'the cause is not known yet' },
    IDENTIFIED: { description: 'the cause is known; a fix is under way' },
    MONITORING: { description: 'a fix is in place and being watched' },
    RESOLVED: { description: 'the update says it is over (the incident itself ends with resolvePlatformIncident)' },
  },
});

export const IncidentVisibilityEnum = { PUBLIC: 'PUBLIC', INTERNAL: 'INTERNAL' } as const;
registerEnumType(IncidentVisibilityEnum, {
  name: 'IncidentVisibility',
  description: 'PUBLIC: broadcast as a public staff reply on every linked open ticket; INTERNAL: staff only, reaches no ticket',
  valuesMap: { PUBLIC: { description: 'customers see it; every linked open ticket gets it as a reply' }, INTERNAL: { description: 'staff only; reaches no ticket' } },
});

export const PlatformIncidentStatusEnum = { OPEN: 'OPEN', RESOLVED: 'RESOLVED' } as const;
registerEnumType(PlatformIncidentStatusEnum, {
  name: 'PlatformIncidentStatus',
  description: 'Whether the incident is still going on',
  valuesMap: { OPEN: { description: 'declared, not resolved: tickets can be linked and updates posted' }, RESOLVED: { description: 'resolved: no more links or updates' } },
});

@InputType('IncidentSdkInput', { description: 'The SDK whose versions the incident affects' })
export class IncidentSdkInput {
  @Field(() => String, { description: 'SDK name as tickets report it in their diagnostics' }) name!: string;
  @Field(() => String, { description: 'semver range of the affected versions, e.g. ">=4.2.0 <4.2.3"' }) versionRange!: string;
}

@InputType('DeclarePlatformIncidentInput', { description: 'What is known of an outage when it is declared' })
export class DeclarePlatformIncidentInput {
  @Field(() => String, { description: 'public title (customers of linked tickets see it); 1-500 characters' }) title!: string;
  @Field(() => IncidentSeverityEnum, { description: 'how bad it is' }) severity!: keyof typeof IncidentSeverityEnum;
  @Field(() => [String], { description: 'affected regions, e.g. ["ap-east-1"]' }) regions!: string[];
  @Field(() => [String], { description: 'affected components, e.g. ["CDN", "media-server"]' }) components!: string[];
  @Field(() => IncidentSdkInput, { nullable: true, description: 'an SDK whose versions are affected' }) sdk?: IncidentSdkInput | null;
  @Field(() => DateTimeScalar, { description: 'when it began; not after the platform clock' }) startedAt!: Date;
  @Field(() => String, { description: 'what customers of linked tickets are told it is' }) publicSummary!: string;
}

@ObjectType('IncidentSdk', { description: 'The SDK whose versions the incident affects' })
export class IncidentSdkType {
  @Field(() => String, { description: 'SDK name as tickets report it' }) name!: string;
  @Field(() => String, { description: 'semver range of the affected versions' }) versionRange!: string;
}

@ObjectType('IncidentUpdate', { description: 'An update posted on a platform incident (customers: PUBLIC ones only)' })
export class IncidentUpdateType {
  @Field(() => ID, { description: 'the broadcast replies carry it (ReplyAdded.incidentUpdateId in the ticket history)' }) id!: string;
  @Field(() => IncidentUpdateStatusEnum, { description: 'where the investigation stood when posted' }) status!: string;
  @Field(() => String, { description: 'the text (a PUBLIC one is the broadcast reply\'s body)' }) body!: string;
  @Field(() => IncidentVisibilityEnum, { description: 'who sees it' }) visibility!: string;
  @Field(() => ID, { description: 'the staff member who posted it' }) postedBy!: string;
  @Field(() => DateTimeScalar, { description: 'when it was posted (platform clock); the instant its broadcast replies count as responses' }) postedAt!: Date;
}

@ObjectType('PlatformIncident', { description: 'One outage, many customers’ tickets (stream incident-<id>)' })
export class PlatformIncidentType {
  @Field(() => ID, { description: 'the incident (stream incident-<id>)' }) id!: string;
  @Field(() => String, { description: 'public title' }) title!: string;
  @Field(() => IncidentSeverityEnum, { description: 'how bad it is' }) severity!: string;
  @Field(() => PlatformIncidentStatusEnum, { description: 'OPEN until resolved' }) status!: string;
  @Field(() => [String], { description: 'affected regions' }) regions!: string[];
  @Field(() => [String], { description: 'affected components' }) components!: string[];
  @Field(() => IncidentSdkType, { nullable: true, description: 'the affected SDK versions, if any' }) sdk!: IncidentSdkType | null;
  @Field(() => DateTimeScalar, { description: 'when it began' }) startedAt!: Date;
  @Field(() => String, { description: 'what customers are told it is' }) publicSummary!: string;
  @Field(() => DateTimeScalar, { description: 'when it was declared (platform clock)' }) declaredAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was resolved; null while OPEN' }) resolvedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'how it was resolved; null while OPEN' }) resolution!: string | null;
  @Field(() => String, { nullable: true, description: 'the shared root cause given at resolution; null while OPEN' }) rootCause!: string | null;
  @Field(() => Int, { description: "linked tickets (a customer: their own account's only)" }) linkedTicketCount!: number;
  @Field(() => Int, { description: 'accounts with a linked ticket (a customer: 1, their own)' }) affectedAccountCount!: number;
  @Field(() => [ID], { description: "linked tickets' ids, oldest link first, at most 500 (a customer: their own account's only)" }) linkedTicketIds!: string[];
  @Field(() => [IncidentUpdateType], { description: 'oldest first (a customer: PUBLIC ones only)' }) updates!: IncidentUpdateType[];
}

@ObjectType('PlatformIncidentEdge', { description: 'One incident of a page' })
export class PlatformIncidentEdgeType {
  @Field(() => String, { description: 'opaque; pass as after' }) cursor!: string;
  @Field(() => PlatformIncidentType, { description: 'the incident' }) node!: PlatformIncidentType;
}

@ObjectType('PlatformIncidentConnection', { description: 'Platform incidents, newest first' })
export class PlatformIncidentConnectionType {
  @Field(() => [PlatformIncidentEdgeType], { description: 'this page' }) edges!: PlatformIncidentEdgeType[];
  @Field(() => PageInfoType, { description: 'where this page sits' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'incidents matching, all pages (a customer: those linked to their account)' }) totalCount!: number;
}

export const IncidentMatchEnum = { SDK: 'SDK', COMPONENT: 'COMPONENT', REGION: 'REGION' } as const;
registerEnumType(IncidentMatchEnum, {
  name: 'IncidentMatch',
  description: 'Why a ticket is suggested for an incident',
  valuesMap: {
    SDK: { description: "the ticket's SDK name is the incident's and its version is in the affected range" },
    COMPONENT: { description: "an affected component is named in the ticket's subject or description" },
    REGION: { description: "the ticket's account is in an affected region" },
  },
});

@ObjectType('IncidentSuggestion', { description: 'An open platform incident a ticket probably belongs to (offered for linking)' })
export class IncidentSuggestionType {
  @Field(() => PlatformIncidentType, { description: 'the open incident' }) incident!: PlatformIncidentType;
  @Field(() => [IncidentMatchEnum], { description: 'what matched, strongest first (SDK, COMPONENT, REGION)' }) matchedOn!: string[];
}

@ObjectType('IncidentUpdateNotice', { description: 'An update as the incidentUpdates subscription delivers it' })
export class IncidentUpdateNoticeType {
  @Field(() => ID, { description: 'the incident it was posted on' }) incidentId!: string;
  @Field(() => IncidentUpdateType, { description: 'the update' }) update!: IncidentUpdateType;
  @Field(() => String, { description: 'Opaque: pass it as incidentUpdates(after:) on reconnecting to get exactly the updates recorded after this one' })
  cursor!: string;
}
