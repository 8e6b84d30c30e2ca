// `npm test` runs this first: it stops at once, in one line, when a program the suites call is
// missing, naming the Debian packages that bring them. `--missing-packages` prints just those
// package names, one a line, for .ci/run to install; the list lives here alone so they agree.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

// The browser suites launch Chromium at this path (vitest.config.ts, test/e2e/support/harness.ts).
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Each Debian package with the programs of it that the tests run. */
const packages = [
  { name: "chromium", paths: [chromiumPath] },
  // The independent judge of the PKI and CA tests.
  { name: "openssl", commands: ["openssl"] },
  // The end-to-end tests read the teller's OTP QR code back with zbar, an independent decoder.
  { name: "zbar-tools", commands: ["zbarimg"] },
  // The statement tests read PDFs back.
  { name: "poppler-utils", commands: ["pdftotext", "pdftoppm", "pdfinfo", "pdffonts"] },
  // The CLI tests type a password at a pseudo-terminal through util-linux `script`.
  { name: "bsdutils", commands: ["script"] },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return dirs.some((dir) => executable(join(dir, command)));
}

const lacking = [];
for (const pkg of packages) {
  const missing = [
    ...(pkg.paths ?? []).filter((p) => !executable(p)).map((p) => `${pkg.name} at ${p}`),
    ...(pkg.commands ?? []).filter((c) => !onPath(c)),
  ];
  if (missing.length > 0) lacking.push({ name: pkg.name, missing });
}

if (process.argv.includes("--missing-packages")) {
  for (const pkg of lacking) console.log(pkg.name);
  process.exit(0);
}
if (lacking.length > 0) {
  const programs = lacking.flatMap((pkg) => pkg.missing).join(", ");
  const install = lacking.map((pkg) => pkg.name).join(" ");
  const chromiumHint = lacking.some((pkg) => pkg.name === "chromium")
    ? " (or set CHROMIUM_PATH to a Chromium elsewhere)"
    : "";
  console.error(
    `npm test needs programs this machine lacks: ${programs}. Install them with: sudo apt-get install ${install}${chromiumHint}`,
  );
  process.exit(1);
}
