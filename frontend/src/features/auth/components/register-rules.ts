import type { RegisterInput } from "../api/register";

/** The API's registration rules (RegisterRequest in the OpenAPI document), checked while typing. */
export function registerProblems(input: RegisterInput): Partial<Record<keyof RegisterInput, string>> {
  const problems: Partial<Record<keyof RegisterInput, string>> = {};
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email))
    problems.email = "Enter an e-mail address such as ana@example.com.";
  if (input.username.length < 3 || input.username.length > 32) {
    problems.username = "Use 3 to 32 characters.";
  } else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(input.username)) {
    problems.username = "Use letters, digits, '.', '_' or '-', starting with a letter or digit.";
  }
  if (input.password.length < 8) problems.password = "Use at least 8 characters.";
  return problems;
}
