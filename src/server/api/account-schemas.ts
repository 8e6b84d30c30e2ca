// The shapes of the member's own-data routes: my information, accounts, history, statements and
// limits. Imports only typebox, so the web app may take its types from here.
import { Type } from "typebox";
import {
  AccountNumberIn,
  AccountNumberOut,
  AmountIn,
  Day,
  Id,
  IdIn,
  Instant,
  Strict,
  Won,
} from "./schemas.ts";

export const Me = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  cooperative: Type.Object({
    code: Type.String(),
    name: Type.String(),
    customerCentrePhone: Type.Union([Type.String(), Type.Null()], {
      description: "the cooperative's customer-centre number (02-1234-5678); null when not set",
    }),
  }),
  rrnMasked: Type.String({ description: "900101-1******" }),
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()], { description: "as the cooperative holds it" }),
  enrolledAt: Instant,
  previousLoginAt: Type.Union([Instant, Type.Null()]),
});

export const Account = Type.Object({
  number: AccountNumberOut,
  kind: Type.Union([Type.Literal("demand"), Type.Literal("savings")]),
  name: Type.String({ description: "the product's name (보통예금, …)" }),
  balance: Won,
  available: Won,
  status: Type.Union([
    Type.Literal("active"),
    Type.Literal("dormant"),
    Type.Literal("frozen"),
    Type.Literal("closed"),
  ]),
  openedAt: Instant,
});

export const AccountsAnswer = Type.Object({ accounts: Type.Array(Account) });

export const AccountParams = Strict({ number: AccountNumberIn });

export const HistoryQuery = Strict({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  cursor: Type.Optional(IdIn),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const HistoryEntry = Type.Object({
  id: Id,
  at: Instant,
  kind: Type.Union([Type.Literal("in"), Type.Literal("out")], { description: "입금 (in) or 출금 (out)" }),
  amount: Type.String({ pattern: "^[0-9]+$", description: "won moved, always positive; see kind" }),
  balanceAfter: Won,
  counterpartyName: Type.Union([Type.String(), Type.Null()], {
    description: "the other account's holder; null for the cooperative's own accounts",
  }),
  memo: Type.String({ description: "what this account's statement shows (적요)" }),
});

export const HistoryAnswer = Type.Object({
  entries: Type.Array(HistoryEntry),
  nextCursor: Type.Union([Id, Type.Null()], { description: "pass as cursor for older entries" }),
});

export const StatementQuery = Strict({
  from: Day,
  to: Day,
  format: Type.Union([Type.Literal("csv"), Type.Literal("pdf")]),
});

export const StatementFile = {
  description: "the file, as an attachment",
  content: {
    "text/csv": { schema: { type: "string" } },
    "application/pdf": { schema: { type: "string", format: "binary" } },
  },
} as const;

export const LimitsAnswer = Type.Object({
  medium: Type.Union([Type.Literal("otp"), Type.Literal("card"), Type.Null()]),
  perTransfer: Won,
  perDay: Won,
  usedToday: Won,
});

export const LimitsBody = Strict({ perTransfer: AmountIn, perDay: AmountIn });
