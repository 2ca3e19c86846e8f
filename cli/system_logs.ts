/**
 * Which of the host's own logs `outpost up` reads: the journal where journald runs, else the
 * syslog file where one exists. Not both: rsyslog on a journald host stores the journal's
 * lines again, and they would arrive twice.
 */
import { existsSync } from "node:fs";

/** The `journal` and `syslog` sections `outpost up` writes into the local agent's config. */
export function systemLogSections(root = "/"): {
  journal: { enabled: boolean };
  syslog: { enabled: boolean };
} {
  const journald = existsSync(`${root}run/systemd/journal/socket`);
  const syslog =
    !journald && ["var/log/syslog", "var/log/messages"].some((f) => existsSync(`${root}${f}`));
  return { journal: { enabled: journald }, syslog: { enabled: syslog } };
}
