// The key generation worker: runs keygen-job.ts off the page's thread, so the page stays responsive
// while RSA-2048 is generated and PBKDF2 runs 600,000 times, and so the extractable private key
// never exists in the page's realm. Messages: in, one KeygenRequest; out, progress events, then the
// result (CryptoKeys are structured-cloneable; the private one is non-extractable) or an error as
// plain data (classes do not survive postMessage).

import type { KeygenWorkerReply } from "./keygen.ts";
import { runKeygenJob } from "./keygen-job.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: KeygenWorkerReply): void;
};

scope.onmessage = (e: MessageEvent) => {
  scope.onmessage = null; // one job per worker
  runKeygenJob(e.data, (progress) => scope.postMessage({ type: "progress", progress }))
    .then((result) => scope.postMessage({ type: "done", result }))
    .catch((err: unknown) => {
      const { name, code, message } = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
      scope.postMessage({
        type: "error",
        name: typeof name === "string" ? name : "Error",
        code: typeof code === "string" ? code : undefined,
        message: typeof message === "string" ? message : String(err),
      });
    });
};
