import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemLogSections } from "./system_logs.ts";

test.each([
  [["run/systemd/journal/socket", "var/log/syslog"], true, false],
  [["var/log/syslog"], false, true],
  [["var/log/messages"], false, true],
  [[], false, false],
])("with %p present, journal is %p and syslog %p", (files, journal, syslog) => {
  const root = `${mkdtempSync(join(tmpdir(), "outpost-syslogs-"))}/`;
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "");
  }
  expect(systemLogSections(root)).toEqual({
    journal: { enabled: journal },
    syslog: { enabled: syslog },
  });
});
