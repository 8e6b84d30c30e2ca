#!/usr/bin/env node
// The `geumgo` command. The source is TypeScript run through tsx, so a fresh clone needs no build
// step. The project's tsconfig is named explicitly: tsx would otherwise look in the working
// directory, and without `experimentalDecorators` the declared ASN.1 classes break.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../src/cli/main.ts");
