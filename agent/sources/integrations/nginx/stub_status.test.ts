import { describe, expect, test } from "bun:test";
import { RecordingWriter } from "../../host/testing.ts";
import { parseStubStatus, writeStubStatus } from "./stub_status.ts";

/** A page as nginx 1.22 writes it (note the trailing spaces). */
const PAGE =
  "Active connections: 3 \nserver accepts handled requests\n 17 16 42 \nReading: 0 Writing: 1 Waiting: 2 \n";

describe("stub_status", () => {
  test("parseStubStatus() reads every counter and gauge", () => {
    expect(parseStubStatus(PAGE, "u")).toEqual({
      active: 3,
      accepted: 17,
      handled: 16,
      requests: 42,
      reading: 0,
      writing: 1,
      waiting: 2,
    });
  });

  test("parseStubStatus() names the URL when the page is something else", () => {
    expect(() => parseStubStatus("<html>Welcome to nginx!</html>", "http://h/x")).toThrow(
      "Cannot parse http://h/x: not an nginx stub_status page: <html>Welcome",
    );
  });

  test("writeStubStatus() writes the exporter's families, nginx_up 1 included", () => {
    const w = new RecordingWriter();
    writeStubStatus(w, parseStubStatus(PAGE, "u"));
    expect(w.value("nginx_http_requests_total")).toBe(42);
    expect(w.value("nginx_connections_handled")).toBe(16);
    expect(w.value("nginx_up")).toBe(1);
    expect(w.families.get("nginx_connections_accepted")).toEqual({
      type: "counter",
      help: "Accepted client connections",
    });
    expect(w.families.size).toBe(8);
  });
});
