import { runApp } from '#platform-kit';
import { SlaModule } from '#sla';

// Boots the sla context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment. It also owns the per-process platform operations (advanceClock, reactors, parked
// events and timers): one subgraph must answer each root field (docs/architecture.md#the-federated-graph-issue-11).
await runApp('sla', [SlaModule], { subgraph: true, platformOperations: true });
