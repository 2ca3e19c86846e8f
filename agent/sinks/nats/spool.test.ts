import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir as readdirAll, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { type Batch, Spool, type SpoolOptions } from "./spool.ts";

/** The spool's batch files (the directory also holds the LOCK file). */
const readdir = async (dir: string) => (await readdirAll(dir)).filter((n) => n !== "LOCK");

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "outpost-spool-"));
  dirs.push(d);
  return d;
}

function batch(i: number, size = 100): Batch {
  return {
    msgId: `agent-1-${i}`,
    subject: `outpost.ingest.t1.metrics.agent`,
    headers: { "Outpost-Codec": "lz4", "Outpost-Schema": "ingest.v1", n: String(i) },
    payload: new Uint8Array(size).fill(i % 251),
  };
}

async function openSpool(dir: string, opts: Partial<SpoolOptions> = {}): Promise<Spool> {
  const spool = new Spool({ dir, maxBytes: 1 << 20, registry: new Registry(), ...opts });
  await spool.open();
  return spool;
}

function metric(registry: Registry, name: string): number {
  const line = registry
    .render()
    .split("\n")
    .find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

async function pending(spool: Spool): Promise<Batch[]> {
  const out: Batch[] = [];
  for (const e of spool.entries()) {
    const payload = await spool.read(e);
    if (payload)
      out.push({ msgId: e.msgId, subject: e.subject, headers: { ...e.headers }, payload });
  }
  return out;
}

/** A script that appends batches until killed, printing each id once append() resolved. */
function appendForever(dir: string): string {
  const spoolPath = join(import.meta.dir, "spool.ts");
  const registryPath = join(import.meta.dir, "../../../shared/metrics/registry.ts");
  return `
    const { Spool } = await import(${JSON.stringify(spoolPath)});
    const { Registry } = await import(${JSON.stringify(registryPath)});
    const spool = new Spool({ dir: ${JSON.stringify(dir)}, maxBytes: 1 << 30, registry: new Registry(), fsync: false });
    await spool.open();
    for (let i = 0; ; i++) {
      const msgId = "agent-1-" + i;
      await spool.append({ msgId, subject: "s", headers: {}, payload: new Uint8Array(20000).fill(i % 256) });
      process.stdout.write(msgId + "\\n");
    }`;
}

describe("Spool", () => {
  test("entries() yields appended batches oldest first with subject, headers and payload intact", async () => {
    const spool = await openSpool(await tempDir());
    const batches = Array.from({ length: 20 }, (_, i) => batch(i, 10 + i));
    for (const b of batches) await spool.append(b);
    expect(await pending(spool)).toEqual(batches);
    expect(spool.count).toBe(20);
  });

  test("concurrent appends keep their call order", async () => {
    const spool = await openSpool(await tempDir(), { fsync: true });
    const batches = Array.from({ length: 30 }, (_, i) => batch(i, 1000 * ((i * 7) % 5)));
    await Promise.all(batches.map((b) => spool.append(b)));
    expect([...spool.entries()].map((e) => e.msgId)).toEqual(batches.map((b) => b.msgId));
  });

  test("file names sort in append order", async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir);
    for (let i = 0; i < 12; i++) await spool.append(batch(i));
    const names = await readdir(dir);
    const bySeq = [...spool.entries()].map((e) => e.seq);
    expect(names.length).toBe(12);
    expect([...names].sort()).toEqual(bySeq.map((s) => `${String(s).padStart(16, "0")}.batch`));
  });

  test("a spool re-opened on the same directory yields the entries not yet removed, then appends after them", async () => {
    const dir = await tempDir();
    const first = await openSpool(dir);
    for (let i = 0; i < 10; i++) await first.append(batch(i));
    for (const i of [0, 1, 2, 5]) await first.remove(`agent-1-${i}`);
    const second = await openSpool(dir);
    await second.append(batch(10));
    const ids = (await pending(second)).map((b) => b.msgId);
    expect(ids).toEqual([3, 4, 6, 7, 8, 9, 10].map((i) => `agent-1-${i}`));
    expect(second.bytes).toBe(first.bytes + [...second.entries()].at(-1)!.size);
  });

  test("remove() deletes the file, updates the gauges and ignores unknown ids", async () => {
    const dir = await tempDir();
    const registry = new Registry();
    const spool = await openSpool(dir, { registry });
    await spool.append(batch(1));
    await spool.append(batch(2));
    await spool.remove("agent-1-1");
    await spool.remove("no-such-id");
    expect(await readdir(dir)).toHaveLength(1);
    expect(metric(registry, "outpost_agent_spool_batches")).toBe(1);
    expect(metric(registry, "outpost_agent_spool_bytes")).toBe(spool.bytes);
    expect(spool.has("agent-1-1")).toBe(false);
  });

  test("appending beyond maxBytes drops the oldest batches and counts them", async () => {
    const registry = new Registry();
    const dir = await tempDir();
    const probe = await openSpool(await tempDir());
    await probe.append(batch(0, 1000));
    const size = probe.bytes;
    const spool = await openSpool(dir, { registry, maxBytes: size * 5 + 10 });
    for (let i = 0; i < 12; i++) await spool.append(batch(i, 1000));
    expect([...spool.entries()].map((e) => e.msgId)).toEqual(
      [7, 8, 9, 10, 11].map((i) => `agent-1-${i}`),
    );
    expect(spool.bytes).toBeLessThanOrEqual(size * 5 + 10);
    expect(await readdir(dir)).toHaveLength(5);
    expect(metric(registry, "outpost_agent_spool_dropped_batches_total")).toBe(7);
    expect(metric(registry, "outpost_agent_spool_dropped_bytes_total")).toBe(7 * size);
    expect(metric(registry, "outpost_agent_spool_batches")).toBe(5);
  });

  test("a batch larger than the whole spool is refused and nothing is dropped for it", async () => {
    const spool = await openSpool(await tempDir(), { maxBytes: 4096 });
    await spool.append(batch(1, 100));
    await expect(spool.append(batch(2, 5000))).rejects.toThrow(/exceed the spool limit/);
    expect(spool.count).toBe(1);
    await spool.append(batch(3, 100));
    expect(spool.count).toBe(2);
  });

  test("a second batch with a pending message id is refused", async () => {
    const spool = await openSpool(await tempDir());
    await spool.append(batch(1));
    await expect(spool.append(batch(1))).rejects.toThrow(/already|pending/);
  });

  test("append() before open() is refused", async () => {
    const spool = new Spool({ dir: await tempDir(), maxBytes: 1 << 20, registry: new Registry() });
    await expect(spool.append(batch(1))).rejects.toThrow(/open\(\) has not been called/);
  });

  test("open() removes half-written temp files and numbers new batches after them", async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir);
    await spool.append(batch(1));
    await writeFile(join(dir, "0000000000000007.tmp"), "half a batch");
    const reopened = await openSpool(dir);
    await reopened.append(batch(2));
    expect((await readdir(dir)).sort()).toEqual([
      "0000000000000000.batch",
      "0000000000000008.batch",
    ]);
  });

  test("onAppend() listeners run after each append until unregistered", async () => {
    const spool = await openSpool(await tempDir());
    let calls = 0;
    const off = spool.onAppend(() => {
      calls++;
      expect(spool.count).toBeGreaterThan(0);
    });
    await spool.append(batch(1));
    off();
    await spool.append(batch(2));
    expect(calls).toBe(1);
  });

  test("entries() is live: a batch removed during iteration is skipped", async () => {
    const spool = await openSpool(await tempDir());
    for (let i = 0; i < 4; i++) await spool.append(batch(i));
    const seen: string[] = [];
    for (const e of spool.entries()) {
      seen.push(e.msgId);
      if (e.msgId === "agent-1-0") await spool.remove("agent-1-2");
    }
    expect(seen).toEqual(["agent-1-0", "agent-1-1", "agent-1-3"]);
  });

  test("after a kill -9 during appends every acknowledged batch is there and none is torn", async () => {
    const dir = await tempDir();
    const child = Bun.spawn(["bun", "-e", appendForever(dir)], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const acked: string[] = [];
    const reader = child.stdout.getReader();
    let text = "";
    while (acked.length < 200) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      acked.push(...text.split("\n").slice(acked.length, -1));
    }
    child.kill("SIGKILL");
    await child.exited;

    const registry = new Registry();
    const spool = await openSpool(dir, { registry });
    const ids = (await pending(spool)).map((b) => b.msgId);
    expect(acked.length).toBeGreaterThanOrEqual(200);
    expect(ids.slice(0, acked.length)).toEqual(acked);
    expect(metric(registry, "outpost_agent_spool_corrupt_batches_total")).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  type Damage = (file: Uint8Array) => Uint8Array;
  const flip =
    (at: (len: number) => number): Damage =>
    (f) => {
      const g = f.slice();
      g[at(g.length)] ^= 0x40;
      return g;
    };
  const damages: [string, Damage][] = [
    ["truncated payload", (f) => f.subarray(0, f.length - 10)],
    ["truncated header", (f) => f.subarray(0, 12)],
    ["empty file", () => new Uint8Array(0)],
    ["bad magic", flip(() => 0)],
    ["flipped header length", flip(() => 20)],
    ["flipped message id byte", flip(() => 30)],
    ["unknown version", flip(() => 8)],
    ["extra bytes at the end", (f) => new Uint8Array([...f, 1, 2, 3])],
    ["flipped payload byte", flip((n) => n - 5)],
  ];

  test.each(damages)(
    "a corrupt file (%s) is set aside and counted while the rest stays deliverable",
    async (_, damage) => {
      const dir = await tempDir();
      const spool = await openSpool(dir);
      for (let i = 0; i < 3; i++) await spool.append(batch(i, 200));
      const victim = join(dir, "0000000000000001.batch");
      await writeFile(victim, damage(new Uint8Array(await readFile(victim))));

      const registry = new Registry();
      const reopened = await openSpool(dir, { registry });
      const ids = (await pending(reopened)).map((b) => b.msgId);

      expect(ids).toEqual(["agent-1-0", "agent-1-2"]);
      expect(metric(registry, "outpost_agent_spool_corrupt_batches_total")).toBe(1);
      expect(reopened.count).toBe(2);
      expect(metric(registry, "outpost_agent_spool_batches")).toBe(2);
      expect(await readdir(join(dir, "corrupt"))).toHaveLength(1);
      expect(await readdir(dir)).not.toContain("0000000000000001.batch");
    },
  );
});
