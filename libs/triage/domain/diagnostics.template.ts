import type { Diagnostics, Severity } from '#contracts';

/**
 * What a good report holds, per severity: an outage (P0/P1) needs the SDK and version, the platform, an
 * error code or reproduction steps, and logs; P2 the SDK, version and platform; P3 nothing.
 */
export function missingDiagnostics(severity: Severity, diagnostics: Diagnostics): string[] {
  const missing: string[] = [];
  const has = (value: string | null) => value !== null && value.trim().length > 0;
  if (severity === 'P3') return missing;
  if (!has(diagnostics.sdkName)) missing.push('sdkName');
  if (!has(diagnostics.sdkVersion)) missing.push('sdkVersion');
  if (!has(diagnostics.platform)) missing.push('platform');
  if (severity === 'P2') return missing;
  if (!has(diagnostics.errorCode) && !has(diagnostics.reproSteps)) missing.push('errorCode or reproSteps');
  if (diagnostics.logUrls.length === 0) missing.push('logUrls');
  return missing;
}
