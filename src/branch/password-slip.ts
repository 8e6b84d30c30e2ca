// The slip a member takes home after enrolment or a password reset: user ID, temporary password
// (shown once) and the business day by which it must be changed online.
import { enrolmentDeadline } from "../auth/business-days.ts";

export interface TemporaryPasswordSlip {
  userId: string;
  temporaryPassword: string;
  enrolledAt: string;
  deadline: string;
}

export function slip(e: {
  userId: string;
  temporaryPassword: string;
  enrolledAt: Date;
}): TemporaryPasswordSlip {
  return {
    userId: e.userId,
    temporaryPassword: e.temporaryPassword,
    enrolledAt: e.enrolledAt.toISOString(),
    deadline: enrolmentDeadline(e.enrolledAt).toISOString(),
  };
}
