// The member API's answers, as the server's own schemas declare them: types only (`import type`),
// so the browser bundle takes nothing from the server. Money is always a decimal string of won.
import type { Static } from "typebox";
import type {
  Account as AccountSchema,
  HistoryAnswer as HistoryAnswerSchema,
  HistoryEntry as HistoryEntrySchema,
  LimitsAnswer,
  Me as MeSchema,
} from "../../../src/server/api/account-schemas.ts";
import type {
  LoginAnswer as LoginAnswerSchema,
  SessionAnswer as SessionAnswerSchema,
} from "../../../src/server/api/auth-schemas.ts";
import type { Notification as NotificationSchema } from "../../../src/server/api/notification-schemas.ts";
import type {
  Challenge as ChallengeSchema,
  Receipt as ReceiptSchema,
  Recipient as RecipientSchema,
} from "../../../src/server/api/transfer-schemas.ts";

export type LoginAnswer = Static<typeof LoginAnswerSchema>;
export type SessionAnswer = Static<typeof SessionAnswerSchema>;
export type Me = Static<typeof MeSchema>;
export type Account = Static<typeof AccountSchema>;
/** 입금 (in) or 출금 (out) in `kind`; the amount is always positive. */
export type HistoryEntry = Static<typeof HistoryEntrySchema>;
export type HistoryAnswer = Static<typeof HistoryAnswerSchema>;
export type Limits = Static<typeof LimitsAnswer>;
export type Recipient = Static<typeof RecipientSchema>;
export type Challenge = Static<typeof ChallengeSchema>;
export type Receipt = Static<typeof ReceiptSchema>;
export type Notification = Static<typeof NotificationSchema>;
