/**
 * Container names and images from Docker or Podman, asked over their API socket
 * (`GET /containers/json`, which Podman also serves in Docker's form). No daemon, no names:
 * the cgroups are still collected, labelled by `id` alone.
 */

/** What the daemon says of one container. */
export interface ContainerMeta {
  name: string;
  image: string;
}

/** The sockets looked at, in order: Docker's, then rootful Podman's. */
export const RUNTIME_SOCKETS = ["/var/run/docker.sock", "/run/podman/podman.sock"];
const TIMEOUT_MS = 2_000;
/** Bodies larger than this are refused: ~5,000 containers' summaries. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Maps `/containers/json`'s answer to metadata by full id; malformed entries are skipped. */
export function parseContainerList(body: unknown): Map<string, ContainerMeta> {
  const out = new Map<string, ContainerMeta>();
  if (!Array.isArray(body)) return out;
  for (const c of body as Record<string, unknown>[]) {
    const id = typeof c?.Id === "string" ? c.Id : "";
    if (!/^[0-9a-f]{64}$/.test(id)) continue;
    const names = Array.isArray(c.Names) ? c.Names : [];
    const name = typeof names[0] === "string" ? names[0].replace(/^\//, "") : "";
    out.set(id, { name, image: typeof c.Image === "string" ? c.Image : "" });
  }
  return out;
}

/** Lists the containers of the daemon at `socket`; throws `Cannot list containers…`. */
export async function listContainers(socket: string): Promise<Map<string, ContainerMeta>> {
  const res = await fetch("http://localhost/containers/json?all=1", {
    unix: socket,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  } as RequestInit);
  if (!res.ok) throw new Error(`Cannot list containers at ${socket}: HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES)
    throw new RangeError(
      `Cannot list containers at ${socket}: answer over ${MAX_BODY_BYTES} bytes`,
    );
  return parseContainerList(JSON.parse(text));
}
