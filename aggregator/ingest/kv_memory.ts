/**
 * The key-value seam of `kv.ts` held in memory: one process, no NATS. Unit tests of the code
 * above the seam use it; watches see changes synchronously, in the order they were made.
 */
import type { KeyValueStore, KvWatcher } from "./kv.ts";

/** A {@link KeyValueStore} in a Map, for tests. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new Map<string, Uint8Array>();
  private readonly watchers = new Set<KvWatcher>();

  async get(key: string): Promise<Uint8Array | null> {
    return this.values.get(key) ?? null;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.values.set(key, value.slice());
    for (const w of this.watchers) w.change({ key, value: value.slice() });
  }

  publish(key: string, value: Uint8Array): Promise<void> {
    return this.put(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<boolean> {
    if (this.values.has(key)) return false;
    await this.put(key, value);
    return true;
  }

  async delete(key: string): Promise<void> {
    if (!this.values.delete(key)) return;
    for (const w of this.watchers) w.change({ key, value: null });
  }

  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }

  async watch(watcher: KvWatcher): Promise<() => void> {
    for (const [key, value] of this.values) watcher.change({ key, value: value.slice() });
    watcher.ready();
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}
