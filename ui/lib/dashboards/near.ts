/**
 * Which dashboard panels are near the screen: one IntersectionObserver per scroll root shared by
 * every panel under it (a dashboard of 125 panels keeps one observer, not 125), a margin of
 * `NEAR_MARGIN_PX` around the root so a panel starts its query just before it scrolls in. A
 * panel once near stays near (it keeps its answer when scrolled away), so it is told once and
 * then forgotten. Where the browser has no IntersectionObserver every panel is near at once.
 */

/** How far outside the root (px, every side) a panel already counts as near. */
const NEAR_MARGIN_PX = 200;

/** An element's box and the viewport's size, in px (what `getBoundingClientRect` gives). */
export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * True when `box` lies within `NEAR_MARGIN_PX` of a `width` × `height` viewport: what the
 * viewport's observer would report once it runs, known at mount without waiting for a frame.
 */
export function nearViewport(box: Box, width: number, height: number): boolean {
  const m = NEAR_MARGIN_PX;
  return box.bottom >= -m && box.top <= height + m && box.right >= -m && box.left <= width + m;
}

/** The part of an IntersectionObserver entry the tracker reads. */
export interface NearEntry {
  target: Element;
  isIntersecting: boolean;
}

/** The part of an IntersectionObserver the tracker uses. */
export interface NearObserver {
  observe(el: Element): void;
  unobserve(el: Element): void;
  disconnect(): void;
}

/** Makes the observer of one root (the browser's IntersectionObserver, or a test's). */
export type ObserverFactory = (
  root: Element | null,
  onEntries: (entries: NearEntry[]) => void,
) => NearObserver;

/** The browser's observer with the near margin; undefined where it has none. */
const browserObserver: ObserverFactory | undefined =
  typeof IntersectionObserver === "undefined"
    ? undefined
    : (root, onEntries) =>
        new IntersectionObserver(onEntries, { root, rootMargin: `${NEAR_MARGIN_PX}px` });

interface Shared {
  observer: NearObserver;
  waiting: Map<Element, () => void>;
}

/** Tells each watched element once, when it first comes near its root's visible area. */
export class NearTracker {
  readonly #roots = new Map<Element | null, Shared>();
  readonly #make: ObserverFactory | undefined;

  constructor(make: ObserverFactory | undefined = browserObserver) {
    this.#make = make;
  }

  /**
   * Calls `onNear` once `el` is near `root` (null: the viewport), then stops watching it.
   * Returns a function that stops watching before that.
   */
  watch(el: Element, root: Element | null, onNear: () => void): () => void {
    if (this.#make === undefined) {
      onNear();
      return () => {};
    }
    const shared = this.#shared(root, this.#make);
    shared.waiting.set(el, onNear);
    shared.observer.observe(el);
    return () => this.#forget(root, el);
  }

  /** How many roots have an observer now (one per scroll root while it has panels waiting). */
  get observers(): number {
    return this.#roots.size;
  }

  #shared(root: Element | null, make: ObserverFactory): Shared {
    const known = this.#roots.get(root);
    if (known) return known;
    const waiting = new Map<Element, () => void>();
    const observer = make(root, (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const onNear = waiting.get(e.target);
        if (onNear === undefined) continue;
        this.#forget(root, e.target);
        onNear();
      }
    });
    const shared = { observer, waiting };
    this.#roots.set(root, shared);
    return shared;
  }

  #forget(root: Element | null, el: Element) {
    const shared = this.#roots.get(root);
    if (!shared?.waiting.delete(el)) return;
    shared.observer.unobserve(el);
    if (shared.waiting.size > 0) return;
    shared.observer.disconnect();
    this.#roots.delete(root);
  }
}
