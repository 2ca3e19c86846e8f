/**
 * A LogQueryable over several tenants' log stores, as Loki's multi-tenant queries: every
 * stream gains `__tenant_id__="<tenant>"`, matchers on it choose the tenants read, and the
 * tenants' records are merged in time order in the direction asked. One tenant reads its own
 * store directly (no label is added). Bucket pushdown is left out: the engine then counts
 * through `select()`, which is correct.
 */
import type { Labels } from "../../shared/model/labels.ts";
import { splitTenantMatchers, withTenant } from "../storage/federated.ts";
import type { LabelMatcher } from "../storage/storage.ts";
import type { LogChunk, LogQuerier, LogQueryable, LogSelectParams } from "./source.ts";

/** Records per merged chunk. */
const CHUNK = 1024;

/** The log store of `tenants`: the one tenant's own, or a federation of them. */
export function tenantsLogQueryable(
  tenants: readonly string[],
  byTenant: (tenant: string) => LogQueryable,
): LogQueryable {
  if (tenants.length === 1) return byTenant(tenants[0] as string);
  return { querier: () => FederatedLogQuerier.open(tenants, byTenant), tenants };
}

class FederatedLogQuerier implements LogQuerier {
  private constructor(private readonly parts: ReadonlyMap<string, LogQuerier>) {}

  static async open(
    tenants: readonly string[],
    byTenant: (tenant: string) => LogQueryable,
  ): Promise<FederatedLogQuerier> {
    const parts = new Map<string, LogQuerier>();
    try {
      for (const t of tenants) parts.set(t, await byTenant(t).querier());
    } catch (err) {
      for (const q of parts.values()) q.close();
      throw err;
    }
    return new FederatedLogQuerier(parts);
  }

  async *select(params: LogSelectParams): AsyncIterable<LogChunk> {
    const { tenants, rest } = splitTenantMatchers([...this.parts.keys()], params.matchers);
    const sources = tenants.map((t) => ({
      tenant: t,
      it: this.parts
        .get(t)!
        .select({ ...params, matchers: rest })
        [Symbol.asyncIterator](),
    }));
    yield* mergeByTime(sources, params.direction);
  }

  async streams(matchers: readonly LabelMatcher[], startNs: bigint, endNs: bigint) {
    const { tenants, rest } = splitTenantMatchers([...this.parts.keys()], matchers);
    const found = await Promise.all(
      tenants.map(async (t) =>
        (await this.parts.get(t)!.streams(rest, startNs, endNs)).map((s) => withTenant(s, t)),
      ),
    );
    return found.flat();
  }

  close(): void {
    for (const q of this.parts.values()) q.close();
  }
}

/** One tenant's records being merged: its current chunk and the next record in it. */
interface Cursor {
  readonly tenant: string;
  readonly it: AsyncIterator<LogChunk>;
  chunk: LogChunk | null;
  at: number;
}

async function advance(c: Cursor): Promise<void> {
  while (c.chunk === null || c.at >= c.chunk.length) {
    const next = await c.it.next();
    if (next.done) {
      c.chunk = null;
      return;
    }
    c.chunk = next.value;
    c.at = 0;
  }
}

/** Merges the tenants' chunk sequences into one, in time order, streams labelled by tenant. */
async function* mergeByTime(
  sources: readonly { tenant: string; it: AsyncIterator<LogChunk> }[],
  direction: LogSelectParams["direction"],
): AsyncIterable<LogChunk> {
  const live: Cursor[] = sources.map((s) => ({ ...s, chunk: null, at: 0 }));
  try {
    await Promise.all(live.map(advance));
    let out = new ChunkBuilder();
    for (;;) {
      let best: Cursor | undefined;
      for (const c of live) {
        if (c.chunk === null) continue;
        if (best === undefined || earlier(c, best, direction)) best = c;
      }
      if (best === undefined) break;
      out.add(best.tenant, best.chunk!, best.at);
      best.at++;
      if (best.at >= best.chunk!.length) await advance(best);
      if (out.length >= CHUNK) {
        yield out.finish();
        out = new ChunkBuilder();
      }
    }
    if (out.length > 0) yield out.finish();
  } finally {
    // A reader that stops early (a limit reached) ends every tenant's read too.
    await Promise.all(live.map((c) => c.it.return?.()));
  }
}

function earlier(a: Cursor, b: Cursor, direction: LogSelectParams["direction"]): boolean {
  const ta = a.chunk!.timeNs[a.at]!;
  const tb = b.chunk!.timeNs[b.at]!;
  return direction === "forward" ? ta < tb : ta > tb;
}

/** Builds one merged chunk, numbering the (tenant, stream) pairs it holds. */
class ChunkBuilder {
  private readonly streamIds = new Map<string, Map<Labels, number>>();
  private readonly streams: Labels[] = [];
  private readonly stream: number[] = [];
  private readonly times: bigint[] = [];
  private readonly lines: string[] = [];
  private readonly fields: (readonly string[])[] = [];

  get length(): number {
    return this.lines.length;
  }

  add(tenant: string, chunk: LogChunk, i: number): void {
    const labels = chunk.streams[chunk.stream[i]!]!;
    const ids = this.streamIds.get(tenant) ?? new Map<Labels, number>();
    this.streamIds.set(tenant, ids);
    let id = ids.get(labels);
    if (id === undefined) {
      id = this.streams.push(withTenant(labels, tenant)) - 1;
      ids.set(labels, id);
    }
    this.stream.push(id);
    this.times.push(chunk.timeNs[i]!);
    this.lines.push(chunk.lines[i]!);
    this.fields.push(chunk.fields[i]!);
  }

  finish(): LogChunk {
    return {
      length: this.lines.length,
      stream: Int32Array.from(this.stream),
      timeNs: BigInt64Array.from(this.times),
      lines: this.lines,
      fields: this.fields,
      streams: this.streams,
    };
  }
}
