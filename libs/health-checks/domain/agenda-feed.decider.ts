import { notFound, type Actor, type AgendaFeedEvent } from '#contracts';
import type { Decider } from '#platform-kit';

export type AgendaFeedCommand =
  | { type: 'IssueFeedToken'; tamId: string; tokenId: string; tokenSha256: string; tamExists: boolean; actor: Actor; now: Date }
  | { type: 'RevokeFeedToken'; tamId: string; tokenId: string; actor: Actor; now: Date };

export interface AgendaFeedState {
  /** tokenId → revoked? */
  tokens: Map<string, boolean>;
}

/** A TAM's calendar-feed tokens: the log keeps each token's hash, so a leaked log never leaks a feed. */
export const agendaFeedDecider: Decider<AgendaFeedCommand, AgendaFeedState, AgendaFeedEvent> = {
  initialState: { tokens: new Map() },
  decide(command, state) {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'IssueFeedToken':
        if (!command.tamExists) throw notFound('TAM');
        return [{ type: 'AgendaFeedTokenIssued', data: { tamId: command.tamId, tokenId: command.tokenId, tokenSha256: command.tokenSha256, issuedBy: command.actor, issuedAt: at } }];
      case 'RevokeFeedToken': {
        const revoked = state.tokens.get(command.tokenId);
        if (revoked === undefined) throw notFound('Feed token');
        return revoked ? [] : [{ type: 'AgendaFeedTokenRevoked', data: { tamId: command.tamId, tokenId: command.tokenId, revokedBy: command.actor, revokedAt: at } }];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled agenda-feed command ${JSON.stringify(unknown)}`);
      }
    }
  },
  evolve(state, event) {
    const tokens = new Map(state.tokens);
    tokens.set(event.data.tokenId, event.type === 'AgendaFeedTokenRevoked');
    return { tokens };
  },
};
