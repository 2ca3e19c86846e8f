import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectWith } from "../testing.ts";
import { softnetCollector } from "./softnet.ts";

/** A proc tree whose /proc/net/softnet_stat holds `text`. */
function tree(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "outpost-softnet-"));
  mkdirSync(join(dir, "proc", "net"), { recursive: true });
  writeFileSync(join(dir, "proc", "net", "softnet_stat"), text);
  return { proc: join(dir, "proc"), sys: join(dir, "sys"), root: dir };
}

test("the softnet collector writes node_exporter 1.6's RPS and flow limit counters per CPU", async () => {
  const w = await collectWith(softnetCollector);
  expect(w.families.get("node_softnet_received_rps_total")).toEqual({
    type: "counter",
    help: "Number of times cpu woken up received_rps",
  });
  expect(w.lines().filter((l) => l.includes("rps") || l.includes("flow_limit"))).toEqual([
    'node_softnet_flow_limit_count_total{cpu="0"} 0',
    'node_softnet_flow_limit_count_total{cpu="1"} 0',
    'node_softnet_received_rps_total{cpu="0"} 0',
    'node_softnet_received_rps_total{cpu="1"} 0',
  ]);
});

test("the softnet collector reads hexadecimal columns and skips those an old kernel lacks", async () => {
  const w = await collectWith(
    softnetCollector,
    tree("0000ff01 00000002 0000000a 00000000 00000000 00000000 00000000 00000000 00000000\n"),
  );
  expect(w.lines()).toEqual([
    'node_softnet_dropped_total{cpu="0"} 2',
    'node_softnet_processed_total{cpu="0"} 65281',
    'node_softnet_times_squeezed_total{cpu="0"} 10',
  ]);
});

test("the softnet collector names the file and the bad value", async () => {
  const promise = collectWith(softnetCollector, tree("0000zz01 00000002 0000000a\n"));
  await expect(promise).rejects.toThrow(/softnet_stat: "0000zz01" is not a hexadecimal number/);
});
