import { runApp } from '#platform-kit';
import { SlaModule } from '#sla';

// Boots the sla context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment.
await runApp('sla', [SlaModule], { subgraph: true });
