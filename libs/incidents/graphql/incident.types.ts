import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, PageInfoType } from '#platform-kit';

export const IncidentSeverityEnum = { SEV1: 'SEV1', SEV2: 'SEV2', SEV3: 'SEV3' } as const;
registerEnumType(IncidentSeverityEnum, { name: 'IncidentSeverity', description: 'How bad a platform incident is: SEV1 a full outage of a region or component' });

export const IncidentUpdateStatusEnum = { INVESTIGATING: 'INVESTIGATING', IDENTIFIED: 'IDENTIFIED', MONITORING: 'MONITORING', RESOLVED: 'RESOLVED' } as const;
registerEnumType(IncidentUpdateStatusEnum, { name: 'IncidentUpdateStatus', description: 'Where the investigation stands, as an update tells it' });

export const IncidentVisibilityEnum = { PUBLIC: 'PUBLIC', INTERNAL: 'INTERNAL' } as const;
registerEnumType(IncidentVisibilityEnum, {
  name: 'IncidentVisibility',
  description: 'PUBLIC: broadcast as a public staff reply on every linked open ticket; INTERNAL: staff only, reaches no ticket',
});

export const PlatformIncidentStatusEnum = { OPEN: 'OPEN', RESOLVED: 'RESOLVED' } as const;
registerEnumType(PlatformIncidentStatusEnum, { name: 'PlatformIncidentStatus' });

@InputType('IncidentSdkInput')
export class IncidentSdkInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'semver range of the affected versions, e.g. ">=4.2.0 <4.2.3"' }) versionRange!: string;
}

@InputType('DeclarePlatformIncidentInput')
export class DeclarePlatformIncidentInput {
  @Field(() => String, { description: 'public title (customers of linked tickets see it); 1-500 characters' }) title!: string;
  @Field(() => IncidentSeverityEnum) severity!: keyof typeof IncidentSeverityEnum;
  @Field(() => [String], { description: 'affected regions, e.g. ["ap-east-1"]' }) regions!: string[];
  @Field(() => [String], { description: 'affected components, e.g. ["CDN", "media-server"]' }) components!: string[];
  @Field(() => IncidentSdkInput, { nullable: true, description: 'an SDK whose versions are affected' }) sdk?: IncidentSdkInput | null;
  @Field(() => DateTimeScalar, { description: 'when it began; not after the platform clock' }) startedAt!: Date;
  @Field(() => String) publicSummary!: string;
}

@ObjectType('IncidentSdk')
export class IncidentSdkType {
  @Field(() => String) name!: string;
  @Field(() => String) versionRange!: string;
}

@ObjectType('IncidentUpdate', { description: 'An update posted on a platform incident (customers: PUBLIC ones only)' })
export class IncidentUpdateType {
  @Field(() => ID, { description: 'the broadcast replies carry it (ReplyAdded.incidentUpdateId in the ticket history)' }) id!: string;
  @Field(() => IncidentUpdateStatusEnum) status!: string;
  @Field(() => String) body!: string;
  @Field(() => IncidentVisibilityEnum) visibility!: string;
  @Field(() => ID) postedBy!: string;
  @Field(() => DateTimeScalar) postedAt!: Date;
}

@ObjectType('PlatformIncident', { description: 'One outage, many customers’ tickets (stream incident-<id>)' })
export class PlatformIncidentType {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => IncidentSeverityEnum) severity!: string;
  @Field(() => PlatformIncidentStatusEnum) status!: string;
  @Field(() => [String]) regions!: string[];
  @Field(() => [String]) components!: string[];
  @Field(() => IncidentSdkType, { nullable: true }) sdk!: IncidentSdkType | null;
  @Field(() => DateTimeScalar) startedAt!: Date;
  @Field(() => String) publicSummary!: string;
  @Field(() => DateTimeScalar) declaredAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => String, { nullable: true }) resolution!: string | null;
  @Field(() => String, { nullable: true }) rootCause!: string | null;
  @Field(() => Int, { description: "linked tickets (a customer: their own account's only)" }) linkedTicketCount!: number;
  @Field(() => Int, { description: 'accounts with a linked ticket (a customer: 1, their own)' }) affectedAccountCount!: number;
  @Field(() => [ID], { description: "linked tickets' ids, oldest link first, at most 500 (a customer: their own account's only)" }) linkedTicketIds!: string[];
  @Field(() => [IncidentUpdateType], { description: 'oldest first (a customer: PUBLIC ones only)' }) updates!: IncidentUpdateType[];
}

@ObjectType('PlatformIncidentEdge')
export class PlatformIncidentEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => PlatformIncidentType) node!: PlatformIncidentType;
}

@ObjectType('PlatformIncidentConnection', { description: 'Platform incidents, newest first' })
export class PlatformIncidentConnectionType {
  @Field(() => [PlatformIncidentEdgeType]) edges!: PlatformIncidentEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}
