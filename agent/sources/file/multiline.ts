/**
 * Joins lines into records, as Promtail's multiline stage and Vector's `halt_before` mode do: a
 * line matching the start pattern begins a record and the lines after it join it with `\n`.
 * Lines before the first start line form a record of their own, so nothing is held back.
 */

/** Settings of a multiline joiner. */
export interface MultilineOptions {
  /** Tells a line that begins a record (an RE2 search from the config). */
  readonly start: { test(line: string): boolean };
  readonly maxLines: number;
  /** A record is sent before it would pass this many bytes, so one file's buffer stays bounded. */
  readonly maxBytes: number;
  readonly maxWaitMs: number;
}

/** Joins lines into records and hands each finished record to `emit`. */
export class Multiline {
  private text = "";
  private lines = 0;
  private bytes = 0;
  private startOffset = 0;
  private lastAt = 0;

  constructor(
    private readonly opts: MultilineOptions,
    private readonly emit: (text: string) => void,
  ) {}

  /** The file offset of the record being built, or -1 when none is. */
  get pendingStart(): number {
    return this.lines > 0 ? this.startOffset : -1;
  }

  /** Adds a line found at file offsets [start, end) at time `now` (ms). */
  add(line: string, start: number, end: number, now: number): void {
    const size = end - start;
    if (this.lines > 0 && (this.opts.start.test(line) || this.bytes + size > this.opts.maxBytes)) {
      this.flush();
    }
    if (this.lines === 0) {
      this.text = line;
      this.startOffset = start;
    } else {
      this.text += `\n${line}`;
    }
    this.lines++;
    this.bytes += size;
    this.lastAt = now;
    if (this.lines >= this.opts.maxLines) this.flush();
  }

  /** Whether the record being built has waited max_wait without a new line. */
  due(now: number): boolean {
    return this.lines > 0 && now - this.lastAt >= this.opts.maxWaitMs;
  }

  /** Sends the record being built, if any. */
  flush(): void {
    if (this.lines === 0) return;
    const text = this.text;
    this.text = "";
    this.lines = 0;
    this.bytes = 0;
    this.emit(text);
  }
}
