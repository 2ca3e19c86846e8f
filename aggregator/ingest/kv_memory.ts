/**
 * The key-value seam of `kv.ts` held in memory: one process, no NATS. Unit tests of the code
 * above the seam use it; watches see changes synchronously, in the order they were made.
 */
import type { KeyValueStore, KvEntry, KvWatcher } from "./kv.ts";

/** A {@link KeyValueStore} in a Map, for tests. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new Map<string, { value: Uint8Array; revision: number }>();
  /** Each key's last revision, deletes included (what `update` compares with). */
  private readonly last = new Map<string, number>();
  private revision = 0;
  private readonly watchers = new Set<KvWatcher>();

  async get(key: string): Promise<Uint8Array | null> {
    return this.values.get(key)?.value ?? null;
  }

  async entry(key: string): Promise<KvEntry | null> {
    const held = this.values.get(key);
    return held ? { value: held.value.slice(), revision: held.revision } : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    const revision = this.next(key);
    this.values.set(key, { value: value.slice(), revision });
    for (const w of this.watchers) w.change({ key, value: value.slice(), revision });
    return revision;
  }

  async publish(key: string, value: Uint8Array): Promise<void> {
    await this.put(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<number | null> {
    if (this.values.has(key)) return null;
    return this.put(key, value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number | null> {
    if (revision <= 0 || this.last.get(key) !== revision) return null;
    return this.put(key, value);
  }

  async delete(key: string): Promise<void> {
    if (!this.values.delete(key)) return;
    const revision = this.next(key);
    for (const w of this.watchers) w.change({ key, value: null, revision });
  }

  async deleteAt(key: string, revision: number): Promise<boolean> {
    if (revision <= 0 || this.last.get(key) !== revision) return false;
    await this.delete(key);
    return true;
  }

  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }

  async watch(watcher: KvWatcher): Promise<() => void> {
    for (const [key, { value, revision }] of this.values)
      watcher.change({ key, value: value.slice(), revision });
    watcher.ready();
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private next(key: string): number {
    this.last.set(key, ++this.revision);
    return this.revision;
  }
}
