import { runApp } from '#platform-kit';
import { TriageModule } from '#triage';

// Boots the triage context alone, with its own GraphQL endpoint, for a distributed deployment.
await runApp('triage', [TriageModule]);
