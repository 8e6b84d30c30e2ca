// The member's contact details at the counter: what the cooperative holds, a form to change the
// phone, e-mail and address with the member's ID checked, and apart from it the name change (개명),
// which needs its document. The server judges the formats; the form catches what it can first.
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import type { Messages } from "../i18n/ko.ts";
import type { FieldProblem } from "../ui/Alerts.tsx";
import { Notice } from "../ui/Alerts.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import { Facts } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { type IdCheckWords, useIdCheck } from "./IdCheck.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { DetailsAnswer, MemberPanelProps, TellerMember } from "./types.ts";

const nameDocuments = ["court_permission", "basic_certificate"] as const;
type NameDocument = (typeof nameDocuments)[number];

export function MemberDetails({ member, refresh }: { member: TellerMember; refresh(): Promise<void> }) {
  const { t } = useI18n();
  const d = t.teller.details;
  const [naming, setNaming] = useState(false);
  const base = `/api/teller/members/${encodeURIComponent(member.id)}`;
  return (
    <section className="card member-details" aria-labelledby="details-title">
      <h2 id="details-title">{d.title}</h2>
      <div className="member-details-body">
        <Facts
          rows={[
            [d.fields.phone, member.phone ?? d.none],
            [d.fields.email, member.email ?? d.none],
            [d.fields.address, member.address ?? d.none],
          ]}
        />
        <div className="member-details-forms">
          <ContactForm member={member} base={base} refresh={refresh} />
          <button
            type="button"
            className="button button-secondary"
            aria-expanded={naming}
            aria-controls="name-change"
            onClick={() => setNaming(!naming)}
          >
            {d.nameTitle}
          </button>
          <div id="name-change">{naming ? <NameForm base={base} refresh={refresh} /> : null}</div>
        </div>
      </div>
    </section>
  );
}

/** The ID check both forms need, grouped under its legend: the teller looked at the ID and the member. */
function idWords({ cash, details: d }: Messages["teller"]): IdCheckWords {
  return { document: cash.idDocument, checked: d.idChecked, problem: d.idProblem, legend: d.idLegend };
}

function ChangedNotice({ answer }: { answer: DetailsAnswer | null }) {
  const { t } = useI18n();
  const d = t.teller.details;
  if (!answer) return null;
  return (
    <Notice>
      {d.changed(answer.changed.map((f) => d.fields[f]))}
      {answer.oldContactsTold.length > 0 ? ` ${d.oldTold}` : ""}
    </Notice>
  );
}

function ContactForm({ member, base, refresh }: MemberPanelProps) {
  const { t } = useI18n();
  const d = t.teller.details;
  const [phone, setPhone] = useState(member.phone ?? "");
  const [email, setEmail] = useState(member.email ?? "");
  const [address, setAddress] = useState(member.address ?? "");
  const [answer, setAnswer] = useState<DetailsAnswer | null>(null);
  const id = useIdCheck("md", idWords(t.teller));
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      // Loose checks only: the server reads the number's forms (spaces, +82) and names the rule.
      if (phone.trim() !== "" && !/^\+?[0-9][0-9 .()-]{7,18}$/.test(phone.trim()))
        found.push({ field: "md-phone", text: d.phoneProblem });
      if (email.trim() !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
        found.push({ field: "md-email", text: d.emailProblem });
      if (address.trim().length > 200) found.push({ field: "md-address", text: d.addressProblem });
      return [...found, ...id.problems()];
    },
    async () => {
      // A field left empty is not sent: this form does not clear a contact.
      const a = await tellerApi.post<DetailsAnswer>(`${base}/details`, {
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        idCheck: id.value,
      });
      setAnswer(a);
      setPhone(a.member.phone ?? "");
      setEmail(a.member.email ?? "");
      setAddress(a.member.address ?? "");
      id.reset();
      await refresh().catch(() => undefined);
    },
  );
  return (
    <div className="panel">
      <h3>{d.contactsTitle}</h3>
      <ChangedNotice answer={answer} />
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <p className="field-hint">{d.contactsHint}</p>
        <Field
          id="md-phone"
          label={d.fields.phone}
          type="tel"
          autoComplete="off"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={form.errorOf("md-phone")}
        />
        <Field
          id="md-email"
          label={d.fields.email}
          type="email"
          autoComplete="off"
          maxLength={100}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.errorOf("md-email")}
        />
        <Field
          id="md-address"
          label={d.fields.address}
          autoComplete="off"
          maxLength={200}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          error={form.errorOf("md-address")}
        />
        {id.fields(form.errorOf)}
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : d.contactsSubmit}
        </button>
      </form>
    </div>
  );
}

function NameForm({ base, refresh }: { base: string; refresh(): Promise<void> }) {
  const { t } = useI18n();
  const d = t.teller.details;
  const [name, setName] = useState("");
  const [document, setDocument] = useState<NameDocument>("court_permission");
  const [reference, setReference] = useState("");
  const [answer, setAnswer] = useState<DetailsAnswer | null>(null);
  const id = useIdCheck("mn", idWords(t.teller));
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (name.trim() === "") found.push({ field: "mn-name", text: d.newNameProblem });
      if (reference.trim() === "") found.push({ field: "mn-reference", text: d.referenceProblem });
      return [...found, ...id.problems()];
    },
    async () => {
      const a = await tellerApi.post<DetailsAnswer>(`${base}/name`, {
        name: name.trim(),
        reason: { document, reference: reference.trim() },
        idCheck: id.value,
      });
      setAnswer(a);
      setName("");
      setReference("");
      id.reset();
      await refresh().catch(() => undefined);
    },
  );
  return (
    <div className="panel">
      <h3>{d.nameTitle}</h3>
      <ChangedNotice answer={answer} />
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <p className="field-hint">{d.nameHint}</p>
        <Field
          id="mn-name"
          label={d.newName}
          autoComplete="off"
          maxLength={50}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.errorOf("mn-name")}
        />
        <SelectField
          id="mn-document"
          label={d.reasonDocument}
          value={document}
          onChange={(e) => setDocument(nameDocuments.find((x) => x === e.target.value) ?? "court_permission")}
        >
          {nameDocuments.map((x) => (
            <option key={x} value={x}>
              {d.reasonDocuments[x]}
            </option>
          ))}
        </SelectField>
        <Field
          id="mn-reference"
          label={d.reference}
          autoComplete="off"
          maxLength={50}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          error={form.errorOf("mn-reference")}
        />
        {id.fields(form.errorOf)}
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : d.nameSubmit}
        </button>
      </form>
    </div>
  );
}
