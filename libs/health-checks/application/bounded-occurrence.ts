import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { fromFloating, occurrenceSearch, type OccurrenceSearch } from '../domain/recurrence.js';

/** The search did not end within its budget: the rule has no occurrence within reach. */
export class OccurrenceSearchTooLong extends Error {
  constructor(readonly budgetMs: number) {
    super(`no occurrence found within ${budgetMs} ms of search`);
  }
}

// rrule's search cannot be bounded from outside (it checks its limits only on a matching date), so it runs in a
// worker thread the platform can stop: the event loop never waits on it. The worker is plain JavaScript (no
// TypeScript loader in a worker) doing what the domain's nextFloatingOccurrence does, with rrule loaded by path.
const RRULE_PATH = createRequire(import.meta.url).resolve('rrule');
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const rrule = require(workerData.rrulePath);
const { RRule } = rrule.default ?? rrule;
const search = workerData.search;
const rule = new RRule({ ...RRule.parseString(search.rule), dtstart: new Date(search.floatingStart) });
parentPort.postMessage(rule.after(new Date(search.floatingAfter), false)?.getTime() ?? null);
`;

/**
 * The next occurrence in the account's zone, searched for at most `budgetMs` off the event loop;
 * null when the series has ended. Rejects with OccurrenceSearchTooLong past the budget.
 */
export async function nextOccurrenceWithin(recurrence: string, seriesStart: Date, after: Date, zone: string, budgetMs: number): Promise<Date | null> {
  const search = occurrenceSearch(recurrence, seriesStart, after, zone);
  const floating = await searchInWorker(search, budgetMs);
  return floating === null ? null : fromFloating(floating, zone);
}

function searchInWorker(search: OccurrenceSearch, budgetMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { search, rrulePath: RRULE_PATH } });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      void worker.terminate();
      outcome();
    };
    const deadline = setTimeout(() => settle(() => reject(new OccurrenceSearchTooLong(budgetMs))), budgetMs);
    worker.once('message', (floating: number | null) => settle(() => resolve(floating)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the occurrence search stopped (exit ${code})`))));
  });
}
