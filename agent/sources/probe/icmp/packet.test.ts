import { describe, expect, test } from "bun:test";
import { checksum, type EchoKey, echoPayload, echoRequest, isEchoReply } from "./packet.ts";

const key = (over: Partial<EchoKey> = {}): EchoKey => ({
  family: 4,
  raw: false,
  id: 0x1234,
  seq: 0x0102,
  payload: echoPayload(0),
  ...over,
});

/** The reply to `k` as recvmsg returns it: with a 20-byte IPv4 header on raw IPv4 sockets. */
function reply(k: EchoKey, change: (msg: Uint8Array) => void = () => {}): Uint8Array {
  const msg = echoRequest(k);
  msg[0] = k.family === 4 ? 0 : 129;
  change(msg);
  if (!k.raw || k.family === 6) return msg;
  const ip = new Uint8Array(20 + msg.length);
  ip[0] = 0x45;
  ip[8] = 63;
  ip.set(msg, 20);
  return ip;
}

describe("echo packets", () => {
  test("echoPayload() is blackbox_exporter's text, cut or zero-filled to payload_size", () => {
    expect(new TextDecoder().decode(echoPayload(0))).toBe("Prometheus Blackbox Exporter");
    expect(new TextDecoder().decode(echoPayload(10))).toBe("Prometheus");
    expect([...echoPayload(30).subarray(26)]).toEqual([101, 114, 0, 0]);
  });

  test("echoRequest() writes type, id, sequence and a valid IPv4 checksum", () => {
    const msg = echoRequest(key());
    expect([...msg.subarray(0, 8)].map((b) => b.toString(16))).toEqual([
      "8",
      "0",
      msg[2].toString(16),
      msg[3].toString(16),
      "12",
      "34",
      "1",
      "2",
    ]);
    expect(checksum(msg)).toBe(0);
    expect(echoRequest(key({ family: 6 }))[0]).toBe(128);
  });

  test("checksum() pads an odd length with a zero byte", () => {
    expect(checksum(new Uint8Array([0x01]))).toBe(checksum(new Uint8Array([0x01, 0x00])));
  });

  test.each([
    [
      "IPv4 datagram socket, id changed by the kernel",
      key(),
      (m: Uint8Array) => {
        m[4] = 9;
      },
      true,
    ],
    ["IPv4 raw socket with its IP header", key({ raw: true }), () => {}, true],
    [
      "IPv4 raw socket, another process's id",
      key({ raw: true }),
      (m: Uint8Array) => {
        m[5] = 9;
      },
      false,
    ],
    ["IPv6", key({ family: 6 }), () => {}, true],
    ["IPv6 raw socket", key({ family: 6, raw: true }), () => {}, true],
    [
      "another sequence",
      key(),
      (m: Uint8Array) => {
        m[7] = 9;
      },
      false,
    ],
    [
      "other data",
      key(),
      (m: Uint8Array) => {
        m[8] = 0;
      },
      false,
    ],
    [
      "an echo request (our own, looped back)",
      key(),
      (m: Uint8Array) => {
        m[0] = 8;
      },
      false,
    ],
    [
      "a non-zero code",
      key(),
      (m: Uint8Array) => {
        m[1] = 1;
      },
      false,
    ],
  ])("isEchoReply() on %s", (_name, k, change, matches) => {
    const data = reply(k, change);
    expect(isEchoReply(k, data, data.length)).toBe(matches);
  });

  test("isEchoReply() refuses a truncated reply", () => {
    const data = reply(key());
    expect(isEchoReply(key(), data, data.length - 1)).toBe(false);
  });
});
