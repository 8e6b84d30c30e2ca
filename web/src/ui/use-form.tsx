// One form's life: the problems found in its fields before sending, the failure the server
// answered with, and a busy flag that lets one submission through at a time (a double-click
// sends once). Forms check on the client with the server's rules, then send; a field's problem goes
// as soon as the field is put right, without waiting for the next submission.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { ErrorMessage, ErrorSummary, type FieldProblem } from "./Alerts.tsx";

export interface FormState {
  problems: FieldProblem[];
  failure: unknown;
  sending: boolean;
  /** The problem shown under the field with this id, if any. */
  errorOf(field: string): string | undefined;
  /** Forgets the problems and the failure (the form went back a step, or starts again). */
  clear(): void;
  /**
   * A submit handler: `check` lists the fields' problems (undefined: nothing to send yet), and
   * only when there are none does `send` run; what it throws is kept as the form's failure.
   */
  onSubmit(
    check: () => FieldProblem[] | undefined,
    send: () => Promise<void>,
  ): (e: FormEvent) => Promise<void>;
}

export function useForm(): FormState {
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  // A ref, not the state: two clicks in one frame both see the state before either re-render.
  const busy = useRef(false);
  // The checks of this render's submit handlers, in the order made (the same every render), and
  // which of them found the problems shown: re-run after each render, it drops the fields fixed.
  const checks = useRef<(() => FieldProblem[] | undefined)[]>([]);
  const shownBy = useRef<number | null>(null);
  let made = 0;
  useEffect(() => {
    if (problems.length === 0 || shownBy.current === null) return;
    const now = checks.current[shownBy.current]?.();
    if (now === undefined) return;
    // Only fields already shown keep a problem (with today's words); none appear before a submit.
    const still = now.filter((q) => problems.some((p) => p.field === q.field));
    if (JSON.stringify(still) !== JSON.stringify(problems)) setProblems(still);
  });
  return {
    problems,
    failure,
    sending,
    errorOf: (field) => problems.find((p) => p.field === field)?.text,
    clear: () => {
      setProblems([]);
      setFailure(null);
    },
    onSubmit: (check, send) => {
      const index = made++;
      checks.current[index] = check;
      return async (e) => {
        e.preventDefault();
        if (busy.current) return;
        const found = check();
        if (found === undefined) return;
        shownBy.current = index;
        setProblems(found);
        setFailure(null);
        if (found.length > 0) return;
        busy.current = true;
        setSending(true);
        try {
          await send();
        } catch (error) {
          setFailure(error);
        } finally {
          busy.current = false;
          setSending(false);
        }
      };
    },
  };
}

/** The form's messages above it: the summary of field problems, then the server's refusal. */
export function FormAlerts({ form }: { form: Pick<FormState, "problems" | "failure"> }) {
  const { t, errorText } = useI18n();
  return (
    <>
      <ErrorSummary title={t.common.checkFields} problems={form.problems} />
      {form.failure ? (
        <ErrorMessage>
          <p>{errorText(form.failure)}</p>
        </ErrorMessage>
      ) : null}
    </>
  );
}
