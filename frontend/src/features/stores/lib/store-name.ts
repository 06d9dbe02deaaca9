/** The API's store-name rules (api/stores/names.py), mirrored so the form can explain them while
 *  typing. The API stays the judge: its own answer is shown when the two disagree. */

export const MIN_LENGTH = 3;
export const MAX_LENGTH = 63;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const RESERVED_NAMES = new Set([
  "admin",
  "administrator",
  "api",
  "app",
  "apps",
  "argocd",
  "assets",
  "auth",
  "cdn",
  "dashboard",
  "default",
  "dns",
  "docs",
  "flux",
  "flux-system",
  "ftp",
  "git",
  "health",
  "help",
  "imap",
  "ingress",
  "internal",
  "kube-node-lease",
  "kube-public",
  "kube-system",
  "kubernetes",
  "local",
  "localhost",
  "login",
  "logout",
  "mail",
  "metrics",
  "mx",
  "ns",
  "ns1",
  "ns2",
  "pop",
  "postgres",
  "register",
  "root",
  "signin",
  "signup",
  "smtp",
  "static",
  "status",
  "store",
  "storefleet",
  "stores",
  "support",
  "system",
  "webhooks",
  "www",
]);
const RESERVED_PREFIXES = ["kube-", "flux-", "argocd-", "storefleet-"];

const PROFANE_STEMS = [
  "fuck",
  "fuk",
  "shit",
  "cunt",
  "bitch",
  "bastard",
  "whore",
  "slut",
  "dildo",
  "porn",
  "pussy",
  "penis",
  "vagina",
  "wank",
  "twat",
  "bollock",
  "asshole",
  "arsehole",
  "motherf",
  "nigger",
  "nigga",
  "faggot",
  "retard",
  "nazi",
  "hitler",
  "cocksuck",
  "blowjob",
  "jizz",
  "xxx",
];
const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g" };

function unLeet(text: string): string {
  return text.replace(/[0-9]/g, (digit) => LEET[digit] ?? digit);
}

function containsProfanity(name: string): boolean {
  const flattened = name.replaceAll("-", "");
  const candidates = [name, flattened, unLeet(name), unLeet(flattened)];
  return candidates.some((candidate) => PROFANE_STEMS.some((stem) => candidate.includes(stem)));
}

export type StoreNameProblem = {
  code: "name_length" | "name_format" | "name_reserved" | "name_not_allowed";
  message: string;
};

/** The first rule the name breaks, in the API's order and words, or null when it is acceptable. */
export function storeNameProblem(name: string): StoreNameProblem | null {
  if (name.length < MIN_LENGTH || name.length > MAX_LENGTH) {
    return { code: "name_length", message: `Must be ${MIN_LENGTH} to ${MAX_LENGTH} characters long.` };
  }
  if (name !== name.toLowerCase()) return { code: "name_format", message: "Must be lowercase." };
  if (!DNS_LABEL.test(name)) {
    return {
      code: "name_format",
      message: "May contain only lowercase letters, digits and '-', and must start and end with a letter or digit.",
    };
  }
  if (name.includes("--")) return { code: "name_format", message: "Must not contain '--'." };
  if (RESERVED_NAMES.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return { code: "name_reserved", message: `'${name}' is reserved; choose another name.` };
  }
  if (containsProfanity(name))
    return { code: "name_not_allowed", message: "This name is not allowed; choose another name." };
  return null;
}
