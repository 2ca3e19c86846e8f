import { describe, expect, test } from "bun:test";
import { cramMd5 } from "./auth.ts";
import { dotStuff, qEncode, quotedPrintable, rfc1123z, writeMessage } from "./message.ts";

describe("qEncode()", () => {
  test.each([
    ["[FIRING:2] Disk full", "[FIRING:2] Disk full"],
    ["Disk ✓", "=?utf-8?q?Disk_=E2=9C=93?="],
    ["a=b?_c é", "=?utf-8?q?a=3Db=3F=5Fc_=C3=A9?="],
    ["line\nbreak", "=?utf-8?q?line=0Abreak?="],
  ])("writes %p as Go's mime.QEncoding does", (value, encoded) => {
    expect(qEncode(value)).toBe(encoded);
  });

  test("splits long values into words of at most 75 characters without cutting a character", () => {
    const value = "é".repeat(40);
    const words = qEncode(value).split(" ");
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words
      .map((w) => w.slice(10, -2))
      .join("")
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    expect(Buffer.from(decoded, "latin1").toString("utf8")).toBe(value);
  });
});

describe("quotedPrintable()", () => {
  test("keeps lines under 77 characters with soft breaks and CRLF line ends", () => {
    const text = `${"x".repeat(200)}\nsecond = line \nünï`;
    const out = quotedPrintable(text);
    for (const line of out.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(out).toContain("second =3D line=20\r\n");
    expect(out.endsWith("=C3=BCn=C3=AF")).toBe(true);
    const decoded = out
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    expect(Buffer.from(decoded, "latin1").toString("utf8")).toBe(text.replace(/\n/g, "\r\n"));
  });
});

test("rfc1123z() writes Go's RFC1123Z layout", () => {
  expect(rfc1123z(new Date("2024-03-05T09:08:07Z"))).toBe("Tue, 05 Mar 2024 09:08:07 +0000");
});

test("dotStuff() doubles leading dots and ends the data", () => {
  expect(dotStuff("a\r\n.b\r\n..c\r\n")).toBe("a\r\n..b\r\n...c\r\n.\r\n");
});

test("writeMessage() puts the text part before the html part, both quoted-printable", () => {
  const raw = writeMessage({
    smarthost: "mx:25",
    from: "a@x",
    to: ["b@x"],
    headers: { Subject: "S", To: "b@x", From: "a@x" },
    text: "plain",
    html: "<p>html</p>",
  });
  const boundary = /boundary=(\w+)/.exec(raw)![1]!;
  expect(raw.indexOf("text/plain")).toBeLessThan(raw.indexOf("text/html"));
  expect(raw).toContain(
    `\r\n\r\n--${boundary}\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nplain\r\n`,
  );
  expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
  expect(raw).not.toMatch(/[^\r]\n/);
});

test("cramMd5() answers RFC 2195's example challenge", () => {
  const challenge = "<1896.697170952@postoffice.reston.mci.net>";
  expect(cramMd5("tim", "tanstaaftanstaaf", challenge)).toBe(
    "tim b913a602c7eda7a495b4e6e7334d3890",
  );
});
