import { describe, expect, test } from "bun:test";
import { type FileKind, fileKind, firstKey } from "./check.ts";

describe("fileKind()", () => {
  test.each<[string, string, FileKind]>([
    ["a rule file", "# rules\n---\ngroups:\n  - name: a\n", "rules"],
    ["a rule file whose groups is not its first key", "other: 1\ngroups: []\n", "rules"],
    ["a rule file in flow style", "{groups: []}\n", "rules"],
    ["an alertmanager.yml", "route: {receiver: a}\nreceivers: [{name: a}]\n", "alertmanager"],
    ["a prometheus.yml", "global: {}\nscrape_configs: []\n", "agent"],
    ["an aggregator config", "storage: {type: dir}\n", "aggregator"],
    ["a Sloth spec", "version: prometheus/v1\nservice: s\nslos: []\n", "slo"],
  ])("tells %s", (_, text, kind) => {
    expect(fileKind(text)).toBe(kind);
  });
});

describe("firstKey()", () => {
  test.each([
    ["groups:\n", "groups"],
    ["\n# c\n%YAML 1.1\n--- # doc\ngroups: []\n", "groups"],
    ["  groups: []\n", undefined],
    ["{groups: []}\n", undefined],
    ["groups_x: 1\n", "groups_x"],
    ["'groups': 1\n", undefined],
    ["", undefined],
  ])("reads %j as %j", (text, want) => {
    expect(firstKey(text)).toBe(want);
  });
});
