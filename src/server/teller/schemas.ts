// Request and answer schemas of the teller API (/api/teller): validation at the edge, the answers'
// exact shapes, and the OpenAPI description (tag "teller"). Domain types are not derived from these.
import { Type } from "typebox";
import { AccountNumberIn, DisplayText, ErrorBody, PassbookText } from "../api/schemas.ts";

export const tellerTag = "teller";

const text = (max: number, options: { minLength?: number; description?: string } = {}) =>
  Type.String({ minLength: options.minLength ?? 1, maxLength: max, ...options });

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const timestamp = Type.String({ description: "ISO 8601 instant" });
const won = Type.String({ pattern: "^-?[0-9]+$", description: "integer won, as decimal digits" });

/** The error answer, as the member API describes it: `{ error: { code, message: { ko, en }, details? } }`. */
export const errorBody = ErrorBody;

/** Path parameter: a member of the teller's cooperative. */
export const memberParams = Type.Object({
  memberId: Type.String({ pattern: "^[1-9][0-9]{0,17}$", description: "the member's id" }),
});

// ---- the teller's own session ----

export const loginBody = Type.Object(
  {
    tellerId: text(20, { description: "the teller's login ID" }),
    password: text(200),
  },
  { additionalProperties: false },
);

export const tellerSessionAnswer = Type.Object({
  kind: Type.Literal("teller"),
  tellerId: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal("teller"), Type.Literal("manager")], {
    description: "a manager (책임자) approves colleagues' requests",
  }),
  cooperative: Type.Object({ code: Type.String(), name: Type.String() }),
  branch: Type.Object({ code: Type.String(), name: Type.String() }),
  csrfToken: Type.String(),
  idleTimeoutSeconds: Type.Integer(),
  expiresAt: timestamp,
});

export const extendAnswer = Type.Object({ expiresAt: timestamp });

// ---- members ----

/** 13 digits, the dash optional; the number is never echoed back whole. */
const rrn = Type.String({ pattern: "^[0-9]{6}-?[0-9]{7}$", description: "resident registration number" });
const realName = DisplayText(50, { description: "real name as on the ID card" });
/** The member's phone: a Korean mobile number, where the bank's SMS go. */
const mobileDescription = "a Korean mobile number: 010-1234-5678, 01012345678, +82 10-1234-5678";

export const lookupBody = Type.Object({ name: realName, rrn }, { additionalProperties: false });

export const createMemberBody = Type.Object(
  {
    name: realName,
    rrn,
    // Loose here and judged by the desk (src/branch/member-phone.ts): a number that is not a mobile's
    // is refused by name, bad_phone, in both languages.
    phone: Type.Optional(Type.String({ maxLength: 40, description: mobileDescription })),
    email: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
        description: "e-mail address",
      }),
    ),
    address: Type.Optional(DisplayText(200)),
  },
  { additionalProperties: false },
);

const accountView = Type.Object({
  number: Type.String({ description: "9002-0000-1000-5" }),
  kind: Type.Union([Type.Literal("demand"), Type.Literal("savings")]),
  name: Type.String(),
  status: Type.String(),
  balance: won,
  held: Type.String({ pattern: "^[0-9]+$", description: "won held (reserved) on the account" }),
  openedAt: timestamp,
});

export const memberView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  rrnMasked: Type.String({ description: "900101-1******" }),
  branch: Type.Object({ code: Type.String(), name: Type.String() }),
  phone: nullable(Type.String()),
  email: nullable(Type.String()),
  address: nullable(Type.String()),
  createdAt: timestamp,
  accounts: Type.Array(accountView),
  internetBanking: Type.Union([
    Type.Null(),
    Type.Object({
      userId: Type.String(),
      enrolledAt: timestamp,
      mustChangePassword: Type.Boolean(),
      /** While the temporary password is unchanged: when the enrolment lapses. */
      deadline: nullable(timestamp),
      lapsed: Type.Boolean(),
      locked: Type.Boolean(),
      failedLogins: Type.Integer(),
    }),
  ]),
  securityMedium: Type.Union([
    Type.Null(),
    Type.Object({
      kind: Type.Union([Type.Literal("otp"), Type.Literal("card")]),
      cardSerial: nullable(Type.String()),
      locked: Type.Boolean(),
      registeredAt: timestamp,
    }),
  ]),
});

export const openAccountBody = Type.Object(
  {
    kind: Type.Union([Type.Literal("demand"), Type.Literal("savings")]),
    pin: Type.String({ pattern: "^[0-9]{4}$", description: "the passbook PIN, 4 digits" }),
  },
  { additionalProperties: false },
);

