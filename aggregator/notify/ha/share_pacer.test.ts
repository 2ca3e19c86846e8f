import { describe, expect, test } from "bun:test";
import type { StoredAlert } from "../alerts.ts";
import { ManualClock } from "../dispatch/clock.ts";
import { SHARE_MAX_WAIT, SHARE_QUIET, SharePacer } from "./share_pacer.ts";

const alert = (fp: string, updatedAt = 0) => ({ fingerprint: fp, updatedAt }) as StoredAlert;

/** A pacer on a manual clock, and each write it made: when, and which alerts. */
function paced() {
  const clock = new ManualClock(0);
  const writes: [number, string][] = [];
  const pacer = new SharePacer(clock, async (alerts) => {
    writes.push([clock.now(), alerts.map((a) => `${a.fingerprint}@${a.updatedAt}`).join(",")]);
  });
  return { clock, pacer, writes };
}

describe("SharePacer", () => {
  test("shares what it was given once posts pause, a write a post in their order", async () => {
    const { clock, pacer, writes } = paced();
    pacer.add([alert("a")]);
    await clock.advance(20);
    pacer.add([alert("b"), alert("c")]);
    await clock.advance(SHARE_QUIET - 1);
    expect(writes).toEqual([]);
    await clock.advance(1);
    expect(writes).toEqual([
      [20 + SHARE_QUIET, "a@0"],
      [20 + SHARE_QUIET, "b@0,c@0"],
    ]);
    expect(pacer.size).toBe(0);
  });

  test("while posts keep coming, nothing waits longer than the longest wait", async () => {
    const { clock, pacer, writes } = paced();
    for (let t = 0; t < 3 * SHARE_MAX_WAIT; t += 10) {
      pacer.add([alert(`x${t}`)]);
      await clock.advance(10);
    }
    const at = [...new Set(writes.map(([t]) => t))];
    expect(at).toEqual([SHARE_MAX_WAIT, 2 * SHARE_MAX_WAIT, 3 * SHARE_MAX_WAIT]);
    // Every alert written once, none left waiting.
    expect(writes.flatMap(([, w]) => w.split(",")).length).toBe((3 * SHARE_MAX_WAIT) / 10);
  });

  test("flush() writes at once and cancels the timer; with nothing waiting it writes nothing", async () => {
    const { clock, pacer, writes } = paced();
    await pacer.flush();
    pacer.add([alert("a")]);
    await pacer.flush();
    expect(writes).toEqual([[0, "a@0"]]);
    await clock.advance(SHARE_MAX_WAIT);
    expect(writes).toHaveLength(1);
  });

  test("flush() during a flush that takes turns resolves once both are written, in order", async () => {
    const { clock, pacer, writes } = paced();
    for (const fp of ["a", "b", "c"]) pacer.add([alert(fp)]);
    const first = pacer.flush(); // writes "a", then waits for a turn of the clock
    pacer.add([alert("d")]);
    let done = false;
    const second = pacer.flush().then(() => {
      done = true;
    });
    await Bun.sleep(5);
    expect([writes.map(([, w]) => w), done]).toEqual([["a@0"], false]);
    await clock.advance(0);
    await Promise.all([first, second]);
    expect(writes.map(([, w]) => w)).toEqual(["a@0", "b@0", "c@0", "d@0"]);
  });
});
