/** The browser tab's title of a page: its name first, so several tabs of Outpost tell apart. */
export function pageTitle(name: string | undefined): string {
  return name ? `${name} · Outpost` : "Outpost";
}
