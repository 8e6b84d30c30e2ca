// The member API's answers (issue 5 plan); money is always a decimal string of integer won.

export interface LoginAnswer {
  userId: string;
  name: string;
  mustChangePassword: boolean;
  csrfToken: string;
  idleTimeoutSeconds: number;
  previousLoginAt: string | null;
}

export interface SessionAnswer {
  kind: "member" | "teller";
  userId: string;
  name: string;
  csrfToken: string;
  mustChangePassword: boolean;
  expiresAt: string;
  idleTimeoutSeconds: number;
}

export interface Me {
  userId: string;
  name: string;
  cooperative: { code: string; name: string; customerCentrePhone: string | null };
  rrnMasked: string;
  phone: string | null;
  email: string | null;
  enrolledAt: string;
  previousLoginAt: string | null;
}

export interface Account {
  number: string;
  kind: "demand" | "savings";
  name: string;
  balance: string;
  available: string;
  status: string;
  openedAt: string;
}

export interface HistoryEntry {
  id: string;
  at: string;
  /** 입금 (in) or 출금 (out); the amount is always positive. */
  kind: "in" | "out";
  amount: string;
  balanceAfter: string;
  counterpartyName: string | null;
  memo: string;
}

export interface HistoryAnswer {
  entries: HistoryEntry[];
  nextCursor: string | null;
}

export interface Limits {
  medium: "otp" | "card" | null;
  perTransfer: string;
  perDay: string;
  usedToday: string;
}

export interface Recipient {
  toAccount: string;
  recipientName: string;
  cooperativeName: string;
  amount: string;
  fee: string;
}

export type Challenge = { medium: "otp" } | { medium: "card"; first: number; second: number };

export interface Receipt {
  id: string;
  at: string;
  fromAccount: string;
  toAccount: string;
  recipientName: string;
  amount: string;
  balanceAfter: string;
  memo: string | null;
}

export interface Notification {
  id: string;
  at: string;
  kind: string;
  title: { ko: string; en: string };
  body: { ko: string; en: string };
  read: boolean;
}
