import type { Registry, Value } from "../../../shared/metrics/registry.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";

/** How a file was seen to rotate. */
export type RotationKind = "rename" | "copy" | "truncate";

/** Self-metrics of one file source, besides the component counters. */
export class FileMetrics {
  readonly component: ComponentMetrics;
  readonly linesRead: Value;
  readonly bytesRead: Value;
  readonly truncated: Value;
  readonly invalidUtf8: Value;
  readonly watched: Value;
  readonly unackedBytes: Value;
  readonly readErrors: Value;
  readonly passes: Value;
  private readonly rotationsByKind: Record<RotationKind, Value>;

  constructor(registry: Registry, id: string) {
    this.component = new ComponentMetrics(registry, id, "source", "file");
    const labels = { component_id: id };
    const counter = (name: string, help: string) =>
      registry.counter(`outpost_agent_file_${name}`, help, ["component_id"]).labels(labels);
    const gauge = (name: string, help: string) =>
      registry.gauge(`outpost_agent_file_${name}`, help, ["component_id"]).labels(labels);
    this.linesRead = counter("lines_read_total", "Lines read from files.");
    this.bytesRead = counter("bytes_read_total", "Bytes read from files.");
    this.truncated = counter(
      "lines_truncated_total",
      "Lines longer than max_line_bytes, cut to that size.",
    );
    this.invalidUtf8 = counter(
      "lines_invalid_utf8_total",
      "Lines holding invalid UTF-8, sent with U+FFFD in its place.",
    );
    this.readErrors = counter("read_errors_total", "Failed opens, stats, reads and listings.");
    this.watched = gauge("files_watched", "Files being read.");
    this.passes = counter(
      "passes_total",
      "Passes over the files (read, check for rotation). With watch on, a settled source makes none until a change.",
    );
    this.unackedBytes = gauge(
      "unacked_bytes",
      "Bytes handed to the sink and not yet acknowledged; reading pauses above the bound.",
    );
    const rotations = registry.counter(
      "outpost_agent_file_rotations_total",
      "Rotations seen, by kind: rename, copy (continued in a copy), truncate.",
      ["component_id", "kind"],
    );
    this.rotationsByKind = {
      rename: rotations.labels({ ...labels, kind: "rename" }),
      copy: rotations.labels({ ...labels, kind: "copy" }),
      truncate: rotations.labels({ ...labels, kind: "truncate" }),
    };
  }

  /** Counts one rotation. */
  rotation(kind: RotationKind): void {
    this.rotationsByKind[kind].inc();
  }
}
