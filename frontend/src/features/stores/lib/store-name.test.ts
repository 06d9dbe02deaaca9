import { describe, expect, it } from "vitest";
import { storeNameProblem } from "./store-name";

describe("storeNameProblem mirrors the API's rules", () => {
  it.each([
    ["ab", "name_length"],
    ["a".repeat(64), "name_length"],
    ["Corner-Shop", "name_format"],
    ["-shop", "name_format"],
    ["shop-", "name_format"],
    ["my_shop", "name_format"],
    ["my--shop", "name_format"],
    ["admin", "name_reserved"],
    ["kube-things", "name_reserved"],
    ["storefleet-demo", "name_reserved"],
    ["my-sh1t-store", "name_not_allowed"],
    ["fuckshop", "name_not_allowed"],
  ])("refuses %s (%s)", (name, code) => {
    expect(storeNameProblem(name)?.code).toBe(code);
  });

  it.each(["corner-shop", "glass-shop", "cucumber", "canal-store", "grapes", "a1b", "s".repeat(63)])(
    "accepts %s",
    (name) => {
      expect(storeNameProblem(name)).toBeNull();
    },
  );

  it("uses the API's words", () => {
    expect(storeNameProblem("admin")?.message).toBe("'admin' is reserved; choose another name.");
  });
});
