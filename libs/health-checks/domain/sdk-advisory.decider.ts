import { badUserInput, type Actor, type SdkAdvisoryPublished, type Severity } from '#contracts';
import type { Decider } from '#platform-kit';

export interface PublishSdkAdvisory {
  type: 'PublishSdkAdvisory';
  advisoryId: string;
  sdkName: string;
  /** Already checked as a semver range by the handler (sdk-versions.ts). */
  affectedVersions: string;
  fixedIn: string | null;
  severity: Severity;
  summary: string;
  affectedAccountIds: string[];
  actor: Actor;
  now: Date;
}

/** An SDK advisory: published once; which accounts it touches is recorded as it stood then. */
export const sdkAdvisoryDecider: Decider<PublishSdkAdvisory, { published: boolean }, SdkAdvisoryPublished> = {
  initialState: { published: false },
  decide(command, state) {
    if (state.published) return [];
    const sdkName = command.sdkName.trim();
    if (!sdkName || sdkName.length > 100) throw badUserInput('sdkName must be 1-100 characters', 'input.sdkName');
    const summary = command.summary.trim();
    if (!summary || summary.length > 10_000) throw badUserInput('summary must be 1-10000 characters', 'input.summary');
    return [
      {
        type: 'SdkAdvisoryPublished',
        data: {
          advisoryId: command.advisoryId,
          sdkName,
          affectedVersions: command.affectedVersions,
          fixedIn: command.fixedIn,
          severity: command.severity,
          summary,
          affectedAccountIds: command.affectedAccountIds,
          publishedBy: command.actor,
          publishedAt: command.now.toISOString(),
        },
      },
    ];
  },
  evolve: () => ({ published: true }),
};
