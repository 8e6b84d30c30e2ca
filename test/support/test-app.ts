// The App under the servers the tests start (ca-server, web-server, teller-server): the
// configuration loadConfig makes, with fresh keys for RRNs and PINs and the clock the test moves;
// a P-384 CA (quick to make) dated a day before that clock when asked; and the server listening
// on a free local port, the CA's URLs named under that address.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { activeCaKeys, createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { caUrls } from "../../src/ca/context.ts";
import { loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/db.ts";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { type App, contextsFor } from "../../src/server/context.ts";
import type { TestClock } from "./bank.ts";

export interface TestAppOptions {
  clock: TestClock;
  /** GEUMGO_DATA: a scratch folder of the test's. */
  dataDir: string;
  /** Makes the CA hierarchy first, as the server's set-up would. */
  withCa?: boolean;
  /** More settings, as the environment would give them. */
  env?: NodeJS.ProcessEnv;
}

/** The App over `db`; the caller seeds what its tests need through `app.bank`. */
export async function testApp(db: Db, options: TestAppOptions): Promise<App> {
  const config = {
    ...loadConfig({
      GEUMGO_DATA: options.dataDir,
      GEUMGO_CA_PASSPHRASE: "test passphrase, long enough",
      GEUMGO_RRN_KEY: randomBytes(32).toString("hex"),
      GEUMGO_RRN_INDEX_KEY: randomBytes(32).toString("hex"),
      GEUMGO_PIN_KEY: randomBytes(32).toString("hex"),
      ...options.env,
    }),
    clock: options.clock,
  };
  if (options.withCa) {
    await createCaHierarchy(db, {
      organization: "Geumgo Test",
      algorithm: "P-384",
      passphrase: config.caPassphrase,
      now: new Date(options.clock.now().getTime() - 86_400_000),
    });
  }
  const { bank, ca } = contextsFor(config, db);
  return {
    config,
    db,
    bank,
    ca,
    setup: { caKeys: options.withCa ? await activeCaKeys(db) : [], caCreated: false, demoCreated: false },
    close: () => db.close(),
  };
}

/** The real HTTP server over `app` on 127.0.0.1 and a free port. */
export async function listenLocally(
  app: App,
  options: ServerOptions,
): Promise<{ fastify: FastifyInstance; url: string; port: number }> {
  const fastify = await buildServer(app, options);
  await fastify.listen({ host: "127.0.0.1", port: 0 });
  const port = (fastify.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  app.ca.urls = caUrls(url);
  return { fastify, url, port };
}
