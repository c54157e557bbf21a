import { runApp } from '#platform-kit';
import { PLATFORM_CONTEXTS } from './platform.contexts.js';

await runApp('platform', PLATFORM_CONTEXTS);
