/**
 * Misbehaving DNS servers for the dns prober's tests (dnsmasq is the well-behaved one): one
 * that never answers, one that answers garbage, one that first answers another query, one
 * whose TCP answer has the wrong id, and a DNS-over-TLS front for dnsmasq's TCP port.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { decodeMessage, encodeMessage, Flags } from "../../../../shared/dns/wire.ts";
import type { TestCert } from "../tcp/testservers.ts";

/** dnsmasq options serving the test zone `example.test` (SOA and NS from --auth-zone). */
export const EXAMPLE_ZONE = [
  "--auth-zone=example.test,192.0.2.0/24,2001:db8::/32",
  "--auth-server=ns1.example.test,127.0.0.1",
  "--auth-soa=2024010101,hostmaster.example.test,1200,180,1209600",
  "--host-record=www.example.test,192.0.2.10,2001:db8::10",
  "--cname=alias.example.test,www.example.test",
  "--mx-host=example.test,mail.example.test,10",
  '--txt-record=example.test,v=spf1 -all,second "q" ok',
  "--srv-host=_http._tcp.example.test,www.example.test,8080,5,20",
  "--dns-rr=caa.example.test,257,000569737375656c657473656e63727970742e6f7267",
  // Twelve 62-byte strings: more than fits in 512 bytes, so a UDP answer is truncated.
  ...Array.from(
    { length: 12 },
    (_, i) => `--txt-record=big.example.test,${"x".repeat(60)}${i + 10}`,
  ),
];

/** The servers and their ports on 127.0.0.1. */
export interface DnsTestServers {
  ports: { silent: number; garbage: number; late: number; wrongIdTcp: number; dot: number };
  close(): Promise<void>;
}

/** An answer to `query` with one A record 192.0.2.77 and the given id. */
function answer(query: Buffer, id: number): Uint8Array {
  const q = decodeMessage(new Uint8Array(query));
  const data = Uint8Array.of(192, 0, 2, 77);
  const record = { name: q.questions[0].name, type: 1, ttl: 60, data };
  return encodeMessage({
    id,
    flags: Flags.QR | Flags.AA,
    questions: q.questions,
    answer: [record],
  });
}

async function udpServer(reply: (socket: UdpSocket, query: Buffer, port: number) => void) {
  const socket = createSocket("udp4");
  socket.on("message", (query, from) => reply(socket, query, from.port));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

/** Starts every server; `dnsmasqPort` is where the DNS-over-TLS front forwards. */
export async function startDnsTestServers(
  cert: TestCert,
  dnsmasqPort: number,
): Promise<DnsTestServers> {
  const silent = await udpServer(() => {});
  const garbage = await udpServer((s, query, port) => {
    // The query's id, then a header claiming a question whose label runs past the end.
    const junk = Buffer.concat([
      query.subarray(0, 2),
      Buffer.from("818000010000000000003f6162", "hex"),
    ]);
    s.send(junk, port, "127.0.0.1");
  });
  const late = await udpServer((s, query, port) => {
    const id = query.readUInt16BE(0);
    s.send(answer(query, id ^ 0xffff), port, "127.0.0.1");
    setTimeout(() => s.send(answer(query, id), port, "127.0.0.1"), 20);
  });
  const wrongIdTcp = createServer((socket) => {
    socket.once("data", (frame: Buffer) => {
      const reply = answer(frame.subarray(2), frame.readUInt16BE(2) ^ 1);
      socket.end(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
    });
  });
  const open = new Set<Socket>();
  const dot = createTlsServer({ key: cert.key, cert: cert.cert }, (client) => {
    const upstream = connect(dnsmasqPort, "127.0.0.1");
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  const ports = {
    silent: silent.address().port,
    garbage: garbage.address().port,
    late: late.address().port,
    wrongIdTcp: await listen(wrongIdTcp),
    dot: await listen(dot),
  };
  return {
    ports,
    async close() {
      for (const s of [silent, garbage, late]) s.close();
      for (const s of open) s.destroy();
      await Promise.all([wrongIdTcp, dot].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
