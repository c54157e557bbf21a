import { expect } from 'vitest';
import type { Decider, DomainEvent } from './decider.js';

/** given(events).when(command).then(events) — or .thenRefuses(code) — for a pure decider. */
export function deciderSpec<Command, State, Event extends DomainEvent>(decider: Decider<Command, State, Event>) {
  return {
    given(history: Event[]) {
      const state = history.reduce(decider.evolve, decider.initialState);
      return {
        when(command: Command) {
          return {
            then(expected: Event[]) {
              expect(decider.decide(command, state)).toEqual(expected);
            },
            thenRefuses(code: string, message?: RegExp) {
              let thrown: unknown = null;
              try {
                decider.decide(command, state);
              } catch (error) {
                thrown = error;
              }
              expect(thrown, 'the decider should refuse').toMatchObject({ code });
              if (message) expect((thrown as Error).message).toMatch(message);
            },
          };
        },
      };
    },
  };
}
