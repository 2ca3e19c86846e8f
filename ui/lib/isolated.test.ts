import { expect, test } from "bun:test";
import { isolatedPoints } from "./isolated.ts";

const cases: { name: string; ys: (number | null)[]; want: number[] | null }[] = [
  { name: "a lone value at the end", ys: [null, null, 0.1], want: [2] },
  { name: "a lone value at the start", ys: [3, null, null], want: [0] },
  { name: "a value between gaps", ys: [1, 2, null, 5, null, 7, 8], want: [3] },
  { name: "one value alone", ys: [4], want: [0] },
  { name: "a connected run", ys: [1, 2, 3], want: null },
  { name: "no value", ys: [null, null], want: null },
  { name: "a zero between gaps (zero is a value)", ys: [null, 0, null], want: [1] },
];

for (const c of cases) {
  test(`isolatedPoints() finds ${c.name}`, () => {
    expect(isolatedPoints(c.ys)).toEqual(c.want);
  });
}

test("isolatedPoints() looks only inside the drawn window, neighbours outside it counted", () => {
  const ys = [5, null, 6, 7, null, 8];
  expect(isolatedPoints(ys, 1, 3)).toBeNull();
  expect(isolatedPoints(ys, 3, 5)).toEqual([5]);
});
