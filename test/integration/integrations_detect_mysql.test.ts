/**
 * MariaDB detection end to end on this host's real /proc: the integrations source runs
 * first, then a MariaDB starts (harness, free port, its socket in a temp folder) and is
 * detected by its mariadbd process within one cycle, reached through its socket with the
 * default login; stopping it makes its series stale. Detection is scoped to the test's own
 * server (by pid), so a MariaDB the machine runs on 3306 does not count.
 */
import { afterAll, expect, test } from "bun:test";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import type { DetectedService } from "../../agent/sources/integrations/detect/detect.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { formatSeries } from "../../shared/model/labels.ts";
import { withinOneCycle } from "../harness/detection.ts";
import { startMariadb, type TestMariadb } from "../harness/mariadb.ts";

const DETECT_MS = 300;
const last = new Map<string, number | "stale">();
const ours = new Set<number>();
const source = new IntegrationsSource({
  // The default login (root, no password, over the socket) is what the harness's root has.
  config: integrationsSchema.parse({
    autodetect: true,
    detect_interval: `${DETECT_MS}ms`,
    interval: "300ms",
    timeout: "250ms",
  }),
  externalLabels: [],
  registry: new Registry(),
  consumer: {
    consume(block: SampleBlock) {
      for (let i = 0; i < block.length; i++)
        last.set(
          formatSeries(block.series[i].labels),
          block.isStale(i) ? "stale" : block.values[i],
        );
    },
  },
  detectFilter: (s: DetectedService) => ours.has(s.pid),
});
let db: TestMariadb | undefined;

afterAll(async () => {
  await source.stop();
  await db?.stop();
});

const find = (name: string, instance: string) =>
  [...last].find(([s]) => s.startsWith(`${name}{`) && s.includes(`instance="${instance}"`))?.[1];
const entry = (key: string) => source.report().integrations.find((i) => i.key === key);

test("MariaDB started after the agent is detected by process, collected, and goes stale when stopped", async () => {
  source.start();
  await withinOneCycle(() => source.report().last_detection !== "", "a first detection", DETECT_MS);
  expect(source.report().integrations).toEqual([]);

  const server = await startMariadb();
  db = server;
  ours.add(server.pid);
  const key = `mysql:${server.port}`;
  await withinOneCycle(() => entry(key)?.state === "up", `${key} up`, DETECT_MS);
  expect(entry(key)).toMatchObject({
    kind: "mysql",
    how: "process",
    pid: server.pid,
    address: server.socket,
  });
  expect(find("mysql_up", server.socket)).toBe(1);
  expect(find("mysql_global_variables_port", server.socket)).toBe(server.port);

  await server.stop();
  db = undefined;
  await withinOneCycle(() => entry(key) === undefined, `${key} gone`, DETECT_MS);
  // Gone from the report at once; its runner writes the markers once a collection under way
  // (against the stopped server) has ended.
  const stale = () => find("mysql_up", server.socket) === "stale";
  await withinOneCycle(stale, `${key} stale`, DETECT_MS);
  expect(find("mysql_up", server.socket)).toBe("stale");
  expect(find("mysql_global_variables_port", server.socket)).toBe("stale");
}, 60_000);

test("a MariaDB listed in the config by its socket is not collected a second time when detected", async () => {
  const server = await startMariadb();
  const twin = new IntegrationsSource({
    config: integrationsSchema.parse({
      autodetect: true,
      detect_interval: `${DETECT_MS}ms`,
      interval: "300ms",
      timeout: "250ms",
      mysql: [{ address: server.socket }],
    }),
    externalLabels: [],
    registry: new Registry(),
    consumer: { consume() {} },
    detectFilter: (s: DetectedService) => s.pid === server.pid,
  });
  try {
    twin.start();
    await twin.detectOnce();
    expect(twin.report().integrations).toMatchObject([
      { key: `mysql:${server.socket}`, how: "config", address: server.socket },
    ]);
  } finally {
    await twin.stop();
    await server.stop();
  }
}, 60_000);
