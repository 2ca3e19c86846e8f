import { beforeEach, describe, expect, test } from "bun:test";
import { OutpostError } from "../../shared/errors/errors.ts";
import { heldWrites } from "../ingest/kv_held.ts";
import { MemoryKeyValueStore } from "../ingest/kv_memory.ts";
import { CONTENT_BUCKET } from "./content.ts";
import { DASHBOARDS_BUCKET, DashboardStore, VERSIONS_BUCKET } from "./store.ts";

const T = "default";
let buckets: Map<string, MemoryKeyValueStore>;
let store: DashboardStore;
let clock = 1_000;

const make = (versionsKept = 3) =>
  new DashboardStore({
    kv: (b) => {
      if (!buckets.has(b)) buckets.set(b, new MemoryKeyValueStore());
      return buckets.get(b)!;
    },
    versionsKept,
    now: () => clock++,
  });

const save = (doc: Record<string, unknown>, overwrite = false, folderUid = "") =>
  store.save(T, { doc, folderUid, message: "m", overwrite, author: "ann" });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof OutpostError ? err.code : String(err);
  }
  return "ok";
}

beforeEach(async () => {
  buckets = new Map();
  store = make();
  await store.start();
});

describe("DashboardStore", () => {
  test("save() generates a uid, numbers versions, and get() answers the JSON with them", async () => {
    const first = await save({ title: "A", tags: ["x"], id: 7, custom: { keep: [1, 2] } });
    expect(first.uid).toMatch(/^[A-Za-z0-9]{14}$/);
    expect(first.version).toBe(1);
    const second = await save({ title: "A2", uid: first.uid, version: 1 });
    expect(second.version).toBe(2);
    const got = await store.get(T, first.uid);
    expect(JSON.parse(got.json)).toEqual({ title: "A2", uid: first.uid, version: 2, id: null });
    expect(got.meta.createdMs).toBe(first.createdMs);
  });

  test("save() refuses a stale version or a taken uid unless overwrite, as Grafana", async () => {
    await save({ title: "A", uid: "a" });
    await save({ title: "A", uid: "a", version: 1 });
    expect(await code(save({ title: "A", uid: "a", version: 1 }))).toBe("execution");
    expect(await code(save({ title: "A", uid: "a" }))).toBe("execution");
    expect((await save({ title: "A", uid: "a", version: 1 }, true)).version).toBe(3);
  });

  test("two stores on the same buckets cannot both save over the same version", async () => {
    const other = make();
    await other.start();
    await save({ title: "A", uid: "a" });
    const results = await Promise.all(
      [store, other].map((s) =>
        code(
          s.save(T, {
            doc: { title: "A", uid: "a", version: 1 },
            folderUid: "",
            message: "",
            overwrite: false,
            author: "x",
          }),
        ),
      ),
    );
    expect(results.sort()).toEqual(["execution", "ok"]);
    expect(other.search(T)[0]?.version).toBe(2);
  });

  test("keeps the newest versions only, and restore() saves an old one as the newest", async () => {
    for (let v = 0; v < 5; v++)
      await save({ title: `v${v + 1}`, uid: "a", version: v || undefined });
    expect(store.versions(T, "a").map((v) => v.version)).toEqual([5, 4, 3]);
    expect(await code(store.version(T, "a", 2))).toBe("not_found");
    expect(await buckets.get("OUTPOST_DASHBOARD_CONTENT")!.keys()).toHaveLength(3);
    const restored = await store.restore(T, "a", 3, "bob", "");
    expect([restored.version, restored.title, restored.updatedBy]).toEqual([6, "v3", "bob"]);
    const [newest] = store.versions(T, "a");
    expect([newest?.restoredFrom, newest?.message]).toEqual([3, "Restored from version 3"]);
  });

  test("search() filters by title, every tag and folder; folders delete only when empty", async () => {
    await store.folders.create(T, "ops", "Ops");
    await save({ title: "Node Exporter", tags: ["linux", "node"] }, false, "ops");
    await save({ title: "Redis", tags: ["redis"] });
    await save({ title: "Node mini", tags: ["linux"] });
    const titles = (q: Parameters<DashboardStore["search"]>[1]) =>
      store.search(T, q).map((d) => d.title);
    expect(titles({ query: "node" })).toEqual(["Node Exporter", "Node mini"]);
    expect(titles({ tags: ["linux", "node"] })).toEqual(["Node Exporter"]);
    expect(titles({ folderUids: ["ops"] })).toEqual(["Node Exporter"]);
    expect(titles({ folderUids: [""] })).toEqual(["Node mini", "Redis"]);
    expect(store.search("other")).toEqual([]);
    expect(await code(store.folders.delete(T, "ops"))).toBe("execution");
    await store.delete(T, store.search(T, { folderUids: ["ops"] })[0]!.uid);
    await store.folders.delete(T, "ops");
    expect(store.folders.list(T)).toEqual([]);
    expect(await buckets.get("OUTPOST_DASHBOARD_VERSIONS")!.keys()).toHaveLength(2);
    expect(await code(save({ title: "x" }, false, "ops"))).toBe("bad_data");
  });

  test("a delete racing a save on another store leaves no version behind", async () => {
    const views = new Map<string, ReturnType<typeof heldWrites>>();
    const slow = new DashboardStore({
      kv: (b) => {
        if (!buckets.has(b)) buckets.set(b, new MemoryKeyValueStore());
        return views.set(b, heldWrites(buckets.get(b)!)).get(b)!.kv;
      },
      versionsKept: 3,
      now: () => clock++,
    });
    await slow.start();
    await save({ title: "A", uid: "a" });
    const releases = [...views.values()].map((v) => v.hold());
    const deleting = slow.delete(T, "a"); // its writes held: lands after the save below
    await Bun.sleep(0);
    await save({ title: "A", uid: "a", version: 1 });
    for (const release of releases) await release();
    await deleting;
    expect(await code(store.get(T, "a"))).toBe("not_found");
    expect(await buckets.get(VERSIONS_BUCKET)?.keys()).toEqual([]);
    expect(await buckets.get(CONTENT_BUCKET)?.keys()).toEqual([]);
    // The uid imported again saves its versions as a new dashboard.
    await save({ title: "A", uid: "a" });
    expect((await save({ title: "A", uid: "a", version: 1 })).version).toBe(2);
  });

  test("a dashboard saved anew under the uid while a delete drops the old one's versions keeps its own", async () => {
    let afterHeadGone: (() => Promise<unknown>) | null = null;
    const deleting = new DashboardStore({
      kv: (b) => {
        if (!buckets.has(b)) buckets.set(b, new MemoryKeyValueStore());
        const inner = buckets.get(b)!;
        if (b !== DASHBOARDS_BUCKET) return inner;
        // Another aggregator saves right after this one's delete of the head lands.
        const view: typeof inner = Object.create(inner);
        view.deleteAt = async (k, r) => {
          const done = await inner.deleteAt(k, r);
          const then = afterHeadGone;
          afterHeadGone = null;
          await then?.();
          return done;
        };
        return view;
      },
      versionsKept: 2,
      now: () => clock++,
    });
    await deleting.start();
    for (let i = 0; i < 4; i++) await save({ title: "old", uid: "d" }, true); // keeps 2 to 4
    afterHeadGone = () => save({ title: "new", uid: "d" }); // a new dashboard: version 1
    await deleting.delete(T, "d");
    const { meta, json } = await store.get(T, "d");
    expect([meta.version, JSON.parse(json).title]).toEqual([1, "new"]);
    expect(await buckets.get(VERSIONS_BUCKET)?.keys()).toEqual([`${T}.d.1`]);
  });
});
