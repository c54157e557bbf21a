import { describe, it } from 'vitest';
import type { AccountEvent } from '#contracts';
import { deciderSpec } from '../../platform-kit/commands/decider-spec.js';
import { accountDecider } from './account.decider.js';

const now = new Date('2026-02-13T09:00:00Z');
const admin = { id: 'admin', role: 'ADMIN' as const };
const registered: AccountEvent = {
  type: 'AccountRegistered',
  data: { accountId: 'a1', name: 'Acme', region: 'APAC', timeZone: 'Asia/Shanghai', emailDomains: [], imChannels: [], registeredBy: admin, registeredAt: now.toISOString() },
};
const withTam: AccountEvent = { type: 'TamAssigned', data: { accountId: 'a1', tamId: 't1', previousTamId: null, assignedBy: admin, assignedAt: now.toISOString() } };
const spec = deciderSpec(accountDecider);
const handOver = (actor: { id: string; role: 'ADMIN' | 'TAM' | 'ENGINEER' }, extra = {}) => ({
  type: 'HandOverAccount' as const,
  accountId: 'a1',
  toTamId: 't2',
  toTamIsRegistered: true,
  notes: 'peak on 11-11',
  actor,
  now,
  ...extra,
});

describe('account decider', () => {
  it('hands over from the current TAM, keeping the notes', () => {
    spec.given([registered, withTam]).when(handOver({ id: 't1', role: 'TAM' })).then([
      {
        type: 'AccountHandedOver',
        data: { accountId: 'a1', fromTamId: 't1', toTamId: 't2', notes: 'peak on 11-11', handedOverBy: { id: 't1', role: 'TAM' }, handedOverAt: now.toISOString() },
      },
    ]);
  });
  it('refuses a handover by another TAM', () => {
    spec.given([registered, withTam]).when(handOver({ id: 't9', role: 'TAM' })).thenRefuses('FORBIDDEN');
  });
  it('refuses a handover with no TAM to hand over from', () => {
    spec.given([registered]).when(handOver(admin)).thenRefuses('BAD_USER_INPUT', /assignTam/);
  });
  it('refuses a handover to someone who is not a TAM', () => {
    spec.given([registered, withTam]).when(handOver(admin, { toTamIsRegistered: false })).thenRefuses('BAD_USER_INPUT');
  });
  it('records nothing when the TAM is assigned again', () => {
    spec.given([registered, withTam]).when({ type: 'AssignTam', accountId: 'a1', tamId: 't1', tamIsRegistered: true, actor: admin, now }).then([]);
  });
  it('refuses commands for an account that does not exist', () => {
    spec.given([]).when({ type: 'AssignTam', accountId: 'a1', tamId: 't1', tamIsRegistered: true, actor: admin, now }).thenRefuses('NOT_FOUND');
  });
});
