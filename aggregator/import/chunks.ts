import type { SeriesEntry } from "../../shared/exposition/cache.ts";
import type { ExpositionHandler } from "../../shared/exposition/parse.ts";
import { formatSeries, type Labels, labelValue, seriesHash } from "../../shared/model/labels.ts";
import type { MetricMetadata, MetricType } from "../../shared/model/sample.ts";
import type { SampleRows, SeriesRef } from "../storage/storage.ts";

/** One imported series: the same object in every chunk, so callers can key by identity. */
export class ImportSeries implements SeriesRef {
  /** Number of the chunk that last listed this series, and its index in that chunk's `series`. */
  chunk = -1;
  local = 0;
  /** Timestamp of the series' previous sample, for dropping repeats. */
  lastTs = Number.NaN;

  constructor(
    readonly labels: Labels,
    readonly hash: bigint,
    readonly metric: string,
  ) {}
}

/** A sealed chunk: its rows and the metadata that was new or changed since the previous chunk. */
export interface Chunk {
  rows: SampleRows;
  metadata: MetricMetadata[];
}

/**
 * The parser's handler during an import: collects samples into columnar chunks of `chunkRows`
 * rows, one {@link ImportSeries} per label set, and HELP/TYPE/UNIT per family. Sealed chunks
 * wait in `ready` until the reader hands them on (the parser's callbacks are synchronous).
 */
export class ChunkBuilder implements ExpositionHandler {
  /** Samples kept, repeats dropped, distinct series. */
  samples = 0;
  duplicates = 0;
  series = 0;
  /** Sample and metadata lines seen since the caller last reset them (its line count). */
  sampleLines = 0;
  metadataLines = 0;
  /** Added to the in-block line count to name a line of the file in errors. */
  lineBase = 0;
  /** Name and type of the last `# TYPE` line: the context the next block must start in. */
  typeName = "";
  typeText = "";
  readonly ready: Chunk[] = [];

  private chunkNo = 0;
  private n = 0;
  private refs: ImportSeries[] = [];
  private seriesIndex: Int32Array;
  private timestamps: Float64Array;
  private values: Float64Array;
  private readonly families = new Map<string, MetricMetadata>();
  private readonly changed = new Set<MetricMetadata>();

  constructor(
    private readonly chunkRows: number,
    /** Names the file in errors. */
    private readonly what: string,
  ) {
    this.seriesIndex = new Int32Array(chunkRows);
    this.timestamps = new Float64Array(chunkRows);
    this.values = new Float64Array(chunkRows);
  }

  /** Parser callback for one sample line (the hot path: no allocation unless the series is new). */
  sample(entry: SeriesEntry, value: number, timestampMs: number): void {
    this.sampleLines++;
    // The parser drops a sample whose series had one at the same timestamp earlier in the same
    // scrape (cache generation). Making every sample look like its series' first lets this
    // class see every line, so line numbers are exact and repeats are handled in one place.
    entry.seenGen = -1;
    if (Number.isNaN(timestampMs)) this.missingTimestamp(entry.labels);
    let s = entry.ref as ImportSeries | undefined;
    if (s === undefined) s = this.newSeries(entry);
    if (timestampMs === s.lastTs) {
      this.duplicates++;
      return;
    }
    s.lastTs = timestampMs;
    if (s.chunk !== this.chunkNo) {
      s.chunk = this.chunkNo;
      s.local = this.refs.length;
      this.refs.push(s);
    }
    const i = this.n++;
    this.seriesIndex[i] = s.local;
    this.timestamps[i] = timestampMs;
    this.values[i] = value;
    this.samples++;
    if (this.n === this.chunkRows) this.seal();
  }

  /** Parser callback for HELP, TYPE and UNIT lines. */
  metadata(name: string, kind: "type" | "help" | "unit", text: string): void {
    this.metadataLines++;
    if (kind === "type") {
      this.typeName = name;
      this.typeText = text;
    }
    let m = this.families.get(name);
    if (m === undefined) {
      m = { name, type: "unknown", help: "", unit: "" };
      this.families.set(name, m);
      this.changed.add(m);
    }
    if (kind === "type") {
      if (m.type === text) return;
      // The parser reports only TYPE values it validated.
      m.type = text as MetricType;
    } else if (kind === "help") {
      if (m.help === text) return;
      m.help = text;
    } else {
      if (m.unit === text) return;
      m.unit = text;
    }
    this.changed.add(m);
  }

  /** Moves the rows collected so far, and the metadata changed since the last chunk, to `ready`. */
  seal(): void {
    if (this.n === 0 && this.changed.size === 0) return;
    const metadata = [...this.changed].map((m) => ({ ...m }));
    this.changed.clear();
    if (this.n === 0) {
      this.ready.push({ rows: emptyRows(), metadata });
      return;
    }
    const values = this.values;
    const rows: SampleRows = {
      series: this.refs,
      length: this.n,
      seriesIndex: this.seriesIndex,
      timestamps: this.timestamps,
      values,
      valueWords: new Uint32Array(values.buffer),
    };
    this.ready.push({ rows, metadata });
    // Fresh arrays: the consumer may keep the rows it was given.
    this.chunkNo++;
    this.n = 0;
    this.refs = [];
    this.seriesIndex = new Int32Array(this.chunkRows);
    this.timestamps = new Float64Array(this.chunkRows);
    this.values = new Float64Array(this.chunkRows);
  }

  private newSeries(entry: SeriesEntry): ImportSeries {
    const labels = entry.labels;
    const s = new ImportSeries(labels, seriesHash(labels), labelValue(labels, "__name__"));
    entry.ref = s;
    this.series++;
    return s;
  }

  private missingTimestamp(labels: Labels): never {
    const line = this.lineBase + this.metadataLines + this.sampleLines;
    throw new SyntaxError(
      `Cannot import ${this.what}: line ${line}: sample of ${formatSeries(labels)} has no timestamp (an import needs explicit timestamps)`,
    );
  }
}

function emptyRows(): SampleRows {
  return {
    series: [],
    length: 0,
    seriesIndex: new Int32Array(0),
    timestamps: new Float64Array(0),
    values: new Float64Array(0),
    valueWords: new Uint32Array(0),
  };
}
