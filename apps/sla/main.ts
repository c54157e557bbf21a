import { runApp } from '#platform-kit';
import { SlaModule } from '#sla';

// Boots the sla context alone, with its own GraphQL endpoint, for a distributed deployment.
await runApp('sla', [SlaModule]);
