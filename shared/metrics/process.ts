import type { Registry } from "./registry.ts";

/**
 * Registers the standard `process_*` metrics (CPU, resident memory, start time, heap) so the
 * agent's own cost is visible next to the exporters it scrapes.
 */
export function registerProcessMetrics(registry: Registry): void {
  const start = Date.now() / 1000 - process.uptime();
  registry
    .gauge("process_start_time_seconds", "Start time of the process since the Unix epoch.")
    .set(start);
  const cpu = registry.counter(
    "process_cpu_seconds_total",
    "User and system CPU time spent, in seconds.",
  );
  cpu.onCollect(() => {
    const u = process.cpuUsage();
    cpu.set((u.user + u.system) / 1e6);
  });
  const rss = registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  rss.onCollect(() => rss.set(process.memoryUsage.rss()));
  const heap = registry.gauge("process_heap_bytes", "JavaScript heap in use, in bytes.");
  heap.onCollect(() => heap.set(process.memoryUsage().heapUsed));
}
