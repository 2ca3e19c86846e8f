import { expect, test } from "bun:test";
import { selectorSpot } from "./logql_complete.ts";

test.each([
  ["{", { kind: "name", from: 1, prefix: "", selector: "{}" }],
  ["{ap", { kind: "name", from: 1, prefix: "ap", selector: "{}" }],
  ['{app="api", le', { kind: "name", from: 12, prefix: "le", selector: '{app="api"}' }],
  ['{app="a', { kind: "value", from: 6, prefix: "a", name: "app", selector: "{}" }],
  [
    '{app="api",level=~"er',
    { kind: "value", from: 19, prefix: "er", name: "level", selector: '{app="api"}' },
  ],
  ['{a="x,{y"', null],
  ['{a="b"} |= "', null],
  ['{a="b"} | json', null],
  ['{app="api" ', null],
  ["", null],
])("selectorSpot(%p)", (before, want) => {
  expect(selectorSpot(before)).toEqual(want as never);
});
