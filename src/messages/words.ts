// The two languages every refusal is worded in, and the shape of one entry of an area's table.

export type Lang = "ko" | "en";

/** One code's words: a Korean and an English sentence. */
export interface Words {
  readonly ko: string;
  readonly en: string;
}
