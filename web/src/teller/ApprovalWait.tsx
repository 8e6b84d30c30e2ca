// The asking teller's wait for a manager's decision on a held request (a withdrawal, a limit raise):
// "책임자 승인 대기" while it is pending, asked again every few seconds, then approved, rejected or lapsed.
import { useEffect, useId, useRef, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { ErrorMessage, Notice } from "../ui/Alerts.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Approval } from "./types.ts";

/** How often the asking teller's screen asks for the decision. */
const pollMs = 2000;

/** What the waiting screen says, in the caller's words for what it waits for. */
export interface ApprovalWaitWords {
  pending(approval: Approval): string;
  approved(approval: Approval, manager: string): string;
  rejected: string;
  expired: string;
}

/**
 * The request as last read, asked again while pending; `onApproved` runs once when it is approved,
 * however often the screen is drawn again.
 */
export function useApprovalDecision(approval: Approval, onApproved: (approval: Approval) => void) {
  const [now, setNow] = useState(approval);
  const [failure, setFailure] = useState<unknown>(null);
  const handedOn = useRef(false);
  // The caller's latest callback, so that a new one each render does not restart the timer.
  const approved = useRef(onApproved);
  approved.current = onApproved;

  useEffect(() => {
    handedOn.current = false;
    setNow(approval);
  }, [approval]);

  useEffect(() => {
    if (now.status !== "pending") {
      if (now.status === "approved" && !handedOn.current) {
        handedOn.current = true;
        approved.current(now);
      }
      return;
    }
    const timer = setTimeout(() => {
      tellerApi.get<Approval>(`/api/teller/approvals/${encodeURIComponent(now.id)}`).then(
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
  }, [now]);

  return { now, failure };
}

/** The held request on the asking teller's screen until a manager decides. */
export function ApprovalWait({
  approval,
  words,
  onApproved,
}: {
  approval: Approval;
  words: ApprovalWaitWords;
  onApproved(approval: Approval): void;
}) {
  const { t, errorText } = useI18n();
  const a = t.teller.approvals;
  const titleId = useId();
  const { now, failure } = useApprovalDecision(approval, onApproved);

  if (now.status === "approved") {
    return now.checker ? <Notice>{words.approved(now, now.checker.name)}</Notice> : null;
  }
  if (now.status !== "pending") {
    return (
      <ErrorMessage title={a.waiting}>
        <p>{now.status === "rejected" ? words.rejected : words.expired}</p>
      </ErrorMessage>
    );
  }
  return (
    <section className="card approval-wait" aria-labelledby={titleId}>
      <h2 id={titleId}>{a.waiting}</h2>
      <p role="status" data-testid="approval-wait">
        {words.pending(now)}
      </p>
      {failure ? <p className="field-error">{errorText(failure)}</p> : null}
    </section>
  );
}
