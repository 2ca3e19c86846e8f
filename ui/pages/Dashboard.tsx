/**
 * A dashboard (`/d/<uid>`): DashboardsService.GetDashboard, migrated as Grafana migrates on
 * load, its variables resolved, its panels laid out on the grid and queried when near the
 * screen. Time range, refresh and variables come from the URL first (`from`, `to`, `refresh`,
 * `var-<name>`), then from the dashboard. Edit mode moves, resizes, adds, edits and removes
 * panels and saves a new version.
 */
import { Alert, Center, Loader, Modal, Stack } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { messageOf } from "../api/client.ts";
import { Grid } from "../components/dashboards/Grid.tsx";
import { FAST, FastPathsContext, SIMPLE } from "../components/dashboards/near.tsx";
import { SaveDialog } from "../components/dashboards/SaveDialog.tsx";
import { Toolbar } from "../components/dashboards/Toolbar.tsx";
import { VariablesBar } from "../components/dashboards/VariablesBar.tsx";
import { alertAnnotations } from "../lib/dashboards/api.ts";
import { lokiNames } from "../lib/dashboards/datasources.ts";
import { dashboardQuery } from "../lib/dashboards/early.ts";
import { editPanels, hasAlertAnnotations, newPanel } from "../lib/dashboards/edit.ts";
import { pageStorage, readHints } from "../lib/dashboards/hints.ts";
import type { Scope } from "../lib/dashboards/interpolate.ts";
import { type PlacedPanel, toggleRow } from "../lib/dashboards/layout.ts";
import {
  builtinScope,
  DEFAULT_TIME,
  parseDashboard,
  takeVariableCache,
  variablesQuery,
} from "../lib/dashboards/load.ts";
import { planPanel } from "../lib/dashboards/queries.ts";
import { resolveRange } from "../lib/dashboards/timerange.ts";
import type { DashboardModel, GridPos, Panel } from "../lib/dashboards/types.ts";
import {
  type DashboardUrlState,
  effectiveRefresh,
  formatDashboardUrl,
  parseDashboardUrl,
} from "../lib/dashboards/url.ts";
import { allAdhocFilters, heldStates, scopeOf, varValue } from "../lib/dashboards/variables.ts";
import { navigate, useLocation } from "../lib/router.ts";
import { parseDuration } from "../lib/time.ts";

// The panel editor carries CodeMirror and the PromQL grammar (~540 KB minified): loaded when a
// panel is first edited, not parsed and run by every dashboard's load.
const PanelEditor = lazy(() =>
  import("../components/dashboards/PanelEditor.tsx").then((m) => ({ default: m.PanelEditor })),
);

/** The page at `/d/<uid>`: loads the dashboard, then shows it. */
export function Dashboard() {
  const { path, search } = useLocation();
  const url = parseDashboardUrl(path, search);
  const uid = url?.uid ?? "";
  const loaded = useQuery({ ...dashboardQuery(uid), enabled: uid !== "" });
  const parsed = useMemo(
    () => (loaded.data ? parseDashboard(loaded.data, uid) : undefined),
    [loaded.data, uid],
  );

  if (url === undefined)
    return <Alert color="red">Cannot open {path}: a dashboard link is /d/&lt;uid&gt;</Alert>;
  if (loaded.error)
    return (
      <Alert color="red" title={`Cannot open dashboard "${uid}"`}>
        {messageOf(loaded.error)}
      </Alert>
    );
  if (parsed && "error" in parsed) return <Alert color="red">{parsed.error}</Alert>;
  if (!parsed)
    return (
      <Center h={200}>
        <Loader />
      </Center>
    );
  return (
    <DashboardView
      key={`${uid}:${loaded.dataUpdatedAt}`}
      url={url}
      initial={parsed.model}
      folderUid={parsed.folderUid}
    />
  );
}

interface ViewProps {
  url: DashboardUrlState;
  initial: DashboardModel;
  folderUid: string;
}

