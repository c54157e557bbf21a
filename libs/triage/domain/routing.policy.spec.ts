import { describe, expect, it } from 'vitest';
import { routeTicket, type RoutingCandidate } from './routing.policy.js';

const engineer = (id: string, overrides: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  id,
  regions: ['APAC'],
  skills: [],
  onShift: true,
  openTickets: 0,
  ...overrides,
});

describe('routing policy', () => {
  it('prefers an on-shift regional engineer with the platform skill, then the fewest open tickets', () => {
    const decision = routeTicket({
      severity: 'P2',
      region: 'APAC',
      platform: 'ios',
      accountTamId: 'tam',
      engineers: [engineer('a', { openTickets: 0 }), engineer('b', { skills: ['iOS'], openTickets: 5 }), engineer('c', { skills: ['iOS'], openTickets: 2 })],
    });
    expect(decision?.assigneeId).toBe('c');
    expect(decision?.reason).toMatch(/ios skill/);
  });

  it('falls back to the least loaded on-shift engineer when nobody has the skill', () => {
    const decision = routeTicket({ severity: 'P1', region: 'APAC', platform: 'Windows', accountTamId: null, engineers: [engineer('a', { openTickets: 3 }), engineer('b', { openTickets: 1 })] });
    expect(decision?.assigneeId).toBe('b');
  });

  it('ignores engineers of other regions and engineers off shift', () => {
    const engineers = [engineer('emea', { regions: ['EMEA'] }), engineer('asleep', { onShift: false })];
    expect(routeTicket({ severity: 'P0', region: 'APAC', platform: null, accountTamId: 'tam', engineers })?.assigneeId).toBe('tam');
    expect(routeTicket({ severity: 'P0', region: 'APAC', platform: null, accountTamId: null, engineers })).toBeNull();
    expect(routeTicket({ severity: 'P3', region: 'APAC', platform: null, accountTamId: 'tam', engineers })?.assigneeId).toBe('asleep');
  });

  it('breaks ties by id so the choice is reproducible', () => {
    const engineers = [engineer('z'), engineer('m'), engineer('q')];
    expect(routeTicket({ severity: 'P2', region: 'APAC', platform: null, accountTamId: null, engineers })?.assigneeId).toBe('m');
  });
});
