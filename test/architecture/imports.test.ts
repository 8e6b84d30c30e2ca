// The layering of DESIGN §1, enforced: every import of src/** and web/src/** (static, dynamic,
// re-exports and `import("…")` types; type-only imports count too, since a type import is still a
// dependency of the code) is read with the TypeScript parser and checked against the table of which
// folder may import which. A failure names the file, the import and the rule it breaks.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** One import as written in a file. */
interface ImportSite {
  /** The importing file, relative to the project root (forward slashes). */
  file: string;
  /** The specifier as written, or `<computed>` for a dynamic import of a non-literal. */
  specifier: string;
  line: number;
  /** `import type`, `export type … from`, or an `import("…")` type: erased from the JavaScript. */
  typeOnly: boolean;
  dynamic: boolean;
}

/** Every import, re-export and dynamic import of one source text. */
function importsOf(file: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean, dynamic: boolean) =>
    sites.push({
      file,
      specifier,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      typeOnly,
      dynamic,
    });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      add(node, argument && ts.isStringLiteralLike(argument) ? argument.text : "<computed>", false, true);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function scriptKind(file: string): ts.ScriptKind {
  return file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** What an import reaches: a folder of ours (`src/bank`, `web/src`, …), a Node module or a package. */
type Target =
  | { kind: "ours"; path: string; area: string }
  | { kind: "node"; name: string }
  | { kind: "package"; name: string }
  | { kind: "unknown" };

const nodeBuiltins = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/**
 * The area a project file belongs to: `src/<folder>` for the folders of DESIGN §1 (a file directly
 * in src/ is its own area, e.g. `src/config.ts`), `web/src`, or the top folder (`test`, `bench`, …).
 */
function areaOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "src") return parts.length > 2 ? `src/${parts[1]}` : path;
  if (parts[0] === "web" && parts[1] === "src") return "web/src";
  return parts[0] ?? path;
}

