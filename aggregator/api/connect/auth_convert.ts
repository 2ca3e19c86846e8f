/** Auth and admin records as `outpost.auth.v1` / `outpost.admin.v1` messages, and roles both ways. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { TokenSchema, UserSchema } from "../../../proto/gen/outpost/admin/v1/admin_pb.ts";
import {
  type PrincipalSchema,
  Role as RoleEnum,
} from "../../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { AuthError } from "../../auth/errors.ts";
import type { TokenRecord, UserRecord } from "../../auth/records.ts";
import type { Principal, Role } from "../../auth/roles.ts";

const OUT: Record<Role, RoleEnum> = {
  viewer: RoleEnum.VIEWER,
  editor: RoleEnum.EDITOR,
  admin: RoleEnum.ADMIN,
};
const IN = new Map<RoleEnum, Role>([
  [RoleEnum.VIEWER, "viewer"],
  [RoleEnum.EDITOR, "editor"],
  [RoleEnum.ADMIN, "admin"],
]);

/** A role from a request; `undefined` for UNSPECIFIED when `optional`, else invalid_argument. */
export function roleIn(r: RoleEnum, field: string, optional = false): Role | undefined {
  const role = IN.get(r);
  if (role === undefined && !(optional && r === RoleEnum.UNSPECIFIED))
    throw new ConnectError(
      `${field}: expected ROLE_VIEWER, ROLE_EDITOR or ROLE_ADMIN`,
      Code.InvalidArgument,
    );
  return role;
}

/** A principal as a message. */
export function principalOut(p: Principal): MessageInitShape<typeof PrincipalSchema> {
  return { user: p.user, role: OUT[p.role], tenants: [...p.tenants], method: p.method };
}

/** A user as listed. */
export function userOut(u: UserRecord): MessageInitShape<typeof UserSchema> {
  return {
    name: u.name,
    role: OUT[u.role],
    createdAtMs: BigInt(u.createdAt),
    tenants: [...u.tenants],
  };
}

/** A token as listed. */
export function tokenOut(t: TokenRecord): MessageInitShape<typeof TokenSchema> {
  return {
    id: t.id,
    name: t.name,
    owner: t.owner,
    role: OUT[t.role],
    createdAtMs: BigInt(t.createdAt),
    expiresAtMs: BigInt(t.expiresAt),
    lastUsedAtMs: BigInt(t.lastUsedAt),
    tenants: [...t.tenants],
  };
}

const CODES = {
  invalid: Code.InvalidArgument,
  not_found: Code.NotFound,
  exists: Code.AlreadyExists,
};

/** Runs a store call, turning an AuthError into its Connect code. */
export async function storeCall<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AuthError) throw new ConnectError(err.message, CODES[err.code]);
    throw err;
  }
}
