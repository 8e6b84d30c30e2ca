// Vitest global set-up: the instant the run began, the same for every file of the run (the e2e
// flows' default server clock derives from it, so that their set-up data dir is made once a run).
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Date.now() when the run began. */
    runStartedAt: number;
  }
}

export default function setup(project: TestProject): void {
  project.provide("runStartedAt", Date.now());
}
