/**
 * The admin page's Users tab over AdminService: the users with their role and tenants (both
 * editable in place), password reset and delete (confirmed), and a form for a new user.
 */
import { Button, Group, Modal, PasswordInput, Select, Table, Text, TextInput } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { User } from "../../../proto/gen/outpost/admin/v1/admin_pb.ts";
import { Role } from "../../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { adminClient } from "../../api/client.ts";
import { auditTime, parseTenants, ROLES, roleName } from "../../lib/admin.ts";
import { ConfirmButton, ConfirmDialog, Refusal } from "./bits.tsx";

/** The Users tab. */
export function Users() {
  const cache = useQueryClient();
  const users = useQuery({
    queryKey: ["admin", "users"],
    queryFn: ({ signal }) => adminClient.listUsers({}, { signal }),
    retry: false,
  });
  const [error, setError] = useState<unknown>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err);
    }
    await cache.invalidateQueries({ queryKey: ["admin"] });
  };
  return (
    <>
      <Refusal error={error ?? users.error} onClose={() => setError(null)} />
      <NewUser act={act} />
      {/* On a narrow screen the table scrolls sideways; its columns do not overlap. */}
      <Table.ScrollContainer minWidth={640}>
        <Table mt="md" data-testid="users-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Tenants</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(users.data?.users ?? []).map((u) => (
              <UserRow key={u.name} user={u} act={act} onError={setError} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}

type Act = (f: () => Promise<unknown>) => Promise<void>;

function UserRow({ user, act, onError }: { user: User; act: Act; onError(e: unknown): void }) {
  const [tenants, setTenants] = useState(user.tenants.join(", "));
  const [resetting, setResetting] = useState(false);
  // A lower role takes permissions away (maybe the caller's own): asked first.
  const [demoteTo, setDemoteTo] = useState<Role | null>(null);
  const setRole = (role: Role) => act(() => adminClient.updateUserRole({ name: user.name, role }));
  const changed = tenants !== user.tenants.join(", ");
  return (
    <Table.Tr data-testid="user-row" data-user={user.name}>
      <Table.Td>
        <Text ff="monospace" size="sm">
          {user.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          w={110}
          aria-label={`Role of ${user.name}`}
          data={ROLES}
          value={String(user.role)}
          allowDeselect={false}
          onChange={(v) => {
            const role = Number(v) as Role;
            if (role < user.role) setDemoteTo(role);
            else setRole(role);
          }}
        />
        <ConfirmDialog
          opened={demoteTo !== null}
          label="Change role"
          title={`Make ${user.name} ${roleName(demoteTo ?? Role.VIEWER)}?`}
          onConfirm={() => setRole(demoteTo!)}
          onError={onError}
          onClose={() => setDemoteTo(null)}
        >
          {user.name} loses what a {roleName(user.role)} may do, on every aggregator at once; their
          tokens are capped at the new role.
        </ConfirmDialog>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <TextInput
            size="xs"
            aria-label={`Tenants of ${user.name}`}
            value={tenants}
            onChange={(e) => setTenants(e.currentTarget.value)}
          />
          {changed && (
            <Button
              size="compact-xs"
              onClick={() =>
                act(() =>
                  adminClient.updateUserTenants({
                    name: user.name,
                    tenants: parseTenants(tenants),
                  }),
                )
              }
            >
              Save
            </Button>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{auditTime(user.createdAtMs)}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-sm" variant="default" onClick={() => setResetting(true)}>
            Reset password
          </Button>
          <ConfirmButton
            label="Delete"
            title={`Delete user ${user.name}?`}
            onConfirm={() => adminClient.deleteUser({ name: user.name })}
            onError={onError}
            testId="delete-user"
          >
            {user.name} can no longer log in; their tokens are revoked and their sessions end.
          </ConfirmButton>
        </Group>
        <ResetPassword
          name={user.name}
          opened={resetting}
          onClose={() => setResetting(false)}
          act={act}
        />
      </Table.Td>
    </Table.Tr>
  );
}

function ResetPassword(p: { name: string; opened: boolean; onClose(): void; act: Act }) {
  const [password, setPassword] = useState("");
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={`New password for ${p.name}`} centered>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          p.onClose();
          await p.act(() => adminClient.resetPassword({ name: p.name, password }));
          setPassword("");
        }}
      >
        <PasswordInput
          label="New password"
          description="Their sessions end."
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end" mt="md">
          <Button type="submit">Set password</Button>
        </Group>
      </form>
    </Modal>
  );
}

function NewUser({ act }: { act: Act }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState(String(Role.VIEWER));
  const [password, setPassword] = useState("");
  const [tenants, setTenants] = useState("default");
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        await act(() =>
          adminClient.createUser({
            name,
            role: Number(role) as Role,
            password,
            tenants: parseTenants(tenants),
          }),
        );
        setName("");
        setPassword("");
      }}
    >
      <Group align="flex-end" gap="xs">
        <TextInput label="New user" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select
          label="Role"
          w={110}
          data={ROLES}
          value={role}
          allowDeselect={false}
          onChange={(v) => setRole(v ?? role)}
        />
        <PasswordInput
          label="Password"
          w={200}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <TextInput
          label="Tenants"
          description="comma-separated; * for all"
          value={tenants}
          onChange={(e) => setTenants(e.currentTarget.value)}
        />
        <Button type="submit">Create user</Button>
      </Group>
    </form>
  );
}
