// Maker-checker in the console: a manager's tab of the branch's requests waiting for approval (who
// asked, for whom, what, how much) with approve and reject, and, on the asking teller's screen, a
// held withdrawal waiting for that decision until it is paid (its receipt) or refused.
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatDateTime } from "../lib/dates.ts";
import { useLoad } from "../lib/use-load.ts";
import { formatWon } from "../lib/won.ts";
import { ErrorMessage, Notice } from "../ui/Alerts.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Approval, ApprovalList, CashAnswer } from "./types.ts";

const base = "/api/teller/approvals";
/** How often the asking teller's screen asks for the decision. */
const pollMs = 2000;

/** The manager's list of requests waiting at the branch, each with approve and reject. */
export function Approvals() {
  const { t, lang, errorText } = useI18n();
  const a = t.teller.approvals;
  const list = useLoad(() => tellerApi.get<ApprovalList>(base), []);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function decide(request: Approval, decision: "approve" | "reject"): Promise<void> {
    setBusy(request.id);
    setDone(null);
    setFailure(null);
    try {
      const r = await tellerApi.post<Approval>(`${base}/${request.id}/${decision}`);
      const words = decision === "approve" ? a.approved : a.rejected;
      setDone(words(a.kinds[r.kind], formatWon(r.amount, lang)));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
      list.reload();
    }
  }

  const requests = list.data?.approvals ?? [];
  return (
    <section className="card" aria-labelledby="approvals-title" aria-busy={list.data === null && !list.error}>
      <h2 id="approvals-title">{a.title}</h2>
      {done ? <Notice>{done}</Notice> : null}
      {failure || list.error ? (
        <ErrorMessage>
          <p>{errorText(failure ?? list.error)}</p>
        </ErrorMessage>
      ) : null}
      {list.data && requests.length === 0 ? <p className="empty">{a.none}</p> : null}
      {requests.length > 0 ? (
        <div className="cash-lines-wrap">
          <table className="cash-lines">
            <caption>{a.listCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{a.kind}</th>
                <th scope="col">{a.maker}</th>
                <th scope="col">{a.member}</th>
                <th scope="col">{a.account}</th>
                <th scope="col">{a.amount}</th>
                <th scope="col">{a.requestedAt}</th>
                <th scope="col">{a.expiresAt}</th>
                <th scope="col">
                  {a.approve} / {a.reject}
                </th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => {
                const kind = a.kinds[r.kind];
                const amount = formatWon(r.amount, lang);
                return (
                  <tr key={r.id}>
                    <td>{kind}</td>
                    <td>
                      {r.maker.name} ({r.maker.tellerId})
                    </td>
                    <td>{r.memberName}</td>
                    <td>{r.account ?? "—"}</td>
                    <td>{r.kind === "limit_change" ? `${a.newDailyLimit} ${amount}` : amount}</td>
                    <td>{formatDateTime(r.createdAt, lang)}</td>
                    <td>{formatDateTime(r.expiresAt, lang)}</td>
                    <td>
                      <button
                        type="button"
                        className="button"
                        disabled={busy !== null}
                        aria-label={a.approveLabel(kind, r.memberName, amount)}
                        onClick={() => void decide(r, "approve")}
                      >
                        {a.approve}
                      </button>{" "}
                      <button
                        type="button"
                        className="button button-secondary"
                        disabled={busy !== null}
                        aria-label={a.rejectLabel(kind, r.memberName, amount)}
                        onClick={() => void decide(r, "reject")}
                      >
                        {a.reject}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <button type="button" className="button button-secondary" onClick={() => list.reload()}>
        {a.refresh}
      </button>
    </section>
  );
}

/**
 * The asking teller's held withdrawal: "책임자 승인 대기" until a manager decides; approved, its
 * receipt is handed on to be shown and printed; rejected or lapsed, said so (nothing moved).
 */
export function ApprovalWait({ approval, onPaid }: { approval: Approval; onPaid(a: CashAnswer): void }) {
  const { t, lang, errorText } = useI18n();
  const a = t.teller.approvals;
  const [now, setNow] = useState(approval);
  const [failure, setFailure] = useState<unknown>(null);
  // The receipt is handed on once, however often the screen is drawn again.
  const handedOn = useRef(false);

  useEffect(() => {
    handedOn.current = false;
    setNow(approval);
  }, [approval]);

  useEffect(() => {
    if (now.status !== "pending") {
      if (now.status === "approved" && now.receipt && !handedOn.current) {
        handedOn.current = true;
        onPaid({ receipt: now.receipt, replayed: false });
      }
      return;
    }
    const timer = setTimeout(() => {
      tellerApi.get<Approval>(`${base}/${encodeURIComponent(now.id)}`).then(
        (next) => {
          setFailure(null);
          setNow(next);
        },
        // A lost answer is asked again at the next tick; the request stands meanwhile.
        (error: unknown) => {
          setFailure(error);
          setNow({ ...now });
        },
      );
    }, pollMs);
    return () => clearTimeout(timer);
  }, [now, onPaid]);

  if (now.status === "approved") {
    return now.checker ? <Notice>{a.waitingApproved(now.checker.name)}</Notice> : null;
  }
  if (now.status !== "pending") {
    return (
      <ErrorMessage title={a.waiting}>
        <p>{now.status === "rejected" ? a.waitingRejected : a.waitingExpired}</p>
      </ErrorMessage>
    );
  }
  return (
    <section className="card" aria-labelledby="approval-wait-title">
      <h2 id="approval-wait-title">{a.waiting}</h2>
      <p role="status" data-testid="approval-wait">
        {a.waitingText(formatWon(now.amount, lang))}
      </p>
      {failure ? <p className="field-error">{errorText(failure)}</p> : null}
    </section>
  );
}
