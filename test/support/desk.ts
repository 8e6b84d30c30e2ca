// The branch counter for use-case tests on a bank fixture: a teller's desk, and the branch's staff
// created with one password.
import { createTeller, type TellerRole } from "../../src/auth/tellers.ts";
import type { DeskContext } from "../../src/branch/desk.ts";
import type { CaContext } from "../../src/certcenter/context.ts";
import type { Fixture } from "./bank.ts";

const tellerPassword = "Teller!2026test";

/**
 * The desk of a teller of the first cooperative's head office (another branch or cooperative if
 * given). The certificate centre is handed on by the desk, never used by the branch use cases.
 */
export function tellerDesk(
  f: Fixture,
  tellerId = "teller01",
  at: { cooperativeId?: number; branchId?: number } = {},
): DeskContext {
  return {
    bank: f.ctx,
    ca: {} as CaContext,
    teller: { cooperativeId: at.cooperativeId ?? 1, branchId: at.branchId ?? 1, tellerId },
  };
}

export interface Staff {
  tellerId: string;
  role?: TellerRole;
  branchId?: number;
}

/**
 * Staff of the first cooperative, tellers unless a role is given, at the head office unless a
 * branch is; each named 직원 and their ID's last two characters (직원01 for maker01 and boss01).
 */
export async function createTellers(f: Fixture, staff: readonly (string | Staff)[]): Promise<void> {
  for (const who of staff) {
    const { tellerId, role, branchId = 1 } = typeof who === "string" ? { tellerId: who } : who;
    await createTeller(f.db, {
      cooperativeId: 1,
      branchId,
      tellerId,
      name: `직원${tellerId.slice(-2)}`,
      password: tellerPassword,
      ...(role ? { role } : {}),
      at: f.clock.now(),
    });
  }
}
