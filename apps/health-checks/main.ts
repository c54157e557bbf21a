import { runApp } from '#platform-kit';
import { HealthChecksModule } from '#health-checks';

// Boots the health-checks context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment.
await runApp('health-checks', [HealthChecksModule], { subgraph: true });
