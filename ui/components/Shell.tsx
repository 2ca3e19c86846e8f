/** The frame of every page: the top bar with the product name, navigation, theme and session. */
import {
  ActionIcon,
  AppShell,
  Button,
  Group,
  Text,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import type { ReactNode } from "react";
import { navigate } from "../lib/router.ts";

/** The pages in the top bar, by path. */
export const NAV = [
  { path: "/explore", label: "Explore" },
  { path: "/logs", label: "Logs" },
  { path: "/dashboards", label: "Dashboards" },
  { path: "/alerts", label: "Alerts" },
  { path: "/uptime", label: "Uptime" },
];

interface Props {
  path: string;
  user: string;
  onLogout?: () => void;
  children: ReactNode;
}

/** The app shell around a page. */
export function Shell({ path, user, onLogout, children }: Props) {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  const other = scheme === "dark" ? "light" : "dark";
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Text fw={700} mr="md">
              Outpost
            </Text>
            <nav aria-label="Pages">
              <Group gap={4} wrap="nowrap">
                {NAV.map((n) => (
                  <Button
                    key={n.path}
                    component="a"
                    href={n.path}
                    size="compact-sm"
                    variant={path === n.path ? "light" : "subtle"}
                    aria-current={path === n.path ? "page" : undefined}
                    onClick={(e: React.MouseEvent) => {
                      e.preventDefault();
                      navigate(n.path);
                    }}
                  >
                    {n.label}
                  </Button>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="xs" wrap="nowrap">
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
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
