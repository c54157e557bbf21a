import { runApp } from '#platform-kit';
import { AccountsModule } from '#accounts';

// Boots the accounts context alone, with its own GraphQL endpoint, for a distributed deployment.
await runApp('accounts', [AccountsModule]);
