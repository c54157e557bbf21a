import { missingDiagnostics } from '../domain/diagnostics.template.js';
import type { TicketRow } from '../application/tickets.queries.js';
import type { TicketType } from './ticket.types.js';

export function toTicketType(row: TicketRow): TicketType {
  const { attachments, ...rest } = row;
  const dispute = row.dispute;
  return {
    ...rest,
    attachmentRows: attachments.map((attachment) => ({ ...attachment, downloadPath: `/attachments/${attachment.id}` })),
    dispute: dispute
      ? {
          status: dispute['status'],
          raisedBy: dispute['raisedBy'],
          raisedAt: new Date(dispute['raisedAt']),
          reason: dispute['reason'],
          decidedBy: dispute['decidedBy'] ?? null,
          decidedAt: dispute['decidedAt'] ? new Date(dispute['decidedAt']) : null,
          decisionReason: dispute['decisionReason'] ?? null,
        }
      : null,
    diagnostics: { ...row.diagnostics, missing: missingDiagnostics(row.severity, row.diagnostics) },
  };
}
