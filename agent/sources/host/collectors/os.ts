import { statSync } from "node:fs";
import { join } from "node:path";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";
import { isNotFound, lines, readText } from "../read.ts";

/** os-release keys behind node_os_info's labels, in node_exporter's label order. */
const INFO_LABELS = [
  ["build_id", "BUILD_ID"],
  ["id", "ID"],
  ["id_like", "ID_LIKE"],
  ["image_id", "IMAGE_ID"],
  ["image_version", "IMAGE_VERSION"],
  ["name", "NAME"],
  ["pretty_name", "PRETTY_NAME"],
  ["variant", "VARIANT"],
  ["variant_id", "VARIANT_ID"],
  ["version", "VERSION"],
  ["version_codename", "VERSION_CODENAME"],
  ["version_id", "VERSION_ID"],
] as const;
const FILES = ["/etc/os-release", "/usr/lib/os-release"];

/** What the collector writes, rebuilt only when the file changes. */
interface Release {
  path: string;
  mtimeMs: number;
  info: string[];
  versionLabels: string[];
  version: number;
}

/** Parses os-release(5): shell-style `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of lines(text)) {
    const line = raw.trim();
    const eq = line.indexOf("=");
    if (line === "" || line.startsWith("#") || eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  }
  return out;
}

function unquote(v: string): string {
  const q = v[0];
  if (q === "'") return v.slice(1, v.lastIndexOf("'") > 0 ? v.lastIndexOf("'") : v.length);
  let out = "";
  const quoted = q === '"';
  for (let i = quoted ? 1 : 0; i < v.length; i++) {
    const c = v[i];
    if (quoted && c === '"') break;
    if (c === "\\" && i + 1 < v.length) out += v[++i];
    else out += c;
  }
  return out;
}

/** node_exporter's versionRegex `^[0-9]+\.?[0-9]*` applied to VERSION_ID; 0 when it does not match. */
export function majorMinor(versionId: string): number {
  let end = 0;
  while (end < versionId.length && versionId[end] >= "0" && versionId[end] <= "9") end++;
  if (end === 0) return 0;
  if (versionId[end] === ".") {
    end++;
    while (end < versionId.length && versionId[end] >= "0" && versionId[end] <= "9") end++;
  }
  return Number.parseFloat(versionId.slice(0, end));
}

/**
 * node_exporter's `os` collector: /etc/os-release (or /usr/lib/os-release) under the root file
 * system as `node_os_info` labels, and VERSION_ID's major.minor as `node_os_version` when it has
 * one. The file is parsed again only when its modification time changes.
 */
export class OsCollector implements HostCollector {
  readonly name = "os";
  private cached: Release | null = null;

  collect(w: MetricWriter, ctx: CollectContext): void {
    const r = this.release(ctx.paths.root);
    w.family(
      "node_os_info",
      "gauge",
      "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
    );
    w.sample("node_os_info", r.info, 1);
    if (r.version > 0) {
      w.family(
        "node_os_version",
        "gauge",
        "Metric containing the major.minor part of the OS version.",
      );
      w.sample("node_os_version", r.versionLabels, r.version);
    }
  }

  private release(root: string): Release {
    for (const file of FILES) {
      const path = join(root, file);
      let mtimeMs: number;
      try {
        mtimeMs = statSync(path).mtimeMs;
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      const c = this.cached;
      if (c && c.path === path && c.mtimeMs === mtimeMs) return c;
      this.cached = build(path, mtimeMs, parseOsRelease(readText(path)));
      return this.cached;
    }
    throw new NoDataError(`no os-release file found: ${FILES.join(", ")}`);
  }
}

function build(path: string, mtimeMs: number, env: Map<string, string>): Release {
  const get = (key: string) => env.get(key) ?? "";
  return {
    path,
    mtimeMs,
    info: INFO_LABELS.flatMap(([label, key]) => [label, get(key)]),
    versionLabels: ["id", get("ID"), "id_like", get("ID_LIKE"), "name", get("NAME")],
    version: majorMinor(get("VERSION_ID")),
  };
}
