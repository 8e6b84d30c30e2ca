// The selection window as the member's own pages use it (certificate login, a transfer's
// signature), loaded on demand (React.lazy in LoginPage and TransferPage) so the first page carries
// none of the certificate code: the window, the stores it reads (this browser, a picked folder, an
// opened .zip) and the signer that decrypts the key file here. It hands the page a one-shot Signer.
import "./certcenter.css";
import { serverNow } from "../lib/server-time.ts";
import type { ServerCertificate } from "./api.ts";
import type { CertificateRow } from "./describe.ts";
import { SelectionWindow } from "./SelectionWindow.tsx";
import type { Signer } from "./storage/types.ts";
import { openSigner, selectionSources } from "./wiring.ts";

export interface UseWindowProps {
  open: boolean;
  onClose(): void;
  onSigner(signer: Signer, row: CertificateRow): void;
  /** What the signature is for, shown under the title. */
  purpose: string;
  serverCertificates?: readonly ServerCertificate[];
}

export default function UseWindow(props: UseWindowProps) {
  return (
    <SelectionWindow
      open={props.open}
      onClose={props.onClose}
      sources={selectionSources}
      openSigner={openSigner}
      onSigner={props.onSigner}
      purpose={props.purpose}
      // The statuses by the bank's time, not a wrong clock's (ClockNotice tells the member of it).
      now={serverNow}
      {...(props.serverCertificates ? { serverCertificates: props.serverCertificates } : {})}
    />
  );
}
