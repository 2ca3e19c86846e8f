/** Helpers for tests of the logs store and what reads it (tests only). */
import { join } from "node:path";
import { Registry } from "../../shared/metrics/registry.ts";
import { DirBucket } from "../storage/bucket/dir.ts";
import { Catalog } from "../storage/catalog/catalog.ts";
import { Pins } from "../storage/union.ts";
import { LogsStore } from "./store.ts";

/**
 * A logs store over a directory bucket under `root` that flushes only when asked: what it
 * accepts stays in its head. `onCommitted` is told the sequences a flush committed.
 */
export async function testLogsStore(
  root: string,
  onCommitted: (refs: readonly number[]) => void = () => {},
): Promise<{ store: LogsStore; catalog: Catalog }> {
  const bucket = new DirBucket(join(root, "bucket"));
  const catalog = new Catalog({ bucket, writer: "t" });
  await catalog.load();
  const store = new LogsStore({
    bucket,
    catalog,
    writer: "t",
    tmpDir: join(root, "tmp"),
    maxBytes: 1 << 30,
    flush: { intervalMs: 60_000, maxRecords: 1 << 30 },
    pins: new Pins(),
    registry: new Registry(),
    onCommitted,
  });
  return { store, catalog };
}
