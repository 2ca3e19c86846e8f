import { describe, expect, test } from "bun:test";
import { type HopTrace, newTrace } from "./conn.ts";
import { parseHttpDate, phaseSeconds } from "./metrics.ts";

/** A trace with moments in ms from 0. */
function trace(moments: Partial<HopTrace>, tls = false): HopTrace {
  return { ...newTrace(tls), start: 0, ...moments };
}

describe("phaseSeconds()", () => {
  test.each([
    [
      "a full plain exchange",
      [trace({ dnsDone: 0, connectDone: 10, gotConn: 10, responseStart: 30, end: 70 })],
      [0.5, 0.01, 0, 0.02, 0.04],
    ],
    [
      "a full TLS exchange",
      [
        trace(
          {
            dnsDone: 0,
            connectDone: 10,
            tlsStart: 11,
            tlsDone: 31,
            gotConn: 31,
            responseStart: 41,
            end: 51,
          },
          true,
        ),
      ],
      [0.5, 0.01, 0.02, 0.01, 0.01],
    ],
    ["a refused connection", [trace({ dnsDone: 0, connectDone: 10 })], [0.5, 0, 0, 0, 0]],
    [
      "a failed handshake",
      [trace({ dnsDone: 0, connectDone: 10, tlsStart: 10, tlsDone: 20 }, true)],
      [0.5, 0, 0, 0, 0],
    ],
    ["no response", [trace({ dnsDone: 0, connectDone: 10, gotConn: 10 })], [0.5, 0.01, 0, 0, 0]],
    [
      "a redirect: the later resolve counts, only the last exchange transfers",
      [
        trace({ dnsDone: 0, connectDone: 10, gotConn: 10, responseStart: 20 }),
        trace({
          start: 100,
          dnsDone: 105,
          connectDone: 110,
          gotConn: 110,
          responseStart: 120,
          end: 130,
        }),
      ],
      [0.505, 0.015, 0, 0.02, 0.01],
    ],
  ])("%s", (_name, traces, expected) => {
    const got = phaseSeconds(0.5, traces);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 9);
    });
  });
});

describe("parseHttpDate()", () => {
  test.each([
    ["Wed, 21 Oct 2015 07:28:00 GMT", 1445412480],
    ["Wednesday, 21-Oct-15 07:28:00 GMT", 1445412480],
    ["Wed Oct 21 07:28:00 2015", 1445412480],
    ["Sun Nov  6 08:49:37 1994", 784111777],
    ["2015-10-21T07:28:00Z", undefined],
    ["Wed, 21 Oct 2015 07:28:00 CET", undefined],
    ["Wed, 21 Foo 2015 07:28:00 GMT", undefined],
    [undefined, undefined],
  ])("%p is %p", (text, expected) => {
    expect(parseHttpDate(text)).toBe(expected);
  });
});
