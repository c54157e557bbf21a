// The e-mail channel's own facts (intake), on streams `email-bounce-<id>`. schemaVersion 1.

/** One recipient's entry of a delivery status notification (RFC 3464 §2.3). */
export interface ReportedRecipient {
  /** Final-Recipient (or Original-Recipient), lowercase; null when the report names none. */
  recipient: string | null;
  /** `failed` or `delayed` (RFC 3464 §2.3.3), lowercase. */
  action: string;
  /** The enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  /** The Diagnostic-Code (at most 1 KiB). */
  diagnostic: string | null;
}

/**
 * A delivery status notification (RFC 3464: multipart/report; report-type=delivery-status) came in on
 * `POST /channels/email` naming one or more of the platform's own Message-IDs (`<uuid@from-domain>`). The e-mail
 * channel records the report as it read it; the outbound context's reactor (`outbound.bounces`) turns it into
 * `DeliveryBounced` on the delivery it names, when that is an e-mail delivery. One per report: the stream and the
 * event id derive from the report's Message-ID (or the SHA-256 of the raw report), so a redelivered report records
 * nothing.
 */
export interface BounceReported {
  type: 'BounceReported';
  data: {
    /** The report's own Message-ID (`sha256:<hex>` of the raw message when it has none). */
    reportMessageId: string;
    /** The platform's Message-IDs the report names (returned message, In-Reply-To, References), in the order found. */
    messageIds: string[];
    /** One entry per reported recipient (at least one: a report without per-recipient fields counts as `failed`). */
    recipients: ReportedRecipient[];
    reportedAt: string;
  };
}

export const emailChannelStreams = {
  bounce: (reportKey: string) => `email-bounce-${reportKey}`,
} as const;

/** The platform's outgoing Message-IDs are `<delivery-id@from-domain>` (outbound's email-reply.ts chooses them). */
export const PLATFORM_MESSAGE_ID = /^<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@([^>]+)>$/i;
