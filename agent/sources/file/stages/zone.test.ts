import { afterAll, describe, expect, test } from "bun:test";
import { isKnownLocation, Location } from "./zone.ts";

const HOUR = 3_600_000;
const savedTz = process.env.TZ;
afterAll(() => {
  // Assigning undefined would set the text "undefined" for every later test of this process.
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** Every hour of 2026 (both daylight-saving changes), and a few older and later instants. */
const INSTANTS = [
  ...Array.from({ length: 365 * 24 }, (_, i) => Date.UTC(2026, 0, 1) + i * HOUR),
  Date.UTC(1995, 5, 1),
  Date.UTC(2011, 2, 27, 1, 30),
  Date.UTC(2037, 9, 25, 0, 59, 59),
];

describe("Location without Intl", () => {
  test.each(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"])(
    "Local agrees with the Intl reference in %s at every instant and wall-clock time",
    (tz) => {
      process.env.TZ = tz;
      const fast = new Location("Local");
      const reference = new Location("Local", { intl: true });
      for (const t of INSTANTS) {
        expect(fast.offsetAt(t)).toBe(reference.offsetAt(t));
        expect(fast.offsetAtWall(t)).toBe(reference.offsetAtWall(t));
      }
    },
  );

  test("UTC has no offset, as the Intl reference says", () => {
    const fast = new Location("UTC");
    const reference = new Location("UTC", { intl: true });
    for (const t of INSTANTS.slice(0, 48)) expect(fast.offsetAt(t)).toBe(reference.offsetAt(t));
    expect(fast.offsetAtWall(Date.UTC(2026, 6, 1))).toBe(0);
  });

  test("UTC and Local are known locations, a made-up name is not", () => {
    expect([
      isKnownLocation("UTC"),
      isKnownLocation("Local"),
      isKnownLocation("Mars/Olympus"),
    ]).toEqual([true, true, false]);
  });
});
