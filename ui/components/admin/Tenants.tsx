/**
 * The admin page's Tenants tab: read-only. The server has no tenant registry (a tenant exists
 * once an agent publishes under it or someone is granted it), so this lists the tenants the
 * users and tokens are granted, with who holds each.
 */
import { Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { adminClient } from "../../api/client.ts";
import { tenantsIn } from "../../lib/admin.ts";
import { Refusal } from "./bits.tsx";

/** The Tenants tab. */
export function Tenants() {
  const q = useQuery({
    queryKey: ["admin", "tenants"],
    queryFn: async ({ signal }) => {
      const [u, t] = await Promise.all([
        adminClient.listUsers({}, { signal }),
        adminClient.listTokens({}, { signal }),
      ]);
      return tenantsIn(u.users, t.tokens);
    },
    retry: false,
  });
  return (
    <>
      <Refusal error={q.error} onClose={() => q.refetch()} />
      <Text size="sm" c="dimmed" mb="sm">
        Tenants named in users' and tokens' grants (and <code>default</code>, which always exists).
        Grant a tenant on the Users tab; agents choose theirs with the agent config's{" "}
        <code>tenant</code>. <code>*</code> grants every tenant.
      </Text>
      <Table data-testid="tenants-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Tenant</Table.Th>
            <Table.Th>Users</Table.Th>
            <Table.Th>Tokens</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data ?? []).map((t) => (
            <Table.Tr key={t.tenant} data-testid="tenant-row">
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {t.tenant === "*" ? "* (every tenant)" : t.tenant}
                </Text>
              </Table.Td>
              <Table.Td>{t.users.join(", ") || "—"}</Table.Td>
              <Table.Td>{t.tokens.join(", ") || "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
