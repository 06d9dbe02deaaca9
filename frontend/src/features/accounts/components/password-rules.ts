/** The API's password rules (PasswordChangeRequest, as RegisterRequest): checked while typing. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordDraft = { current: string; next: string; repeat: string };

export function passwordProblems(draft: PasswordDraft): Partial<Record<keyof PasswordDraft, string>> {
  const problems: Partial<Record<keyof PasswordDraft, string>> = {};
  if (draft.next.length < MIN_PASSWORD_LENGTH) problems.next = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  else if (draft.next.length > MAX_PASSWORD_LENGTH) problems.next = `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  else if (draft.next === draft.current) problems.next = "Choose a password other than the current one.";
  if (draft.repeat !== draft.next) problems.repeat = "The two new passwords differ.";
  return problems;
}