function targetOf(site: ImportSite): Target {
  const specifier = site.specifier.replace(/[?#].*$/, "");
  if (specifier === "<computed>") return { kind: "unknown" };
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    const path = relative(root, resolve(root, dirname(site.file), specifier))
      .split("\\")
      .join("/");
    return { kind: "ours", path, area: areaOf(path) };
  }
  if (specifier.startsWith("node:")) return { kind: "node", name: specifier };
  const name = specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : specifier.split("/")[0]!;
  if (nodeBuiltins.has(name)) return { kind: "node", name: specifier };
  return { kind: "package", name };
}

/** A rule of DESIGN §1: which areas of ours the importing area may reach, and what else it may not. */
interface Rule {
  /** The rule as a reader would say it, quoted in a failure. */
  text: string;
  /** The areas of ours it may import besides its own; `undefined`: any but those in `never`. */
  may?: string[];
  /** Areas it must never import. */
  never?: string[];
  /** No Node module (it runs in the browser). */
  noNode?: boolean;
  /** Allowed as `import type` only (the server's schemas, for the web app's types). */
  typeOnly?: (path: string) => boolean;
}

const frontEnds = ["src/server", "src/cli", "web/src"];
const schemaModule = (path: string) => /^src\/server\/(.+\/)?([a-z-]+-)?schemas\.ts$/.test(path);

/** Keyed by the importing area. `src/messages` may be imported by every area but src/pki. */
const rules: Record<string, Rule> = {
  "src/pki": {
    text: "src/pki imports nothing of ours and no Node module (it runs in the browser)",
    may: [],
    noNode: true,
  },
  "src/messages": {
    text: "src/messages imports nothing of ours but the type of src/pki's codes (the browser imports it)",
    may: [],
    typeOnly: (path) => path === "src/pki/errors.ts",
  },
  "src/calendar": {
    text: "src/calendar imports nothing of ours (bank and auth both count Seoul days)",
    may: [],
  },
  "src/bank": {
    text: "src/bank imports only src/db and src/calendar (and src/messages)",
    may: ["src/db", "src/calendar", "src/messages"],
  },
  "src/auth": {
    text: "src/auth imports only src/pki, src/db and src/calendar (and src/messages)",
    may: ["src/pki", "src/db", "src/calendar", "src/messages"],
  },
  "src/ca": {
    text: "src/ca imports only src/pki, src/db and src/audit (and src/messages)",
    may: ["src/pki", "src/db", "src/audit", "src/messages"],
  },
  "src/certcenter": {
    text: "src/certcenter imports only src/ca, src/bank, src/auth, src/audit, src/db, src/pki and src/calendar (and src/messages)",
    may: ["src/ca", "src/bank", "src/auth", "src/audit", "src/db", "src/pki", "src/calendar", "src/messages"],
  },
  "src/branch": {
    text: "src/branch imports only src/bank, src/auth, src/certcenter, src/audit, src/db and src/calendar (and src/messages); the CA only through src/certcenter",
    may: ["src/bank", "src/auth", "src/certcenter", "src/audit", "src/db", "src/calendar", "src/messages"],
  },
  "src/audit": {
    text: "src/audit imports only src/db (and src/messages)",
    may: ["src/db", "src/messages"],
  },
  "src/db": {
    text: "src/db imports nothing from src/server, src/cli or web",
    never: frontEnds,
  },
  "src/server": {
    text: "src/server imports nothing from src/cli or web (the words live in src/messages)",
    never: ["src/cli", "web/src"],
  },
  "src/cli": { text: "src/cli imports nothing from web", never: ["web/src"] },
  "web/src": {
    text: "web imports of src/ are only src/pki, src/messages and `import type` of the server's schema modules",
    may: ["web/src", "src/pki", "src/messages"],
    typeOnly: schemaModule,
  },
};

interface Violation {
  site: ImportSite;
  rule: string;
}

/** The rule this import breaks, if any. */
function check(site: ImportSite): Violation | undefined {
  const from = areaOf(site.file);
  const rule = rules[from];
  if (!rule) return undefined;
  const target = targetOf(site);
  const broken = (): Violation => ({ site, rule: rule.text });
  switch (target.kind) {
    case "unknown":
      // A computed dynamic import cannot be checked, so it is not allowed where a rule applies.
      return { site, rule: `${rule.text}; a dynamic import must name its module` };
    case "package":
      return undefined;
    case "node":
      return rule.noNode ? broken() : undefined;
    case "ours": {
      if (target.area === from) return undefined;
      if (rule.never?.includes(target.area)) return broken();
      if (rule.may === undefined || rule.may.includes(target.area)) return undefined;
      if (rule.typeOnly?.(target.path) && site.typeOnly) return undefined;
      return broken();
    }
  }
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

function describeViolation(v: Violation): string {
  return `${v.site.file}:${v.site.line} imports "${v.site.specifier}"${v.site.typeOnly ? " (type only)" : ""}: breaks "${v.rule}"`;
}

describe("the import rules of DESIGN §1", () => {
  const files = [...sourceFiles("src"), ...sourceFiles("web/src")];
  const sites = files.flatMap((file) => importsOf(file, readFileSync(join(root, file), "utf8")));
  const violations = sites.flatMap((site) => check(site) ?? []);

  it("reads the imports of every source file", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(sites.length).toBeGreaterThan(500);
  });

  it("finds no forbidden import", () => {
    expect(violations.map(describeViolation), "forbidden imports").toEqual([]);
  });
});

describe("the checker itself", () => {
  const violation = (file: string, text: string) =>
    importsOf(file, text)
      .flatMap((site) => check(site) ?? [])
      .map(describeViolation);

  it("reads static, type-only, re-exported and dynamic imports", () => {
    const sites = importsOf(
      "src/x/a.ts",
      `import a from "./a.ts";
       import type { B } from "./b.ts";
       export { c } from "./c.ts";
       export type { D } from "./d.ts";
       const e = await import("./e.ts");
       type F = import("./f.ts").F;
       const g = await import(name);`,
    );
    expect(sites.map((s) => [s.specifier, s.typeOnly, s.dynamic])).toEqual([
      ["./a.ts", false, false],
      ["./b.ts", true, false],
      ["./c.ts", false, false],
      ["./d.ts", true, false],
      ["./e.ts", false, true],
      ["./f.ts", true, true],
      ["<computed>", false, true],
    ]);
  });

  it("keeps src/pki free of our code and of Node, with or without the node: prefix", () => {
    expect(violation("src/pki/x.ts", `import { readFileSync } from "node:fs";`)).toHaveLength(1);
    expect(violation("src/pki/x.ts", `import { createHash } from "crypto";`)).toHaveLength(1);
    expect(violation("src/pki/x.ts", `import type { Db } from "../db/db.ts";`)).toHaveLength(1);
    expect(violation("src/pki/x.ts", `import { AsnConvert } from "@peculiar/asn1-schema";`)).toEqual([]);
    expect(violation("src/pki/asn1/x.ts", `import { y } from "../der.ts";`)).toEqual([]);
  });

  it("lets the branch reach the CA only through the certificate centre", () => {
    expect(violation("src/branch/x.ts", `import type { CaContext } from "../ca/context.ts";`)).toEqual([
      `src/branch/x.ts:1 imports "../ca/context.ts" (type only): breaks "${rules["src/branch"]!.text}"`,
    ]);
    expect(
      violation("src/branch/x.ts", `import type { CaContext } from "../certcenter/context.ts";`),
    ).toEqual([]);
  });

  it("lets the web app import the server's schemas as types only", () => {
    const schemas = `../../../src/server/teller/schemas.ts`;
    expect(violation("web/src/teller/types.ts", `import type { memberView } from "${schemas}";`)).toEqual([]);
    expect(violation("web/src/teller/types.ts", `import { memberView } from "${schemas}";`)).toHaveLength(1);
    expect(
      violation("web/src/teller/x.ts", `import type { App } from "../../../src/server/context.ts";`),
    ).toHaveLength(1);
    expect(violation("web/src/lib/x.ts", `import { seedEncrypt } from "../../../src/pki/seed.ts";`)).toEqual(
      [],
    );
  });

  it("keeps the domain out of the front ends", () => {
    expect(violation("src/bank/x.ts", `import { x } from "../server/errors.ts";`)).toHaveLength(1);
    expect(violation("src/db/x.ts", `const m = await import("../cli/main.ts");`)).toHaveLength(1);
    expect(violation("src/server/x.ts", `import { words } from "../cli/messages.ts";`)).toHaveLength(1);
    expect(violation("src/cli/x.ts", `import { serve } from "../server/app.ts";`)).toEqual([]);
  });
});
