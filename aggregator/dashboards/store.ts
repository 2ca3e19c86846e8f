/**
 * The dashboards every aggregator shares, per tenant, in NATS KV: the latest of each in
 * `OUTPOST_DASHBOARDS` (`<tenant>.<uid>`), each kept version's record in
 * `OUTPOST_DASHBOARD_VERSIONS` (`<tenant>.<uid>.<version>`), its JSON in the content bucket,
 * folders in `OUTPOST_FOLDERS` (`<tenant>.<uid>`). Records are mirrored in memory by watches;
 * a save claims its version's record with create(), so two saves from the same version, on
 * one aggregator or two, cannot both win.
 */
import { OutpostError } from "../../shared/errors/errors.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { KeyValueStore } from "../ingest/kv.ts";
import type { KvMirror } from "../ingest/kv_mirror.ts";
import { CONTENT_BUCKET, deleteContent, readContent, writeContent } from "./content.ts";
import { FOLDERS_BUCKET, type Folder, FolderStore } from "./folders.ts";
import { decodeJson, jsonMirror } from "./mirror.ts";
import { type DashboardJson, newUid, tagsOf, uidOf } from "./model.ts";

/** The bucket of each dashboard's latest version. */
export const DASHBOARDS_BUCKET = "OUTPOST_DASHBOARDS";
/** The bucket of kept versions' records. */
export const VERSIONS_BUCKET = "OUTPOST_DASHBOARD_VERSIONS";

/** What search shows of a dashboard: its latest version. */
export interface DashboardMeta {
  tenant: string;
  uid: string;
  title: string;
  tags: string[];
  folderUid: string;
  version: number;
  createdMs: number;
  createdBy: string;
  updatedMs: number;
  updatedBy: string;
}

/** One kept version; its JSON is in the content bucket under `content` in `parts` parts. */
export interface VersionMeta {
  tenant: string;
  uid: string;
  version: number;
  createdMs: number;
  createdBy: string;
  message: string;
  restoredFrom: number;
  content: string;
  parts: number;
}

/** A save: the dashboard, where, by whom, and whether a stale version may overwrite. */
export interface SaveInput {
  doc: DashboardJson;
  folderUid: string;
  message: string;
  overwrite: boolean;
  author: string;
  restoredFrom?: number;
  /**
   * An import: the file's `version` is another Grafana's, not a version read here, so a uid
   * already stored is refused as taken (unless `overwrite`), as Grafana's import says it.
   */
  importing?: boolean;
}

/** A search: title part, tags (all), folders (any). */
export interface SearchQuery {
  query?: string;
  tags?: readonly string[];
  folderUids?: readonly string[];
  limit?: number;
}

/** Options of {@link DashboardStore}. */
export interface DashboardStoreOptions {
  kv: (bucket: string) => KeyValueStore;
  versionsKept: number;
  now?: () => number;
  registry?: Registry;
}

const notFound = (uid: string) =>
  new OutpostError("not_found", `Cannot find dashboard "${uid}": no dashboard has this uid`);

/** Dashboards, their versions and folders, as one aggregator sees them. */
export class DashboardStore {
  readonly folders: FolderStore;
  private readonly heads: KvMirror<DashboardMeta>;
  private readonly versionRecords: KvMirror<VersionMeta>;
  /** Version numbers kept per `<tenant>.<uid>`. */
  private readonly kept = new Map<string, Set<number>>();
  private readonly content: KeyValueStore;
  private readonly now: () => number;

  constructor(private readonly opts: DashboardStoreOptions) {
    this.now = opts.now ?? Date.now;
    const undecodable = opts.registry?.counter(
      "outpost_dashboards_undecodable_total",
      "Records in the dashboards buckets that could not be read, and were ignored.",
      ["bucket"],
    );
    this.heads = jsonMirror(opts.kv(DASHBOARDS_BUCKET), DASHBOARDS_BUCKET, undecodable);
    this.versionRecords = jsonMirror<VersionMeta>(
      opts.kv(VERSIONS_BUCKET),
      VERSIONS_BUCKET,
      undecodable,
      (key, before, after) => this.index(key, after ?? before, after !== undefined),
    );
    this.content = opts.kv(CONTENT_BUCKET);
    this.folders = new FolderStore(opts.kv(FOLDERS_BUCKET), this.now, undecodable, (t, f) =>
      this.inFolder(t, f),
    );
    const gauge = opts.registry?.gauge("outpost_dashboards", "Dashboards stored, every tenant.");
    gauge?.onCollect(() => gauge.set(this.heads.entries.size));
  }

  /** Loads the buckets and follows them. */
  async start(signal?: AbortSignal): Promise<void> {
    await Promise.all([
      this.heads.start(signal),
      this.versionRecords.start(signal),
      this.folders.start(signal),
    ]);
  }

