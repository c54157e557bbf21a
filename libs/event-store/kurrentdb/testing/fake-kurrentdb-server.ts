import { createRequire } from 'node:module';
import type * as GrpcModule from '@grpc/grpc-js';
import type * as ServerFeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import type * as SharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import type * as StreamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import type * as StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';

// The generated protobuf modules assign their exports at run time (invisible to ESM named imports): require them.
const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js') as typeof GrpcModule;
const protocols = '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1';
const { StreamsService } = require(`${protocols}/streams_grpc_pb.js`) as typeof StreamsGrpc;
const { ServerFeaturesService } = require(`${protocols}/serverfeatures_grpc_pb.js`) as typeof ServerFeaturesGrpc;
const { ReadReq, ReadResp, AppendReq, AppendResp } = require(`${protocols}/streams_pb.js`) as typeof StreamsPb;
const { Empty, StreamIdentifier, UUID } = require(`${protocols}/shared_pb.js`) as typeof SharedPb;

type ReadRequest = InstanceType<typeof ReadReq>;
type AppendRequest = InstanceType<typeof AppendReq>;
type Filter = InstanceType<typeof ReadReq.Options.FilterOptions>;

export interface FakeRecord {
  id: string;
  stream: string;
  revision: number;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  position: bigint;
  created: number;
}

export interface FakeKurrentDbOptions {
  /** Never answer the Node client's feature probe (sent without deadline before its first append). */
  hangFeatureProbe?: boolean;
}

/**
 * An in-memory stand-in for a KurrentDB node, speaking the real gRPC protocol to the real client (the Node
 * gRPC half and the native read bridge): stream and $all reads, appends with expected revisions and the
 * server's idempotency for exact revisions, and catch-up subscriptions to $all. Its semantics are this
 * adapter's reading of KurrentDB's (inclusive $all read positions, exclusive subscription checkpoints,
 * commit = prepare for each event); it tests the adapter's plumbing, not KurrentDB.
 */
export class FakeKurrentDb {
  readonly log: FakeRecord[] = [];
  private readonly streams = new Map<string, FakeRecord[]>();
  private readonly listeners = new Set<(record: FakeRecord) => void>();
  private nextPosition = 1000n;
  private server: GrpcModule.Server | null = null;
  port = 0;

  constructor(private readonly options: FakeKurrentDbOptions = {}) {
    // What a real node has in $all besides user events: system streams and system event types.
    this.write('$settings', [{ id: '00000000-0000-4000-8000-000000000001', type: '$settings', data: '{}', metadata: '' }]);
    this.write('$projections-$all', [{ id: '00000000-0000-4000-8000-000000000002', type: 'ProjectionUpdated', data: '{}', metadata: '' }]);
  }

  get connectionString(): string {
    return `kurrentdb://127.0.0.1:${this.port}?tls=false`;
  }

