import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { connectionPageInfo, CurrentPrincipal, encodeCursor, PAGE_ARGS, pageWindow, Roles, type Principal, type SortDirection } from '#platform-kit';
import { CredentialsCommands } from '../application/credentials.commands.js';
import { CredentialsQueries, type ApiKeyRow } from '../application/credentials.queries.js';
import { ApiKeyConnectionType, ApiKeyType, CreateApiKeyInput, CreatedApiKeyType, TokenRevocationType } from './credentials.types.js';
import { mustExist } from './must-exist.js';

@Resolver(() => ApiKeyType)
export class CredentialsResolver {
  constructor(
    @Inject(CredentialsCommands) private readonly commands: CredentialsCommands,
    @Inject(CredentialsQueries) private readonly queries: CredentialsQueries,
  ) {}

  @Roles('ADMIN')
  @Mutation(() => CreatedApiKeyType, { description: 'Admins: a key for an integration, accepted as a bearer token; shown once' })
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => CreateApiKeyInput, description: 'name, role, account (CUSTOMER keys) and scopes' }) input: CreateApiKeyInput,
  ): Promise<CreatedApiKeyType> {
    const { keyId, key } = await this.commands.createApiKey(principal, {
      name: input.name,
      role: input.role,
      accountId: input.accountId ?? null,
      scopes: input.scopes,
    });
    return { key, apiKey: toApiKeyType(mustExist(await this.queries.apiKey(keyId))) };
  }

  @Roles('ADMIN')
  @Mutation(() => ApiKeyType, { description: 'Admins: the key is refused from now on, in every process' })
  async revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: 'the key id' }) id: string,
    @Args('reason', { type: () => String, description: 'why (recorded)' }) reason: string,
  ): Promise<ApiKeyType> {
    await this.commands.revokeApiKey(principal, id, reason);
    return toApiKeyType(mustExist(await this.queries.apiKey(id)));
  }

  @Roles('ADMIN', 'AUDITOR')
  @Query(() => ApiKeyConnectionType, { description: 'Admins and auditors: every API key, revoked ones included, oldest first' })
  async apiKeys(
    @Args('first', PAGE_ARGS.first) first: number,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
    @Args('direction', PAGE_ARGS.direction) direction: SortDirection,
  ): Promise<ApiKeyConnectionType> {
    const page = await this.queries.apiKeysPage(pageWindow<[string, string]>({ first, after, last, before, direction }, ['instant', 'text']));
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.createdAt.toISOString(), row.id]), node: toApiKeyType(row) }));
    return { edges, pageInfo: connectionPageInfo(edges, page), totalCount: page.totalCount };
  }

  @Roles('ADMIN')
  @Mutation(() => TokenRevocationType, { description: 'Admins: stop accepting one token (by jti) or every token a subject holds now' })
  async revokeTokens(
    @CurrentPrincipal() principal: Principal,
    @Args('subject', { type: () => ID, description: 'the tokens’ subject (`sub`), e.g. a staff member’s id' }) subject: string,
    @Args('jti', { type: () => String, nullable: true, description: 'one token’s id; leave out to revoke every token issued until now' })
    jti: string | null,
    @Args('reason', { type: () => String, description: 'why (recorded)' }) reason: string,
  ): Promise<TokenRevocationType> {
    const { notBefore } = await this.commands.revokeTokens(principal, subject, jti ?? null, reason);
    return { subject: subject.trim(), jti: jti?.trim() ?? null, notBefore };
  }
}

function toApiKeyType(row: ApiKeyRow): ApiKeyType {
  return { ...row };
}
