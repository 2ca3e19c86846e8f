import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { canMakeCgroups, makeCgroup, type TestCgroup } from "../../../../test/harness/cgroup.ts";
import { containersSchema } from "./config.ts";
import { detectContainers } from "./target.ts";

setDefaultTimeout(30_000);
const config = (over: object = {}) => containersSchema.parse({ sockets: [], ...over });

describe.skipIf(!canMakeCgroups())("containers detection on this machine's cgroups", () => {
  let cgroup: TestCgroup | null = null;
  afterAll(() => cgroup?.remove());

  test("a Docker-named cgroup makes the host a containers host; gone, it is not", async () => {
    // Whatever this shared machine runs, only a cgroup the test makes may match here.
    const mine = config({ cgroups: `/docker/${"ab".repeat(31)}[0-9]{2}` });
    expect(detectContainers(mine)).toEqual([]);
    const id = `${"ab".repeat(31)}${String(process.pid % 100).padStart(2, "0")}`;
    cgroup = await makeCgroup(`docker/${id}`, 64 << 20, ["sh", "-c", "echo ready; exec sleep 60"]);
    expect(detectContainers(mine)).toEqual([
      {
        kind: "containers",
        key: "containers",
        how: "socket",
        pid: 0,
        address: "/sys/fs/cgroup",
        port: 0,
      },
    ]);
    // The default pattern knows Docker's cgroupfs layout too.
    expect(detectContainers(config())).toHaveLength(1);
    await cgroup.remove();
    cgroup = null;
    expect(detectContainers(mine)).toEqual([]);
  });
});

test.each([[{ collect: "off" }], [{ collect: "always" }], [{ cgroupfs: "/nonexistent" }]])(
  "no detection with %p",
  (over) => {
    expect(detectContainers(config({ ...over, cgroups: "/never" }))).toEqual([]);
  },
);
