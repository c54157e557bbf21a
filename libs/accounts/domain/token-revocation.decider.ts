import { badUserInput, type Actor, type RevocationEvent } from '#contracts';
import type { Decider } from '#platform-kit';
import { unreachable } from './calendar.decider.js';
import { requireText } from './input-rules.js';

/** Stop accepting one token (by `jti`), or every token of the subject issued until now (no `jti`). */
export interface RevokeTokens {
  type: 'RevokeTokens';
  subject: string;
  jti: string | null;
  reason: string;
  /**
   * Tokens issued before this are refused. Real time, like the token rules (a token's `iat` is real time), so
   * a manual platform clock set in the past does not leave today's tokens valid.
   */
  notBefore: Date;
  actor: Actor;
  now: Date;
}

export interface RevocationState {
  revokedJtis: ReadonlySet<string>;
}

/** A subject's token denylist (`revocations-<hash of subject>`). Revoking the same `jti` twice records once. */
export const tokenRevocationDecider: Decider<RevokeTokens, RevocationState, RevocationEvent> = {
  initialState: { revokedJtis: new Set() },

  decide(command, state) {
    const subject = requireText(command.subject, 'subject', 500);
    const reason = requireText(command.reason, 'reason', 1000);
    const common = { subject, reason, revokedBy: command.actor, revokedAt: command.now.toISOString() };
    if (command.jti === null) return [{ type: 'SubjectTokensRevoked', data: { ...common, notBefore: command.notBefore.toISOString() } }];
    const jti = command.jti.trim();
    if (!jti || jti.length > 200) throw badUserInput('jti must be 1-200 characters', 'jti');
    if (state.revokedJtis.has(jti)) return [];
    return [{ type: 'TokenRevoked', data: { ...common, jti } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'TokenRevoked':
        return { revokedJtis: new Set([...state.revokedJtis, event.data.jti]) };
      case 'SubjectTokensRevoked':
        return state;
      default:
        return unreachable(event);
    }
  },
};
