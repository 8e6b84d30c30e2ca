// The counter: find a member by name + RRN from the ID card (or register a new one), then act for
// them: open an account, enrol for internet banking, hand out OTP or security card, unlock,
// reset the password, authorise a certificate. What the member takes home is printable. The
// teller's cash drawer and cash in and out are a tab of their own (CashDesk.tsx).
import { type ReactNode, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatAccountNumber } from "../lib/account-number.ts";
import { ApiError } from "../lib/api.ts";
import { formatDateTime, lastDayBefore } from "../lib/dates.ts";
import { checkRrn, formatRrnInput } from "../lib/rrn.ts";
import { formatWon } from "../lib/won.ts";
import { ErrorMessage, ErrorSummary, type FieldProblem } from "../ui/Alerts.tsx";
import { Field } from "../ui/Field.tsx";
import { Page } from "../ui/Page.tsx";
import { Facts } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { Approvals } from "./Approvals.tsx";
import { CashDesk } from "./CashDesk.tsx";
import { LimitsPanel } from "./LimitsPanel.tsx";
import { MemberActions } from "./MemberActions.tsx";
import { MemberDetails } from "./MemberDetails.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { TellerMember, TellerSession } from "./types.ts";

type Mode = "find" | "create" | "cash" | "approvals";

/** One tab of the counter's tab list; its panel is `panel-<mode>`. */
function Tab({
  mode,
  current,
  onSelect,
  children,
}: {
  mode: Mode;
  current: Mode;
  onSelect(m: Mode): void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      id={`tab-${mode}`}
      aria-selected={current === mode}
      aria-controls={`panel-${mode}`}
      className="tab"
      onClick={() => onSelect(mode)}
    >
      {children}
    </button>
  );
}

export function CounterPage({ teller }: { teller: TellerSession }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>("find");
  const [member, setMember] = useState<TellerMember | null>(null);

  async function refresh(): Promise<void> {
    if (!member) return;
    setMember(await tellerApi.get<TellerMember>(`/api/teller/members/${encodeURIComponent(member.id)}`));
  }

  function nextCustomer(): void {
    setMember(null);
    setMode("find");
  }

  return (
    <Page
      title={member ? t.teller.memberTitle(member.name) : t.teller.counterTitle}
      siteName={t.teller.siteName}
      actions={
        member ? (
          <button type="button" className="button button-secondary" onClick={nextCustomer}>
            {t.teller.nextCustomer}
          </button>
        ) : null
      }
    >
      {member ? (
        <div className="counter">
          <MemberSummary member={member} />
          <MemberActions member={member} teller={teller} refresh={refresh} />
          {/* Sibling keys must differ: a shared key leaves stale copies of a panel on screen. */}
          <LimitsPanel key={`limits-${member.id}`} member={member} />
          <MemberDetails key={`details-${member.id}`} member={member} refresh={refresh} />
        </div>
      ) : (
        <div className={mode === "cash" || mode === "approvals" ? undefined : "narrow"}>
          <div className="tabs" role="tablist" aria-label={t.teller.counterTitle}>
            <Tab mode="find" current={mode} onSelect={setMode}>
              {t.teller.find}
            </Tab>
            <Tab mode="create" current={mode} onSelect={setMode}>
              {t.teller.create}
            </Tab>
            <Tab mode="cash" current={mode} onSelect={setMode}>
              {t.teller.cash.tab}
            </Tab>
            {teller.role === "manager" ? (
              <Tab mode="approvals" current={mode} onSelect={setMode}>
                {t.teller.approvals.tab}
              </Tab>
            ) : null}
          </div>
          {mode === "approvals" ? (
            <div role="tabpanel" id="panel-approvals" aria-labelledby="tab-approvals">
              <Approvals />
            </div>
          ) : null}
          {mode === "cash" ? (
            <div role="tabpanel" id="panel-cash" aria-labelledby="tab-cash">
              <CashDesk />
            </div>
          ) : null}
          {mode === "find" ? (
            <div role="tabpanel" id="panel-find" aria-labelledby="tab-find">
              <FindMember onFound={setMember} onCreate={() => setMode("create")} />
            </div>
          ) : null}
          {mode === "create" ? (
            <div role="tabpanel" id="panel-create" aria-labelledby="tab-create">
              <CreateMember onCreated={setMember} />
            </div>
          ) : null}
        </div>
      )}
    </Page>
  );
}

function useIdentityFields(prefix: string) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [rrn, setRrn] = useState("");
  function problems(): FieldProblem[] {
    const found: FieldProblem[] = [];
    if (name.trim() === "") found.push({ field: `${prefix}-name`, text: t.teller.nameMissing });
    const checked = checkRrn(rrn);
    if ("problem" in checked)
      found.push({ field: `${prefix}-rrn`, text: t.teller.rrnProblems[checked.problem] });
    return found;
  }
  return { prefix, name, setName, rrn, setRrn, problems };
}

/** The name and resident registration number as on the ID card, checked by useIdentityFields. */
function IdentityInputs({
  id,
  errorOf,
}: {
  id: ReturnType<typeof useIdentityFields>;
  errorOf(field: string): string | undefined;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field
        id={`${id.prefix}-name`}
        label={t.teller.name}
        autoComplete="off"
        maxLength={50}
        value={id.name}
        onChange={(e) => id.setName(e.target.value)}
        error={errorOf(`${id.prefix}-name`)}
      />
      <Field
        id={`${id.prefix}-rrn`}
        label={t.teller.rrn}
        hint={t.teller.rrnHint}
        inputMode="numeric"
        autoComplete="off"
        value={id.rrn}
        onChange={(e) => id.setRrn(formatRrnInput(e.target.value))}
        error={errorOf(`${id.prefix}-rrn`)}
      />
    </>
  );
}

