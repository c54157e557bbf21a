import { runApp } from '#platform-kit';
import { IntakeModule } from '#intake';
import { OutboundModule } from '#outbound';

// Boots the intake context as a Federation 2 subgraph (apps/gateway composes the five), for a distributed
// deployment, with outbound beside it: the channels in (e-mail, IM) and out (e-mail replies, webhooks, on-call
// paging) in one service. Two modules that import nothing of each other; outbound's reactors and its retry timers
// run here (docs/architecture.md#which-app-hosts-which-context).
await runApp('intake', [IntakeModule, OutboundModule], { subgraph: true });