  /** Stops following the buckets. */
  stop(): void {
    this.heads.stop();
    this.versionRecords.stop();
    this.folders.stop();
  }

  /** The dashboards of a tenant that match, sorted by title. */
  search(tenant: string, q: SearchQuery = {}): DashboardMeta[] {
    const text = q.query?.toLowerCase() ?? "";
    const folders = q.folderUids?.length ? new Set(q.folderUids) : null;
    const out: DashboardMeta[] = [];
    for (const d of this.heads.entries.values()) {
      if (d.tenant !== tenant) continue;
      if (text && !d.title.toLowerCase().includes(text)) continue;
      if (folders && !folders.has(d.folderUid)) continue;
      if (q.tags?.some((t) => !d.tags.includes(t))) continue;
      out.push(d);
    }
    out.sort((a, b) => a.title.localeCompare(b.title) || a.uid.localeCompare(b.uid));
    return out.slice(0, q.limit || 1000);
  }

  /** A dashboard's latest version and its JSON; not_found when there is none. */
  async get(tenant: string, uid: string): Promise<{ meta: DashboardMeta; json: string }> {
    const meta = this.heads.entries.get(`${tenant}.${uid}`);
    if (meta === undefined) throw notFound(uid);
    return { meta, json: (await this.version(tenant, uid, meta.version)).json };
  }

  /** Saves a dashboard as a new version (Grafana's rules on `version` and `overwrite`). */
  async save(tenant: string, s: SaveInput): Promise<DashboardMeta> {
    const uid = uidOf(s.doc) || newUid();
    const key = `${tenant}.${uid}`;
    if (s.folderUid !== "" && this.folders.get(tenant, s.folderUid) === undefined)
      throw new OutpostError("bad_data", `Cannot accept folder_uid: no folder "${s.folderUid}"`);
    // Read from the bucket, not the mirror: a save just made through another aggregator counts.
    const stored = await this.heads.kv.entry(key);
    const current = stored === null ? undefined : decodeJson<DashboardMeta>(stored.value);
    if (current !== undefined && !s.overwrite) {
      if (s.importing)
        throw new OutpostError(
          "execution",
          `Cannot import dashboard "${uid}": a dashboard with this uid exists ("${current.title}"); import it with overwrite to replace it, or give it another uid`,
        );
      checkVersion(uid, s.doc.version, current.version);
    }
    const version = (current?.version ?? 0) + 1;
    const now = this.now();
    const text = JSON.stringify({ ...s.doc, id: null, uid, version });
    const nonce = newUid();
    const prefix = `${key}.${version}.${nonce}`;
    const parts = await writeContent(this.content, prefix, text);
    const record: VersionMeta = {
      tenant,
      uid,
      version,
      createdMs: now,
      createdBy: s.author,
      message: s.message,
      restoredFrom: s.restoredFrom ?? 0,
      content: nonce,
      parts,
    };
    if (!(await this.versionRecords.create(`${key}.${version}`, record))) {
      await deleteContent(this.content, prefix, parts);
      throw new OutpostError(
        "execution",
        `Cannot save dashboard "${uid}": version ${version} was saved by someone else meanwhile; reload it and save again`,
      );
    }
    const meta: DashboardMeta = {
      tenant,
      uid,
      title: String(s.doc.title),
      tags: tagsOf(s.doc),
      folderUid: s.folderUid,
      version,
      createdMs: current?.createdMs ?? now,
      createdBy: current?.createdBy ?? s.author,
      updatedMs: now,
      updatedBy: s.author,
    };
    // Over the head read above only: a dashboard deleted meanwhile (whose versions its delete
    // lists after the head is gone) is not brought back pointing at a version being dropped.
    if (!(await this.heads.replace(key, meta, stored?.revision ?? null))) {
      await this.dropVersion(record);
      throw new OutpostError(
        "execution",
        `Cannot save dashboard "${uid}": it was changed or deleted by someone else meanwhile; reload it and save again`,
      );
    }
    await this.prune(tenant, uid, version);
    return meta;
  }

