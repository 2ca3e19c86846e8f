/**
 * The app: who is calling (AuthService.WhoAmI); the login page when the server wants
 * credentials; otherwise the shell around the page of the current path.
 */
import { Center } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { authClient, isUnauthenticated, messageOf } from "./api/client.ts";
import { NAV, Shell } from "./components/Shell.tsx";
import { navigate, useLocation } from "./lib/router.ts";
import { Alerts } from "./pages/Alerts.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { Explore } from "./pages/Explore.tsx";
import { Login } from "./pages/Login.tsx";
import { Logs } from "./pages/Logs.tsx";
import { Placeholder } from "./pages/Placeholder.tsx";
import { Uptime } from "./pages/Uptime.tsx";

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
  if (path === "/" || path === "/login") {
    navigate(`/explore${path === "/" ? location.search : ""}`, true);
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
  const page = NAV.find((n) => n.path === path);
  return (
    <Shell
      path={path.startsWith("/d/") ? "/dashboards" : path}
      user={principal?.user ?? ""}
      onLogout={logout}
    >
      {path.startsWith("/d/") ? (
        <Dashboard />
      ) : path === "/explore" ? (
        <Explore />
      ) : path === "/alerts" ? (
        <Alerts />
      ) : path === "/logs" ? (
        <Logs />
      ) : path === "/uptime" ? (
        <Uptime />
      ) : (
        <Placeholder title={page?.label ?? path} />
      )}
    </Shell>
  );
}
