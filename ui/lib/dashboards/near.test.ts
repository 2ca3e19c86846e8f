import { describe, expect, test } from "bun:test";
import {
  type NearEntry,
  type NearObserver,
  NearTracker,
  nearViewport,
  type ObserverFactory,
} from "./near.ts";

/**
 * Observers the test drives: `scroll(root, els)` reports those elements as intersecting that
 * root, as the browser does after a scroll. Bun has no IntersectionObserver; the e2e test
 * (test/e2e/ui_dashboard_lazy.test.ts) runs the browser's.
 */
function observers() {
  const made: {
    root: Element | null;
    watched: Set<Element>;
    disconnected: boolean;
    report(entries: NearEntry[]): void;
  }[] = [];
  const make: ObserverFactory = (root, report) => {
    const o = { root, watched: new Set<Element>(), disconnected: false, report };
    made.push(o);
    const observer: NearObserver = {
      observe: (el) => o.watched.add(el),
      unobserve: (el) => o.watched.delete(el),
      disconnect: () => {
        o.disconnected = true;
        o.watched.clear();
      },
    };
    return observer;
  };
  const scroll = (root: Element | null, near: Element[], far: Element[] = []) => {
    for (const o of made.filter((x) => x.root === root && !x.disconnected))
      o.report([
        ...far.map((target) => ({ target, isIntersecting: false })),
        ...near.map((target) => ({ target, isIntersecting: true })),
      ]);
  };
  return { made, make, scroll };
}

const el = (name: string) => ({ name }) as unknown as Element;

describe("NearTracker", () => {
  test("panels under one scroll root share one observer", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    for (const name of ["a", "b", "c"]) tracker.watch(el(name), null, () => {});
    const pane = el("pane");
    tracker.watch(el("d"), pane, () => {});
    expect(o.made.map((x) => [x.root, x.watched.size])).toEqual([
      [null, 3],
      [pane, 1],
    ]);
    expect(tracker.observers).toBe(2);
  });

  test("a panel is told once when it comes near and is then no longer watched", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    const [a, b] = [el("a"), el("b")];
    const told: string[] = [];
    tracker.watch(a, null, () => told.push("a"));
    tracker.watch(b, null, () => told.push("b"));
    o.scroll(null, [a], [b]);
    expect(told).toEqual(["a"]);
    expect([...o.made[0].watched]).toEqual([b]);
    o.scroll(null, [a, b]);
    expect(told).toEqual(["a", "b"]);
  });

  test("a panel that is not intersecting is not told", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    let told = 0;
    tracker.watch(el("a"), null, () => told++);
    o.scroll(null, [], [el("a")]);
    expect(told).toBe(0);
  });

  test("the last panel near or unwatched disconnects its root's observer", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    const a = el("a");
    const stop = tracker.watch(el("b"), null, () => {});
    tracker.watch(a, null, () => {});
    stop();
    expect(o.made[0].disconnected).toBe(false);
    o.scroll(null, [a]);
    expect(o.made[0].disconnected).toBe(true);
    expect(tracker.observers).toBe(0);
    // A panel mounted later gets a new observer for the same root.
    tracker.watch(el("c"), null, () => {});
    expect(o.made.length).toBe(2);
  });

  test("a panel unwatched before it came near is never told", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    const a = el("a");
    let told = 0;
    tracker.watch(el("keep"), null, () => {});
    tracker.watch(a, null, () => told++)();
    o.scroll(null, [a]);
    expect(told).toBe(0);
  });

  test("an entry for another root's panel does not reach this root's panels", () => {
    const o = observers();
    const tracker = new NearTracker(o.make);
    const pane = el("pane");
    const a = el("a");
    let told = 0;
    tracker.watch(a, pane, () => told++);
    o.scroll(null, [a]);
    expect(told).toBe(0);
    o.scroll(pane, [a]);
    expect(told).toBe(1);
  });

  test("without an IntersectionObserver every panel is near at once", () => {
    const tracker = new NearTracker(undefined);
    let told = 0;
    tracker.watch(el("a"), null, () => told++);
    expect(told).toBe(1);
    expect(tracker.observers).toBe(0);
  });
});

describe("nearViewport", () => {
  const box = (top: number, left = 0, h = 100, w = 100) => ({
    top,
    bottom: top + h,
    left,
    right: left + w,
  });
  test.each([
    ["on the screen", box(100), true],
    ["just below the screen, within the margin", box(1_000), true],
    ["below the margin", box(1_101), false],
    ["above the screen, within the margin", box(-300), true],
    ["above the margin", box(-301), false],
    ["right of the screen, beyond the margin", box(0, 1_641), false],
  ])("nearViewport() says a box %s is near: %p", (_, b, near) => {
    expect(nearViewport(b, 1_440, 900)).toBe(near);
  });
});
