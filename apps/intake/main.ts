import { runApp } from '#platform-kit';
import { IntakeModule } from '#intake';

// Boots the intake context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment.
await runApp('intake', [IntakeModule], { subgraph: true });
