/** The UI's entry point: theme (persisted in localStorage), server-state cache, the app. */
import "@mantine/core/styles.css";
import "./styles.css";
import {
  Combobox,
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  localStorageColorSchemeManager,
  type MantineColorsTuple,
  MantineProvider,
} from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { startTransition } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { startDashboardLoad } from "./lib/dashboards/early.ts";
import { Status } from "./pages/Status.tsx";

// Contrast (WCAG AA 4.5:1, checked by axe-core in test/e2e/ui_a11y.test.ts): Mantine's
// default shade 6 puts white on green or indigo at 2.3–4:1, and its light-variant text is
// under 4.5:1. Shade 9 in light (8 in dark) with autoContrast clears it for every colour but
// green and orange, whose two darkest shades are darkened here (white on them ≥ 5.5:1).
const darkest = (c: MantineColorsTuple, d8: string, d9: string): MantineColorsTuple =>
  [...c.slice(0, 8), d8, d9] as unknown as MantineColorsTuple;
const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 9, dark: 8 },
  autoContrast: true,
  colors: {
    green: darkest(DEFAULT_THEME.colors.green, "#237032", "#1e6b30"),
    orange: darkest(DEFAULT_THEME.colors.orange, "#b3420c", "#a33c0b"),
  },
  components: {
    // Mantine keeps every closed Select's dropdown mounted (hidden: its options, a scroll area,
    // a floating element whose position is computed again as the page lays out). A dashboard's
    // time and variable pickers were six of them, rendered with the page at each change.
    // Mounted on opening instead; `aria-controls` names the list only while it is open anyway.
    Combobox: Combobox.extend({ defaultProps: { keepMounted: false } }),
  },
});
// Dimmed text is gray.6 (3.3:1 on white) and dark.2 (4.1:1 on dark.7) by default.
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)" },
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)" },
});
const colorSchemeManager = localStorageColorSchemeManager({ key: "outpost-color-scheme" });
const cache = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });

// A dashboard link asks for the dashboard and its variables now, while the rest of the app boots
// and WhoAmI is asked: the page then finds them in the cache or on their way
// (lib/dashboards/early.ts). `?fast=off` leaves them to the page.
void startDashboardLoad(cache, location.pathname, location.search);

// Rendered as a transition, so React yields to the page's other tasks every few ms while it
// builds the first screen: the dashboard's early calls above are read as they come instead of
// after the whole app has rendered (measured: its variables asked ~150 ms sooner, a warm
// Node Exporter Full load 4–23 % faster; docs/ui.md, "The first render as a transition").
const root = createRoot(document.getElementById("root")!);
startTransition(() =>
  root.render(
    <MantineProvider
      theme={theme}
      cssVariablesResolver={contrast}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="auto"
    >
      <QueryClientProvider client={cache}>
        {/* The public status page needs no login: it never asks WhoAmI nor shows the shell. */}
        {location.pathname === "/status" ? <Status /> : <App />}
      </QueryClientProvider>
    </MantineProvider>,
  ),
);