  async start(): Promise<this> {
    const server = new grpc.Server();
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (call: GrpcModule.ServerUnaryCall<unknown, unknown>, callback: GrpcModule.sendUnaryData<unknown>) => {
        const agent = String(call.metadata.get('user-agent')[0] ?? '');
        if (this.options.hangFeatureProbe && agent.startsWith('grpc-node-js')) return;
        callback({ code: grpc.status.UNIMPLEMENTED, details: 'fake server: no feature list' });
      },
    });
    server.addService(StreamsService, {
      read: (call: GrpcModule.ServerWritableStream<ReadRequest, unknown>) => this.read(call),
      append: (call: GrpcModule.ServerReadableStream<AppendRequest, unknown>, callback: GrpcModule.sendUnaryData<unknown>) =>
        this.append(call, callback),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    this.server?.forceShutdown();
    this.server = null;
  }

  /** Appends behind the adapter's back (another writer, or a system event). */
  write(stream: string, events: { id: string; type: string; data: string | Uint8Array; metadata: string | Uint8Array }[]): FakeRecord[] {
    const existing = this.streams.get(stream) ?? [];
    this.streams.set(stream, existing);
    const written = events.map((event) => {
      const record: FakeRecord = {
        id: event.id.toLowerCase(),
        stream,
        revision: existing.length,
        type: event.type,
        contentType: 'application/json',
        data: typeof event.data === 'string' ? Buffer.from(event.data) : event.data,
        metadata: typeof event.metadata === 'string' ? Buffer.from(event.metadata) : event.metadata,
        position: this.nextPosition,
        created: Date.now(),
      };
      this.nextPosition += 137n;
      existing.push(record);
      this.log.push(record);
      return record;
    });
    for (const record of written) for (const listener of this.listeners) listener(record);
    return written;
  }

  private append(call: GrpcModule.ServerReadableStream<AppendRequest, unknown>, callback: GrpcModule.sendUnaryData<unknown>): void {
    let options: InstanceType<typeof AppendReq.Options> | undefined;
    const proposed: FakeRecord[] = [];
    call.on('data', (request: AppendRequest) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (!message) return;
      const metadata = message.getMetadataMap();
      proposed.push({
        id: message.getId()!.getString().toLowerCase(),
        stream: '',
        revision: -1,
        type: metadata.get('type') ?? '',
        contentType: metadata.get('content-type') ?? 'application/json',
        data: message.getData_asU8(),
        metadata: message.getCustomMetadata_asU8(),
        position: 0n,
        created: 0,
      });
    });
    call.on('end', () => {
      const stream = Buffer.from(options!.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
      const existing = this.streams.get(stream) ?? [];
      const current = existing.length - 1;
      const Case = AppendReq.Options.ExpectedStreamRevisionCase;
      const expectedCase = options!.getExpectedStreamRevisionCase();
      const expected =
        expectedCase === Case.REVISION ? Number(options!.getRevision()) : expectedCase === Case.NO_STREAM ? -1 : null;
      const response = new AppendResp();
      // Idempotency: the same ids right after the expected revision (or anywhere, for 'any') answer from the record.
      const from = expected !== null ? expected + 1 : existing.findIndex((record) => record.id === proposed[0]?.id);
      const repeat =
        from >= 0 && proposed.length > 0 && proposed.every((event, index) => existing[from + index]?.id === event.id)
          ? existing.slice(from, from + proposed.length)
          : null;
      const success = (last: FakeRecord) => {
        const ok = new AppendResp.Success();
        ok.setCurrentRevision(String(last.revision));
        const position = new AppendResp.Position();
        position.setCommitPosition(String(last.position));
        position.setPreparePosition(String(last.position));
        ok.setPosition(position);
        response.setSuccess(ok);
        callback(null, response);
      };
      if (repeat) {
        success(repeat[repeat.length - 1]!);
        return;
      }
      if (expected !== null && expected !== current) {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (current === -1) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentRevision(String(current));
        if (expected === -1) wrong.setExpectedNoStream(new Empty());
        else wrong.setExpectedRevision(String(expected));
        response.setWrongExpectedVersion(wrong);
        callback(null, response);
        return;
      }
      const written = this.write(stream, proposed);
      success(written[written.length - 1]!);
    });
  }

  private read(call: GrpcModule.ServerWritableStream<ReadRequest, unknown>): void {
    const options = call.request.getOptions()!;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = options.hasCount() ? Number(options.getCount()) : Number.MAX_SAFE_INTEGER;
    if (options.hasStream()) {
      const stream = options.getStream()!;
      const name = Buffer.from(stream.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
      const records = this.streams.get(name);
      if (!records) {
        const notFound = new ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(stream.getStreamIdentifier());
        const response = new ReadResp();
        response.setStreamNotFound(notFound);
        call.write(response);
        call.end();
        return;
      }
      const from = stream.hasRevision() ? Number(stream.getRevision()) : stream.hasEnd() ? Number.MAX_SAFE_INTEGER : backwards ? -1 : 0;
      const selected = backwards
        ? records.filter((record) => record.revision <= from).reverse()
        : records.filter((record) => record.revision >= from);
      for (const record of selected.slice(0, count)) call.write(this.toResponse(record));
      call.end();
      return;
    }

    const all = options.getAll()!;
    const position = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : null;
    const accepts = filterOf(options.hasFilter() ? options.getFilter()! : null);
    if (options.hasSubscription()) {
      this.subscribe(call, all.hasEnd() ? this.nextPosition : position, accepts);
      return;
    }
    let selected: FakeRecord[];
    if (backwards) selected = this.log.filter((record) => all.hasEnd() || (position !== null && record.position < position)).reverse();
    else selected = this.log.filter((record) => position === null || record.position >= position); // inclusive, as KurrentDB
    for (const record of selected.filter(accepts).slice(0, count)) call.write(this.toResponse(record));
    call.end();
  }

  private subscribe(call: GrpcModule.ServerWritableStream<ReadRequest, unknown>, after: bigint | null, accepts: (record: FakeRecord) => boolean): void {
    const confirmation = new ReadResp();
    const confirmed = new ReadResp.SubscriptionConfirmation();
    confirmed.setSubscriptionId('fake');
    confirmation.setConfirmation(confirmed);
    call.write(confirmation);
    const listener = (record: FakeRecord) => {
      if (accepts(record)) call.write(this.toResponse(record));
    };
    for (const record of this.log) if ((after === null || record.position > after) && accepts(record)) call.write(this.toResponse(record));
    const caughtUp = new ReadResp();
    caughtUp.setCaughtUp(new ReadResp.CaughtUp());
    call.write(caughtUp);
    this.listeners.add(listener);
    const stop = () => this.listeners.delete(listener);
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
  }

  private toResponse(record: FakeRecord): InstanceType<typeof ReadResp> {
    const recorded = new ReadResp.ReadEvent.RecordedEvent();
    const id = new UUID();
    id.setString(record.id);
    recorded.setId(id);
    const stream = new StreamIdentifier();
    stream.setStreamName(Buffer.from(record.stream, 'utf8'));
    recorded.setStreamIdentifier(stream);
    recorded.setStreamRevision(String(record.revision));
    recorded.setCommitPosition(String(record.position));
    recorded.setPreparePosition(String(record.position));
    recorded.getMetadataMap().set('type', record.type);
    recorded.getMetadataMap().set('content-type', record.contentType);
    recorded.getMetadataMap().set('created', String(BigInt(record.created) * 10_000n));
    recorded.setData(record.data);
    recorded.setCustomMetadata(record.metadata);
    const event = new ReadResp.ReadEvent();
    event.setEvent(recorded);
    event.setCommitPosition(String(record.position));
    const response = new ReadResp();
    response.setEvent(event);
    return response;
  }
}

function filterOf(filter: Filter | null): (record: FakeRecord) => boolean {
  if (!filter) return () => true;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : null;
  const prefixes = expression.getPrefixList();
  return (record) => {
    const value = onStream ? record.stream : record.type;
    return regex ? regex.test(value) : prefixes.some((prefix) => value.startsWith(prefix));
  };
}
