// The teller API's answers, as the server's schemas declare them (src/server/teller/schemas.ts):
// types only, so none of the server's code reaches the browser bundle. And what the console's
// panels on a member's page are given.
import type { Static } from "typebox";
import type {
  approvalAnswer,
  approvalListAnswer,
  cashAnswer,
  certificateAuthorizationAnswer,
  closingAnswer,
  detailsAnswer,
  drawerAnswer,
  drawerDayAnswer,
  endInternetBankingAnswer,
  memberView,
  otpAnswer,
  pendingApprovalAnswer,
  receiptAnswer,
  securityCardAnswer,
  tellerSessionAnswer,
  temporaryPasswordAnswer,
  unlockAnswer,
} from "../../../src/server/teller/schemas.ts";

export type TellerSession = Static<typeof tellerSessionAnswer>;
export type TellerMember = Static<typeof memberView>;
export type TellerAccount = TellerMember["accounts"][number];
export type InternetBanking = NonNullable<TellerMember["internetBanking"]>;
export type SecurityMedium = NonNullable<TellerMember["securityMedium"]>;
export type Enrolment = Static<typeof temporaryPasswordAnswer>;
export type OtpDevice = Static<typeof otpAnswer>;
export type SecurityCard = Static<typeof securityCardAnswer>;
export type CertificateAuthorization = Static<typeof certificateAuthorizationAnswer>;
export type Unlocked = Static<typeof unlockAnswer>;
export type Drawer = Static<typeof drawerAnswer>;
export type DrawerDay = Static<typeof drawerDayAnswer>;
export type CashReceipt = Static<typeof receiptAnswer>;
export type CashAnswer = Static<typeof cashAnswer>;
export type Closing = Static<typeof closingAnswer>;
export type EndedInternetBanking = Static<typeof endInternetBankingAnswer>;
export type DetailsAnswer = Static<typeof detailsAnswer>;
export type Approval = Static<typeof approvalAnswer>;
export type ApprovalList = Static<typeof approvalListAnswer>;
/** A request held for a manager's approval (HTTP 202): a withdrawal or a limit raise. */
export type PendingApproval = Static<typeof pendingApprovalAnswer>;

/** A panel on the member's page: the member, their path under the teller API, and a fresh read. */
export interface MemberPanelProps {
  member: TellerMember;
  /** `/api/teller/members/<id>` */
  base: string;
  /** Reads the member again after a change, so the page shows it. */
  refresh(): Promise<void>;
}
