import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loginName } from "./auth.ts";

const saved = { USER: process.env.USER, LOGNAME: process.env.LOGNAME };
afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

test("loginName() takes $USER, else the password file's name of the uid, as Node does", () => {
  process.env.USER = "ops";
  expect(loginName()).toBe("ops");
  delete process.env.USER;
  delete process.env.LOGNAME;
  const passwd = join(mkdtempSync(join(tmpdir(), "outpost-passwd-")), "passwd");
  writeFileSync(passwd, `root:x:0:0::/root:/bin/sh\nme:x:${process.getuid?.()}:0::/:/bin/sh\n`);
  expect(loginName(passwd)).toBe(process.getuid?.() === 0 ? "root" : "me");
});
