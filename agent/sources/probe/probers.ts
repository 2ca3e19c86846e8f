import type { ProbeModule, ProberName } from "./config.ts";
import { probeDns } from "./dns/dns.ts";
import { probeHttp } from "./http/http.ts";
import { probeIcmp } from "./icmp/icmp.ts";
import type { Prober } from "./prober.ts";
import { probeTcp } from "./tcp/tcp.ts";

/** Every prober by the name modules use. */
export const PROBERS: { [K in ProberName]: Prober<NonNullable<ProbeModule[K]>> } = {
  http: probeHttp,
  tcp: probeTcp,
  dns: probeDns,
  icmp: probeIcmp,
};
