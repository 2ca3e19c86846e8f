/**
 * Alerts: the notifier's alert groups, the rules, and the silences (outpost.alerts.v1), one
 * tab each; the tab is in the URL (`/alerts?tab=rules`) so a link opens on it.
 */
import { Tabs } from "@mantine/core";
import { AlertGroups } from "../components/alerts/AlertGroups.tsx";
import { RuleGroups } from "../components/alerts/RuleGroups.tsx";
import { Silences } from "../components/alerts/Silences.tsx";
import { navigate, useLocation } from "../lib/router.ts";

const TABS = ["alerts", "rules", "silences"];

/** The Alerts page. */
export function Alerts() {
  const { search } = useLocation();
  const asked = new URLSearchParams(search).get("tab") ?? "alerts";
  const tab = TABS.includes(asked) ? asked : "alerts";
  return (
    <Tabs value={tab} onChange={(t) => navigate(`/alerts${t === "alerts" ? "" : `?tab=${t}`}`)}>
      <Tabs.List mb="sm">
        <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
        <Tabs.Tab value="rules">Rules</Tabs.Tab>
        <Tabs.Tab value="silences">Silences</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="alerts">{tab === "alerts" && <AlertGroups />}</Tabs.Panel>
      <Tabs.Panel value="rules">{tab === "rules" && <RuleGroups />}</Tabs.Panel>
      <Tabs.Panel value="silences">{tab === "silences" && <Silences />}</Tabs.Panel>
    </Tabs>
  );
}
