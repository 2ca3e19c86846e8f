/** Builders of detection inputs for the rules' table tests: processes and listeners as /proc shows them. */
import { expect } from "bun:test";
import type { TcpListener, UnixListener } from "./proc_net.ts";
import { type DetectedService, matchServices, type ProcessInfo } from "./rules.ts";

/** A process with its socket inodes (null: its fds are unreadable). */
export const proc = (
  pid: number,
  comm: string,
  sockets: number[] | null,
  cmdline = comm,
): ProcessInfo => ({
  pid,
  comm,
  cmdline,
  sockets: sockets && new Set(sockets),
});

/** A listening TCP socket. */
export const tcp = (address: string, port: number, inode: number): TcpListener => ({
  address,
  port,
  inode,
});

/** A listening Unix socket. */
export const unix = (path: string, inode: number): UnixListener => ({ path, inode });

/** One table case: what /proc shows, and the services detection must find, in key order. */
export interface Case {
  name: string;
  processes: ProcessInfo[];
  tcp?: TcpListener[];
  unix?: UnixListener[];
  want: Partial<DetectedService>[];
}

/** Runs detection's rules on a case's inputs and holds the result to its `want`. */
export function expectMatches(c: Case): void {
  const got = matchServices(c.processes, c.tcp ?? [], c.unix ?? []);
  expect(got).toHaveLength(c.want.length);
  c.want.forEach((w, i) => {
    expect(got[i]).toMatchObject(w);
  });
}
