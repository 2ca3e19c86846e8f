/** The UI's entry point: theme (persisted in localStorage), server-state cache, the app. */
import "@mantine/core/styles.css";
import "./styles.css";
import { createTheme, localStorageColorSchemeManager, MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { Status } from "./pages/Status.tsx";

const theme = createTheme({ primaryColor: "indigo" });
const colorSchemeManager = localStorageColorSchemeManager({ key: "outpost-color-scheme" });
const cache = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });

createRoot(document.getElementById("root")!).render(
  <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
    <QueryClientProvider client={cache}>
      {/* The public status page needs no login: it never asks WhoAmI nor shows the shell. */}
      {location.pathname === "/status" ? <Status /> : <App />}
    </QueryClientProvider>
  </MantineProvider>,
);
