import { conflict, badUserInput, forbidden, notFound, type AccountEvent, type Actor, type ImChannelRef } from '#contracts';
import type { Decider } from '#platform-kit';
import { unreachable } from './calendar.decider.js';
import { distinct, requireEmailDomain, requireText, requireTimeZone } from './input-rules.js';

export interface RegisterAccount {
  type: 'RegisterAccount';
  accountId: string;
  name: string;
  region: string;
  timeZone: string;
  emailDomains: string[];
  imChannels: ImChannelRef[];
  actor: Actor;
  now: Date;
}
export interface AssignTam {
  type: 'AssignTam';
  accountId: string;
  tamId: string;
  /** Looked up by the handler: is `tamId` a registered TAM? */
  tamIsRegistered: boolean;
  actor: Actor;
  now: Date;
}
export interface HandOverAccount {
  type: 'HandOverAccount';
  accountId: string;
  toTamId: string;
  toTamIsRegistered: boolean;
  notes: string;
  actor: Actor;
  now: Date;
}
export interface UpdateAccountChannels {
  type: 'UpdateAccountChannels';
  accountId: string;
  emailDomains: string[];
  imChannels: ImChannelRef[];
  /** Looked up by the handler: domains or channels (as `workspace/channel`) another account already has. */
  takenElsewhere: string[];
  actor: Actor;
  now: Date;
}
export type AccountCommand = RegisterAccount | AssignTam | HandOverAccount | UpdateAccountChannels;

export interface AccountState {
  registered: boolean;
  tamId: string | null;
  emailDomains: string[];
  imChannels: ImChannelRef[];
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: { registered: false, tamId: null, emailDomains: [], imChannels: [] },

  decide(command, state) {
    if (command.type !== 'RegisterAccount' && !state.registered) throw notFound('Account');
    const at = command.now.toISOString();
    switch (command.type) {
      case 'RegisterAccount': {
        if (state.registered) throw conflict(`Account ${command.accountId} already exists`);
        const imChannels = command.imChannels.map((channel, index) => ({
          workspaceId: requireText(channel.workspaceId, `input.imChannels[${index}].workspaceId`, 100),
          channelId: requireText(channel.channelId, `input.imChannels[${index}].channelId`, 100),
        }));
        return [
          {
            type: 'AccountRegistered',
            data: {
              accountId: command.accountId,
              name: requireText(command.name, 'input.name'),
              region: requireText(command.region, 'input.region', 50),
              timeZone: requireTimeZone(command.timeZone, 'input.timeZone'),
              emailDomains: distinct(command.emailDomains.map((d, i) => requireEmailDomain(d, `input.emailDomains[${i}]`))),
              imChannels,
              registeredBy: command.actor,
              registeredAt: at,
            },
          },
        ];
      }
      case 'AssignTam': {
        if (!command.tamIsRegistered) throw badUserInput(`${command.tamId} is not a registered TAM`, 'tamId');
        if (state.tamId === command.tamId) return [];
        return [
          {
            type: 'TamAssigned',
            data: { accountId: command.accountId, tamId: command.tamId, previousTamId: state.tamId, assignedBy: command.actor, assignedAt: at },
          },
        ];
      }
      case 'HandOverAccount': {
        const isCurrentTam = command.actor.role === 'TAM' && command.actor.id === state.tamId;
        if (command.actor.role !== 'ADMIN' && !isCurrentTam) throw forbidden('Only an ADMIN or the account’s current TAM can hand it over');
        if (!state.tamId) throw badUserInput('The account has no TAM to hand over from; use assignTam', 'accountId');
        if (!command.toTamIsRegistered) throw badUserInput(`${command.toTamId} is not a registered TAM`, 'toTamId');
        if (command.toTamId === state.tamId) throw badUserInput('The account is already with that TAM', 'toTamId');
        const notes = requireText(command.notes, 'notes', 20_000);
        return [
          {
            type: 'AccountHandedOver',
            data: { accountId: command.accountId, fromTamId: state.tamId, toTamId: command.toTamId, notes, handedOverBy: command.actor, handedOverAt: at },
          },
        ];
      }
      case 'UpdateAccountChannels': {
        const emailDomains = distinct(command.emailDomains.map((d, i) => requireEmailDomain(d, `input.emailDomains[${i}]`)));
        const imChannels = command.imChannels.map((channel, index) => ({
          workspaceId: requireText(channel.workspaceId, `input.imChannels[${index}].workspaceId`, 100),
          channelId: requireText(channel.channelId, `input.imChannels[${index}].channelId`, 100),
        }));
        if (command.takenElsewhere.length > 0) throw conflict(`Another account already has ${command.takenElsewhere.join(', ')}`);
        const key = (c: ImChannelRef) => `${c.workspaceId}/${c.channelId}`;
        const same = emailDomains.join('\n') === state.emailDomains.join('\n') && imChannels.map(key).join('\n') === state.imChannels.map(key).join('\n');
        if (same) return [];
        return [
          {
            type: 'AccountChannelsChanged',
            data: {
              accountId: command.accountId,
              emailDomains,
              imChannels,
              previousEmailDomains: state.emailDomains,
              previousImChannels: state.imChannels,
              changedBy: command.actor,
              changedAt: at,
            },
          },
        ];
      }
      default:
        return unreachable(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AccountRegistered':
        return { registered: true, tamId: null, emailDomains: event.data.emailDomains, imChannels: event.data.imChannels };
      case 'AccountChannelsChanged':
        return { ...state, emailDomains: event.data.emailDomains, imChannels: event.data.imChannels };
      case 'TamAssigned':
        return { ...state, tamId: event.data.tamId };
      case 'AccountHandedOver':
        return { ...state, tamId: event.data.toTamId };
      default:
        return unreachable(event);
    }
  },
};
