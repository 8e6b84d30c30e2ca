// The idle-timeout display: minutes left in the header, a dialog 60 seconds before the end with
// an "extend" button, and the logout when the time is up (after asking the server, since another
// tab may have kept the session alive).
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatCountdown, type IdleClock } from "../lib/idle-clock.ts";

export const warnSeconds = 60;

export function IdleWatch({
  clock,
  extend,
  expire,
}: {
  clock: IdleClock;
  /** Asks the server for more time; resolves when the clock has been moved. */
  extend(): Promise<void>;
  /** Time is up: checks the session and logs out when it is gone. */
  expire(): Promise<void>;
}) {
  const { t } = useI18n();
  const deadline = useSyncExternalStore(clock.subscribe, clock.getDeadline);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const expiring = useRef(false);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  // Never more than the timeout itself (the ticking `now` may lag the moment the clock was set).
  const left = deadline === 0 ? Number.POSITIVE_INFINITY : Math.min(deadline - now, clock.idleMs) / 1000;
  const warn = left <= warnSeconds && left > 0;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (warn && !d.open) d.showModal();
    if (!warn && d.open) d.close();
  }, [warn]);

  useEffect(() => {
    if (left > 0 || deadline === 0 || expiring.current) return;
    expiring.current = true;
    void expire().finally(() => {
      expiring.current = false;
    });
  }, [left, deadline, expire]);

  async function onExtend(): Promise<void> {
    setBusy(true);
    setFailed(false);
    try {
      await extend();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  if (deadline === 0) return null;
  return (
    <>
      <div className="idle-clock">
        <span className="idle-time" aria-hidden="true">
          {formatCountdown(left)}
        </span>
        <span className="visually-hidden">{t.idle.remaining(formatCountdown(left))}</span>
        <button type="button" className="link-button" onClick={onExtend} disabled={busy}>
          {t.idle.extend}
        </button>
      </div>
      <dialog ref={dialog} className="dialog" aria-labelledby="idle-title" aria-describedby="idle-text">
        <h2 id="idle-title">{t.idle.title}</h2>
        <p id="idle-text" className="dialog-text">
          {t.idle.text(Math.max(0, Math.ceil(left)))}
        </p>
        {failed ? (
          <p className="field-error" role="alert">
            {t.idle.failed}
          </p>
        ) : null}
        <div className="button-row">
          <button type="button" className="button" onClick={onExtend} disabled={busy}>
            {t.idle.extendLong}
          </button>
        </div>
      </dialog>
    </>
  );
}
