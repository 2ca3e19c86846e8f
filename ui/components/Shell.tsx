/** The frame of every page: the top bar with the product name, navigation, theme and session. */
import {
  ActionIcon,
  AppShell,
  Burger,
  Button,
  Group,
  Menu,
  Text,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { type ReactNode, useEffect, useLayoutEffect, useState } from "react";
import { navigate } from "../lib/router.ts";
import { listenShortcuts } from "../lib/shortcuts.ts";
import { pageTitle } from "../lib/title.ts";
import { ShortcutsHelp } from "./ShortcutsHelp.tsx";

/** The pages in the top bar, by path; `admin` ones are shown to admins only. */
export const NAV: { path: string; label: string; admin?: boolean }[] = [
  { path: "/", label: "Home" },
  { path: "/explore", label: "Explore" },
  { path: "/logs", label: "Logs" },
  { path: "/dashboards", label: "Dashboards" },
  { path: "/alerts", label: "Alerts" },
  { path: "/uptime", label: "Uptime" },
  { path: "/admin", label: "Admin", admin: true },
];

interface Props {
  /** The nav entry's path the page belongs to (`/dashboards` for a dashboard). */
  path: string;
  /** The page's own path: the title is set again whenever it changes. */
  location: string;
  user: string;
  /** Whether the caller is an admin (WhoAmI's role): shows the Admin entry. */
  admin?: boolean;
  onLogout?: () => void;
  children: ReactNode;
}

/** The app shell around a page. */
export function Shell({ path, location, user, admin = false, onLogout, children }: Props) {
  const { setColorScheme } = useMantineColorScheme();
  const [help, setHelp] = useState(false);
  useEffect(() => listenShortcuts(document, { go: navigate, help: () => setHelp(true) }), []);
  // A layout effect runs before every passive one: a page that names itself more precisely (a
  // dashboard's title) sets document.title in its own effect, after this one. Keyed on the
  // page's own path: from a dashboard back to the list the nav entry stays the same, and the
  // tab kept the dashboard's title.
  // biome-ignore lint/correctness/useExhaustiveDependencies: location is when to set it again
  useLayoutEffect(() => {
    document.title = pageTitle(NAV.find((n) => n.path === path)?.label);
  }, [path, location]);
  const scheme = useComputedColorScheme("light");
  const other = scheme === "dark" ? "light" : "dark";
  const [menu, setMenu] = useState(false);
  const pages = NAV.filter((n) => admin || !n.admin);
  const go = (e: React.MouseEvent, to: string) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <a href="#main" className="op-skip-link">
        Skip to content
      </a>
      <ShortcutsHelp opened={help} onClose={() => setHelp(false)} />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Text fw={700} mr="md">
              Outpost
            </Text>
            {/* Narrower than the bar's entries (a phone), the pages are a menu: every one and
                the buttons on the right stay in reach. */}
            <Menu opened={menu} onChange={setMenu} position="bottom-start">
              <Menu.Target>
                <Burger
                  hiddenFrom="md"
                  size="sm"
                  opened={menu}
                  aria-label="Pages"
                  data-testid="nav-menu"
                />
              </Menu.Target>
              <Menu.Dropdown>
                {pages.map((n) => (
                  <Menu.Item
                    key={n.path}
                    component="a"
                    href={n.path}
                    aria-current={path === n.path ? "page" : undefined}
                    fw={path === n.path ? 700 : undefined}
                    onClick={(e: React.MouseEvent) => go(e, n.path)}
                  >
                    {n.label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Group component="nav" aria-label="Pages" gap={4} wrap="nowrap" visibleFrom="md">
              {pages.map((n) => (
                <Button
                  key={n.path}
                  component="a"
                  href={n.path}
                  size="compact-sm"
                  variant={path === n.path ? "light" : "subtle"}
                  aria-current={path === n.path ? "page" : undefined}
                  onClick={(e: React.MouseEvent) => go(e, n.path)}
                >
                  {n.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ActionIcon
              variant="default"
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
              onClick={() => setHelp(true)}
            >
              ?
            </ActionIcon>
            <ActionIcon
              variant="default"
              aria-label={`Switch to the ${other} theme`}
              data-testid="theme-toggle"
              onClick={() => setColorScheme(other)}
            >
              {scheme === "dark" ? "☀" : "☾"}
            </ActionIcon>
            {onLogout && (
              <>
                <Text size="sm" c="dimmed">
                  {user}
                </Text>
                <Button size="compact-sm" variant="default" onClick={onLogout}>
                  Log out
                </Button>
              </>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      {/* tabIndex -1: the skip link moves focus here, so the next Tab starts in the page. */}
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: "none" }}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
