const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

/** Where a reader's bytes come from: the next chunk, or null at the end of the stream. */
export interface ChunkSource {
  read(): Promise<Buffer | null>;
}

/**
 * Reads a connection in the pieces an HTTP/1.1 response is made of: the head up to the blank
 * line, lines (chunk sizes) and body bytes, pulling chunks from the connection as needed. It
 * remembers when the first byte came, which is the end of blackbox_exporter's `processing` phase.
 */
export class ResponseReader {
  /** `performance.now()` when the first byte of the response arrived; 0 until then. */
  firstByteAt = 0;
  private buffered: Buffer = EMPTY;
  private ended = false;

  constructor(private readonly source: ChunkSource) {}

  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async read(max: number): Promise<Buffer | null> {
    if (this.buffered.length === 0 && !(await this.fill())) return null;
    const out = this.buffered.subarray(0, max);
    this.buffered = this.buffered.subarray(out.length);
    return out;
  }

  /** Bytes up to and including `delimiter`, which must come within `limit` bytes. */
  async readUntil(delimiter: Buffer, limit: number, what: string): Promise<Buffer> {
    let searchFrom = 0;
    for (;;) {
      const at = this.buffered.indexOf(delimiter, searchFrom);
      if (at >= 0) {
        const out = this.buffered.subarray(0, at + delimiter.length);
        this.buffered = this.buffered.subarray(out.length);
        return out;
      }
      if (this.buffered.length > limit) throw new Error(`${what} is longer than ${limit} bytes`);
      searchFrom = Math.max(0, this.buffered.length - delimiter.length + 1);
      if (!(await this.fill())) throw new Error(`connection closed in the middle of the ${what}`);
    }
  }

  /** The response head: status line and header lines, without the blank line after them. */
  async readHead(limit: number): Promise<string> {
    const head = await this.readUntil(HEAD_END, limit, "response head");
    return head.subarray(0, head.length - HEAD_END.length).toString("latin1");
  }

  /** One CRLF-terminated line without its terminator. */
  async readLine(limit: number, what: string): Promise<string> {
    const line = await this.readUntil(CRLF, limit, what);
    return line.subarray(0, line.length - CRLF.length).toString("latin1");
  }

  /** Pulls the next chunk from the source into the buffer; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const chunk = await this.source.read();
    if (chunk === null) {
      this.ended = true;
      return false;
    }
    if (this.firstByteAt === 0) this.firstByteAt = performance.now();
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    return true;
  }
}
