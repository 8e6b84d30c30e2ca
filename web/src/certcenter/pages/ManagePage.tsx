// The certificates this member keeps on this device: the selection window opened on its own, to
// look in this browser, a disk or USB folder, or a .zip/.pfx, and to check a password.
import { useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { navigate } from "../../lib/router.tsx";
import { serverNow } from "../../lib/server-time.ts";
import { useLoad } from "../../lib/use-load.ts";
import { api } from "../../member/session.tsx";
import { Notice } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { type CertificateList, certcenterApi } from "../api.ts";
import { useCertcenterWords } from "../i18n/index.ts";
import { SelectionWindow } from "../SelectionWindow.tsx";
import { openSigner, selectionSources } from "../wiring.ts";

export function ManagePage() {
  const { t } = useI18n();
  const cc = useCertcenterWords();
  const list = useLoad<CertificateList | null>(
    () =>
      certcenterApi(api)
        .certificates()
        .catch(() => null),
    [],
  );
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  return (
    <Page title={cc.menu.manage} siteName={t.app.name}>
      <div className="narrow">
        <p className="lead">{cc.menu.manageText}</p>
        {opened ? <Notice>{cc.window.selected(opened)}</Notice> : null}
        <div className="card">
          <button type="button" className="button" onClick={() => setOpen(true)}>
            {cc.window.title}
          </button>
        </div>
        <SelectionWindow
          open={open}
          onClose={() => setOpen(false)}
          sources={selectionSources}
          openSigner={openSigner}
          serverCertificates={list.data?.certificates ?? []}
          onSigner={(_signer, row) => {
            setOpen(false);
            setOpened(row.user);
          }}
          onRenew={(row) => navigate(`/certcenter/renew?serial=${row.serial}`)}
          // The statuses by the bank's time, not a wrong clock's (ClockNotice tells the member of it).
          now={serverNow}
        />
      </div>
    </Page>
  );
}
