import type { Severity } from '#contracts';

export interface RoutingCandidate {
  id: string;
  regions: string[];
  skills: string[];
  /** Is their shift calendar open now? (No shift calendar: always available.) */
  onShift: boolean;
  openTickets: number;
}

export interface RoutingRequest {
  severity: Severity;
  region: string;
  platform: string | null;
  engineers: RoutingCandidate[];
  accountTamId: string | null;
}

export type RoutingDecision = { assigneeId: string; reason: string } | null;

/**
 * Who gets a new ticket: engineers on shift in the account's region, preferring a skill that matches the
 * reported platform, then the fewest open tickets (then id, so the choice is reproducible). P0/P1 must reach
 * someone on shift, else the account's TAM; P2/P3 may wait for the next shift of a regional engineer.
 */
export function routeTicket(request: RoutingRequest): RoutingDecision {
  const regional = request.engineers.filter((engineer) => engineer.regions.includes(request.region));
  const onShift = regional.filter((engineer) => engineer.onShift);
  const urgent = request.severity === 'P0' || request.severity === 'P1';
  if (onShift.length > 0) return pick(onShift, request.platform, `on shift in ${request.region}`);
  if (urgent) {
    return request.accountTamId
      ? { assigneeId: request.accountTamId, reason: `${request.severity} with no engineer on shift in ${request.region}: the account's TAM` }
      : null;
  }
  if (regional.length > 0) return pick(regional, request.platform, `in ${request.region}, for their next shift`);
  return request.accountTamId ? { assigneeId: request.accountTamId, reason: `no engineer in ${request.region}: the account's TAM` } : null;
}

function pick(candidates: RoutingCandidate[], platform: string | null, why: string): RoutingDecision {
  const wanted = platform?.trim().toLowerCase() ?? null;
  const skilled = wanted ? candidates.filter((c) => c.skills.some((skill) => skill.toLowerCase() === wanted)) : [];
  const pool = skilled.length > 0 ? skilled : candidates;
  const [best] = [...pool].sort((a, b) => a.openTickets - b.openTickets || a.id.localeCompare(b.id));
  const skillNote = skilled.length > 0 ? `, ${platform} skill` : '';
  return { assigneeId: best!.id, reason: `auto-routed: ${why}${skillNote}, ${best!.openTickets} open tickets` };
}
