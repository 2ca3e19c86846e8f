/**
 * Admin (admins only; the nav hides it from others and the server refuses their calls): users,
 * tokens, tenants and the audit log, one tab each, the tab in the URL (`/admin?tab=tokens`).
 */
import { Alert, Tabs, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { authClient } from "../api/client.ts";
import { Audit } from "../components/admin/Audit.tsx";
import { Tenants } from "../components/admin/Tenants.tsx";
import { Tokens } from "../components/admin/Tokens.tsx";
import { Users } from "../components/admin/Users.tsx";
import { navigate, useLocation } from "../lib/router.ts";

const TABS = ["users", "tokens", "tenants", "audit"];

/** The Admin page. */
export function Admin() {
  const { search } = useLocation();
  const asked = new URLSearchParams(search).get("tab") ?? "users";
  const tab = TABS.includes(asked) ? asked : "users";
  // The App's own WhoAmI (same key): answered from its cache, no second call.
  const me = useQuery({ queryKey: ["whoami"], queryFn: () => authClient.whoAmI({}), retry: false });
  const authOff = me.data?.principal?.method === "anonymous";
  return (
    <>
      <Title order={1} size="h3" mb="sm">
        Admin
      </Title>
      {authOff && (
        <Alert color="blue" mb="sm" data-testid="auth-off">
          Authentication is off on this aggregator (<code>auth.enabled</code>, whose default turns
          it off on loopback; docs/auth.md): every request it answers acts as an admin of every
          tenant. By default it answers only clients on this machine that use a loopback name; with{" "}
          <code>enabled: false</code> it answers everyone. Users and tokens made here take effect
          once authentication is on.
        </Alert>
      )}
      <Tabs value={tab} onChange={(t) => navigate(`/admin${t === "users" ? "" : `?tab=${t}`}`)}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
          <Tabs.Tab value="tenants">Tenants</Tabs.Tab>
          <Tabs.Tab value="audit">Audit</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">{tab === "users" && <Users />}</Tabs.Panel>
        <Tabs.Panel value="tokens">{tab === "tokens" && <Tokens />}</Tabs.Panel>
        <Tabs.Panel value="tenants">{tab === "tenants" && <Tenants />}</Tabs.Panel>
        <Tabs.Panel value="audit">{tab === "audit" && <Audit />}</Tabs.Panel>
      </Tabs>
    </>
  );
}
