import PDFDocument from 'pdfkit';
import type { StatementFigures, StatementRow } from '#contracts';

/** What a rendered statement shows besides its figures. */
export interface RenderedStatement {
  accountId: string;
  accountName: string | null;
  month: string;
  timeZone: string;
  status: 'DRAFT' | 'ISSUED';
  issuedAt: Date | null;
  revisions: number;
  figures: StatementFigures;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (value: number | null) => (value === null ? '—' : String(value));
const pct = (value: number | null) => (value === null ? '—' : `${value}%`);
const money = (m: { amount: number; currency: string }) => `${m.amount.toFixed(2)} ${m.currency}`;
const title = (s: RenderedStatement) => `SLA statement ${s.month} — ${s.accountName ?? s.accountId}`;
const statusLine = (s: RenderedStatement) =>
  s.status === 'ISSUED'
    ? `Issued ${s.issuedAt!.toISOString()}${s.revisions ? `, revised ${s.revisions} time${s.revisions === 1 ? '' : 's'} since` : ''}`
    : 'DRAFT — figures as the log stands now, not issued';

/** Attainment per severity as an inline SVG bar chart (no script, no external resource). */
function attainmentChart(rows: readonly StatementRow[]): string {
  const barHeight = 28;
  const width = 520;
  const left = 60;
  const scale = (width - left - 70) / 100;
  const bars = rows.map((row, index) => {
    const y = 10 + index * (barHeight + 12);
    const value = row.attainmentPercent;
    const w = value === null ? 0 : Math.max(1, value * scale);
    return `<g><text x="0" y="${y + 19}" font-size="14">${escape(row.severity ?? '')}</text>`
      + `<rect x="${left}" y="${y}" width="${(100 * scale).toFixed(1)}" height="${barHeight}" fill="#eee"/>`
      + `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${value !== null && value < 95 ? '#c0392b' : '#27ae60'}"/>`
      + `<text x="${left + 100 * scale + 8}" y="${y + 19}" font-size="14">${pct(value)}</text></g>`;
  });
  const height = 20 + rows.length * (barHeight + 12);
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="SLA attainment per severity" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars.join('')}</svg>`;
}

const ROW_HEADERS = ['Severity', 'Met', 'Missed', 'Attainment', 'Promised min (mean/p50/p90)', 'Actual min (mean/p50/p90)', 'Resolved', 'Mean min to resolve', 'Median min to resolve', 'Reopen rate', 'First-contact resolution'];
const rowCells = (label: string, r: StatementRow) => [
  label, String(r.met), String(r.missed), pct(r.attainmentPercent),
  `${num(r.promisedMinutes.mean)} / ${num(r.promisedMinutes.p50)} / ${num(r.promisedMinutes.p90)}`,
  `${num(r.actualMinutes.mean)} / ${num(r.actualMinutes.p50)} / ${num(r.actualMinutes.p90)}`,
  String(r.resolvedTickets), num(r.meanMinutesToResolve), num(r.medianMinutesToResolve), pct(r.reopenRatePercent), pct(r.firstContactResolutionPercent),
];
const BREACH_HEADERS = ['Ticket', 'Clock', 'Cycle', 'Severity', 'State', 'Due', 'Minutes late', 'Claim', 'Proposed credit', 'Approved credit'];
const breachCells = (b: StatementFigures['breaches'][number]) => [
  b.ticketId, b.metric, String(b.cycle), b.severity, b.state, b.dueAt, String(b.minutesLate), b.claimStatus ?? 'not claimed',
  b.proposedCredit ? money(b.proposedCredit) : '—', b.credit ? money(b.credit) : '—',
];

/** A printable, self-contained HTML page: no script, no stylesheet or font from elsewhere. */
export function statementHtml(s: RenderedStatement): string {
  const f = s.figures;
  const table = (headers: string[], rows: string[][], id: string) =>
    `<table id="${id}"><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>`
    + rows.map((cells) => `<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')
    + '</tbody></table>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title(s))}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; }
th { background: #f3f3f3; }
@media print { body { margin: 0; } @page { size: A4 landscape; margin: 15mm; } }
</style></head>
<body>
<h1>${escape(title(s))}</h1>
<p id="status">${escape(statusLine(s))}. Month in ${escape(s.timeZone)}. Contract versions in force: ${escape(f.contractVersions.join(', ') || 'none')}.</p>
<h2>Summary</h2>
<dl id="summary">
<dt>Met</dt><dd id="met">${f.totals.met}</dd>
<dt>Missed</dt><dd id="missed">${f.totals.missed}</dd>
<dt>Attainment</dt><dd id="attainment">${pct(f.totals.attainmentPercent)}</dd>
<dt>Proposed credits</dt><dd id="proposed-credits">${money(f.proposedCredits)}</dd>
<dt>Approved credits</dt><dd id="approved-credits">${money(f.approvedCredits)}</dd>
<dt>Monthly credit cap</dt><dd id="credit-cap">${money(f.creditCap)}</dd>
</dl>
<h2>Attainment per severity</h2>
${attainmentChart(f.bySeverity)}
${table(ROW_HEADERS, [rowCells('All', f.totals), ...f.bySeverity.map((r) => rowCells(r.severity ?? '', r))], 'figures')}
<h2>Breaches</h2>
${f.breaches.length ? table(BREACH_HEADERS, f.breaches.map(breachCells), 'breaches') : '<p id="breaches">No clock missed its target this month.</p>'}
</body></html>
`;
}

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One line per figures row (ALL, then each severity) and per breach, with a `kind` column. */
export function statementCsv(s: RenderedStatement): string {
  const header = ['kind', 'account_id', 'month', 'status', 'severity', 'met', 'missed', 'attainment_percent', 'promised_mean', 'promised_p50', 'promised_p90',
    'actual_mean', 'actual_p50', 'actual_p90', 'resolved_tickets', 'mean_minutes_to_resolve', 'median_minutes_to_resolve', 'reopen_rate_percent',
    'first_contact_resolution_percent', 'ticket_id', 'metric', 'cycle', 'state', 'due_at', 'minutes_late', 'claim_status', 'proposed_credit', 'approved_credit', 'currency'];
  const base = [s.accountId, s.month, s.status];
  const figures = (kind: string, r: StatementRow) => [kind, ...base, r.severity ?? 'ALL', r.met, r.missed, r.attainmentPercent, r.promisedMinutes.mean, r.promisedMinutes.p50,
    r.promisedMinutes.p90, r.actualMinutes.mean, r.actualMinutes.p50, r.actualMinutes.p90, r.resolvedTickets, r.meanMinutesToResolve, r.medianMinutesToResolve,
    r.reopenRatePercent, r.firstContactResolutionPercent, '', '', '', '', '', '', '', '', '', s.figures.creditCap.currency];
  const lines = [
    header,
    figures('TOTAL', s.figures.totals),
    ...s.figures.bySeverity.map((r) => figures('SEVERITY', r)),
    ...s.figures.breaches.map((b) => ['BREACH', ...base, b.severity, ...Array(14).fill(''), b.ticketId, b.metric, b.cycle, b.state, b.dueAt, b.minutesLate,
      b.claimStatus ?? '', b.proposedCredit?.amount ?? '', b.credit?.amount ?? '', b.proposedCredit?.currency ?? b.credit?.currency ?? '']),
  ];
  return lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The same statement as a PDF (pdfkit: vector text and a drawn bar chart, standard fonts, no browser). */
export function statementPdf(s: RenderedStatement): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title(s), Producer: 'Ledgerdesk' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const f = s.figures;
    doc.font('Helvetica-Bold').fontSize(16).text(title(s));
    doc.font('Helvetica').fontSize(10).text(`${statusLine(s)}. Month in ${s.timeZone}. Contract versions in force: ${f.contractVersions.join(', ') || 'none'}.`);
    doc.moveDown();
    doc.fontSize(11).text(`Met: ${f.totals.met}   Missed: ${f.totals.missed}   Attainment: ${pct(f.totals.attainmentPercent)}`);
    doc.text(`Proposed credits: ${money(f.proposedCredits)}   Approved credits: ${money(f.approvedCredits)}   Monthly cap: ${money(f.creditCap)}`);
    doc.text(`Resolved: ${f.totals.resolvedTickets}   Mean minutes to resolve: ${num(f.totals.meanMinutesToResolve)}   Reopen rate: ${pct(f.totals.reopenRatePercent)}   First-contact resolution: ${pct(f.totals.firstContactResolutionPercent)}`);
    doc.moveDown();
    doc.font('Helvetica-Bold').text('Attainment per severity');
    doc.font('Helvetica');
    let y = doc.y + 6;
    for (const row of f.bySeverity) {
      const value = row.attainmentPercent ?? 0;
      doc.fillColor('black').text(row.severity ?? '', 40, y + 3, { lineBreak: false });
      doc.rect(80, y, 300, 16).fill('#eeeeee');
      if (row.attainmentPercent !== null) doc.rect(80, y, Math.max(1, value * 3), 16).fill(value < 95 ? '#c0392b' : '#27ae60');
      doc.fillColor('black').text(`${pct(row.attainmentPercent)} (${row.met} met, ${row.missed} missed)`, 390, y + 3, { lineBreak: false });
      y += 22;
    }
    doc.x = 40;
    doc.y = y + 10;
    doc.font('Helvetica-Bold').text('Breaches');
    doc.font('Helvetica').fontSize(9);
    if (f.breaches.length === 0) doc.text('No clock missed its target this month.');
    for (const b of f.breaches) {
      doc.text(`${b.dueAt}  ${b.severity} ${b.metric} #${b.cycle}  ${b.state}  ${b.minutesLate} min late  ticket ${b.ticketId}  claim: ${b.claimStatus ?? 'not claimed'}${b.credit ? `, credit ${money(b.credit)}` : b.proposedCredit ? `, proposed ${money(b.proposedCredit)}` : ''}`);
    }
    doc.end();
  });
}
