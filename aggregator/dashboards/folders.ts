/**
 * Folders of dashboards, per tenant, in `OUTPOST_FOLDERS` (`<tenant>.<uid>`), mirrored in
 * memory. One level, as Grafana's classic folders; "" is the General folder, never stored.
 */
import { OutpostError } from "../../shared/errors/errors.ts";
import type { Metric } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import type { KvMirror } from "../ingest/kv_mirror.ts";
import { jsonMirror } from "./mirror.ts";
import { badInput, checkUid, newUid } from "./model.ts";

/** The bucket folders live in. */
export const FOLDERS_BUCKET = "OUTPOST_FOLDERS";
/** The longest folder title accepted. */
const MAX_TITLE = 256;

/** A folder. */
export interface Folder {
  tenant: string;
  uid: string;
  title: string;
  createdMs: number;
  updatedMs: number;
}

/** A tenant's folders. */
export class FolderStore {
  private readonly mirror: KvMirror<Folder>;

  constructor(
    kv: KeyValueStore,
    private readonly now: () => number,
    undecodable: Metric | undefined,
    /** How many dashboards a folder holds. */
    private readonly count: (tenant: string, uid: string) => number,
  ) {
    this.mirror = jsonMirror(kv, FOLDERS_BUCKET, undecodable);
  }

  /** Loads the bucket and follows it. */
  start(signal?: AbortSignal): Promise<void> {
    return this.mirror.start(signal);
  }

  /** Stops following the bucket. */
  stop(): void {
    this.mirror.stop();
  }

  /** A tenant's folders, sorted by title. */
  list(tenant: string): Folder[] {
    return [...this.mirror.entries.values()]
      .filter((f) => f.tenant === tenant)
      .sort((a, b) => a.title.localeCompare(b.title) || a.uid.localeCompare(b.uid));
  }

  /** One folder, if it exists. */
  get(tenant: string, uid: string): Folder | undefined {
    return this.mirror.entries.get(`${tenant}.${uid}`);
  }

  /** A new folder; `uid` is generated when "". */
  async create(tenant: string, uid: string, title: string): Promise<Folder> {
    if (uid === "") uid = newUid();
    else checkUid(uid, "uid");
    const now = this.now();
    const folder = { tenant, uid, title: checkTitle(title), createdMs: now, updatedMs: now };
    if (!(await this.mirror.create(`${tenant}.${uid}`, folder)))
      throw new OutpostError("execution", `Cannot create folder "${uid}": a folder has this uid`);
    return folder;
  }

  /** Changes a folder's title. */
  async rename(tenant: string, uid: string, title: string): Promise<Folder> {
    const folder = { ...this.must(tenant, uid), title: checkTitle(title), updatedMs: this.now() };
    await this.mirror.put(`${tenant}.${uid}`, folder);
    return folder;
  }

  /** Deletes an empty folder. */
  async delete(tenant: string, uid: string): Promise<void> {
    this.must(tenant, uid);
    const n = this.count(tenant, uid);
    if (n > 0)
      throw new OutpostError(
        "execution",
        `Cannot delete folder "${uid}": it holds ${n} dashboards; move or delete them first`,
      );
    await this.mirror.delete(`${tenant}.${uid}`);
  }

  private must(tenant: string, uid: string): Folder {
    const f = this.get(tenant, uid);
    if (f === undefined)
      throw new OutpostError("not_found", `Cannot find folder "${uid}": no folder has this uid`);
    return f;
  }
}

function checkTitle(title: string): string {
  const t = title.trim();
  if (t === "") throw badInput("title", "a folder needs a title");
  if (t.length > MAX_TITLE) throw badInput("title", `it is longer than ${MAX_TITLE} characters`);
  return t;
}
