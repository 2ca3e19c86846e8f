/**
 * Export: ExportDashboard's JSON saved as a `.json` file by the browser. The list's row menu
 * calls it, and the dashboard page may too.
 */
import { dashboardsClient } from "../../api/client.ts";
import { exportFileName } from "./search.ts";

/**
 * Downloads dashboard `uid` as a file named after its title. `shareExternally` replaces
 * Outpost's data sources with `${DS_…}` inputs, as Grafana's "Export for sharing externally".
 */
export async function exportDashboard(uid: string, shareExternally = false): Promise<void> {
  const { json } = await dashboardsClient.exportDashboard({ uid, shareExternally });
  let title = "";
  try {
    title = String((JSON.parse(json) as { title?: unknown }).title ?? "");
  } catch {
    // The server's own JSON parses; a name is all that is lost if it ever did not.
  }
  saveFile(exportFileName(title, uid), json);
}

/** Has the browser save `text` as `name` (a Blob behind an `a[download]`). */
export function saveFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: Chromium starts the download after the click event returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
