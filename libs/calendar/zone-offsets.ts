import { IANAZone } from 'luxon';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './civil-date.js';

/** A stretch of UTC time [start, end) during which the zone's UTC offset is constant. */
export interface OffsetSegment {
  start: number;
  end: number;
  offsetMs: number;
}

/** Offsets at the start of a chunk and at every transition inside it. */
interface Chunk {
  startOffsetMs: number;
  transitionsAt: number[];
  offsetsAfter: number[];
}

const CHUNK_MS = 7 * DAY_MS;
/**
 * Offset changes are found by sampling luxon every 3 hours and bisecting each change to the millisecond.
 * Real zones never change offset twice within 3 hours, so no transition is missed.
 */
const SAMPLE_MS = 3 * HOUR_MS;

export function isKnownTimeZone(name: unknown): boolean {
  return typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name);
}

/**
 * UTC offsets of one IANA zone, from luxon (i.e. the runtime's tz database), memoised in weekly chunks:
 * luxon costs microseconds per lookup, so the hot path reads transitions from these chunks instead.
 */
export class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly chunks = new Map<number, Chunk>();

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
    if (!this.zone.isValid) throw new RangeError(`Unknown IANA time zone "${name}"`);
  }

  offsetAt(ms: number): number {
    const chunk = this.chunk(Math.floor(ms / CHUNK_MS));
    let offset = chunk.startOffsetMs;
    for (let i = 0; i < chunk.transitionsAt.length && chunk.transitionsAt[i]! <= ms; i++) offset = chunk.offsetsAfter[i]!;
    return offset;
  }

  /** The constant-offset segments covering [from, to), in order. */
  segments(from: number, to: number): OffsetSegment[] {
    const segments: OffsetSegment[] = [{ start: from, end: to, offsetMs: this.offsetAt(from) }];
    for (let k = Math.floor(from / CHUNK_MS); k * CHUNK_MS < to; k++) {
      const chunk = this.chunk(k);
      chunk.transitionsAt.forEach((at, i) => {
        if (at <= from || at >= to) return;
        segments[segments.length - 1]!.end = at;
        segments.push({ start: at, end: to, offsetMs: chunk.offsetsAfter[i]! });
      });
    }
    return segments;
  }

  private chunk(index: number): Chunk {
    let chunk = this.chunks.get(index);
    if (!chunk) {
      chunk = this.scanChunk(index * CHUNK_MS);
      this.chunks.set(index, chunk);
    }
    return chunk;
  }

  private scanChunk(start: number): Chunk {
    const end = start + CHUNK_MS;
    const chunk: Chunk = { startOffsetMs: this.luxonOffset(start), transitionsAt: [], offsetsAfter: [] };
    let before = start;
    let offsetBefore = chunk.startOffsetMs;
    for (let after = start + SAMPLE_MS; before < end; after += SAMPLE_MS) {
      const offsetAfter = this.luxonOffset(after);
      if (offsetAfter !== offsetBefore) {
        const at = this.bisectTransition(before, after, offsetBefore);
        if (at < end) {
          chunk.transitionsAt.push(at);
          chunk.offsetsAfter.push(offsetAfter);
        }
      }
      before = after;
      offsetBefore = offsetAfter;
    }
    return chunk;
  }

  /** The first millisecond in (lo, hi] whose offset differs from `offsetAtLo`. */
  private bisectTransition(lo: number, hi: number, offsetAtLo: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.luxonOffset(mid) === offsetAtLo) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private luxonOffset(ms: number): number {
    return Math.round(this.zone.offset(ms) * MINUTE_MS);
  }
}

const zoneOffsetsByName = new Map<string, ZoneOffsets>();

/** Shared per zone: the tz rules do not depend on any calendar, so every calendar reuses the scanned chunks. */
export function zoneOffsets(name: string): ZoneOffsets {
  let offsets = zoneOffsetsByName.get(name);
  if (!offsets) {
    offsets = new ZoneOffsets(name);
    zoneOffsetsByName.set(name, offsets);
  }
  return offsets;
}
