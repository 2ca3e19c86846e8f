import type { Duplex } from "node:stream";

/** Go's bufio.MaxScanTokenSize: blackbox_exporter fails on a longer line. */
const MAX_LINE = 64 * 1024;

/**
 * Reads a connection line by line as Go's bufio.Scanner does for blackbox_exporter: lines end
 * at `\n`, a `\r` ending a line is dropped, a last line without `\n` still counts, and a line over
 * 64 KiB is an error. Bytes read past the current line stay buffered for the next call.
 */
export class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly decoder = new TextDecoder();

  constructor(private readonly stream: Duplex) {
    stream.on("data", this.onData);
    stream.on("end", this.onEnd);
    stream.on("close", this.onEnd);
    stream.on("error", this.onError);
  }

  /** The next line without its line ending; null at the end of the stream. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline >= 0) return this.take(newline, newline + 1);
      if (this.buffer.length >= MAX_LINE) throw new Error("Cannot read a line: longer than 64 KiB");
      if (this.ended || this.error) {
        // Like bufio.Scanner, a last unterminated line comes out before the end or the error.
        if (this.buffer.length > 0) return this.take(this.buffer.length, this.buffer.length);
        if (this.error) throw this.error;
        return null;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /**
   * Stops reading the stream (before a TLS upgrade takes it over). What was buffered is
   * dropped, as blackbox_exporter drops its scanner's buffer.
   */
  detach(): void {
    this.stream.off("data", this.onData);
    this.stream.off("end", this.onEnd);
    this.stream.off("close", this.onEnd);
    this.stream.off("error", this.onError);
    this.buffer = Buffer.alloc(0);
  }

  private take(end: number, next: number): string {
    const stop = end > 0 && this.buffer[end - 1] === 13 ? end - 1 : end;
    const line = this.decoder.decode(this.buffer.subarray(0, stop));
    this.buffer = this.buffer.subarray(next);
    return line;
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.notify();
  };

  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };

  private readonly onError = (error: Error) => {
    this.error ??= new Error(`Cannot read from the connection: ${error.message}`);
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
