/**
 * The admin page's Tokens tab over AdminService: the tokens (never their secrets: the server
 * keeps only hashes), a form that creates one and shows its secret once with a copy button,
 * and Revoke (confirmed).
 */
import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  NumberInput,
  Select,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Role } from "../../../proto/gen/outpost/auth/v1/auth_pb.ts";
import { adminClient } from "../../api/client.ts";
import { auditTime, parseTenants, ROLES, roleName } from "../../lib/admin.ts";
import { ConfirmButton, Refusal } from "./bits.tsx";

const DAY_MS = 86_400_000;
const OWNER_ROLE = [{ value: "0", label: "owner's" }, ...ROLES];

/** The Tokens tab. */
export function Tokens() {
  const cache = useQueryClient();
  const tokens = useQuery({
    queryKey: ["admin", "tokens"],
    queryFn: ({ signal }) => adminClient.listTokens({}, { signal }),
    retry: false,
  });
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const refresh = () => cache.invalidateQueries({ queryKey: ["admin"] });
  return (
    <>
      <Refusal error={error ?? tokens.error} onClose={() => setError(null)} />
      {secret && (
        <Alert
          color="yellow"
          title={`Token ${secret.name} created: copy its secret now`}
          withCloseButton
          closeButtonLabel="I have copied it"
          onClose={() => setSecret(null)}
          mb="sm"
          data-testid="token-secret"
        >
          <Text size="sm" mb="xs">
            This is the only time the secret is shown: the server keeps only its hash.
          </Text>
          <Group gap="xs">
            <Code data-testid="token-secret-value">{secret.secret}</Code>
            <CopyButton value={secret.secret}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="default" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <NewToken
        onMade={(s) => {
          setError(null);
          setSecret(s);
          refresh();
        }}
        onError={setError}
      />
      {/* On a narrow screen the table scrolls sideways; its columns do not overlap. */}
      <Table.ScrollContainer minWidth={720}>
        <Table mt="md" data-testid="tokens-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Id</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Tenants</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(tokens.data?.tokens ?? []).map((t) => (
              <Table.Tr key={t.id} data-testid="token-row" data-token={t.name}>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {t.id}
                  </Text>
                </Table.Td>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>{t.owner}</Table.Td>
                <Table.Td>{roleName(t.role)}</Table.Td>
                <Table.Td>{t.tenants.join(", ")}</Table.Td>
                <Table.Td>{t.expiresAtMs === 0n ? "never" : auditTime(t.expiresAtMs)}</Table.Td>
                <Table.Td>{t.lastUsedAtMs === 0n ? "never" : auditTime(t.lastUsedAtMs)}</Table.Td>
                <Table.Td>
                  <ConfirmButton
                    label="Revoke"
                    title={`Revoke token ${t.name}?`}
                    onConfirm={() => adminClient.revokeToken({ id: t.id }).then(refresh)}
                    onError={setError}
                    testId="revoke-token"
                  >
                    Every client using it is refused from now on, on every aggregator.
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}

/** Why a typed lifetime cannot be sent, or undefined. */
function lifetimeProblem(days: string | number): string | undefined {
  if (days === "") return "Give a number of days";
  if (Number(days) < 0) return "A lifetime cannot be negative (0: never expires)";
  return undefined;
}

function NewToken(p: {
  onMade(s: { name: string; secret: string }): void;
  onError(e: unknown): void;
}) {
  const [name, setName] = useState("");
  const [owner, setOwner] = useState("");
  const [role, setRole] = useState("0");
  const [days, setDays] = useState<string | number>(90);
  const [tenants, setTenants] = useState("");
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (lifetimeProblem(days) !== undefined) return;
        try {
          const made = await adminClient.createToken({
            name,
            owner,
            role: Number(role) as Role,
            ttlMs: BigInt(Math.round(Number(days) * DAY_MS)),
            tenants: parseTenants(tenants),
          });
          p.onMade({ name: made.token?.name ?? name, secret: made.secret });
          setName("");
        } catch (err) {
          p.onError(err);
        }
      }}
    >
      <Group align="flex-end" gap="xs">
        <TextInput
          label="New token"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TextInput
          label="Owner"
          placeholder="you"
          w={130}
          value={owner}
          onChange={(e) => setOwner(e.currentTarget.value)}
        />
        <Select
          label="Role"
          w={110}
          data={OWNER_ROLE}
          value={role}
          allowDeselect={false}
          onChange={(v) => setRole(v ?? role)}
        />
        <NumberInput
          label="Lifetime (days)"
          description="0: never expires"
          w={130}
          min={0}
          // Not clamped: a typed "-5" must not quietly become 0 (never expires) or 5.
          clampBehavior="none"
          error={lifetimeProblem(days)}
          value={days}
          onChange={setDays}
        />
        <TextInput
          label="Tenants"
          placeholder="owner's"
          w={150}
          value={tenants}
          onChange={(e) => setTenants(e.currentTarget.value)}
        />
        <Button type="submit">Create token</Button>
      </Group>
    </form>
  );
}
