import { runApp } from '#platform-kit';
import { HealthChecksModule } from '#health-checks';

// Boots the health-checks context alone, with its own GraphQL endpoint, for a distributed deployment.
await runApp('health-checks', [HealthChecksModule]);
