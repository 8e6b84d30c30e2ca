// Scheduled work of the running server: the CA's maintenance (OCSP responses refreshed before they
// go stale, the daily CRL, holds past six months), certificates' expiry notices (30, 7, 1 days:
// src/certcenter/expiry-notices.ts) and the sweep of dead sessions, once at start
// and then every minute. A run
// never overlaps the previous one; a failure is logged and the next run tries again.
import type { FastifyBaseLogger } from "fastify";
import { purgeLoginChallenges } from "../auth/certificate-login.ts";
import { purgeSessions } from "../auth/sessions.ts";
import { purgeUnknownLoginIds } from "../auth/unknown-login-ids.ts";
import { purgeStaleClaims } from "../bank/transfer-claims.ts";
import type { CaContext } from "../ca/context.ts";
import { caMaintenance } from "../ca/maintenance.ts";
import { sendExpiryNotices } from "../certcenter/expiry-notices.ts";
import { releaseUnusedFees } from "../certcenter/fees.ts";
import { purgeSignatureNonces } from "../certcenter/transfer-nonces.ts";
import type { App } from "./context.ts";
import { messageSenderFor } from "./message-senders.ts";
import { purgeRateLimits } from "./rate-limit-counter.ts";

export const caMaintenanceIntervalMs = 60_000;

/**
 * The default run: the CA's maintenance, then dead sessions, spent rate-limit buckets and days,
 * lapsed counts of unknown login IDs, transfer claims of dead processes, spent certificate login
 * challenges and expired transfer signature nonces swept away (all are refused or as good as absent
 * anyway; this keeps their tables small). Each takes its own lock or is
 * harmless twice, so any number of servers may run it.
 */
function serverMaintenance(app: App): Job {
  return async (ca) => {
    await caMaintenance(ca);
    const now = app.bank.clock.now();
    await purgeSessions(app.db, now);
    await purgeRateLimits(app.db, now);
    await purgeUnknownLoginIds(app.db, now);
    await purgeStaleClaims(app.db, now);
    // Certificates' expiry notices (30, 7, 1 days): under an advisory lock, each sent once, and
    // by e-mail to members who registered an address.
    await sendExpiryNotices({ bank: app.bank, ca: app.ca, sender: messageSenderFor(app) });
    // After the CA's upkeep, which revokes certificates never confirmed: their fees go back now.
    await releaseUnusedFees(app.bank);
    await purgeLoginChallenges(app.db, now);
    await purgeSignatureNonces(app.db, now);
  };
}

export interface Jobs {
  /** Stops the timer and waits for a run in progress, so the database can close under no one. */
  stop(): Promise<void>;
}

type Job = (ca: CaContext) => Promise<unknown>;

export function startJobs(
  app: App,
  log: FastifyBaseLogger,
  options: { intervalMs?: number; job?: Job } = {},
): Jobs {
  const job = options.job ?? serverMaintenance(app);
  const intervalMs = options.intervalMs ?? caMaintenanceIntervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    try {
      await job(app.ca);
    } catch (e) {
      log.error({ err: e }, "CA maintenance failed");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, intervalMs);
    // The timer alone must not keep the process alive.
    timer.unref();
  };
  running = runOnce().finally(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
