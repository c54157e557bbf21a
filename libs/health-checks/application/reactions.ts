import { streams, ticketStream, type AccountEvent, type DiagnosticsAdded, type TicketOpened } from '#contracts';
import type { EventStore, RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import type { HealthChecksCommands } from './health-checks.commands.js';

// What health checks do about other contexts' events: reactors on the log (docs/reactors.md), so they happen
// wherever health checks run, after a crash too, and no other context calls into this one.

export const SDK_EXPOSURE_REACTOR = 'health-checks.sdk-exposure';
export const HANDOVER_REACTOR = 'health-checks.handover';

/**
 * A ticket opened, or given diagnostics, reporting an SDK version an advisory names schedules an SDK_UPGRADE
 * check. The check's id derives from the advisory, the account and the ticket, so a redelivery records nothing;
 * its due date is counted from when the ticket reported the version, not from when the reactor ran.
 */
export function sdkExposureReactor(commands: HealthChecksCommands, store: EventStore): Reactor {
  return {
    name: SDK_EXPOSURE_REACTOR,
    eventTypes: ['TicketOpened', 'DiagnosticsAdded'],
    async react(event: RecordedEvent) {
      if (event.type === 'TicketOpened') {
        const opened = event.data as TicketOpened['data'];
        await commands.reportSdkExposure(
          { ticketId: opened.ticketId, accountId: opened.accountId, sdkName: opened.diagnostics.sdkName, sdkVersion: opened.diagnostics.sdkVersion },
          new Date(event.metadata.occurredAt),
        );
        return;
      }
      const added = event.data as DiagnosticsAdded['data'];
      if (!added.diagnostics.sdkName && !added.diagnostics.sdkVersion) return;
      // The ticket's SDK as of this event: what it opened with, with every later addition up to this one.
      const history = await store.readStream(ticketStream(added.ticketId), { maxCount: event.revision + 1 });
      const opened = history.find((recorded) => recorded.type === 'TicketOpened')?.data as TicketOpened['data'] | undefined;
      if (!opened) return;
      let { sdkName, sdkVersion } = opened.diagnostics;
      for (const recorded of history) {
        if (recorded.type !== 'DiagnosticsAdded') continue;
        const diagnostics = (recorded.data as DiagnosticsAdded['data']).diagnostics;
        sdkName = diagnostics.sdkName ?? sdkName;
        sdkVersion = diagnostics.sdkVersion ?? sdkVersion;
      }
      await commands.reportSdkExposure({ ticketId: added.ticketId, accountId: opened.accountId, sdkName, sdkVersion }, new Date(event.metadata.occurredAt));
    },
  };
}

/**
 * The account changed TAM (TamAssigned, AccountHandedOver): its SCHEDULED checks follow. The TAM is the
 * account's current one, read from its stream (not from the event, which a redelivery may replay after a later
 * change); a check already with that TAM is left alone, so a redelivery records nothing.
 */
export function handoverReactor(commands: HealthChecksCommands, store: EventStore): Reactor {
  return {
    name: HANDOVER_REACTOR,
    eventTypes: ['TamAssigned', 'AccountHandedOver'],
    async react(event: RecordedEvent) {
      const accountId = (event.data as { accountId: string }).accountId;
      let tamId: string | null = null;
      for (const recorded of (await store.readStream(streams.account(accountId))) as unknown as AccountEvent[]) {
        if (recorded.type === 'TamAssigned') tamId = recorded.data.tamId;
        else if (recorded.type === 'AccountHandedOver') tamId = recorded.data.toTamId;
      }
      if (tamId) await commands.moveScheduledChecks(accountId, tamId, new Date(event.metadata.occurredAt));
    },
  };
}
