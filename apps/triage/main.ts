import { runApp } from '#platform-kit';
import { IncidentsModule } from '#incidents';
import { TriageModule } from '#triage';

// Boots the triage context as a Federation 2 subgraph (apps/gateway composes the five), for a distributed
// deployment, with platform incidents beside it: an incident is a group of triage's tickets (Ticket.incident and
// Ticket.suggestedIncidents extend triage's own entity here). Two modules that import nothing of each other
// (docs/architecture.md#which-app-hosts-which-context).
await runApp('triage', [TriageModule, IncidentsModule], { subgraph: true });