function FindMember({ onFound, onCreate }: { onFound(m: TellerMember): void; onCreate(): void }) {
  const { t, errorText } = useI18n();
  const id = useIdentityFields("f");
  const form = useForm();
  const submit = form.onSubmit(
    () => id.problems(),
    async () => {
      const who = { name: id.name.trim(), rrn: id.rrn.replace(/\D/g, "") };
      onFound(await tellerApi.post<TellerMember>("/api/teller/members/lookup", who));
    },
  );

  const notFound = form.failure instanceof ApiError && form.failure.status === 404;
  return (
    <>
      <ErrorSummary title={t.common.checkFields} problems={form.problems} />
      {form.failure ? (
        <ErrorMessage>
          <p>{notFound ? t.teller.notFound : errorText(form.failure)}</p>
          {notFound ? (
            <button type="button" className="button button-secondary" onClick={onCreate}>
              {t.teller.create}
            </button>
          ) : null}
        </ErrorMessage>
      ) : null}
      <form className="card form" onSubmit={submit} noValidate>
        <p className="field-hint">{t.teller.idCardHint}</p>
        <IdentityInputs id={id} errorOf={form.errorOf} />
        <button type="submit" className="button button-block" disabled={form.sending}>
          {form.sending ? t.common.loading : t.teller.findSubmit}
        </button>
      </form>
    </>
  );
}

function CreateMember({ onCreated }: { onCreated(m: TellerMember): void }) {
  const { t } = useI18n();
  const id = useIdentityFields("c");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [address, setAddress] = useState("");
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      const found = id.problems();
      if (!/^0\d{1,2}-?\d{3,4}-?\d{4}$/.test(phone.trim()))
        found.push({ field: "c-phone", text: t.teller.phoneProblem });
      if (email.trim() !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
        found.push({ field: "c-email", text: t.teller.emailProblem });
      if (address.trim() === "") found.push({ field: "c-address", text: t.teller.addressMissing });
      return found;
    },
    async () => {
      const who = { name: id.name.trim(), rrn: id.rrn.replace(/\D/g, "") };
      const m = await tellerApi.post<TellerMember>("/api/teller/members", {
        ...who,
        phone: phone.trim(),
        ...(email.trim() ? { email: email.trim() } : {}),
        address: address.trim(),
      });
      onCreated(m);
    },
  );

  return (
    <>
      <FormAlerts form={form} />
      <form className="card form" onSubmit={submit} noValidate>
        <p className="field-hint">{t.teller.idCardHint}</p>
        <IdentityInputs id={id} errorOf={form.errorOf} />
        <Field
          id="c-phone"
          label={t.teller.phone}
          type="tel"
          autoComplete="off"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={form.errorOf("c-phone")}
        />
        <Field
          id="c-email"
          label={t.teller.emailOptional}
          type="email"
          autoComplete="off"
          maxLength={100}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.errorOf("c-email")}
        />
        <Field
          id="c-address"
          label={t.teller.address}
          autoComplete="off"
          maxLength={200}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          error={form.errorOf("c-address")}
        />
        <button type="submit" className="button button-block" disabled={form.sending}>
          {form.sending ? t.common.sending : t.teller.createSubmit}
        </button>
      </form>
    </>
  );
}

function MemberSummary({ member }: { member: TellerMember }) {
  const { t, lang } = useI18n();
  const ib = member.internetBanking;
  const medium = member.securityMedium;
  const status = ib
    ? ib.lapsed
      ? t.teller.ibLapsed
      : ib.locked
        ? t.teller.ibLocked
        : ib.mustChangePassword
          ? t.teller.ibPending(ib.deadline ? lastDayBefore(ib.deadline) : "")
          : t.teller.ibActive
    : t.teller.ibNone;
  return (
    <section className="card" aria-labelledby="member-facts">
      <h2 id="member-facts">{t.teller.memberFacts}</h2>
      <Facts
        rows={[
          [t.teller.name, member.name],
          [t.teller.rrn, member.rrnMasked],
          [t.teller.memberNo, member.id],
          ...(member.phone ? ([[t.teller.phone, member.phone]] as [string, string][]) : []),
          [t.teller.ib, ib ? `${ib.userId} · ${status}` : status],
          [
            t.teller.medium,
            medium
              ? `${t.limits.media[medium.kind]}${medium.cardSerial ? ` ${medium.cardSerial}` : ""}${medium.locked ? ` · ${t.teller.mediumLocked}` : ""}`
              : t.teller.noMedium,
          ],
          ...(ib && ib.failedLogins > 0 && !ib.locked
            ? ([[t.teller.failedLogins, String(ib.failedLogins)]] as [string, string][])
            : []),
        ]}
      />
      <h3>{t.teller.accounts}</h3>
      {member.accounts.length > 0 ? (
        <ul className="plain-list">
          {member.accounts.map((a) => (
            <li key={a.number}>
              <span className="account-number">{formatAccountNumber(a.number)}</span>{" "}
              {a.name ?? t.accountKinds[a.kind as keyof typeof t.accountKinds] ?? a.kind}
              {a.balance !== undefined ? ` · ${formatWon(a.balance, lang)}` : ""}
              {a.status !== "active"
                ? ` · ${t.accountStatus[a.status as keyof typeof t.accountStatus] ?? a.status}`
                : ""}
              {a.openedAt ? ` · ${formatDateTime(a.openedAt, lang)}` : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">{t.teller.noAccounts}</p>
      )}
    </section>
  );
}
