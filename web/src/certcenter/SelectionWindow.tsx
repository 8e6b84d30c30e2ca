// The certificate selection window (인증서 선택창), one dialog for login, transfer signing and
// renewal: where to look (this browser; a disk or USB folder; a .zip or .pfx opened from a file;
// the smartphone, coming), the certificates found there as a table (구분, 사용자, 만료일, 발급자,
// 상태), the certificate password, and back a Signer — never the key. A wrong password is found by
// failing to decrypt here in the browser; three tries per opening (a courtesy, not a defence:
// DESIGN.md §4). A .pfx is sealed whole under its password, so it asks for that first, then lists
// its one certificate, whose key it has already imported for the one signature (no second password).
// Modal: the page behind is inert (showModal) and held still under the backdrop. Keyboard: focus
// stays in the dialog, Escape closes, arrow keys move in the list.
import { type KeyboardEvent, type RefObject, useCallback, useEffect, useId, useRef, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatDate } from "../lib/dates.ts";
import type { ServerCertificate } from "./api.ts";
import { CertificatePasswordField } from "./CertificatePasswordField.tsx";
import { type CertificateRow, describeDamaged, describeStored, sortRows } from "./describe.ts";
import { certcenterErrorText } from "./failure-words.ts";
import { useCertcenterWords } from "./i18n/index.ts";
import type { CertificateStore, Signer, StorageKind, StoredCertificate } from "./storage/types.ts";

export const triesPerOpening = 3;

/** Where the window can look; each is optional so a page offers what the browser and code can do. */
export interface SelectionSources {
  /** This browser's IndexedDB store. */
  browser?: CertificateStore;
  /** A store over a directory the member picked (an NPKI folder, or a USB stick holding one). */
  folder?: (directory: FileSystemDirectoryHandle) => CertificateStore;
  /** A store over a .zip of an NPKI folder or a .pfx the member opened. */
  archive?: (file: File) => Promise<CertificateStore>;
  /** The folder picker: showDirectoryPicker where the browser has it; tests hand in an OPFS handle. */
  pickDirectory?: () => Promise<FileSystemDirectoryHandle>;
  /**
   * Opens a .pfx with its password (PkiError bad_password, several_keys): its certificate, and a
   * signer holding its key imported non-extractable. Absent: a .pfx goes to `archive`, which refuses it.
   */
  pfx?: (file: File, password: string) => Promise<OpenedPfx>;
}

/** A .pfx opened with its password: listed as its one certificate, already able to sign once. */
export interface OpenedPfx {
  /** The certificate; its key is not kept as a file (the signer holds it), so keyFile is empty. */
  stored: StoredCertificate;
  signer: Signer;
}

export function isPfxName(name: string): boolean {
  return /\.(pfx|p12)$/i.test(name);
}

export interface SelectionWindowProps {
  open: boolean;
  onClose(): void;
  sources: SelectionSources;
  /** Decrypts the chosen key file with the password and returns the one-shot signer (signer.ts). */
  openSigner(stored: StoredCertificate, password: string): Promise<Signer>;
  onSigner(signer: Signer, row: CertificateRow): void;
  /** The member's certificates from GET /api/certcenter/certificates, for our own ones' status. */
  serverCertificates?: readonly ServerCertificate[];
  /** A renew button on rows in their renewal window; absent: no button. */
  onRenew?(row: CertificateRow): void;
  /** What the signature is for, shown under the title ("로그인", "이체 서명"). */
  purpose?: string;
  now?: () => Date;
}

const places: StorageKind[] = ["browser", "folder", "archive", "phone"];

type Listing =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "rows"; rows: CertificateRow[] }
  | { state: "failed"; message: string }
  /** A .pfx chosen and waiting for its password before anything in it can be listed. */
  | { state: "locked"; file: File };

function browserPicker(): (() => Promise<FileSystemDirectoryHandle>) | undefined {
  const w = window as unknown as { showDirectoryPicker?: (o?: object) => Promise<FileSystemDirectoryHandle> };
  const pick = w.showDirectoryPicker;
  return pick ? () => pick.call(window, { id: "npki", mode: "read" }) : undefined;
}

