// Renewal (갱신): from 30 days before expiry to the expiry day (DESIGN.md §4). The member chooses
// the certificate in the selection window (its password proves the old key), a universal one's
// fee is held on an account, then a new key is made here and a kur signed by the old key asks
// for the new certificate, stored where the old one was. Outside the window the page says why;
// after expiry it leads to a new issuance.
import { useRef, useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { formatDate } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { serverNow } from "../../lib/server-time.ts";
import { useLoad } from "../../lib/use-load.ts";
import { api } from "../../member/session.tsx";
import type { Account } from "../../member/types.ts";
import { ErrorMessage } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { type CertificateList, certcenterApi } from "../api.ts";
import { isRetryableFailure } from "../ca-certificate.ts";
import type { CertificateRow } from "../describe.ts";
import { classifyOurs } from "../describe.ts";
import { certcenterErrorText } from "../failure-words.ts";
import { useCertcenterWords } from "../i18n/index.ts";
import { SelectionWindow } from "../SelectionWindow.tsx";
import type { Signer, StoredCertificate } from "../storage/types.ts";
import { isNotWired, openSigner, rememberingSources, renewAndStore } from "../wiring.ts";
import { AccountSelect, ProgressList, type ProgressStep, useRunUnderWay } from "./steps.tsx";

export function RenewPage() {
  const { t, lang, errorText } = useI18n();
  const cc = useCertcenterWords();
  const client = certcenterApi(api);
  const list = useLoad<CertificateList>(() => client.certificates(), []);
  const accounts = useLoad(() => api.get<{ accounts: Account[] }>("/api/accounts"), []);
  const usable = accounts.data?.accounts.filter((a) => a.status === "active") ?? [];
  const [feeAccount, setFeeAccount] = useState("");
  const [windowOpen, setWindowOpen] = useState(false);
  const [progress, setProgress] = useState<ProgressStep | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const now = serverNow();
  const rows = (list.data?.certificates ?? []).map((c) => ({
    c,
    k: classifyOurs(c, now),
  }));
  // Leaving while the new key is made or the CA is asked ends the renewal (asked first for a link).
  const renewal = useRunUnderWay(progress !== null && failure === null && !done, cc.issue.leaveConfirm);
  const chosenFee = usable.find((a) => a.number === feeAccount) ?? usable[0];
  // The window's stores, remembered so the new certificate goes where the old one was listed from.
  const [remembered] = useState(rememberingSources);
  // The kur is signed by the old key itself, through the signer the window opened (the key file is
  // decrypted once, there); the password the member typed is kept until the renewal has written the
  // new key file under it, then dropped.
  const typed = useRef<{ stored: StoredCertificate; password: string } | null>(null);
  async function openKeeping(stored: StoredCertificate, password: string): Promise<Signer> {
    const signer = await openSigner(stored, password);
    typed.current = { stored, password };
    return signer;
  }

  async function renew(signer: Signer, row: CertificateRow): Promise<void> {
    setWindowOpen(false);
    setFailure(null);
    setDone(false);
    const kept = typed.current;
    typed.current = null;
    const signal = renewal.start();
    try {
      const ours = row.ours;
      const store = remembered.storeOf(row.stored.kind);
      if (!ours || !kept || kept.stored !== row.stored || !store) throw new Error("not ours");
      setProgress("authorize");
      // A universal renewal's fee is held first; a bank-use renewal is free and needs no call.
      if (ours.purpose === "universal") {
        if (!chosenFee) throw new Error("no fee account");
        await client.authorizeRenewal({ serial: ours.serial, account: chosenFee.number });
      }
      await renewAndStore({
        current: row.stored,
        store,
        signer,
        password: kept.password,
        onProgress: setProgress,
        signal,
      });
      setProgress(null);
      setDone(true);
      list.reload();
    } catch (e) {
      // Left: nothing to show. Else the progress list keeps the step it stopped at, and the list is
      // read again: another tab may have renewed this certificate meanwhile, and its row must say so.
      if (!signal.aborted) {
        setFailure(e);
        list.reload();
      }
    }
  }

  const failureText = failure
    ? isNotWired(failure)
      ? cc.unavailable
      : certcenterErrorText(failure, lang, errorText)
    : null;
  return (
    <Page title={cc.issue.renewTitle} siteName={t.app.name}>
      <div className="narrow">
        <p className="lead">{cc.issue.renewLead}</p>
        {list.error ? (
          <ErrorMessage>
            <p>{errorText(list.error)}</p>
          </ErrorMessage>
        ) : null}
        <section
          className="card"
          aria-labelledby="cc-renew-h"
          aria-busy={!list.data && !list.error ? true : undefined}
        >
          <h2 id="cc-renew-h">{cc.mine.title}</h2>
          {list.data && rows.length === 0 ? <p className="empty">{cc.mine.none}</p> : null}
          <ul className="plain-list cc-renew-list">
            {rows.map(({ c, k }) => (
              <li key={c.serial} className={k.usable ? undefined : "cc-row-off"}>
                <strong>
                  {cc.purpose[c.purpose]} · {c.subject}
                </strong>{" "}
                <span className={`cc-status cc-status-${k.status}`}>{cc.status[k.status]}</span>
                <span className="cc-days">
                  {cc.mine.notAfter} {formatDate(c.notAfter)}
                </span>
                {k.renewable ? null : k.status === "expired" ? (
                  <p className="field-hint">
                    {cc.issue.renewExpired} <Link to="/certcenter/issue">{cc.menu.issue}</Link>
                  </p>
                ) : k.usable ? (
                  <p className="field-hint">{cc.issue.renewOutside(formatDate(c.renewable.from))}</p>
                ) : null}
              </li>
            ))}
          </ul>
          {rows.some((r) => r.k.renewable && r.c.purpose === "universal") ? (
            <AccountSelect
              id="cc-renew-fee"
              label={cc.issue.feeAccount}
              hint={cc.issue.feeHeld}
              accounts={usable}
              value={chosenFee}
              onChange={setFeeAccount}
              showAvailable
            />
          ) : null}
          {list.data && !rows.some((r) => r.k.renewable) ? (
            <p className="empty">{cc.issue.renewNone}</p>
          ) : null}
          <button
            type="button"
            className="button"
            disabled={(progress !== null && failure === null) || !rows.some((r) => r.k.renewable)}
            onClick={() => setWindowOpen(true)}
          >
            {cc.issue.renewChoose}
          </button>
        </section>
        {progress || failureText ? (
          <section className="card" aria-labelledby="cc-renew-progress">
            <h2 id="cc-renew-progress">{failureText ? cc.issue.failedTitle : cc.issue.progressTitle}</h2>
            <ProgressList
              steps={["authorize", "keys", "enrol", "store", "confirm"]}
              at={progress}
              failed={failure !== null}
            />
            {failureText ? (
              <ErrorMessage>
                <p>{failureText}</p>
                <p>{cc.issue.failedNothing}</p>
              </ErrorMessage>
            ) : null}
            {isRetryableFailure(failure) ? (
              // Nothing reached the CA (a fee held is answered again, not held twice): choose and go again.
              <button type="button" className="button" onClick={() => setWindowOpen(true)}>
                {cc.issue.retrySame}
              </button>
            ) : null}
          </section>
        ) : null}
        {done ? (
          <section className="card receipt" aria-labelledby="cc-renew-done">
            <h2 id="cc-renew-done">{cc.issue.doneTitle}</h2>
            <p>{cc.issue.backupText}</p>
          </section>
        ) : null}
        <SelectionWindow
          open={windowOpen}
          onClose={() => setWindowOpen(false)}
          sources={remembered.sources}
          openSigner={openKeeping}
          onSigner={(signer, row) => void renew(signer, row)}
          serverCertificates={list.data?.certificates ?? []}
          purpose={cc.issue.renewTitle}
        />
      </div>
    </Page>
  );
}
