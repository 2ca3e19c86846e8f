import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ConnectionOptions, PeerCertificate, TLSSocket } from "node:tls";
import type { MetricWriter } from "../../pipeline/emitter.ts";

/** A module's `tls_config` as loaded (file paths absolute). */
export interface ProbeTlsConfig {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: "TLS10" | "TLS11" | "TLS12" | "TLS13";
  max_version?: "TLS10" | "TLS11" | "TLS12" | "TLS13";
}

const VERSIONS = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" } as const;

/** Go's zero time as a Unix timestamp: what blackbox_exporter reports when no chain was verified. */
const GO_ZERO_TIME = -62135596800;

/**
 * node:tls connection options for a module's tls_config. Files are read on every probe so that
 * rotated certificates take effect; `host` is the SNI and verification name unless
 * server_name overrides it.
 */
export function tlsOptions(config: ProbeTlsConfig | undefined, host: string): ConnectionOptions {
  const c = config ?? { insecure_skip_verify: false };
  const servername = c.server_name ?? host;
  return {
    rejectUnauthorized: !c.insecure_skip_verify,
    ca: c.ca_file ? readFileSync(c.ca_file, "utf8") : undefined,
    cert: c.cert_file ? readFileSync(c.cert_file, "utf8") : undefined,
    key: c.key_file ? readFileSync(c.key_file, "utf8") : undefined,
    // SNI must be a name, never an IP literal (RFC 6066).
    servername: /^[\d.]+$|:/.test(servername) ? undefined : servername,
    minVersion: c.min_version ? VERSIONS[c.min_version] : "TLSv1.2",
    maxVersion: c.max_version ? VERSIONS[c.max_version] : undefined,
  };
}

/** What the TLS metrics read of a connection: a node TLSSocket, or facts saved from a Bun socket. */
export type TlsFacts = Pick<TLSSocket, "authorized" | "getPeerCertificate" | "getProtocol">;

/**
 * Writes blackbox_exporter's TLS families for an established connection:
 * probe_ssl_earliest_cert_expiry, probe_ssl_last_chain_expiry_timestamp_seconds,
 * probe_ssl_last_chain_info and probe_tls_version_info.
 */
export function writeTlsMetrics(w: MetricWriter, socket: TlsFacts): void {
  const chain = peerChain(socket);
  if (chain.length === 0) return;
  const expiries = chain.map((c) => Date.parse(c.validTo) / 1000);
  w.family("probe_ssl_earliest_cert_expiry", "gauge", "Returns last SSL chain expiry in unixtime");
  w.sample("probe_ssl_earliest_cert_expiry", [], Math.min(...expiries));
  w.family(
    "probe_ssl_last_chain_expiry_timestamp_seconds",
    "gauge",
    "Returns last SSL chain expiry in timestamp",
  );
  // Only a verified chain counts; with insecure_skip_verify there is none.
  const verified = socket.authorized ? Math.min(...expiries) : GO_ZERO_TIME;
  w.sample("probe_ssl_last_chain_expiry_timestamp_seconds", [], verified);
  const leaf = chain[0];
  w.family("probe_ssl_last_chain_info", "gauge", "Contains SSL leaf certificate information");
  w.sample(
    "probe_ssl_last_chain_info",
    [
      "fingerprint_sha256",
      leaf.fingerprint256.replaceAll(":", "").toLowerCase(),
      "issuer",
      goName(leaf.issuer),
      "subject",
      goName(leaf.subject),
      "subjectalternative",
      dnsNames(leaf.subjectAltName),
    ],
    1,
  );
  w.family("probe_tls_version_info", "gauge", "Returns the TLS version used or NaN when unknown");
  const version = socket.getProtocol();
  if (version) w.sample("probe_tls_version_info", ["version", version.replace("TLSv", "TLS ")], 1);
}

/** The certificates the peer presented, leaf first, each once. */
function peerChain(socket: TlsFacts): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return out;
}

/** Go's attribute names, in the order pkix.Name.String() prints them (its RDN sequence reversed). */
const GO_NAME_ORDER = ["SERIALNUMBER", "CN", "OU", "O", "POSTALCODE", "STREET", "L", "ST", "C"];
const GO_KEYS: Record<string, string> = {
  serialNumber: "SERIALNUMBER",
  postalCode: "POSTALCODE",
  street: "STREET",
};

/**
 * An X.509 name the way Go's pkix.Name.String() prints it: a fixed attribute order whatever
 * the certificate's, comma separated; attributes Go has no name for come first.
 */
function goName(name: string): string {
  const rank = (attr: string) => GO_NAME_ORDER.indexOf(attr.slice(0, attr.indexOf("=")));
  return name
    .split("\n")
    .filter(Boolean)
    .map((attr) => {
      const eq = attr.indexOf("=");
      const key = attr.slice(0, eq);
      return `${GO_KEYS[key] ?? key}${attr.slice(eq)}`;
    })
    .sort((a, b) => rank(a) - rank(b))
    .join(",");
}

/** Only the DNS names of a subjectAltName, comma separated, as blackbox_exporter reports them. */
function dnsNames(san: string | undefined): string {
  if (!san) return "";
  return san
    .split(", ")
    .filter((p) => p.startsWith("DNS:"))
    .map((p) => p.slice(4))
    .join(",");
}
