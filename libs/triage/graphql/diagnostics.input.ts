import { Field, InputType } from '@nestjs/graphql';

/** Shared by triage (`addDiagnostics`) and intake (`openTicket`): an input both subgraphs accept alike. */
@InputType('DiagnosticsInput', { description: 'Technical details of a report; fields left out keep their value (added diagnostics merge, log URLs accumulate)' })
export class DiagnosticsInput {
  @Field(() => String, { description: 'the SDK in use, e.g. an SDK’s package name', nullable: true }) sdkName?: string | null;
  @Field(() => String, { description: 'its version', nullable: true }) sdkVersion?: string | null;
  @Field(() => String, { description: 'the platform, e.g. iOS or Android', nullable: true }) platform?: string | null;
  @Field(() => String, { description: 'the operating system version', nullable: true }) osVersion?: string | null;
  @Field(() => String, { description: 'the device model', nullable: true }) deviceModel?: string | null;
  @Field(() => String, { description: 'the network, e.g. WIFI or 4G', nullable: true }) networkType?: string | null;
  @Field(() => String, { description: 'the error code seen', nullable: true }) errorCode?: string | null;
  @Field(() => String, { description: 'steps to reproduce', nullable: true }) reproSteps?: string | null;
  @Field(() => [String], { description: 'links to logs', nullable: true }) logUrls?: string[] | null;
}