/** A loaded dashboard. */
function DashboardView({ url, initial, folderUid }: ViewProps) {
  const [model, setModel] = useState(initial);
  // Edits (move, resize, add, edit, remove) make the dashboard unsaved; opening a row does not.
  const [dirty, setDirty] = useState(false);
  const [editing, setEditing] = useState(false);
  const [editorId, setEditorId] = useState<number>();
  const [saving, setSaving] = useState(false);
  const [tick, setTick] = useState(0);
  const raw = url.time ?? model.time ?? DEFAULT_TIME;
  const refresh = effectiveRefresh(
    url.refresh ?? (typeof model.refresh === "string" ? model.refresh : ""),
    parseDuration,
  );
  const go = (next: Partial<DashboardUrlState>) =>
    navigate(formatDashboardUrl({ ...url, ...next }));

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-resolves a relative range at each refresh
  const resolved = useMemo(() => {
    try {
      return { range: resolveRange(raw, Date.now(), model.timezone === "utc") };
    } catch (err) {
      return { error: (err as Error).message, range: resolveRange(DEFAULT_TIME, Date.now()) };
    }
  }, [raw.from, raw.to, tick, model.timezone]);
  const range = resolved.range;

  useEffect(() => {
    const every = parseDuration(refresh);
    if (every === undefined) return;
    const timer = setInterval(() => setTick((t) => t + 1), every);
    return () => clearInterval(timer);
  }, [refresh]);

  const list = model.templating?.list ?? [];
  // The answers main.tsx's early start got (load.ts), so a later change does not ask them again.
  const [cache] = useState(() => takeVariableCache(url.uid));
  const vars = useQuery({
    ...variablesQuery(model, url.vars, range, cache),
    placeholderData: (prev) => prev,
  });
  // Until the variables resolve, each stands in with its guessed selection: the bar has its
  // height, the held grid below it does not move, and titles read as they will if it holds.
  const pending = useMemo(
    () => heldStates(list, url.vars, readHints(pageStorage(), model.uid ?? "")),
    [list, url.vars, model.uid],
  );
  const states = vars.data ?? pending;
  const scope = useMemo(() => scopeOf(states, builtinScope(range), range), [states, range]);
  const filters = useMemo(() => allAdhocFilters(states), [states]);
  const loki = useMemo(() => lokiNames(model), [model]);
  const repeatValues = useCallback(
    (name: string) => {
      const s = states.find((x) => x.variable.name === name);
      return s ? varValue(s, range).values : [];
    },
    [states, range],
  );
  const scopeOfPlaced = useCallback(
    (x: PlacedPanel): Scope => {
      if (!x.repeat) return scope;
      const v = states.find((s) => s.variable.name === x.repeat?.name)?.variable;
      return {
        ...scope,
        [x.repeat.name]: { values: [x.repeat.value], multi: Boolean(v?.multi || v?.includeAll) },
      };
    },
    [scope, states],
  );
  const plan = useCallback(
    (panel: Panel, s: Scope, widthPx: number) =>
      planPanel(panel, {
        range,
        widthPx: Math.max(1, Math.floor(widthPx)),
        scope: s,
        filters,
        loki,
      }),
    [range, filters, loki],
  );
  const annotations = useQuery({
    queryKey: ["dashboard-annotations", range, tick],
    queryFn: () => alertAnnotations(range),
    enabled: hasAlertAnnotations(model),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  const setPanels = (panels: Panel[], edit = true) => {
    setModel((m) => ({ ...m, panels }));
    if (edit) setDirty(true);
  };
  const panels = model.panels ?? [];
  const editorPanel = editorId === undefined ? undefined : editPanels.find(panels, editorId);
  const onLayout = useCallback((positions: Map<number, GridPos>) => {
    setModel((m) => ({ ...m, panels: editPanels.place(m.panels ?? [], positions) }));
    setDirty(true);
  }, []);

  return (
    <Stack gap="sm" data-testid="dashboard">
      <Toolbar
        title={model.title}
        raw={raw}
        range={range}
        refresh={refresh}
        editing={editing}
        dirty={dirty}
        onTime={(time) => go({ time })}
        onRefresh={(every) => go({ refresh: every })}
        onRefreshNow={() => setTick((t) => t + 1)}
        onEditing={setEditing}
        onAddPanel={() => {
          const p = newPanel(panels);
          setPanels([...panels, p]);
          setEditorId(p.id);
        }}
        onSave={() => setSaving(true)}
      />
      {resolved.error && <Alert color="red">{resolved.error}</Alert>}
      <VariablesBar
        key={vars.isPending ? "pending" : "resolved"}
        states={states}
        pending={vars.isPending}
        onChange={(name, values) => go({ vars: { ...url.vars, [name]: values } })}
      />
      <FastPathsContext.Provider value={url.fast === false ? SIMPLE : FAST}>
        <Grid
          panels={panels}
          repeatValues={repeatValues}
          scopeOf={scopeOfPlaced}
          plan={plan}
          refreshKey={tick}
          held={vars.isPending}
          timeRange={range}
          annotations={annotations.data}
          editing={editing}
          onToggleRow={(id) => setPanels(toggleRow(panels, id), false)}
          onLayout={onLayout}
          onEdit={setEditorId}
          onRemove={(id) => setPanels(editPanels.remove(panels, id))}
          onTimeRangeChange={(from, to) =>
            go({ time: { from: String(Math.round(from)), to: String(Math.round(to)) } })
          }
        />
      </FastPathsContext.Provider>
      <Modal
        opened={editorPanel !== undefined}
        onClose={() => setEditorId(undefined)}
        title={`Edit panel: ${editorPanel?.title ?? ""}`}
        size="xl"
      >
        {editorPanel && (
          <Suspense fallback={<Loader size="sm" aria-label="Loading the panel editor" />}>
            <PanelEditor
              panel={editorPanel}
              variables={list}
              onApply={(p) => {
                setPanels(editPanels.replace(panels, p));
                setEditorId(undefined);
              }}
              onCancel={() => setEditorId(undefined)}
            />
          </Suspense>
        )}
      </Modal>
      <SaveDialog
        opened={saving}
        model={model}
        folderUid={folderUid}
        onClose={() => setSaving(false)}
        onSaved={(version) => {
          setModel((m) => ({ ...m, version }));
          setDirty(false);
          setSaving(false);
        }}
      />
    </Stack>
  );
}
