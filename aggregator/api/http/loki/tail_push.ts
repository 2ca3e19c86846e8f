/**
 * One client's tail pushed from the ingest path (../../logs/tail.ts, the same live tail as
 * the Connect `Tail`): the history, then each matching line as the aggregator ingests it,
 * in Loki's tail frames. A failure, or a client that reads too slowly, closes the socket with
 * 1011 and the reason, as Loki closes it.
 */
import type { WSContext } from "hono/ws";
import type { LogQueryable } from "../../../logs/source.ts";
import { type LiveTailDeps, liveTail } from "../../logs/tail.ts";
import type { TailParams } from "./params.ts";
import { toLokiError } from "./respond.ts";
import { tailFrame } from "./tail_cursor.ts";
import { closeWithError } from "./tail_session.ts";

/** A tail fed by the tail registry. */
export class PushTailSession {
  private readonly abort = new AbortController();

  constructor(
    private readonly source: LogQueryable,
    private readonly tenant: string,
    private readonly params: TailParams,
    private readonly deps: LiveTailDeps,
  ) {}

  /** Sends frames until the client leaves or the tail fails. */
  async open(ws: WSContext): Promise<void> {
    const req = { ...this.params, tenant: this.tenant };
    try {
      for await (const streams of liveTail(this.source, this.deps, req, this.abort.signal)) {
        ws.send(tailFrame(streams));
      }
    } catch (err) {
      if (!this.abort.signal.aborted) closeWithError(ws, toLokiError(err).message);
    }
  }

  /** Stops following (the client left). */
  stop(): void {
    this.abort.abort();
  }
}
