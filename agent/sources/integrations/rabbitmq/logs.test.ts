import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileStartPattern } from "../../file/config.ts";
import { parseLines } from "../log_testing.ts";
import { RABBIT_START, rabbitmqLogSources, rabbitmqLogs } from "./logs.ts";

// Lines RabbitMQ 3.10.8 (Debian 12) wrote at start.
const LINES = [
  "2026-11-23 07:21:08.430507+00:00 [notice] <0.223.0> Logging: configured log handlers are now ACTIVE",
  "2026-11-23 07:21:08.681207+00:00 [info] <0.223.0> ra: starting system quorum_queues",
  '2026-11-23 07:21:14.103326+00:00 [warning] <0.634.0> Message store "628WB79CIFDYO9LJI6DKMI09L/msg_store_persistent": rebuilding indices from scratch',
  "2026-11-23 07:21:15.000001+01:00 [error] <0.700.0> Error on AMQP connection <0.700.0>",
];

const target = { key: "rabbitmq:5672", instance: "127.0.0.1:5672" };
const [source] = rabbitmqLogSources(target, "/var/log/rabbitmq/rabbit@vm.log");

describe("RabbitMQ log source", () => {
  test("is a file source labelled job integrations/rabbitmq, log server", () => {
    expect(source).toMatchObject({
      name: "integrations-rabbitmq_5672-server",
      include: ["/var/log/rabbitmq/rabbit@vm.log"],
      labels: { job: "integrations/rabbitmq", instance: "127.0.0.1:5672", log: "server" },
    });
  });

  test("a line becomes its time with its offset, a level and the Erlang process", () => {
    const out = parseLines(source, LINES);
    expect(out.map((o) => o.level)).toEqual(["info", "info", "warn", "error"]);
    expect(out.map((o) => o.fields.erlang_pid)).toEqual([
      "0.223.0",
      "0.223.0",
      "0.634.0",
      "0.700.0",
    ]);
    expect(out[0].timeNs).toBe(
      BigInt(Date.UTC(2026, 10, 23, 7, 21, 8, 430)) * 1_000_000n + 507_000n,
    );
    expect(out[3].timeNs).toBe(BigInt(Date.UTC(2026, 10, 23, 6, 21, 15)) * 1_000_000n + 1_000n);
  });

  test("a crash report's continuation lines do not start an entry", () => {
    const start = compileStartPattern(RABBIT_START);
    expect(start.test(LINES[0])).toBe(true);
    expect(start.test("    supervisor: {local,rabbit_sup}")).toBe(false);
  });
});

describe("rabbitmqLogs()", () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-rabbit-logs-"));
  writeFileSync(join(dir, "rabbit@vm.log"), "");
  writeFileSync(join(dir, "rabbit@vm_upgrade.log"), "");

  test.each([
    ["the management API's log file first", ["/x/n@h.log", "<stdout>"], "/x/n@h.log"],
    ["Debian's folder's one node log when the API cannot say", null, join(dir, "rabbit@vm.log")],
  ] as const)("takes %s", async (_, files, want) => {
    const hints = {
      pid: 0,
      logFiles: async () => {
        if (files === null) throw new Error("refused");
        return [...files];
      },
    };
    const [s] = await rabbitmqLogs(hints, target, dir);
    expect(s.include).toEqual([want]);
  });

  test("says what it tried when nothing names a log", async () => {
    const hints = { pid: 0, logFiles: async () => [] };
    await expect(rabbitmqLogs(hints, target, join(dir, "none"))).rejects.toThrow(
      /Cannot find the log of RabbitMQ at 127.0.0.1:5672/,
    );
  });
});
