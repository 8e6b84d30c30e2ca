// `npm run bench`: every speed figure of the project, each next to its baseline measured in the same
// run. Prints Markdown; docs/benchmarks.md keeps a copy of the figures with the machine.
import { benchKeyFiles } from "./key-file.ts";
import { machine } from "./measure.ts";
import { benchSeed } from "./seed.ts";

const sections: [string, () => Promise<string[]>][] = [
  ["SEED-CBC throughput", benchSeed],
  ["Opening a key file", benchKeyFiles],
];

console.log(`# Geumgo benchmarks\n\nMachine: ${machine()}\n`);
for (const [title, run] of sections) {
  console.log(`## ${title}\n\n${(await run()).join("\n")}\n`);
}
