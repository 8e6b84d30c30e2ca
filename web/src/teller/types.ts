// The teller API's answers (issue 5 plan). Fields the plan does not fix are optional here and
// shown only when the server sends them.

export interface TellerSession {
  tellerId: string;
  name: string;
  csrfToken: string;
  cooperative: { code: string; name: string };
  branch: { code: string; name: string };
  expiresAt?: string;
  idleTimeoutSeconds: number;
}

export interface TellerAccount {
  number: string;
  kind: string;
  name?: string;
  balance?: string;
  status?: string;
  openedAt?: string;
}

export interface InternetBanking {
  userId: string;
  enrolledAt: string;
  mustChangePassword: boolean;
  /** While the temporary password is unchanged: when the enrolment lapses. */
  deadline: string | null;
  lapsed: boolean;
  locked: boolean;
  failedLogins: number;
}

export interface SecurityMedium {
  kind: "otp" | "card";
  cardSerial: string | null;
  locked: boolean;
  registeredAt: string;
}

export interface TellerMember {
  id: string;
  name: string;
  rrnMasked: string;
  branch?: { code: string; name: string };
  phone: string | null;
  email: string | null;
  address: string | null;
  createdAt?: string;
  accounts: TellerAccount[];
  internetBanking: InternetBanking | null;
  securityMedium: SecurityMedium | null;
}

export interface Enrolment {
  userId: string;
  temporaryPassword: string;
  enrolledAt?: string;
  deadline?: string;
}

export interface OtpDevice {
  secret: string;
  uri: string;
}

export interface SecurityCard {
  serial: string;
  codes: string[];
}

export interface CertificateAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: string;
}
