import { runApp } from '#platform-kit';
import { IntakeModule } from '#intake';

// Boots the intake context alone, with its own GraphQL endpoint, for a distributed deployment.
await runApp('intake', [IntakeModule]);
