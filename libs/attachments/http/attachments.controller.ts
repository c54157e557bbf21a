import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import busboy from 'busboy';
import { badUserInput, forbidden } from '#contracts';
import { Public, RestExceptionFilter, TokenService } from '#platform-kit';
import { expectedContent, uploadContentType, uploadFileName } from '../domain/upload-rules.js';
import type { StagedFile } from '../storage/attachment-storage.port.js';
import { Uploads, type UploadReceipt } from '../application/uploads.service.js';

/** The little of express's response the download needs. */
interface DownloadResponse {
  attachment(fileName: string): DownloadResponse;
  setHeader(name: string, value: string | number): DownloadResponse;
  status(code: number): DownloadResponse;
}

/**
 * `POST /attachments`: a file as the raw body (`?fileName=…`, its Content-Type) or as the one file part of a
 * multipart/form-data body; optional `sha256` and `size` (query or form fields) are checked against what
 * arrived. `GET /attachments/{id}`: an attached file, for whoever may see it. Both take a bearer token.
 */
@Controller('attachments')
@UseFilters(RestExceptionFilter)
export class AttachmentsController {
  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(Uploads) private readonly uploads: Uploads,
  ) {}

  // Authenticated here, as REST endpoints are (the GraphQL guard's context does not exist for them).
  @Public()
  @Post()
  @HttpCode(201)
  async upload(
    @Req() request: IncomingMessage,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
  ): Promise<Pick<UploadReceipt, 'id' | 'sha256' | 'size'>> {
    const principal = await this.tokens.fromAuthorization(authorization);
    if (principal.role === 'AUDITOR') throw forbidden('Auditors read; they do not upload');
    const type = String(request.headers['content-type'] ?? '');
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : null);
    let staged: StagedFile;
    let fields: Record<string, string> = {};
    let fileName: string | null = text('fileName');
    let contentType = type;
    if (/^multipart\/form-data\s*;/i.test(type)) {
      const received = await this.multipart(request);
      staged = received.staged;
      fields = received.fields;
      fileName = fields['fileName'] ?? received.fileName ?? fileName;
      contentType = received.contentType;
    } else {
      staged = await this.uploads.stage(request);
    }
    try {
      const expected = expectedContent(fields['sha256'] ?? text('sha256'), fields['size'] ?? text('size'));
      const receipt = await this.uploads.record(principal, staged, { fileName: uploadFileName(fileName), contentType: uploadContentType(contentType), expected });
      return { id: receipt.id, sha256: receipt.sha256, size: receipt.size };
    } finally {
      await staged.discard();
    }
  }

  /** The one file part of a multipart body, staged while the body streams; the form's text fields beside it. */
  private multipart(request: IncomingMessage): Promise<{ staged: StagedFile; fields: Record<string, string>; fileName: string | null; contentType: string }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: request.headers, limits: { files: 1, fields: 10, fieldSize: 1024, parts: 12 } });
      } catch {
        reject(badUserInput('The multipart body has no boundary', 'body'));
        return;
      }
      const fields: Record<string, string> = {};
      let file: Promise<{ staged: StagedFile; fileName: string | null; contentType: string }> | null = null;
      parser.on('field', (name, value) => {
        fields[name] = value;
      });
      parser.on('file', (_name, stream: Readable, info) => {
        if (file) {
          stream.resume();
          return;
        }
        file = this.uploads.stage(stream).then((staged) => ({ staged, fileName: info.filename ?? null, contentType: info.mimeType }));
        file.catch(() => undefined);
      });
      parser.on('error', () => reject(badUserInput('The multipart body is malformed', 'body')));
      parser.on('close', () => {
        if (!file) return reject(badUserInput('The multipart body has no file part', 'file'));
        file.then((received) => resolve({ ...received, fields }), reject);
      });
      request.pipe(parser);
    });
  }

  @Public()
  @Get(':id')
  async download(@Param('id') id: string, @Headers('authorization') authorization: string | undefined, @Res() response: DownloadResponse & NodeJS.WritableStream): Promise<void> {
    const principal = await this.tokens.fromAuthorization(authorization);
    const file = await this.uploads.attachedFile(principal, id);
    // Always a download, never rendered: a log or an HTML file from a customer must not run in our origin.
    response
      .status(200)
      .attachment(file.fileName)
      .setHeader('content-type', file.contentType)
      .setHeader('content-length', file.size)
      .setHeader('x-content-type-options', 'nosniff')
      .setHeader('content-security-policy', "default-src 'none'; sandbox")
      .setHeader('cache-control', 'private, no-store');
    await pipeline(file.stream, response);
  }
}
