import { badUserInput, conflict, forbidden, notFound, type Actor, type BreachVerdictRecord, type ClaimEvent, type MoneyAmount, type SlaMetric } from '#contracts';
import type { Decider } from '#platform-kit';

export interface FileBreachClaim {
  type: 'FileBreachClaim';
  claimId: string;
  ticketId: string;
  accountId: string;
  metric: SlaMetric;
  cycle: number;
  statement: string;
  /** Computed by the handler from the record with the pure SLA engine; null when no such clock exists. */
  verdict: BreachVerdictRecord | null;
  proposedCredit: MoneyAmount;
  creditMonth: string | null;
  /** The account's customer, its TAM, or an ADMIN. */
  mayFile: boolean;
  actor: Actor;
  now: Date;
}
export interface DecideBreachClaim {
  type: 'DecideBreachClaim';
  claimId: string;
  decision: 'APPROVE' | 'REJECT';
  reason: string;
  /** The credit recomputed against the month's cap at this moment. */
  credit: MoneyAmount;
  actor: Actor;
  now: Date;
}
export type ClaimCommand = FileBreachClaim | DecideBreachClaim;

export interface ClaimState {
  filed: boolean;
  accountId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  breached: boolean;
  creditMonth: string | null;
}

/** One claim per (ticket, metric, cycle): the claim id is derived from them, so a second is a CONFLICT. */
export const breachClaimDecider: Decider<ClaimCommand, ClaimState, ClaimEvent> = {
  initialState: { filed: false, accountId: '', status: 'PENDING', breached: false, creditMonth: null },

  decide(command, state) {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'FileBreachClaim': {
        if (!command.mayFile) throw forbidden('Only the account’s customer, its TAM or an ADMIN can file a claim');
        if (state.filed) throw conflict(`A claim for ${command.metric} cycle ${command.cycle} of this ticket was already filed`);
        const statement = command.statement.trim();
        if (!statement) throw badUserInput('statement must not be blank', 'input.statement');
        if (statement.length > 20_000) throw badUserInput('statement must be at most 20000 characters', 'input.statement');
        if (!command.verdict) throw badUserInput(`The ticket has no ${command.metric} clock with cycle ${command.cycle}`, 'input.cycle');
        return [
          {
            type: 'BreachClaimFiled',
            data: {
              claimId: command.claimId,
              ticketId: command.ticketId,
              accountId: command.accountId,
              metric: command.metric,
              cycle: command.cycle,
              statement,
              verdict: command.verdict,
              proposedCredit: command.proposedCredit,
              creditMonth: command.creditMonth,
              filedBy: command.actor,
              filedAt: at,
            },
          },
        ];
      }
      case 'DecideBreachClaim': {
        if (!state.filed) throw notFound('Breach claim');
        if (state.status !== 'PENDING') throw conflict(`The claim was already ${state.status.toLowerCase()}`);
        const reason = command.reason.trim();
        if (!reason) throw badUserInput('reason must not be blank', 'reason');
        const approve = command.decision === 'APPROVE';
        return [
          {
            type: 'BreachClaimDecided',
            data: {
              claimId: command.claimId,
              accountId: state.accountId,
              decision: command.decision,
              reason,
              credit: approve ? command.credit : null,
              creditMonth: state.creditMonth,
              decidedBy: command.actor,
              decidedAt: at,
            },
          },
        ];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled claim command ${JSON.stringify(unknown)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'BreachClaimFiled':
        return { filed: true, accountId: event.data.accountId, status: 'PENDING', breached: event.data.verdict.breached, creditMonth: event.data.creditMonth };
      case 'BreachClaimDecided':
        return { ...state, status: event.data.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED' };
      default: {
        const unknown: never = event;
        throw new Error(`Unhandled claim event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
