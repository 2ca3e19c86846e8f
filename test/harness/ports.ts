/**
 * Free TCP ports for test servers. The port is only known to be free at the moment it is
 * returned; callers start their server right away to keep the race window small.
 */
export { freePort } from "../../cli/natsd.ts";