function isWrongPassword(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "bad_password";
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/**
 * Holds the page behind a modal where it is (body fixed at the scroll offset) until `release`: it
 * cannot scroll, so the backdrop covers all of it there is to see, the top bar included, and a
 * phone's swipe in the window does not scroll the page instead.
 */
function holdPage(): () => void {
  const root = document.documentElement;
  const y = window.scrollY;
  root.style.setProperty("--cc-held-top", `${-y}px`);
  root.classList.add("cc-page-held");
  return () => {
    root.classList.remove("cc-page-held");
    root.style.removeProperty("--cc-held-top");
    window.scrollTo({ top: y, behavior: "instant" });
  };
}

export function SelectionWindow(props: SelectionWindowProps) {
  const { open, onClose } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => (open ? holdPage() : undefined), [open]);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // The password is what is left to type: the first certificate is already chosen.
      d.querySelector<HTMLInputElement>("#cc-window-password")?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="dialog cc-window"
      aria-labelledby="cc-window-title"
      // Escape (the dialog's cancel) closes through the page's state, so it can open again.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {/* A fresh body per opening: the tries, the password and the choice start over. */}
      {open ? <WindowBody {...props} dialog={dialog} /> : null}
    </dialog>
  );
}

function WindowBody({
  onClose,
  sources,
  openSigner,
  onSigner,
  serverCertificates = [],
  onRenew,
  purpose,
  now = () => new Date(),
  dialog,
}: SelectionWindowProps & { dialog: RefObject<HTMLDialogElement | null> }) {
  const w = useCertcenterWords().window;
  const cw = useCertcenterWords();
  const { lang, errorText: appErrorText } = useI18n();
  // PkiError and CertStoreError have their own words (several keys in a .pfx, a damaged archive).
  const errorText = useCallback(
    (e: unknown) => certcenterErrorText(e, lang, appErrorText),
    [lang, appErrorText],
  );
  const [place, setPlace] = useState<StorageKind>("browser");
  const [listing, setListing] = useState<Listing>({ state: "idle" });
  const [chosen, setChosen] = useState(0);
  const [password, setPassword] = useState("");
  const [wrong, setWrong] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const pick = sources.pickDirectory ?? browserPicker();
  const rowsRef = useRef<(HTMLTableRowElement | null)[]>([]);
  // The .pfx opened in this window: its row, and the signer its password already unlocked.
  const opened = useRef<(OpenedPfx & { file: File }) | null>(null);

  // Read through refs: a page passing a new array or clock each render must not re-list the store.
  const latest = useRef({ now, serverCertificates });
  latest.current = { now, serverCertificates };
  const list = useCallback(
    async (store: CertificateStore) => {
      setListing({ state: "loading" });
      try {
        // Damaged records are listed too (greyed out, never chosen): a certificate must not vanish unexplained.
        const [found, damaged] = await Promise.all([store.list(), store.damaged?.() ?? []]);
        const { now: clock, serverCertificates: server } = latest.current;
        const at = clock();
        const described = [
          ...found.map((s) => describeStored(s, server, at)),
          ...damaged.map(describeDamaged),
        ];
        setListing({ state: "rows", rows: sortRows(described) });
        setChosen(0);
      } catch (e) {
        setListing({ state: "failed", message: `${w.readFailed} ${errorText(e)}` });
      }
    },
    [w.readFailed, errorText],
  );

  // The browser's own store is read as the window opens and whenever its tab is chosen again.
  useEffect(() => {
    if (place !== "browser") {
      setListing({ state: "idle" });
      return;
    }
    if (sources.browser) void list(sources.browser);
    else setListing({ state: "rows", rows: [] });
  }, [place, sources.browser, list]);

  async function chooseFolder(): Promise<void> {
    if (!pick || !sources.folder) return;
    try {
      const handle = await pick();
      await list(sources.folder(handle));
    } catch (e) {
      if (!isAbort(e)) setListing({ state: "failed", message: `${w.readFailed} ${errorText(e)}` });
    }
  }

  async function chooseFile(file: File | undefined): Promise<void> {
    if (!file) return;
    opened.current = null;
    if (isPfxName(file.name) && sources.pfx) {
      // Nothing in a .pfx can be read without its password: ask for it first.
      // The tries stay counted: opening the file again is not a new window.
      setListing({ state: "locked", file });
      setProblem(null);
      setPassword("");
      dialog.current?.querySelector<HTMLInputElement>("#cc-window-password")?.focus();
      return;
    }
    if (!sources.archive) return;
    try {
      await list(await sources.archive(file));
    } catch (e) {
      setListing({ state: "failed", message: `${w.readFailed} ${errorText(e)}` });
    }
  }

  const rows = listing.state === "rows" ? listing.rows : [];
  const row = rows[chosen];
  const spent = wrong >= triesPerOpening;
  const locked = listing.state === "locked" ? listing.file : null;
  // The chosen row is the .pfx opened here: its password was typed already, none is asked again.
  const unlocked = row !== undefined && opened.current !== null && row.stored === opened.current.stored;

  function countWrong(): void {
    const used = wrong + 1;
    setWrong(used);
    setProblem(used >= triesPerOpening ? w.tooMany : w.wrong(used, triesPerOpening));
  }

  async function unlock(file: File): Promise<void> {
    setProblem(null);
    if (!sources.pfx) return;
    if (password === "") return setProblem(w.passwordMissing);
    setBusy(true);
    try {
      const found = await sources.pfx(file, password);
      setPassword("");
      opened.current = { ...found, file };
      const { now: clock, serverCertificates: server } = latest.current;
      setListing({ state: "rows", rows: [describeStored(found.stored, server, clock())] });
      setChosen(0);
    } catch (e) {
      setPassword("");
      if (isWrongPassword(e)) countWrong();
      else setListing({ state: "failed", message: `${w.readFailed} ${errorText(e)}` });
    } finally {
      setBusy(false);
    }
  }

  async function confirm(): Promise<void> {
    setProblem(null);
    if (locked) return unlock(locked);
    if (!row) return setProblem(w.noneSelected);
    if (row.unreadable) return setProblem(w.damaged);
    if (!row.classified.usable) return setProblem(w.notUsable);
    if (unlocked && opened.current) {
      // One signature per opening, as for the others: the next use asks for the file's password again.
      const { signer, file } = opened.current;
      opened.current = null;
      setListing({ state: "locked", file });
      onSigner(signer, row);
      return;
    }
    if (password === "") return setProblem(w.passwordMissing);
    setBusy(true);
    try {
      const signer = await openSigner(row.stored, password);
      setPassword("");
      onSigner(signer, row);
    } catch (e) {
      setPassword("");
      if (isWrongPassword(e)) countWrong();
      else setProblem(`${w.openFailed} ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  function moveInList(event: KeyboardEvent<HTMLTableSectionElement>): void {
    const last = rows.length - 1;
    const to =
      event.key === "ArrowDown"
        ? Math.min(chosen + 1, last)
        : event.key === "ArrowUp"
          ? Math.max(chosen - 1, 0)
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : null;
    if (to === null || last < 0) return;
    event.preventDefault();
    setChosen(to);
    rowsRef.current[to]?.focus();
  }

  // Tab stays inside the dialog: from the last control back to the first, and the other way.
  function trapFocus(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key !== "Tab") return;
    const d = dialog.current;
    if (!d) return;
    const focusable = [
      ...d.querySelectorAll<HTMLElement>(
        'button:not([disabled]), input:not([disabled]), [tabindex="0"], select:not([disabled])',
      ),
    ].filter((el) => el.offsetParent !== null);
    const first = focusable[0];
    const lastEl = focusable[focusable.length - 1];
    if (!first || !lastEl) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      lastEl.focus();
    } else if (!event.shiftKey && document.activeElement === lastEl) {
      event.preventDefault();
      first.focus();
    }
  }

  function tabKeys(event: KeyboardEvent<HTMLDivElement>): void {
    const i = places.indexOf(place);
    const to =
      event.key === "ArrowRight"
        ? (i + 1) % places.length
        : event.key === "ArrowLeft"
          ? (i + places.length - 1) % places.length
          : null;
    if (to === null) return;
    event.preventDefault();
    const next = places[to]!;
    setPlace(next);
    document.getElementById(`${listId}-tab-${next}`)?.focus();
  }

  const panelId = `${listId}-panel`;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the wrapper only keeps Tab inside the dialog
    <div className="cc-window-body" onKeyDown={trapFocus}>
      <div className="cc-window-head">
        <h2 id="cc-window-title">{w.title}</h2>
        <button type="button" className="link-button" onClick={onClose}>
          {w.close}
        </button>
      </div>
      {purpose ? <p className="field-hint">{purpose}</p> : null}
      <div className="cc-places" role="tablist" aria-label={w.where} onKeyDown={tabKeys}>
        {places.map((p) => (
          <button
            key={p}
            id={`${listId}-tab-${p}`}
            type="button"
            role="tab"
            className="cc-place"
            aria-selected={place === p}
            aria-controls={panelId}
            tabIndex={place === p ? 0 : -1}
            onClick={() => setPlace(p)}
          >
            {w.places[p]}
            {p === "phone" ? <span className="tag cc-coming">{cw.issue.storage.coming}</span> : null}
          </button>
        ))}
      </div>
      <div id={panelId} role="tabpanel" aria-labelledby={`${listId}-tab-${place}`} className="cc-place-panel">
        {place === "phone" ? <p className="empty">{w.phoneComing}</p> : null}
        {place === "folder" ? (
          pick && sources.folder ? (
            <div className="cc-source">
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void chooseFolder()}
              >
                {w.pickFolder}
              </button>
              <span className="field-hint">{w.pickFolderHint}</span>
            </div>
          ) : (
            <p className="field-hint">{w.folderUnsupported}</p>
          )
        ) : null}
        {place === "archive" ? (
          <div className="cc-source">
            <label className="button button-secondary button-small cc-file">
              {w.pickFile}
              <input
                type="file"
                className="visually-hidden"
                accept=".zip,.pfx,.p12,application/zip,application/x-pkcs12"
                disabled={!sources.archive && !sources.pfx}
                onChange={(e) => {
                  void chooseFile(e.target.files?.[0]);
                  // The same file chosen again (after three wrong passwords, say) is a new opening.
                  e.target.value = "";
                }}
              />
            </label>
          </div>
        ) : null}
        {locked ? (
          <p className="field-hint" role="status">
            {w.pfx.locked(locked.name)}
          </p>
        ) : null}
        {place !== "phone" ? (
          <CertificateTable
            listing={listing}
            chosen={chosen}
            setChosen={setChosen}
            rowsRef={rowsRef}
            onKeyDown={moveInList}
            onRenew={onRenew}
          />
        ) : null}
      </div>
      <form
        className="cc-window-form"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
        noValidate
      >
        {row && !row.unreadable && !locked ? (
          <p className="visually-hidden" aria-live="polite">
            {w.selected(row.user)}
          </p>
        ) : null}
        {unlocked && !locked ? (
          <p className="field-hint cc-pfx-ready">{w.pfx.ready}</p>
        ) : (
          <CertificatePasswordField
            id="cc-window-password"
            label={locked ? w.pfx.password : w.password}
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            disabled={spent || busy}
            error={problem}
          />
        )}
        {unlocked && !locked && problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={onClose}>
            {cw.issue.cancel}
          </button>
          <button
            type="submit"
            className="button"
            disabled={spent || busy || (!row && !locked)}
            aria-disabled={spent || busy || (!row && !locked)}
          >
            {busy ? w.opening : locked ? w.pfx.open : w.confirm}
          </button>
        </div>
      </form>
    </div>
  );
}

function CertificateTable({
  listing,
  chosen,
  setChosen,
  rowsRef,
  onKeyDown,
  onRenew,
}: {
  listing: Listing;
  chosen: number;
  setChosen(i: number): void;
  rowsRef: RefObject<(HTMLTableRowElement | null)[]>;
  onKeyDown(e: KeyboardEvent<HTMLTableSectionElement>): void;
  onRenew: ((row: CertificateRow) => void) | undefined;
}) {
  const words = useCertcenterWords();
  const w = words.window;
  if (listing.state === "idle" || listing.state === "locked") return null;
  if (listing.state === "loading")
    return (
      <p className="empty" aria-busy="true">
        {w.loading}
      </p>
    );
  if (listing.state === "failed")
    return (
      <p className="field-error" role="alert">
        {listing.message}
      </p>
    );
  if (listing.rows.length === 0) return <p className="empty">{w.empty}</p>;
  return (
    <div className="cc-table-wrap">
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table whose rows are chosen is the ARIA grid pattern (rows carry aria-selected) */}
      <table className="cc-table" role="grid" aria-label={w.listLabel} aria-readonly="true">
        <caption className="visually-hidden">{w.listHelp}</caption>
        <thead>
          <tr>
            <th scope="col">{w.columns.purpose}</th>
            <th scope="col">{w.columns.user}</th>
            <th scope="col">{w.columns.notAfter}</th>
            <th scope="col" className="cc-col-issuer">
              {w.columns.issuer}
            </th>
            <th scope="col">{w.columns.status}</th>
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {listing.rows.map((row, i) => {
            const off = row.unreadable || !row.classified.usable;
            return (
              <tr
                key={`${row.stored.kind}:${row.stored.id}`}
                ref={(el) => {
                  rowsRef.current[i] = el;
                }}
                className={`cc-row${off ? " cc-row-off" : ""}`}
                aria-selected={i === chosen}
                tabIndex={i === chosen ? 0 : -1}
                onClick={() => setChosen(i)}
              >
                <td>{row.unreadable ? "—" : words.purpose[row.purpose]}</td>
                <td className="cc-user">{row.unreadable ? w.unreadable : row.user}</td>
                <td className="cc-date">{row.notAfter ? formatDate(row.notAfter.toISOString()) : "—"}</td>
                <td className="cc-col-issuer">{row.issuer}</td>
                <td>
                  <span className={`cc-status cc-status-${row.classified.status}`}>
                    {row.unreadable ? "—" : words.status[row.classified.status]}
                  </span>
                  {row.classified.renewable && onRenew ? (
                    <button
                      type="button"
                      className="button button-small cc-renew"
                      tabIndex={i === chosen ? 0 : -1}
                      onClick={(e) => {
                        e.stopPropagation();
                        onRenew(row);
                      }}
                    >
                      {w.renew}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
