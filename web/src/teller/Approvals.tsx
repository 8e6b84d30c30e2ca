// Maker-checker in the console: a manager's tab of the branch's requests waiting for approval (who
// asked, for whom, what, how much) with approve and reject. The asking teller's wait is ApprovalWait.tsx.
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatDateTime } from "../lib/dates.ts";
import { useLoad } from "../lib/use-load.ts";
import { formatWon } from "../lib/won.ts";
import { ErrorMessage, Notice } from "../ui/Alerts.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Approval, ApprovalList } from "./types.ts";

const base = "/api/teller/approvals";

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
                    <td>{r.kind === "limit_change" ? <LimitChange request={r} /> : amount}</td>
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

/** A limit raise as the manager judges it: the medium, each new limit beside the current one, why. */
function LimitChange({ request }: { request: Approval }) {
  const { t, lang } = useI18n();
  const a = t.teller.approvals;
  const r = request.request;
  const won = (amount: string | undefined) => formatWon(amount ?? "0", lang);
  const medium = r.medium === "card" || r.medium === "otp" ? t.teller.limits.media[r.medium] : "";
  return (
    <>
      <div>{medium}</div>
      <div>{a.limitPerTransfer(won(r.perTransfer), won(r.currentPerTransfer))}</div>
      <div>{a.limitPerDay(won(r.perDay ?? request.amount), won(r.currentPerDay))}</div>
      <div>{a.limitReason(r.reason ?? "")}</div>
    </>
  );
}
