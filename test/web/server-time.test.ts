// The page's one idea of the bank's time (web/src/lib/server-time.ts): every API answer's Date
// header sets it, for every client on the page and for what the certificate centre judges by.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../web/src/lib/api.ts";
import {
  forgetServerDate,
  noteServerDate,
  serverNow,
  serverOffsetMs,
} from "../../web/src/lib/server-time.ts";

const day = 86_400_000;
let server: Server;
let base: string;
/** The Date header the test server answers with: its clock, set per test. */
let serverClock = () => new Date();

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader("date", serverClock().toUTCString());
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => forgetServerDate());

describe("the bank's time on the page", () => {
  it("is this computer's clock until an answer says otherwise", () => {
    expect(serverOffsetMs()).toBe(0);
    expect(Math.abs(serverNow().getTime() - Date.now())).toBeLessThan(50);
  });

  it("takes an API answer's Date header, for every client on the page and for serverNow", async () => {
    serverClock = () => new Date(Date.now() + 3 * day);
    const member = new ApiClient();
    const teller = new ApiClient();
    await member.get(`${base}/api/session`);
    // Whole seconds in the header, the middle of the round trip: within a second and a half.
    expect(Math.abs(member.serverClockOffset - 3 * day)).toBeLessThan(1_500);
    expect(teller.serverClockOffset).toBe(member.serverClockOffset);
    expect(Math.abs(serverNow().getTime() - (Date.now() + 3 * day))).toBeLessThan(1_500);

    serverClock = () => new Date(Date.now() - 2 * 3_600_000);
    await teller.get(`${base}/api/teller/session`);
    expect(Math.abs(member.serverClockOffset + 2 * 3_600_000)).toBeLessThan(1_500);
  });

  it("puts a whole-second header within a second of the truth over a slow round trip", () => {
    // Sent at 10_000, answered at 12_000; the server wrote 11.7 s, truncated to 11 s in the header.
    const response = new Response("{}", { headers: { date: new Date(1_000_000 + 11_000).toUTCString() } });
    noteServerDate(response, 1_000_000 + 10_000, 1_000_000 + 12_000);
    // Our clock's 11 000 (the middle) is taken as the header's 11 s plus half a second.
    expect(serverOffsetMs()).toBe(500);
  });

  it("ignores an answer without a usable Date header", () => {
    noteServerDate(
      new Response("{}", { headers: { date: new Date(Date.now() + day).toUTCString() } }),
      Date.now(),
    );
    const before = serverOffsetMs();
    noteServerDate(new Response("{}", { headers: { date: "yesterday" } }), Date.now());
    noteServerDate(new Response("{}"), Date.now());
    expect(serverOffsetMs()).toBe(before);
  });
});
