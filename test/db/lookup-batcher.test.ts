// The look-up batcher: the keys asked for in one turn go to one fetch, each caller gets its own
// answer, a full batch goes at once, and a failed fetch fails only the callers it carried.
import { describe, expect, it } from "vitest";
import { LookupBatcher } from "../../src/db/lookup-batcher.ts";

function recording(max?: number) {
  const fetched: number[][] = [];
  const batcher = new LookupBatcher<number, string>(
    async (keys) => {
      fetched.push(keys);
      if (keys.includes(13)) throw new Error("unlucky");
      // Odd keys exist, even ones do not.
      return new Map(keys.filter((k) => k % 2 === 1).map((k) => [String(k), `row ${k}`]));
    },
    String,
    max,
  );
  return { fetched, batcher };
}

describe("LookupBatcher", () => {
  it("asks once for the keys of one turn and gives each caller its own row", async () => {
    const { fetched, batcher } = recording();
    const answers = await Promise.all([1, 2, 3, 3, 5].map((k) => batcher.get(k)));
    expect(answers).toEqual(["row 1", undefined, "row 3", "row 3", "row 5"]);
    expect(fetched).toEqual([[1, 2, 3, 3, 5]]);
  });

  it("keys asked in a later turn go in a later fetch", async () => {
    const { fetched, batcher } = recording();
    expect(await batcher.get(1)).toBe("row 1");
    expect(await batcher.get(7)).toBe("row 7");
    expect(fetched).toEqual([[1], [7]]);
  });

  it("sends a full batch without waiting for the turn to end", async () => {
    const { fetched, batcher } = recording(3);
    const pending = [1, 3, 5, 7, 9].map((k) => batcher.get(k));
    // The first three went as the third was asked; the rest wait for the turn's end.
    expect(fetched).toEqual([[1, 3, 5]]);
    expect(await Promise.all(pending)).toEqual(["row 1", "row 3", "row 5", "row 7", "row 9"]);
    expect(fetched).toEqual([
      [1, 3, 5],
      [7, 9],
    ]);
  });

  it("a failed fetch rejects the callers in it, and only those", async () => {
    const { fetched, batcher } = recording();
    const failing = Promise.allSettled([batcher.get(13), batcher.get(1)]);
    // Asked in the next turn, while the first fetch is still out: a batch of its own.
    await new Promise((resolve) => setImmediate(resolve));
    const meanwhile = batcher.get(3);
    expect((await failing).map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await meanwhile).toBe("row 3");
    expect(await batcher.get(1)).toBe("row 1");
    expect(fetched).toEqual([[13, 1], [3], [1]]);
  });

  it("with a batch of one, every key goes at once", async () => {
    const { fetched, batcher } = recording(1);
    const pending = [batcher.get(1), batcher.get(3)];
    // Sent before this turn ends, not after.
    expect(fetched).toEqual([[1], [3]]);
    expect(await Promise.all(pending)).toEqual(["row 1", "row 3"]);
  });
});
