// A page of the test's own (keygen-build.test.ts) that runs the production build of the key
// generation worker and reports through the document title: "done <ms> <key file bytes>" or
// "error <message>".
import { generateKeyInWorker } from "../../../web/src/certcenter/keygen.ts";

const started = performance.now();
generateKeyInWorker({ password: "Gm7#kq2!Rv9z" }).then(
  (r) => {
    document.title = `done ${Math.round(performance.now() - started)} ${r.keyFile.length} ${r.privateKey.extractable}`;
  },
  (e: unknown) => {
    document.title = `error ${e instanceof Error ? e.message : String(e)}`;
  },
);
