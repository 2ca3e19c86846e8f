import { describe, expect, test } from "bun:test";
import { matchesAll } from "../matchers.ts";
import { SilenceIndex } from "./index.ts";
import { compileMatchers, type Silence, type SilenceMatcher } from "./silence.ts";

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("SilenceIndex", () => {
  test("silencedBy() agrees with testing every silence, on random silences and labels", () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const names = ["alertname", "severity", "team", "instance"];
    const values = ["a", "b", "c", ""];
    const matcher = (): SilenceMatcher => ({
      name: pick(names),
      value: r() < 0.3 ? pick(["a|b", "c.*", ".+"]) : pick(values),
      isRegex: r() < 0.3,
      isEqual: r() < 0.7,
    });
    const silences: Silence[] = Array.from({ length: 300 }, (_, i) => ({
      id: `s${String(i).padStart(3, "0")}`,
      matchers: Array.from({ length: 1 + Math.floor(r() * 3) }, matcher),
      startsAt: Math.floor(r() * 100),
      endsAt: 50 + Math.floor(r() * 100),
      updatedAt: 0,
      createdBy: "",
      comment: "",
    }));
    const index = new SilenceIndex(silences, 0);
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      for (const n of names) if (r() < 0.8) labels[n] = pick(values);
      const now = Math.floor(r() * 160);
      const want = silences
        .filter((s) => now >= s.startsAt && now <= s.endsAt)
        .filter((s) => matchesAll(compileMatchers(s.matchers), labels))
        .map((s) => s.id);
      expect(index.silencedBy(labels, now)).toEqual(want);
    }
  });
});
