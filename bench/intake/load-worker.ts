/**
 * The load generator of `bench/intake.bench.ts`, in a worker thread so that autocannon's own work (HTTP
 * client, JSON checks of the responses) does not run on the platform's event loop.
 *
 * Every request is an `openTicket` mutation with a distinct subject and no externalId; every response is
 * checked: a ticket counts when it is 2xx, has no GraphQL `errors`, and returns the subject that was sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  token: string;
  accountId: string;
  connections: number;
  durationS: number;
  warmupS: number;
  runId: string;
}

export interface LoadCounters {
  responses: number;
  /** 2xx, no `errors`, the subject sent came back: a ticket opened. */
  tickets: number;
  /** …of which the re-read ticket was already routed (stream version ≥ 1: TicketAssigned recorded). */
  routed: number;
  non2xx: number;
  graphqlErrors: number;
  /** 2xx without errors but an unexpected body (wrong subject, unparsable). */
  badBodies: number;
  statusCodes: Record<string, number>;
  sampleProblems: string[];
}

export interface LoadPhaseResult {
  counters: LoadCounters;
  durationS: number;
  requestsSent: number;
  connectionErrors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  start: string;
  finish: string;
}

export type LoadMessage =
  | { type: 'phase'; phase: 'warmup' | 'measure' }
  | { type: 'done'; warmup: LoadPhaseResult | null; measure: LoadPhaseResult }
  | { type: 'failed'; error: string };

const aggregate = (autocannon as unknown as { aggregateResult(results: unknown[], options: autocannon.Options): autocannon.Result }).aggregateResult;

const MUTATION = `mutation Open($input: OpenTicketInput!) {
  openTicket(input: $input) { id version subject status }
}`;

function emptyCounters(): LoadCounters {
  return { responses: 0, tickets: 0, routed: 0, non2xx: 0, graphqlErrors: 0, badBodies: 0, statusCodes: {}, sampleProblems: [] };
}

async function phase(options: LoadOptions, label: string, durationS: number): Promise<LoadPhaseResult> {
  const counters = emptyCounters();
  let sequence = 0;
  const problem = (text: string) => {
    if (counters.sampleProblems.length < 5) counters.sampleProblems.push(text.slice(0, 300));
  };
  const cannonOptions: autocannon.Options = {
    url: `${options.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    connections: options.connections,
    pipelining: 1,
    duration: durationS,
    timeout: 30,
    requests: [
      {
        setupRequest: (request, context) => {
          const subject = `bench ${options.runId} ${label} #${sequence++}: audio drops after reconnect`;
          (context as { subject?: string }).subject = subject;
          return {
            ...request,
            body: JSON.stringify({
              query: MUTATION,
              variables: {
                input: {
                  accountId: options.accountId,
                  channel: 'PORTAL',
                  subject,
                  description: 'Publisher audio drops for ~2 s after every ICE restart on a 4G network.',
                  claimedSeverity: 'P2',
                  diagnostics: { sdkName: 'rtc-sdk', sdkVersion: '5.2.1', platform: 'Android', networkType: '4G' },
                },
              },
            }),
          };
        },
        onResponse: (status, body, context) => {
          counters.responses += 1;
          counters.statusCodes[status] = (counters.statusCodes[status] ?? 0) + 1;
          if (status < 200 || status >= 300) {
            counters.non2xx += 1;
            problem(`HTTP ${status}: ${body}`);
            return;
          }
          let parsed: { data?: { openTicket?: { id?: string; version?: number; subject?: string } | null } | null; errors?: unknown[] };
          try {
            parsed = JSON.parse(body);
          } catch {
            counters.badBodies += 1;
            problem(`unparsable body: ${body}`);
            return;
          }
          if (parsed.errors?.length) {
            counters.graphqlErrors += 1;
            problem(`GraphQL errors: ${JSON.stringify(parsed.errors)}`);
            return;
          }
          const ticket = parsed.data?.openTicket;
          if (!ticket?.id || ticket.subject !== (context as { subject?: string }).subject) {
            counters.badBodies += 1;
            problem(`unexpected ticket for "${(context as { subject?: string }).subject}": ${body}`);
            return;
          }
          counters.tickets += 1;
          if ((ticket.version ?? 0) >= 1) counters.routed += 1;
        },
      },
    ],
  };
  // Inside a worker thread autocannon hands back its raw result (encoded histograms): aggregate it here.
  const raw = await autocannon(cannonOptions);
  const result = raw.latency ? raw : aggregate([raw], cannonOptions);
  return {
    counters,
    durationS: (result.finish.getTime() - result.start.getTime()) / 1000,
    requestsSent: result.requests.sent,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    start: result.start.toISOString(),
    finish: result.finish.toISOString(),
  };
}

async function main(options: LoadOptions): Promise<void> {
  let warmup: LoadPhaseResult | null = null;
  if (options.warmupS > 0) {
    parentPort!.postMessage({ type: 'phase', phase: 'warmup' } satisfies LoadMessage);
    warmup = await phase(options, 'warmup', options.warmupS);
  }
  parentPort!.postMessage({ type: 'phase', phase: 'measure' } satisfies LoadMessage);
  const measure = await phase(options, 'measure', options.durationS);
  parentPort!.postMessage({ type: 'done', warmup, measure } satisfies LoadMessage);
}

if (parentPort) {
  main(workerData as LoadOptions).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies LoadMessage);
  });
}
