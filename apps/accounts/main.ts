import { runApp } from '#platform-kit';
import { AccountsModule } from '#accounts';

// Boots the accounts context alone, as a Federation 2 subgraph (apps/gateway composes the five), for a
// distributed deployment.
await runApp('accounts', [AccountsModule], { subgraph: true });
