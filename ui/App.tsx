/**
 * The app: who is calling (AuthService.WhoAmI); the login page when the server wants
 * credentials; otherwise the shell around the page of the current path.
 */
import { Center, Loader } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Role } from "../proto/gen/outpost/auth/v1/auth_pb.ts";
import { authClient, isUnauthenticated, messageOf } from "./api/client.ts";
import { Shell } from "./components/Shell.tsx";
import { navigate, useLocation } from "./lib/router.ts";
import { Home } from "./pages/Home.tsx";
import { Login } from "./pages/Login.tsx";
import { NotFound } from "./pages/NotFound.tsx";

// Every page but Home (`/`) loads when first opened. Splitting one page alone made the first
// page larger (Bun's cross-chunk exports cost more than the page); splitting them all took the
// first page from 408 KB to 370 KB gzipped; Explore (CodeMirror and the PromQL grammar, the
// largest part) lazy too took `/` from 399 KB to <N> KB (docs/ui.md, "Tests and figures").
const Explore = lazy(() => import("./pages/Explore.tsx").then((m) => ({ default: m.Explore })));
const Alerts = lazy(() => import("./pages/Alerts.tsx").then((m) => ({ default: m.Alerts })));
const Logs = lazy(() => import("./pages/Logs.tsx").then((m) => ({ default: m.Logs })));
const Uptime = lazy(() => import("./pages/Uptime.tsx").then((m) => ({ default: m.Uptime })));
const Dashboards = lazy(() =>
  import("./pages/Dashboards.tsx").then((m) => ({ default: m.Dashboards })),
);
const Dashboard = lazy(() =>
  import("./pages/Dashboard.tsx").then((m) => ({ default: m.Dashboard })),
);

// Admins only, and rarely: its own chunk keeps it out of every other user's first page.
const Admin = lazy(() => import("./pages/Admin.tsx").then((m) => ({ default: m.Admin })));

/** What stands in for a page while its code or who is asking is on its way. */
function PageLoading() {
  return (
    <div className="op-page-loading">
      <Loader size="sm" aria-label="Loading the page" />
    </div>
  );
}

/** The root component. */
export function App() {
  const { path } = useLocation();
  const cache = useQueryClient();
  const me = useQuery({
    queryKey: ["whoami"],
    queryFn: () => authClient.whoAmI({}),
    retry: false,
  });
  const refresh = () => cache.resetQueries();

  // The page renders while WhoAmI is on its way, so that its own calls (Explore's query) run
  // at the same time; if WhoAmI then asks for credentials, the login page replaces it.
  if (me.error && isUnauthenticated(me.error)) return <Login onLogin={refresh} />;
  if (me.error) return <Center h="100vh">Cannot reach the server: {messageOf(me.error)}</Center>;
  if (path === "/login") {
    navigate("/", true);
    return null;
  }

  const principal = me.data?.principal;
  // With authentication off every caller is the anonymous admin: there is no session to end.
  const logout =
    principal?.method === "session"
      ? async () => {
          await authClient.logout({});
          refresh();
        }
      : undefined;
  const admin = principal?.role === Role.ADMIN;
  return (
    <Shell
      path={path.startsWith("/d/") ? "/dashboards" : path}
      location={path}
      user={principal?.user ?? ""}
      admin={admin}
      onLogout={logout}
    >
      <Suspense fallback={<PageLoading />}>
        {path.startsWith("/d/") ? (
          <Dashboard />
        ) : path === "/" ? (
          <Home />
        ) : path === "/admin" && principal === undefined ? (
          // Not drawn before WhoAmI says who is asking: no admin form flashes before the login
          // page or the admins-only note replaces it.
          <PageLoading />
        ) : path === "/admin" && principal && !admin ? (
          <Center h={200} data-testid="admin-only">
            The admin pages are for admins; you are signed in as a{" "}
            {Role[principal.role].toLowerCase()}.
          </Center>
        ) : path === "/admin" ? (
          <Admin />
        ) : path === "/explore" ? (
          <Explore />
        ) : path === "/alerts" ? (
          <Alerts />
        ) : path === "/logs" ? (
          <Logs />
        ) : path === "/dashboards" ? (
          <Dashboards />
        ) : path === "/uptime" ? (
          <Uptime />
        ) : (
          <NotFound path={path} />
        )}
      </Suspense>
    </Shell>
  );
}
