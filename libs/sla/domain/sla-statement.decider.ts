import { badUserInput, conflict, type Actor, type SlaStatementEvent, type StatementChange, type StatementFigures } from '#contracts';
import type { Decider } from '#platform-kit';

export interface IssueSlaStatement {
  type: 'IssueSlaStatement';
  accountId: string;
  month: string;
  figures: StatementFigures;
  /** Whether the month has ended in the account's zone (checked by the handler against the clock). */
  monthEnded: boolean;
  actor: Actor;
  now: Date;
}
export interface ReviseSlaStatement {
  type: 'ReviseSlaStatement';
  figures: StatementFigures;
  causeEventId: string;
  causeEventType: string;
  now: Date;
}
export type SlaStatementCommand = IssueSlaStatement | ReviseSlaStatement;

export interface SlaStatementState {
  issued: boolean;
  accountId: string;
  month: string;
  revision: number;
  figures: StatementFigures | null;
}

/**
 * A statement is issued once; afterwards each recomputation whose figures differ from the last recorded ones
 * records a revision with what changed. A recomputation that changes nothing (or one before issue) records nothing.
 */
export const slaStatementDecider: Decider<SlaStatementCommand, SlaStatementState, SlaStatementEvent> = {
  initialState: { issued: false, accountId: '', month: '', revision: 0, figures: null },

  decide(command, state) {
    const at = command.now.toISOString();
    if (command.type === 'IssueSlaStatement') {
      if (state.issued) throw conflict(`The statement for ${command.month} was already issued`);
      if (!command.monthEnded) throw badUserInput(`${command.month} has not ended in the account’s zone; a statement is issued after its month`, 'month');
      return [{ type: 'SlaStatementIssued', data: { accountId: command.accountId, month: command.month, figures: command.figures, issuedBy: command.actor, issuedAt: at } }];
    }
    if (!state.issued || !state.figures) return [];
    const changes = statementChanges(state.figures, command.figures);
    if (changes.length === 0) return [];
    return [
      {
        type: 'SlaStatementRevised',
        data: {
          accountId: state.accountId,
          month: state.month,
          revision: state.revision + 1,
          changes,
          figures: command.figures,
          causeEventId: command.causeEventId,
          causeEventType: command.causeEventType,
          revisedAt: at,
        },
      },
    ];
  },

  evolve(state, event) {
    if (event.type === 'SlaStatementIssued') return { issued: true, accountId: event.data.accountId, month: event.data.month, revision: 0, figures: event.data.figures };
    return { ...state, revision: event.data.revision, figures: event.data.figures };
  },
};

/** The figures as flat paths: rows keyed by severity, breaches by ticket/metric/cycle. */
function flatten(figures: StatementFigures): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  const put = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) put(`${prefix}.${key}`, inner);
    } else flat.set(prefix, Array.isArray(value) ? JSON.stringify(value) : value);
  };
  put('totals', figures.totals);
  for (const row of figures.bySeverity) put(`bySeverity[${row.severity}]`, { ...row, severity: undefined });
  for (const breach of figures.breaches) {
    const { ticketId, metric, cycle, ...rest } = breach;
    put(`breaches[${ticketId}/${metric}/${cycle}]`, rest);
  }
  put('proposedCredits', figures.proposedCredits);
  put('approvedCredits', figures.approvedCredits);
  put('creditCap', figures.creditCap);
  put('contractVersions', figures.contractVersions);
  for (const [key, value] of flat) if (value === undefined) flat.delete(key);
  return flat;
}

/** What differs between two statements' figures, path by path (a breach that appeared or went away shows as null before/after). */
export function statementChanges(before: StatementFigures, after: StatementFigures): StatementChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: StatementChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const was = a.has(path) ? a.get(path) : null;
    const now = b.has(path) ? b.get(path) : null;
    if (JSON.stringify(was) !== JSON.stringify(now)) changes.push({ path, before: was, after: now });
  }
  return changes;
}
