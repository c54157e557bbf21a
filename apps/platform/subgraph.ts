import { runApp } from '#platform-kit';
import { PLATFORM_CONTEXTS } from './platform.contexts.js';

// The whole platform as ONE Federation 2 subgraph behind apps/gateway: the split layout that composes while the
// five context subgraphs do not yet (`LEDGERDESK_SPLIT_APPS=platform npm run start:split`). Serves the same
// schema as `npm start`, plus `_service` and `_entities`.
await runApp('platform', PLATFORM_CONTEXTS, { subgraph: true });
