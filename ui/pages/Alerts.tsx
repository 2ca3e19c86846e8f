/**
 * Alerts: the notifier's alert groups, the rules, the silences, the notification history and
 * the SLOs (outpost.alerts.v1), one tab each; the tab is in the URL (`/alerts?tab=rules`) so a
 * link opens on it. `?tab=silences&new=<matchers>` opens the New silence form filled in (an
 * alert's Silence button).
 */
import { Tabs, Title } from "@mantine/core";
import { AlertGroups } from "../components/alerts/AlertGroups.tsx";
import { History } from "../components/alerts/History.tsx";
import { RuleGroups } from "../components/alerts/RuleGroups.tsx";
import { Silences } from "../components/alerts/Silences.tsx";
import { Slos } from "../components/alerts/Slos.tsx";
import { navigate, useLocation } from "../lib/router.ts";

const TABS = ["alerts", "rules", "silences", "history", "slos"];

/** The Alerts page. */
export function Alerts() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const asked = params.get("tab") ?? "alerts";
  const tab = TABS.includes(asked) ? asked : "alerts";
  const prefill = params.get("new") ?? undefined;
  // Headed as Home, Uptime, Dashboards and Admin are: each page has one h1.
  return (
    <>
      <Title order={1} size="h3" mb="sm">
        Alerts
      </Title>
      <Tabs value={tab} onChange={(t) => navigate(`/alerts${t === "alerts" ? "" : `?tab=${t}`}`)}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="silences">Silences</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
          <Tabs.Tab value="slos">SLOs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="alerts">{tab === "alerts" && <AlertGroups />}</Tabs.Panel>
        <Tabs.Panel value="rules">{tab === "rules" && <RuleGroups />}</Tabs.Panel>
        <Tabs.Panel value="silences">
          {tab === "silences" && (
            <Silences
              prefill={prefill}
              onPrefillUsed={() => navigate("/alerts?tab=silences", true)}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="history">{tab === "history" && <History />}</Tabs.Panel>
        <Tabs.Panel value="slos">{tab === "slos" && <Slos />}</Tabs.Panel>
      </Tabs>
    </>
  );
}