  /** Deletes a dashboard with every kept version; not_found when there is none. */
  async delete(tenant: string, uid: string): Promise<void> {
    const key = `${tenant}.${uid}`;
    this.versions(tenant, uid); // not_found for an unknown one
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) await Bun.sleep(10 * attempt); // saved meanwhile: give the other writer a moment
      const head = await this.heads.kv.entry(key);
      if (head === null) return; // deleted meanwhile, by a delete that drops its versions
      // The versions as the bucket holds them, listed after the head was read: a version saved
      // before the head goes is listed (a save made since moved the head, and the delete below
      // is refused), and one saved after finds no head and is dropped by its own save.
      const versions = await this.storedVersions(`${key}.`);
      if (await this.heads.deleteAt(key, head.revision)) {
        for (const [at, v] of versions) {
          const k = `${key}.${v.version}`;
          if (await this.versionRecords.deleteAt(k, at))
            await deleteContent(this.content, `${k}.${v.content}`, v.parts);
        }
        return;
      }
    }
    throw new OutpostError("execution", `Cannot delete dashboard "${uid}": it keeps changing`);
  }

  /** The version records under `prefix` in the bucket (not the mirror), with their revisions. */
  private async storedVersions(prefix: string): Promise<[number, VersionMeta][]> {
    const out: [number, VersionMeta][] = [];
    for (const k of await this.versionRecords.kv.keys()) {
      if (!k.startsWith(prefix) || !/^\d+$/.test(k.slice(prefix.length))) continue;
      const stored = await this.versionRecords.kv.entry(k);
      if (stored !== null) out.push([stored.revision, decodeJson<VersionMeta>(stored.value)]);
    }
    return out;
  }

  /** The kept versions of a dashboard, newest first; not_found for an unknown dashboard. */
  versions(tenant: string, uid: string): VersionMeta[] {
    const key = `${tenant}.${uid}`;
    if (!this.heads.entries.has(key)) throw notFound(uid);
    const out: VersionMeta[] = [];
    for (const v of this.kept.get(key) ?? []) {
      const r = this.versionRecords.entries.get(`${key}.${v}`);
      if (r !== undefined) out.push(r);
    }
    return out.sort((a, b) => b.version - a.version);
  }

  /** One kept version with its JSON. */
  async version(
    tenant: string,
    uid: string,
    version: number,
  ): Promise<{ meta: VersionMeta; json: string }> {
    const key = `${tenant}.${uid}.${version}`;
    let meta = this.versionRecords.entries.get(key);
    if (meta === undefined) {
      const stored = await this.versionRecords.kv.get(key);
      if (stored === null)
        throw new OutpostError(
          "not_found",
          `Cannot find version ${version} of dashboard "${uid}": it is not kept`,
        );
      meta = decodeJson<VersionMeta>(stored);
    }
    const json = await readContent(this.content, `${key}.${meta.content}`, meta.parts);
    return { meta, json };
  }

  /** Saves an old version's JSON as the newest version, in the dashboard's folder. */
  async restore(
    tenant: string,
    uid: string,
    version: number,
    author: string,
    message: string,
  ): Promise<DashboardMeta> {
    const current = this.heads.entries.get(`${tenant}.${uid}`);
    if (current === undefined) throw notFound(uid);
    const old = JSON.parse((await this.version(tenant, uid, version)).json) as DashboardJson;
    return this.save(tenant, {
      doc: old,
      folderUid: this.folders.get(tenant, current.folderUid) ? current.folderUid : "",
      message: message || `Restored from version ${version}`,
      overwrite: true,
      author,
      restoredFrom: version,
    });
  }

  private inFolder(tenant: string, folderUid: string): number {
    return this.search(tenant, { folderUids: [folderUid], limit: Number.MAX_SAFE_INTEGER }).length;
  }

  /**
   * Deletes the versions before `saved` past the newest `versionsKept` with it. Only those
   * before: versions numbered above it are a deleted dashboard's of this uid that its delete is
   * still dropping, and counted in they pushed the new dashboard's own version out.
   */
  private async prune(tenant: string, uid: string, saved: number): Promise<void> {
    const before = this.versions(tenant, uid).filter((v) => v.version < saved);
    for (const v of before.slice(this.opts.versionsKept - 1)) await this.dropVersion(v);
  }

  private async dropVersion(v: VersionMeta): Promise<void> {
    const key = `${v.tenant}.${v.uid}.${v.version}`;
    await this.versionRecords.delete(key);
    await deleteContent(this.content, `${key}.${v.content}`, v.parts);
  }

  private index(key: string, v: VersionMeta | undefined, present: boolean): void {
    if (v === undefined) return;
    const head = key.slice(0, key.lastIndexOf("."));
    let set = this.kept.get(head);
    if (set === undefined) {
      set = new Set();
      this.kept.set(head, set);
    }
    if (present) set.add(v.version);
    else set.delete(v.version);
    if (set.size === 0) this.kept.delete(head);
  }
}

/** Grafana's optimistic concurrency: the JSON's version must be the stored one. */
function checkVersion(uid: string, given: unknown, stored: number): void {
  if (given === undefined || given === null)
    throw new OutpostError(
      "execution",
      `Cannot save dashboard "${uid}": a dashboard with this uid exists (version ${stored}); give its version, or save with overwrite`,
    );
  if (given !== stored)
    throw new OutpostError(
      "execution",
      `Cannot save dashboard "${uid}": version ${String(given)} is stale, the stored version is ${stored} (someone else changed it); reload it, or save with overwrite`,
    );
}

export type { Folder };
