import { API_KEY_SCOPES, badUserInput, conflict, notFound, type Actor, type ApiKeyEvent, type ApiKeyScope, type Role } from '#contracts';
import type { Decider } from '#platform-kit';
import { unreachable } from './calendar.decider.js';
import { distinct, requireText } from './input-rules.js';

export interface CreateApiKey {
  type: 'CreateApiKey';
  keyId: string;
  name: string;
  role: Role;
  accountId: string | null;
  scopes: ApiKeyScope[];
  /** The hash of the secret the handler generated (the secret itself never reaches the log). */
  secretHash: string;
  /** Looked up by the handler. */
  accountExists: boolean;
  actor: Actor;
  now: Date;
}
export interface RevokeApiKey {
  type: 'RevokeApiKey';
  keyId: string;
  reason: string;
  actor: Actor;
  now: Date;
}
export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

export interface ApiKeyState {
  created: boolean;
  revoked: boolean;
}

/** An integration's API key (`apikey-<id>`): created once with a role and scopes, revoked once. */
export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyState, ApiKeyEvent> = {
  initialState: { created: false, revoked: false },

  decide(command, state) {
    switch (command.type) {
      case 'CreateApiKey': {
        if (state.created) throw conflict(`API key ${command.keyId} already exists`);
        // A customer's key acts for one account only; a staff key for none (as their tokens do).
        if (command.role === 'CUSTOMER' && !command.accountId) throw badUserInput('A CUSTOMER key needs input.accountId', 'input.accountId');
        if (command.role !== 'CUSTOMER' && command.accountId) throw badUserInput('Only a CUSTOMER key names an account', 'input.accountId');
        if (command.accountId && !command.accountExists) throw badUserInput(`Account ${command.accountId} does not exist`, 'input.accountId');
        const scopes = distinct(command.scopes);
        if (scopes.length === 0) throw badUserInput('input.scopes must name at least one of READ, WRITE', 'input.scopes');
        if (scopes.some((scope) => !API_KEY_SCOPES.includes(scope))) throw badUserInput('input.scopes must be READ or WRITE', 'input.scopes');
        return [
          {
            type: 'ApiKeyCreated',
            data: {
              keyId: command.keyId,
              name: requireText(command.name, 'input.name', 100),
              role: command.role,
              accountId: command.accountId,
              scopes,
              secretHash: command.secretHash,
              createdBy: command.actor,
              createdAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'RevokeApiKey': {
        if (!state.created) throw notFound('API key');
        if (state.revoked) return [];
        return [
          {
            type: 'ApiKeyRevoked',
            data: { keyId: command.keyId, reason: requireText(command.reason, 'reason', 1000), revokedBy: command.actor, revokedAt: command.now.toISOString() },
          },
        ];
      }
      default:
        return unreachable(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyCreated':
        return { ...state, created: true };
      case 'ApiKeyRevoked':
        return { ...state, revoked: true };
      default:
        return unreachable(event);
    }
  },
};
