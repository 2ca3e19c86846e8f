import { expect, test } from "bun:test";
import {
  exportFileName,
  groupByFolder,
  readList,
  searchRequest,
  toggleTag,
  writeList,
} from "./search.ts";

test("the list's state survives the URL; the default writes nothing", () => {
  const s = { query: "node", tags: ["linux", "prod env"], folder: "ops" };
  expect(readList(writeList(s))).toEqual(s);
  expect(writeList({ query: "", tags: [], folder: "" })).toBe("");
  expect(readList("?tag=a&tag=a&tag=")).toEqual({ query: "", tags: ["a"], folder: "" });
});

test("a click on a tag adds it to the filter, a second click removes it", () => {
  const s = readList("?q=x");
  const on = toggleTag(s, "linux");
  expect(on.tags).toEqual(["linux"]);
  expect(toggleTag(on, "linux").tags).toEqual([]);
});

test("searchRequest() names General as the empty folder uid", () => {
  expect(searchRequest(readList("?folder=general")).folderUids).toEqual([""]);
  expect(searchRequest(readList("?folder=ops")).folderUids).toEqual(["ops"]);
  expect(searchRequest(readList("")).folderUids).toEqual([]);
});

test("groupByFolder() puts General first, folders and dashboards by title", () => {
  const folders = [
    { uid: "z", title: "Zeta" },
    { uid: "a", title: "alpha" },
    { uid: "e", title: "Empty" },
  ];
  const dash = [
    { title: "b", folderUid: "z" },
    { title: "A", folderUid: "z" },
    { title: "g", folderUid: "" },
    { title: "lost", folderUid: "gone" },
  ];
  const g = groupByFolder(dash, folders, true);
  expect(g.map((x) => [x.title, x.dashboards.map((d) => d.title)])).toEqual([
    ["General", ["g"]],
    ["alpha", []],
    ["Empty", []],
    ["Zeta", ["A", "b"]],
    ["gone", ["lost"]],
  ]);
  expect(groupByFolder(dash, folders, false).map((x) => x.title)).toEqual([
    "General",
    "Zeta",
    "gone",
  ]);
});

test("exportFileName() keeps letters, digits and spaces as dashes", () => {
  expect(exportFileName("Node Exporter Full", "u")).toBe("Node-Exporter-Full.json");
  expect(exportFileName("a/b: c?", "u")).toBe("ab-c.json");
  expect(exportFileName("///", "rYdddlPWk")).toBe("rYdddlPWk.json");
});