// ---- internet banking ----

export const enrolmentBody = Type.Object(
  {
    userId: Type.String({
      minLength: 1,
      maxLength: 40,
      description: "6–12 letters and digits, the member's choice",
    }),
  },
  { additionalProperties: false },
);

export const temporaryPasswordAnswer = Type.Object({
  userId: Type.String(),
  temporaryPassword: Type.String({ description: "shown once, printed on the 신청확인증 slip" }),
  enrolledAt: timestamp,
  deadline: Type.String({
    description: "the temporary password must be replaced online before this instant",
  }),
});

export const otpAnswer = Type.Object({
  secret: Type.String({ description: "base32 (RFC 4648), for typing into an authenticator" }),
  uri: Type.String({ description: "otpauth://totp/… for a QR code" }),
});

export const securityCardAnswer = Type.Object({
  serial: Type.String(),
  codes: Type.Array(Type.String(), { description: "35 codes of 4 digits; index 0 is no. 1" }),
});

export const unlockAnswer = Type.Object({
  login: Type.Union([Type.Literal("unlocked"), Type.Literal("not_locked"), Type.Literal("not_enrolled")]),
  medium: Type.Union([Type.Literal("unlocked"), Type.Literal("not_locked"), Type.Literal("not_registered")]),
});

export const certificateAuthorizationBody = Type.Object(
  {
    purpose: Type.Union([Type.Literal("bank"), Type.Literal("universal")]),
    reissue: Type.Optional(
      Type.Union([Type.Literal("lost"), Type.Literal("damaged"), Type.Literal("forgotten")], {
        description: "reissue the live certificate of that purpose (lost: revoked now)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const certificateAuthorizationAnswer = Type.Object({
  referenceNumber: Type.String(),
  authorizationCode: Type.String(),
  expiresAt: timestamp,
});

// ---- cash at the counter ----

/**
 * Won as the teller typed it, as a decimal string: a minus sign or a fraction passes the schema
 * so that the desk refuses it by name (amount_must_be_positive, amount_not_whole, bad_count).
 */
const typedWon = (description: string) =>
  Type.String({ pattern: "^-?[0-9]{1,20}(\\.[0-9]{1,10})?$", description });

const idempotencyKey = Type.String({
  pattern: "^[A-Za-z0-9_-]{8,100}$",
  description: "one per form, e.g. a random UUID: a repeat answers with the first receipt",
});

export const drawerCountBody = Type.Object(
  { count: typedWon("the cash counted in the drawer, whole won") },
  { additionalProperties: false },
);

export const drawerDayAnswer = Type.Object({
  day: Type.String({ description: "the Seoul business day, YYYY-MM-DD" }),
  status: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  openedAt: timestamp,
  openingCount: won,
  openingLedger: Type.String({
    pattern: "^-?[0-9]+$",
    description: "the drawer's cash by the ledger at the opening (carried from its last close)",
  }),
  fromVault: Type.String({
    pattern: "^-?[0-9]+$",
    description: "count less ledger at the opening, posted between the vault and the drawer",
  }),
  closedAt: nullable(timestamp),
  closingCount: nullable(won),
  closingLedger: nullable(won),
  difference: nullable(
    Type.String({
      pattern: "^-?[0-9]+$",
      description: "count less ledger at the close, posted to over/short: over (+) or short (-)",
    }),
  ),
});

export const drawerAnswer = Type.Object({
  drawerAccount: nullable(Type.String({ description: "the drawer's own ledger account" })),
  cash: Type.String({ pattern: "^-?[0-9]+$", description: "the drawer's cash by the ledger" }),
  day: Type.Union([drawerDayAnswer, Type.Null()]),
  lines: Type.Array(
    Type.Object({
      at: timestamp,
      kind: Type.Union([
        Type.Literal("cash_deposit"),
        Type.Literal("cash_withdrawal"),
        Type.Literal("vault_cash"),
        Type.Literal("over_short"),
      ]),
      cash: Type.String({ pattern: "^-?[0-9]+$", description: "into the drawer (+) or out of it (-)" }),
      account: nullable(Type.String()),
      receipt: nullable(Type.String()),
    }),
  ),
});

export const depositBody = Type.Object(
  {
    idempotencyKey,
    account: AccountNumberIn,
    amount: typedWon("whole won, 1 to 1,000,000,000"),
    depositorName: Type.Optional(
      PassbookText(20, { description: "who brought the cash, when not the holder (입금자명)" }),
    ),
  },
  { additionalProperties: false },
);

const idDocument = Type.Union(
  [
    Type.Literal("resident_card"),
    Type.Literal("driver_license"),
    Type.Literal("passport"),
    Type.Literal("other"),
  ],
  { description: "the ID document the teller checked" },
);

/** The holder's ID, checked at the counter: which document, and that the teller did look. */
const idCheck = Type.Object(
  {
    document: idDocument,
    checked: Type.Boolean({ description: "the teller saw the holder and the document" }),
  },
  { additionalProperties: false },
);

export const withdrawalBody = Type.Object(
  {
    idempotencyKey,
    account: AccountNumberIn,
    amount: typedWon("whole won, 1 to 1,000,000,000"),
    pin: Type.String({ pattern: "^[0-9]{4}$", description: "the passbook PIN the holder typed" }),
    idCheck,
  },
  { additionalProperties: false },
);

export const receiptAnswer = Type.Object({
  number: Type.String({ description: "20261125-00000042" }),
  kind: Type.Union([Type.Literal("deposit"), Type.Literal("withdrawal"), Type.Literal("closing")]),
  at: timestamp,
  account: Type.String(),
  holderName: Type.String(),
  amount: won,
  balanceAfter: won,
  depositorName: nullable(Type.String()),
  idDocument: Type.Union([idDocument, Type.Null()]),
  tellerId: Type.String(),
  branch: Type.Object({ code: Type.String(), name: Type.String() }),
  cooperative: Type.String(),
});

export const cashAnswer = Type.Object({
  receipt: receiptAnswer,
  replayed: Type.Boolean({ description: "true when the request repeated an earlier one" }),
});

export const receiptParams = Type.Object({
  number: Type.String({ pattern: "^[0-9]{8}-[0-9]{8,12}$", description: "the receipt's number" }),
});

// ---- transfer limits at the counter ----

const limitAmount = Type.String({
  pattern: "^[0-9]{1,15}$",
  description: "whole won as digits, 1 up to the cooperative's maximum",
});

export const branchLimitsAnswer = Type.Object({
  medium: Type.Union([Type.Literal("otp"), Type.Literal("card"), Type.Null()], {
    description: "the registered security medium; with none, both limits are 0",
  }),
  perTransfer: won,
  perDay: won,
  usedToday: Type.String({ pattern: "^[0-9]+$", description: "what today's transfers used (Seoul day)" }),
  maximum: Type.Union([Type.Object({ perTransfer: won, perDay: won }), Type.Null()], {
    description: "the cooperative's maximums for the medium",
  }),
});

export const changeLimitsBody = Type.Object(
  {
    idempotencyKey,
    perTransfer: limitAmount,
    perDay: limitAmount,
    reason: DisplayText(200, { description: "why the limits change (recorded in the audit log)" }),
    idCheck,
  },
  { additionalProperties: false },
);

export const changeLimitsAnswer = Type.Object({
  limits: branchLimitsAnswer,
  before: Type.Object({ perTransfer: won, perDay: won }),
  changed: Type.Boolean({ description: "false when the limits were as asked already (a retry)" }),
  approvedBy: Type.Union([Type.String(), Type.Null()], { description: "the approving manager, if any" }),
});

// ---- closing an account at the counter ----

export const closeAccountParams = Type.Object({
  memberId: memberParams.properties.memberId,
  number: AccountNumberIn,
});

export const closeAccountBody = Type.Object(
  {
    idempotencyKey,
    // One object rather than a union of two: the schema compiler strips unknown properties while it
    // tries each branch of a union, and would take the target away from a transfer.
    payout: Type.Object(
      {
        kind: Type.Union([Type.Literal("cash"), Type.Literal("transfer")], {
          description: "cash from the teller's drawer, or a transfer to another of the member's accounts",
        }),
        to: Type.Optional({
          ...AccountNumberIn,
          description: "for a transfer: another account of the same member at the cooperative",
        }),
      },
      { additionalProperties: false },
    ),
    pin: Type.String({ pattern: "^[0-9]{4}$", description: "the passbook PIN of the account closed" }),
    idCheck,
  },
  { additionalProperties: false },
);

export const endInternetBankingBody = Type.Object({ idCheck }, { additionalProperties: false });

export const endInternetBankingAnswer = Type.Object({
  userId: Type.String({ description: "the user ID that no longer logs in" }),
  certificatesRevoked: Type.Array(Type.String({ description: "serial, hex" }), {
    description: "the member's certificates revoked (cessationOfOperation); CRL and OCSP say so",
  }),
  authorizationsEnded: Type.Integer({ description: "issuance codes not yet used, now run out" }),
  feesReleased: Type.Integer({ description: "certificate fees held for an issuance under way, released" }),
  sessionsEnded: Type.Integer({ description: "member sessions ended" }),
  statusPublished: Type.Boolean({
    description:
      "false when the new CRL and OCSP responses could not be published at once: the revocations stand, OCSP follows at the CA's maintenance run and the CRL at its next issue",
  }),
  memberTold: Type.Array(Type.Union([Type.Literal("sms"), Type.Literal("email")]), {
    description: "where the member was told (best effort)",
  }),
});

export const closingAnswer = Type.Object({
  account: accountView,
  closedAt: timestamp,
  amount: won,
  payout: Type.Union([Type.Literal("cash"), Type.Literal("transfer")]),
  receipt: Type.Union([receiptAnswer, Type.Null()]),
  transferredTo: nullable(Type.String()),
  releasedHolds: Type.Object({
    count: Type.Integer({ description: "lapsed holds released by the closing" }),
    amount: won,
  }),
  replayed: Type.Boolean({ description: "true when the request repeated an earlier one" }),
});

// ---- member details changed at the counter ----

// Formats are loose here and judged by the desk, so that a bad phone or e-mail is refused by name
// (bad_phone, bad_email, bad_address, bad_name) in both languages.
export const changeDetailsBody = Type.Object(
  {
    phone: Type.Optional(Type.String({ maxLength: 40, description: mobileDescription })),
    email: Type.Optional(
      Type.String({ maxLength: 200, description: "e-mail address, up to 100 characters" }),
    ),
    address: Type.Optional(Type.String({ maxLength: 400, description: "the address, up to 200 characters" })),
    idCheck,
  },
  { additionalProperties: false },
);

export const changeNameBody = Type.Object(
  {
    name: Type.String({ maxLength: 100, description: "the new real name, up to 50 characters" }),
    reason: Type.Object(
      {
        document: Type.Union([Type.Literal("court_permission"), Type.Literal("basic_certificate")], {
          description:
            "court_permission: the court's 개명허가 결정문; basic_certificate: a 기본증명서 showing it",
        }),
        reference: Type.String({
          maxLength: 100,
          description: "the document's reference (case number, issue number), up to 50 characters",
        }),
      },
      { additionalProperties: false },
    ),
    idCheck,
  },
  { additionalProperties: false },
);

export const detailsAnswer = Type.Object({
  member: memberView,
  changed: Type.Array(
    Type.Union([Type.Literal("phone"), Type.Literal("email"), Type.Literal("address"), Type.Literal("name")]),
  ),
  oldContactsTold: Type.Array(Type.Union([Type.Literal("sms"), Type.Literal("email")]), {
    description: "where the old phone or e-mail address was told of the change",
  }),
});

// ---- maker-checker: requests a manager approves (src/branch/approvals.ts) ----

const tellerRef = Type.Object({ tellerId: Type.String(), name: Type.String() });

export const approvalAnswer = Type.Object({
  id: Type.String({ pattern: "^[0-9]+$" }),
  kind: Type.Union([Type.Literal("cash_withdrawal"), Type.Literal("limit_change")]),
  status: Type.Union(
    [Type.Literal("pending"), Type.Literal("approved"), Type.Literal("rejected"), Type.Literal("expired")],
    { description: "a pending request past expiresAt is expired" },
  ),
  maker: tellerRef,
  checker: Type.Union([tellerRef, Type.Null()]),
  memberName: Type.String(),
  account: nullable(Type.String({ description: "the withdrawal's account; none for a limit change" })),
  amount: Type.String({
    pattern: "^[0-9]+$",
    description: "the withdrawal's amount, or the new daily limit",
  }),
  request: Type.Record(Type.String(), Type.String(), { description: "what was asked, as kept" }),
  createdAt: timestamp,
  expiresAt: timestamp,
  decidedAt: nullable(timestamp),
  receipt: Type.Union([receiptAnswer, Type.Null()], { description: "the withdrawal's receipt, once paid" }),
});

export const pendingApprovalAnswer = Type.Object({ approval: approvalAnswer });

export const approvalListAnswer = Type.Object({ approvals: Type.Array(approvalAnswer) });

export const approvalParams = Type.Object({
  id: Type.String({ pattern: "^[1-9][0-9]{0,17}$", description: "the request's id" }),
});
