// Loads one API answer for a page: the data, the error, and a way to load again.
import { useEffect, useState } from "react";

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on; round asks again
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => {
        if (live) setData(value);
      },
      (e: unknown) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { data, error, reload: () => setRound((r) => r + 1), setData };
}
