import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CalendarAmendment, CalendarDefinition } from '#calendar';
import { streams, type ContractTerms, type ImChannelRef } from '#contracts';
import { CLOCK, executeCommand, foldStream, PlatformRuntime, type Clock, type Principal } from '#platform-kit';
import { accountDecider } from '../domain/account.decider.js';
import { calendarDecider } from '../domain/calendar.decider.js';
import { contractDecider } from '../domain/contract.decider.js';
import { staffDecider } from '../domain/staff.decider.js';

/**
 * The accounts context's use cases: each loads its stream, decides, appends, and returns once the read
 * model includes the change (read-your-writes). Cross-aggregate facts (is that a TAM? does the calendar
 * exist?) are read from the log here and handed to the pure deciders.
 */
@Injectable()
export class AccountsCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private context(principal: Principal) {
    return { actor: { id: principal.id, role: principal.role }, now: this.clock.now() };
  }

  async defineCalendar(principal: Principal, input: { name: string; definition: CalendarDefinition }): Promise<string> {
    const calendarId = randomUUID();
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.calendar(calendarId), calendarDecider, { type: 'DefineCalendar', calendarId, ...input, ...ctx }, ctx);
    await this.runtime.settled(result);
    return calendarId;
  }

  async amendCalendar(principal: Principal, calendarId: string, amendment: CalendarAmendment): Promise<void> {
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.calendar(calendarId), calendarDecider, { type: 'AmendCalendar', calendarId, amendment, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  async registerAccount(
    principal: Principal,
    input: { name: string; region: string; timeZone: string; emailDomains: string[]; imChannels: ImChannelRef[] },
  ): Promise<string> {
    const accountId = randomUUID();
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.account(accountId), accountDecider, { type: 'RegisterAccount', accountId, ...input, ...ctx }, ctx);
    await this.runtime.settled(result);
    return accountId;
  }

  async registerStaff(
    principal: Principal,
    input: { name: string; role: string; regions: string[]; skills: string[]; calendarId: string | null },
  ): Promise<string> {
    const staffId = randomUUID();
    const ctx = this.context(principal);
    const calendarExists = input.calendarId ? await this.exists(streams.calendar(input.calendarId)) : false;
    const result = await executeCommand(
      this.runtime.store,
      streams.staff(staffId),
      staffDecider,
      { type: 'RegisterStaff', staffId, ...input, calendarExists, ...ctx },
      ctx,
    );
    await this.runtime.settled(result);
    return staffId;
  }

  async assignTam(principal: Principal, accountId: string, tamId: string): Promise<void> {
    const ctx = this.context(principal);
    const tamIsRegistered = await this.isTam(tamId);
    const result = await executeCommand(this.runtime.store, streams.account(accountId), accountDecider, { type: 'AssignTam', accountId, tamId, tamIsRegistered, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  async handOverAccount(principal: Principal, accountId: string, toTamId: string, notes: string): Promise<void> {
    const ctx = this.context(principal);
    const toTamIsRegistered = await this.isTam(toTamId);
    const result = await executeCommand(
      this.runtime.store,
      streams.account(accountId),
      accountDecider,
      { type: 'HandOverAccount', accountId, toTamId, toTamIsRegistered, notes, ...ctx },
      ctx,
    );
    await this.runtime.settled(result);
    // Scheduled check-ins follow the account to its new TAM: health checks' handover reactor, from the log.
  }

  async signContract(principal: Principal, accountId: string, terms: ContractTerms): Promise<number> {
    const ctx = this.context(principal);
    const [accountExists, calendarExists] = await Promise.all([
      this.exists(streams.account(accountId)),
      this.exists(streams.calendar(terms.calendarId)),
    ]);
    const result = await executeCommand(
      this.runtime.store,
      streams.contract(accountId),
      contractDecider,
      { type: 'SignContract', accountId, terms, accountExists, calendarExists, ...ctx },
      ctx,
    );
    await this.runtime.settled(result);
    return result.state.version;
  }

  private async exists(stream: string): Promise<boolean> {
    return (await this.runtime.store.readStream(stream, { maxCount: 1 })).length > 0;
  }

  async updateAccountChannels(principal: Principal, accountId: string, input: { emailDomains: string[]; imChannels: ImChannelRef[]; takenElsewhere: string[] }): Promise<void> {
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.account(accountId), accountDecider, { type: 'UpdateAccountChannels', accountId, ...input, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  async updateStaff(principal: Principal, staffId: string, input: { regions: string[]; skills: string[]; calendarId: string | null }): Promise<void> {
    const ctx = this.context(principal);
    const calendarExists = input.calendarId ? await this.exists(streams.calendar(input.calendarId)) : false;
    const result = await executeCommand(this.runtime.store, streams.staff(staffId), staffDecider, { type: 'UpdateStaff', staffId, ...input, calendarExists, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  async deactivateStaff(principal: Principal, staffId: string, reason: string): Promise<void> {
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.staff(staffId), staffDecider, { type: 'DeactivateStaff', staffId, reason, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  async reactivateStaff(principal: Principal, staffId: string, reason: string): Promise<void> {
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, streams.staff(staffId), staffDecider, { type: 'ReactivateStaff', staffId, reason, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  private async isTam(staffId: string): Promise<boolean> {
    const events = await this.runtime.store.readStream(streams.staff(staffId));
    const registered = events.find((event) => event.type === 'StaffRegistered');
    return foldStream(staffDecider, events).registered && (registered?.data as { role?: string } | undefined)?.role === 'TAM';
  }
}
