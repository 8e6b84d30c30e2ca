// The page's side of key generation: starts keygen.worker.ts for one job, forwards its progress and
// resolves with its result. Errors come back as the typed errors they were in the worker (PkiError
// weak_password, say). Aborting (the member leaves the page) ends the worker at once.
import { PkiError, type PkiErrorCode, pkiErrorCodes } from "../../../src/pki/errors.ts";
import type { KeygenProgress, KeygenRequest, KeygenResult } from "./keygen-job.ts";

export type { KeygenProgress, KeygenRequest, KeygenResult } from "./keygen-job.ts";
export { browserKeyFileIterations } from "./keygen-job.ts";

export type KeygenWorkerReply =
  | { type: "progress"; progress: KeygenProgress }
  | { type: "done"; result: KeygenResult }
  | { type: "error"; name: string; code: string | undefined; message: string };

function errorOf(reply: Extract<KeygenWorkerReply, { type: "error" }>): Error {
  if (reply.name === "PkiError" && pkiErrorCodes.includes(reply.code as PkiErrorCode)) {
    return new PkiError(reply.code as PkiErrorCode, reply.message);
  }
  return new Error(`key generation failed: ${reply.message}`);
}

export function generateKeyInWorker(
  request: KeygenRequest,
  options: { onProgress?: (p: KeygenProgress) => void; signal?: AbortSignal } = {},
): Promise<KeygenResult> {
  return new Promise((resolve, reject) => {
    // Vite bundles the worker as a file of its own under /assets (script-src 'self'; no blob: URL).
    const worker = new Worker(new URL("./keygen.worker.ts", import.meta.url), {
      type: "module",
      name: "geumgo-keygen",
    });
    const finish = () => {
      worker.terminate();
      options.signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      finish();
      reject(options.signal?.reason ?? new DOMException("key generation aborted", "AbortError"));
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    worker.onmessage = (e: MessageEvent<KeygenWorkerReply>) => {
      const reply = e.data;
      if (reply.type === "progress") return options.onProgress?.(reply.progress);
      finish();
      if (reply.type === "done") resolve(reply.result);
      else reject(errorOf(reply));
    };
    worker.onerror = (e) => {
      finish();
      reject(new Error(`the key generation worker failed: ${e.message || "it could not start"}`));
    };
    worker.postMessage(request);
  });
}
