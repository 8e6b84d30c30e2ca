// A place in the page for a browser test to render React into: one host, made at the first render
// and updated by the next ones, unmounted and removed after each test so the next starts clean.
import type { ReactElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach } from "vitest";

export interface Mount {
  /** Renders `element` into the host (made on the first call) and returns the host. */
  render(element: ReactElement): HTMLElement;
  /** The host while something is rendered; undefined before the first render of a test. */
  readonly host: HTMLElement | undefined;
}

/** Call once at a test file's top level: it registers the clean-up after each test. */
export function mountPerTest(): Mount {
  let root: Root | undefined;
  let host: HTMLElement | undefined;
  afterEach(() => {
    root?.unmount();
    host?.remove();
    root = undefined;
    host = undefined;
  });
  return {
    render(element) {
      if (!host || !root) {
        host = document.createElement("div");
        document.body.append(host);
        root = createRoot(host);
      }
      root.render(element);
      return host;
    },
    get host() {
      return host;
    },
  };
}
