import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ApiKeyScope, Role } from '#contracts';
import { DateTimeScalar, PageInfoType, RoleEnum } from '#platform-kit';

export const ApiKeyScopeEnum = { READ: 'READ', WRITE: 'WRITE' } as const;
registerEnumType(ApiKeyScopeEnum, {
  name: 'ApiKeyScope',
  description: 'What an API key may do',
  valuesMap: { READ: { description: 'queries only' }, WRITE: { description: 'mutations as well' } },
});

@InputType('CreateApiKeyInput', { description: 'An integration’s key: it acts with this role (and account, for CUSTOMER)' })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'what the key is for, e.g. "Zendesk bridge"; at most 100 characters' }) name!: string;
  @Field(() => RoleEnum, { description: 'the role the key acts with' }) role!: Role;
  @Field(() => ID, { nullable: true, description: 'the account a CUSTOMER key acts for (required for CUSTOMER, refused otherwise)' })
  accountId?: string | null;
  @Field(() => [ApiKeyScopeEnum], { description: 'READ, or READ and WRITE' }) scopes!: ApiKeyScope[];
}

@ObjectType('ApiKey', { description: 'An integration’s API key; its secret is shown only when it is created' })
export class ApiKeyType {
  @Field(() => ID, { description: 'the key id (the part after ldk_ in the key)' }) id!: string;
  @Field(() => String, { description: 'what the key is for' }) name!: string;
  @Field(() => RoleEnum, { description: 'the role it acts with' }) role!: Role;
  @Field(() => ID, { nullable: true, description: 'the account a CUSTOMER key acts for' }) accountId!: string | null;
  @Field(() => [ApiKeyScopeEnum], { description: 'what it may do' }) scopes!: ApiKeyScope[];
  @Field(() => ID, { description: 'who created it' }) createdBy!: string;
  @Field(() => DateTimeScalar, { description: 'when it was created' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was revoked; null while it is accepted' }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'why it was revoked' }) revokedReason!: string | null;
}

@ObjectType('CreatedApiKey', { description: 'A new API key: `key` is shown this once and never again (only its hash is kept)' })
export class CreatedApiKeyType {
  @Field(() => String, { description: 'the bearer credential, `ldk_<id>_<secret>`: send it as "Authorization: Bearer <key>"' }) key!: string;
  @Field(() => ApiKeyType, { description: 'the key as `apiKeys` lists it' }) apiKey!: ApiKeyType;
}

@ObjectType('ApiKeyEdge', { description: 'One API key in a page' })
export class ApiKeyEdgeType {
  @Field(() => String, { description: 'pass as `after` for the next page' }) cursor!: string;
  @Field(() => ApiKeyType, { description: 'the key' }) node!: ApiKeyType;
}

@ObjectType('ApiKeyConnection', { description: 'API keys, oldest first' })
export class ApiKeyConnectionType {
  @Field(() => [ApiKeyEdgeType], { description: 'this page' }) edges!: ApiKeyEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there is a next page' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many keys exist, revoked ones included' }) totalCount!: number;
}

@ObjectType('TokenRevocation', { description: 'Tokens no longer accepted, from now on, in every process' })
export class TokenRevocationType {
  @Field(() => ID, { description: 'the tokens’ subject (`sub`)' }) subject!: string;
  @Field(() => String, { nullable: true, description: 'the one token revoked, by its `jti`; null: every token of the subject' }) jti!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'with no jti: tokens issued (`iat`) before this real instant are refused' })
  notBefore!: Date | null;
}
