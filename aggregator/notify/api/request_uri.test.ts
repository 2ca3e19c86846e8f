import { expect, test } from "bun:test";
import { isRequestUri } from "./request_uri.ts";

// Each answer as Alertmanager 0.25's API gave it for the text as an alert's generatorURL
// (422 "must be of type uri" or accepted); test/integration/alerts_api_amtool.test.ts posts
// a selection to the real one beside Outpost.
const ACCEPTED = [
  "/foo",
  "http://x",
  "a:b",
  "http://x/?q=%zz",
  "mailto:%zz",
  "http://u:p@x/",
  "http://x/a b",
  "HTTP://X",
  "http://x:80/",
  "//x/y",
  "http://[fe80::1%25en0]/",
  "http://x:/",
  "a:b:c",
  "c:%zz",
  "*",
  "http://prometheus:9090/graph?g0.expr=up%3D%3D0&g0.tab=1",
  "http://x/#frag",
  "http://ü.example/",
];
const REFUSED = [
  "",
  "foo",
  "http://x:port/",
  "http://[::1",
  "http://x/%zz",
  "http://x/#%zz",
  "http://x y/",
  "a b",
  "1http://x",
  "http://%41/",
  "http://x%zz/",
  "/a%2",
  "%41:b",
  "http://x#a",
  "http://ü@x/",
  "http://x\u0001/",
  ":foo",
];

test.each(ACCEPTED)("%p is a URI as Go's url.ParseRequestURI takes it", (text) => {
  expect(isRequestUri(text)).toBe(true);
});

test.each(REFUSED)("%p is not a URI as Go's url.ParseRequestURI takes it", (text) => {
  expect(isRequestUri(text)).toBe(false);
});
