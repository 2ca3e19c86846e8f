/**
 * The first admin: on a store with no users, `outpost up` creates user `admin` with a random
 * password and an admin API token, and writes the token to DATA_DIR/admin.token (mode 0600),
 * so scripts and tests on this machine can read it. Later starts find users and do nothing.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newPassword } from "./secrets.ts";
import type { AuthStore } from "./store.ts";
import { ALL_TENANTS } from "./tenants.ts";

/** What a first start created: shown once. */
export interface FirstAdmin {
  readonly user: string;
  readonly password: string;
  readonly token: string;
  readonly tokenFile: string;
}

/** Creates the first admin when there are no users; null when there already are. */
export async function bootstrapAdmin(
  store: AuthStore,
  dataDir: string,
): Promise<FirstAdmin | null> {
  if (store.listUsers().length > 0) return null;
  const password = newPassword();
  // The first admin sees every tenant; a request without X-Scope-OrgID acts for "default".
  await store.addUser("admin", "admin", password, [ALL_TENANTS]);
  const { secret } = await store.createToken({ name: "outpost-up", owner: "admin" });
  const tokenFile = join(dataDir, "admin.token");
  writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  return { user: "admin", password, token: secret, tokenFile };
}
