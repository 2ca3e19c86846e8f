/** The dashboards service's messages from the store's records. */
import { create } from "@bufbuild/protobuf";
import {
  type DashboardMeta,
  DashboardMetaSchema,
  type DashboardVersion,
  DashboardVersionSchema,
  type Folder,
  FolderSchema,
} from "../../../../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import type { Folder as StoredFolder } from "../../../dashboards/folders.ts";
import type { DashboardMeta as StoredMeta, VersionMeta } from "../../../dashboards/store.ts";

/** A dashboard's search entry. */
export function metaOut(m: StoredMeta): DashboardMeta {
  return create(DashboardMetaSchema, {
    uid: m.uid,
    title: m.title,
    tags: m.tags,
    folderUid: m.folderUid,
    version: BigInt(m.version),
    createdMs: BigInt(m.createdMs),
    createdBy: m.createdBy,
    updatedMs: BigInt(m.updatedMs),
    updatedBy: m.updatedBy,
  });
}

/** A kept version. */
export function versionOut(v: VersionMeta): DashboardVersion {
  return create(DashboardVersionSchema, {
    uid: v.uid,
    version: BigInt(v.version),
    createdMs: BigInt(v.createdMs),
    createdBy: v.createdBy,
    message: v.message,
    restoredFrom: BigInt(v.restoredFrom),
  });
}

/** A folder. */
export function folderOut(f: StoredFolder): Folder {
  return create(FolderSchema, {
    uid: f.uid,
    title: f.title,
    createdMs: BigInt(f.createdMs),
    updatedMs: BigInt(f.updatedMs),
  });
}
