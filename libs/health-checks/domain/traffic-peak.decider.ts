import { badUserInput, forbidden, type Actor, type TrafficPeakDeclared } from '#contracts';
import type { Decider } from '#platform-kit';

export interface DeclareTrafficPeak {
  type: 'DeclareTrafficPeak';
  peakId: string;
  accountId: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  expectedPeakUsers: number | null;
  healthCheckId: string | null;
  /** The account's customer, its TAM, or an ADMIN. */
  mayDeclare: boolean;
  actor: Actor;
  now: Date;
}

/** A traffic peak the account expects (a live sale, a launch): declared once, and it names its PRE_PEAK check. */
export const trafficPeakDecider: Decider<DeclareTrafficPeak, { declared: boolean }, TrafficPeakDeclared> = {
  initialState: { declared: false },
  decide(command, state) {
    if (state.declared) return [];
    if (!command.mayDeclare) throw forbidden('Only the account’s customer, its TAM or an ADMIN can declare a traffic peak');
    const name = command.name.trim();
    if (!name) throw badUserInput('name must not be blank', 'input.name');
    if (name.length > 200) throw badUserInput('name must be at most 200 characters', 'input.name');
    if (command.startsAt <= command.now) throw badUserInput('startsAt must be in the future', 'input.startsAt');
    if (command.endsAt <= command.startsAt) throw badUserInput('endsAt must be after startsAt', 'input.endsAt');
    if (command.expectedPeakUsers !== null && command.expectedPeakUsers < 0) throw badUserInput('expectedPeakUsers must not be negative', 'input.expectedPeakUsers');
    return [
      {
        type: 'TrafficPeakDeclared',
        data: {
          peakId: command.peakId,
          accountId: command.accountId,
          name,
          startsAt: command.startsAt.toISOString(),
          endsAt: command.endsAt.toISOString(),
          expectedPeakUsers: command.expectedPeakUsers,
          healthCheckId: command.healthCheckId,
          declaredBy: command.actor,
          declaredAt: command.now.toISOString(),
        },
      },
    ];
  },
  evolve: () => ({ declared: true }),
};
