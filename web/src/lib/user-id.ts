// The internet banking user ID of DESIGN §3: 6–12 letters and digits, chosen by the member.

export const userIdPattern = /^[A-Za-z0-9]{6,12}$/;

export function isValidUserId(text: string): boolean {
  return userIdPattern.test(text);
}
