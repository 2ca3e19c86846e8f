/**
 * A pack's dashboard into a tenant's dashboards: imported into the folder Integrations under
 * the pack's uid when no dashboard has that uid, and never touched after, so a user's edits
 * (a later version), move to another folder, or own dashboard under that uid are kept.
 */
import { OutpostError } from "../../shared/errors/errors.ts";
import type { DashboardStore } from "../dashboards/store.ts";
import { type LoadedPack, PACKS_FOLDER, packDashboardUid } from "./catalog.ts";

/** Who pack imports are recorded as, in a dashboard's versions. */
export const PACK_AUTHOR = "outpost-packs";

/** Imports a pack's dashboard unless its uid is taken; says which it did. */
export async function importPackDashboard(
  store: DashboardStore,
  tenant: string,
  pack: LoadedPack,
): Promise<"imported" | "present"> {
  const uid = packDashboardUid(pack.name);
  if (await exists(store, tenant, uid)) return "present";
  await ensureFolder(store, tenant);
  try {
    await store.save(tenant, {
      doc: pack.dashboard,
      folderUid: PACKS_FOLDER.uid,
      message: `Imported by the ${pack.name} pack`,
      overwrite: false,
      author: PACK_AUTHOR,
    });
    return "imported";
  } catch (error) {
    // Another aggregator imported it between the look and the save: its copy stands.
    if (await exists(store, tenant, uid)) return "present";
    throw error;
  }
}

async function exists(store: DashboardStore, tenant: string, uid: string): Promise<boolean> {
  try {
    await store.get(tenant, uid);
    return true;
  } catch (error) {
    if (error instanceof OutpostError && error.code === "not_found") return false;
    throw error;
  }
}

async function ensureFolder(store: DashboardStore, tenant: string): Promise<void> {
  if (store.folders.get(tenant, PACKS_FOLDER.uid) !== undefined) return;
  try {
    await store.folders.create(tenant, PACKS_FOLDER.uid, PACKS_FOLDER.title);
  } catch (error) {
    // Created meanwhile by another aggregator: the mirror may not show it yet, the bucket does.
    if (!(error instanceof OutpostError && error.code === "execution")) throw error;
  }
}
