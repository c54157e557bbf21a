/** The quiet-period timer of a resolved ticket: one per ticket, moved by each resolution, dropped by a reopening. */
export const TICKET_AUTO_CLOSE_TIMER = 'ticket-auto-close';
export const autoCloseTimerId = (ticketId: string) => `${TICKET_AUTO_CLOSE_TIMER}:${ticketId}`;
