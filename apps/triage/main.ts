import { runApp } from '#platform-kit';
import { TriageModule } from '#triage';

// Boots the triage context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment.
await runApp('triage', [TriageModule], { subgraph: true });
