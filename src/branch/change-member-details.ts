// A member's phone, e-mail or address changed at the counter with their ID checked, and their name
// only with the name-change document (개명): each audited, the member told in the notification centre.
import { TellerError } from "../auth/teller-errors.ts";
import type { BankContext } from "../bank/context.ts";
import { getMember, lockMemberDetails, type MemberDetails, updateMemberDetails } from "../bank/members.ts";
import { type ChangedDetail, type NewNotification, notifyDetailsChanged } from "../bank/notifications.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { MessageChannel, MessageSender } from "../certcenter/message-sender.ts";
import { audited, branchName, type DeskContext, type IdCheck, memberOfCooperative } from "./desk.ts";
import { formatKoreanPhone, isMobilePhone } from "./member-phone.ts";
import { type MemberView, memberView } from "./member-view.ts";

export type ContactField = "phone" | "email" | "address";
export const contactFields: readonly ContactField[] = ["phone", "email", "address"];

/** Each detail given is the new value; one left out stays as it is. None is cleared here. */
export interface ChangeDetailsInput {
  phone?: string | undefined;
  email?: string | undefined;
  address?: string | undefined;
  idCheck: IdCheck;
}

export const nameDocuments = ["court_permission", "basic_certificate"] as const;
/** What proves a name change: the court's permission (개명허가 결정문) or a 기본증명서 showing it. */
export type NameDocument = (typeof nameDocuments)[number];

export interface ChangeNameInput {
  name: string;
  reason: { document: NameDocument; reference: string };
  idCheck: IdCheck;
}

export interface DetailsAnswer {
  member: MemberView;
  changed: (ContactField | "name")[];
  /** Where the old phone or e-mail address was told of the change (after the commit, best effort). */
  oldContactsTold: MessageChannel[];
}

const controlCharacters = /\p{Cc}/u;

/** An e-mail address by the usual syntax (no quoted local parts), its domain in lower case. */
export function normalizeEmail(input: string): string {
  const email = input.trim();
  const m =
    /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$/.exec(
      email,
    );
  if (!m || email.length > 100) throw new TellerError("bad_email");
  return `${m[1]}@${m[2]!.toLowerCase()}`;
}

/** Text as typed at the counter: NFC, runs of white space made one space, no control characters. */
function counterText(input: string, max: number, code: "bad_address" | "bad_name"): string {
  if (controlCharacters.test(input.replace(/[\t\r\n]/g, " "))) throw new TellerError(code);
  const text = input.normalize("NFC").replace(/\s+/g, " ").trim();
  if (text.length === 0 || [...text].length > max) throw new TellerError(code);
  return text;
}

export function normalizeAddress(input: string): string {
  return counterText(input, 200, "bad_address");
}

export function normalizeName(input: string): string {
  const name = counterText(input, 50, "bad_name");
  if (/\d/.test(name)) throw new TellerError("bad_name");
  return name;
}

/** 010-1234-5678 → 010-****-5678, 02-123-4567 → 02-***-4567. */
export function maskPhone(phone: string): string {
  const [first = "", middle = "", last = ""] = phone.split("-");
  return `${first}-${"*".repeat(middle.length)}-${last}`;
}

/** hong.gildong@example.com → ho***@example.com. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  return `${local.slice(0, local.length > 2 ? 2 : 1)}***${email.slice(at)}`;
}

/** Only the region: 서울특별시 종로구 세종대로 209 → 서울특별시 종로구 …. */
export function maskAddress(address: string): string {
  const words = address.split(" ");
  if (words.length > 2) return `${words.slice(0, 2).join(" ")} …`;
  // Two words or one run of text: the region's first characters only, never the whole address,
  // which the old phone or e-mail (perhaps someone else's by now) would read.
  return `${[...(words[0] ?? "")].slice(0, 4).join("")} …`;
}

/** 홍길동 → 홍*동, 홍길 → 홍*. */
export function maskName(name: string): string {
  const c = [...name];
  if (c.length <= 2) return `${c[0]}*`;
  return `${c[0]}${"*".repeat(c.length - 2)}${c[c.length - 1]}`;
}

const maskers: Record<ContactField | "name", (v: string) => string> = {
  phone: maskPhone,
  email: maskEmail,
  address: maskAddress,
  name: maskName,
};

/**
 * Writes the change in the audited transaction and tells the member: the shared body of both
 * operations. `audit` gives the entry's details from the details before and the fields changed.
 */
