import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// An SMTP server in process, shared by the e-mail-out tests on the platform (test/email-out.e2e.spec.ts) and
// through the split deployment (test/gateway.e2e.spec.ts).

/** An SMTP server in the test: keeps every message it accepts; refuses the next `refuse` ones with a 451, the next `reject` ones with a 550. */
export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  refuse = 0;
  reject = 0;
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refuse > 0) {
            this.refuse -= 1;
            const error = new Error('try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          if (this.reject > 0) {
            this.reject -= 1;
            const error = new Error('5.1.1 mailbox unavailable') as Error & { responseCode: number };
            error.responseCode = 550;
            return callback(error);
          }
          void simpleParser(Buffer.concat(chunks)).then((mail) => {
            this.messages.push(mail);
            callback();
          });
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    return this;
  }

  async close() {
    await new Promise((resolve) => this.server?.close(() => resolve(null)));
  }
}

