import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { goGlob } from "../config/go_glob.ts";

/** A group of targets sharing labels, as static_configs and file_sd files list them. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
  /** Discovery metadata labels (`__meta_*`), visible to relabel_configs only. */
  meta?: Record<string, string>;
}

/** One file_sd_configs entry: globs and how often to re-read them (ms). */
export interface FileSdConfig {
  files: string[];
  refresh_interval: number;
}

/**
 * Reads Prometheus file_sd target files (JSON or YAML lists of `{targets, labels}`). A file that
 * cannot be read or parsed keeps its previous groups, as Prometheus does, and is reported.
 * Groups carry `__meta_filepath`.
 */
export class FileDiscovery {
  private readonly lastGood = new Map<string, TargetGroup[]>();
  private readonly mtimes = new Map<string, number>();

  constructor(
    private readonly config: FileSdConfig,
    private readonly baseDir: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** Re-reads changed files; returns all current groups and whether anything changed. */
  refresh(): { groups: TargetGroup[]; changed: boolean } {
    const files = this.expand();
    let changed = false;
    for (const known of [...this.lastGood.keys()]) {
      if (!files.includes(known)) {
        this.lastGood.delete(known);
        this.mtimes.delete(known);
        changed = true;
      }
    }
    for (const file of files) {
      let mtime: number;
      try {
        mtime = statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (this.mtimes.get(file) === mtime) continue;
      this.mtimes.set(file, mtime);
      try {
        this.lastGood.set(file, readGroups(file));
        changed = true;
      } catch (err) {
        this.onError(`Cannot read file_sd file ${file}: ${(err as Error).message}`);
      }
    }
    return { groups: [...this.lastGood.values()].flat(), changed };
  }

  private expand(): string[] {
    const out = new Set<string>();
    for (const pattern of this.config.files) {
      // Go's filepath.Glob, as Prometheus reads file_sd paths: dot files match `*`, braces are
      // text; a missing directory simply has no files yet.
      try {
        for (const f of goGlob(resolve(this.baseDir, pattern))) out.add(f);
      } catch (err) {
        this.onError(`Cannot read file_sd files ${pattern}: ${(err as Error).message}`);
      }
    }
    return [...out].sort();
  }
}

function readGroups(file: string): TargetGroup[] {
  const text = readFileSync(file, "utf8");
  const yaml = !file.endsWith(".json");
  const data: unknown = yaml ? parseYaml(text) : JSON.parse(text);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new TypeError("expected a list of target groups");
  return data.map((g, i) => {
    if (typeof g !== "object" || g === null || !Array.isArray((g as TargetGroup).targets)) {
      throw new TypeError(`group ${i} has no "targets" list`);
    }
    const { targets, labels: raw = {} } = g as TargetGroup;
    for (const t of targets)
      if (typeof t !== "string")
        throw new TypeError(`group ${i} has a target that is not a string`);
    const labels: Record<string, string> = {};
    for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
      // YAML's `port: 8080` or `enabled: true` is text to Go's decoder; JSON's is not.
      const scalar = typeof v === "number" || typeof v === "boolean" || v === null;
      if (typeof v === "string" || (yaml && scalar)) labels[name] = v === null ? "" : String(v);
      else throw new TypeError(`group ${i} has a label value that is not a string`);
    }
    return { targets, labels, meta: { __meta_filepath: file } };
  });
}