async function applyChange(
  ctx: DeskContext,
  action: string,
  memberId: bigint,
  want: Partial<MemberDetails>,
  audit: (before: MemberDetails, changed: (keyof MemberDetails)[]) => Record<string, string | string[]>,
  /** Refuses, before anything is written, a change the fields' own rules do not allow. */
  vet: (changed: (keyof MemberDetails)[]) => void = () => {},
): Promise<{
  view: MemberView;
  changed: (keyof MemberDetails)[];
  before: MemberDetails;
  told: NewNotification;
}> {
  return audited(ctx, action, async (bank: BankContext, tx) => {
    const member = await memberOfCooperative(bank, ctx.teller, memberId);
    const who = { cooperativeId: member.cooperativeId, memberId: member.id };
    const before = await lockMemberDetails(tx, who);
    // A phone stored before the counter wrote phones one way (0212345678, say) is compared as the
    // counter writes it now: the same number sent back is no change.
    const stored = (k: keyof MemberDetails) =>
      k === "phone" && before.phone !== null ? (formatKoreanPhone(before.phone) ?? before.phone) : before[k];
    const changed = (Object.keys(want) as (keyof MemberDetails)[]).filter(
      (k) => want[k] !== undefined && want[k] !== stored(k),
    );
    // A change that changes nothing is refused, so the teller knows and the member is not told of one.
    if (changed.length === 0) throw new TellerError("details_unchanged");
    vet(changed);
    await updateMemberDetails(tx, who, Object.fromEntries(changed.map((k) => [k, want[k]])));
    const told = await notifyDetailsChanged(tx, {
      ...who,
      branchName: await branchName(tx, ctx.teller),
      changed: changed.map(
        (k): ChangedDetail => ({
          field: k === "realName" ? "name" : k,
          masked: maskers[k === "realName" ? "name" : k](want[k]!),
        }),
      ),
      at: bank.clock.now(),
    });
    const after = await getMember(bank, member.cooperativeId, member.id);
    return {
      result: { view: await memberView(bank, after), changed, before, told },
      subject: holderOf(member.cooperativeId, member.id),
      details: audit(before, changed),
    };
  });
}

/**
 * The teller changes the member's phone, e-mail address and/or address. A changed phone or e-mail
 * is also told at the old one (when a sender is given), as a bank warns of a takeover in progress.
 */
export async function changeMemberDetails(
  ctx: DeskContext,
  memberId: bigint,
  input: ChangeDetailsInput,
  options: { sender?: MessageSender } = {},
): Promise<DetailsAnswer> {
  const phone = input.phone === undefined ? undefined : formatKoreanPhone(input.phone);
  if (input.phone !== undefined && phone === undefined) throw new TellerError("bad_phone");
  const want: Partial<MemberDetails> = {
    ...(phone !== undefined ? { phone } : {}),
    ...(input.email !== undefined ? { email: normalizeEmail(input.email) } : {}),
    ...(input.address !== undefined ? { address: normalizeAddress(input.address) } : {}),
  };
  if (!input.idCheck.checked) throw new TellerError("identity_not_checked");
  if (Object.keys(want).length === 0) throw new TellerError("details_unchanged");
  const { view, changed, before, told } = await applyChange(
    ctx,
    "teller.member_details_change",
    memberId,
    want,
    // Which fields changed, not their values: the audit log is append-only and hash-chained, so a
    // contact written there could never be corrected or erased with the member's record, and an
    // auditor needs to know that a contact changed and who changed it, not where the member lives.
    (_before, fields) => ({ changed: fields, idDocument: input.idCheck.document }),
    // A new phone must be a mobile (member-phone.ts). One kept from before that rule (a landline)
    // and sent back as it is, as the console's form does when another detail changes, is no change.
    (fields) => {
      if (fields.includes("phone") && phone !== undefined && !isMobilePhone(phone))
        throw new TellerError("bad_phone");
    },
  );
  const oldContactsTold: MessageChannel[] = [];
  if (options.sender) {
    const body = `${told.title.ko}\n${told.body.ko}\n\n${told.title.en}\n${told.body.en}`;
    const old: [MessageChannel, string | null][] = [
      ["sms", changed.includes("phone") ? before.phone : null],
      ["email", changed.includes("email") ? before.email : null],
    ];
    for (const [channel, to] of old) {
      if (!to) continue;
      try {
        await options.sender.send({ channel, to, purpose: "contact_changed", body });
        oldContactsTold.push(channel);
      } catch {
        // The change stands and the notification centre has it: a gateway failure refuses nothing.
      }
    }
  }
  return { member: view, changed: changed as ContactField[], oldContactsTold };
}

/**
 * The member's real name, changed only with the document that proves it and its reference (the
 * court's case number, the certificate's issue number), with the member's ID checked.
 */
export async function changeMemberName(
  ctx: DeskContext,
  memberId: bigint,
  input: ChangeNameInput,
): Promise<DetailsAnswer> {
  const name = normalizeName(input.name);
  const reference = input.reason.reference.replace(/\s+/g, " ").trim();
  if (!(nameDocuments as readonly string[]).includes(input.reason.document) || reference === "") {
    throw new TellerError("name_reason_missing");
  }
  if (reference.length > 50 || controlCharacters.test(reference))
    throw new TellerError("name_reason_missing");
  if (!input.idCheck.checked) throw new TellerError("identity_not_checked");
  const { view } = await applyChange(
    ctx,
    "teller.member_name_change",
    memberId,
    { realName: name },
    // The old and the new name are kept: a name is not an identifier as the resident registration
    // number is (which is never written here), the change is a legal event the bank must be able to
    // show, and a name changed to pass as someone else is what an auditor looks for.
    (before) => ({
      oldName: before.realName,
      newName: name,
      reasonDocument: input.reason.document,
      reasonReference: reference,
      idDocument: input.idCheck.document,
    }),
  );
  return { member: view, changed: ["name"], oldContactsTold: [] };
}
