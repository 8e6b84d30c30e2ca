// The member's session: who is logged in (from GET /api/session or the login answer), the CSRF
// token handed to the API client, the idle clock, and the way out (logout, expiry, a 401).
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiClient } from "../lib/api.ts";
import { IdleClock } from "../lib/idle-clock.ts";
import { navigate } from "../lib/router.tsx";
import type { LoginAnswer, SessionAnswer } from "./types.ts";

export const api = new ApiClient();
export const idleClock = new IdleClock("geumgo.member.idle");

export interface Member {
  userId: string;
  name: string;
  mustChangePassword: boolean;
  /** From the login answer; undefined when the session was picked up (GET /api/me then says). */
  previousLoginAt?: string | null;
}

/** Why the member is on the login page: shown there as a notice. */
export type LoggedOutReason = "expired" | "logged_out" | "unauthorized" | "password_changed";

type State =
  | { status: "loading" }
  | { status: "out"; reason?: LoggedOutReason }
  | { status: "in"; member: Member };

interface SessionApi {
  state: State;
  loggedIn(answer: LoginAnswer): void;
  passwordChanged(): void;
  logout(reason?: LoggedOutReason): Promise<void>;
  extend(): Promise<void>;
  expire(): Promise<void>;
  unread: number;
  setUnread(n: number): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: "loading" });
  const [unread, setUnread] = useState(0);

  const end = useCallback((reason: LoggedOutReason) => {
    api.csrfToken = null;
    idleClock.stop();
    setState({ status: "out", reason });
    navigate("/login", { replace: true });
  }, []);

  useEffect(() => {
    api.hooks = {
      onUnauthorized: () => end("unauthorized"),
      onActivity: () => idleClock.touch(),
    };
    let live = true;
    api
      .get<SessionAnswer>("/api/session", { keep401: true, passive: true })
      .then((s) => {
        if (!live) return;
        if (s.kind !== "member") throw new Error("not a member session");
        api.csrfToken = s.csrfToken;
        idleClock.idleMs = s.idleTimeoutSeconds * 1000;
        idleClock.setFromServer(s.expiresAt, api.serverClockOffset);
        setState({
          status: "in",
          member: {
            userId: s.userId,
            name: s.name,
            mustChangePassword: s.mustChangePassword,
          },
        });
      })
      .catch(() => {
        if (live) setState({ status: "out" });
      });
    return () => {
      live = false;
    };
  }, [end]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      unread,
      setUnread,
      loggedIn(answer) {
        api.csrfToken = answer.csrfToken;
        idleClock.idleMs = answer.idleTimeoutSeconds * 1000;
        idleClock.start();
        setState({
          status: "in",
          member: {
            userId: answer.userId,
            name: answer.name,
            mustChangePassword: answer.mustChangePassword,
            previousLoginAt: answer.previousLoginAt,
          },
        });
      },
      passwordChanged() {
        setState((s) =>
          s.status === "in" ? { status: "in", member: { ...s.member, mustChangePassword: false } } : s,
        );
      },
      async logout(reason = "logged_out") {
        try {
          await api.post("/api/auth/logout", undefined, { keep401: true, passive: true });
        } catch {
          // Gone already, or the network is down: the cookie dies with the session row anyway.
        }
        end(reason);
      },
      async extend() {
        const answer = await api.post<{ expiresAt: string }>("/api/session/extend");
        idleClock.setFromServer(answer.expiresAt, api.serverClockOffset);
      },
      async expire() {
        // Another tab may have kept the session alive: ask before leaving.
        try {
          const s = await api.get<SessionAnswer>("/api/session", { keep401: true, passive: true });
          const left = Date.parse(s.expiresAt) - (Date.now() + api.serverClockOffset);
          if (left > 5000) {
            idleClock.setFromServer(s.expiresAt, api.serverClockOffset);
            return;
          }
        } catch {
          // Gone: log out below.
        }
        await value.logout("expired");
      },
    }),
    [state, unread, end],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

export function useMember(): Member {
  const { state } = useSession();
  if (state.status !== "in") throw new Error("useMember without a session");
  return state.member;
}
