import { badUserInput, notFound, type Actor, type ContractEvent, type ContractTerms } from '#contracts';
import type { Decider } from '#platform-kit';
import { unreachable } from './calendar.decider.js';
import { checkContractTerms } from './contract-terms.policy.js';

export interface SignContract {
  type: 'SignContract';
  accountId: string;
  terms: ContractTerms;
  /** Looked up by the handler. */
  accountExists: boolean;
  calendarExists: boolean;
  actor: Actor;
  now: Date;
}
export type ContractCommand = SignContract;

export interface ContractState {
  /** The last version signed (0: none yet). */
  version: number;
}

/** Contracts are versioned per account (`contract-<accountId>`); tickets pin the version in force. */
export const contractDecider: Decider<ContractCommand, ContractState, ContractEvent> = {
  initialState: { version: 0 },

  decide(command, state) {
    switch (command.type) {
      case 'SignContract': {
        if (!command.accountExists) throw notFound('Account');
        const terms = checkContractTerms(command.terms);
        if (!command.calendarExists) throw badUserInput(`Calendar ${terms.calendarId} does not exist`, 'input.calendarId');
        return [
          {
            type: 'ContractSigned',
            data: {
              ...terms,
              accountId: command.accountId,
              version: state.version + 1,
              signedBy: command.actor,
              signedAt: command.now.toISOString(),
            },
          },
        ];
      }
      default:
        return unreachable(command.type);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'ContractSigned':
        return { version: event.data.version };
      default:
        return unreachable(event.type);
    }
  },
};
