import { describe, expect, it } from "vitest";
import { clampStep, EMPTY_CONTACT, hasErrors, validateContact, validatePayment, validateShipping, type ContactForm } from "./checkoutValidation";

const complete: ContactForm = {
  email: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  address1: "1 Market Street",
  city: "San Francisco",
  postalCode: "94105",
  countryCode: "us",
  phone: "",
};

describe("contact + address step", () => {
  it("accepts a complete form", () => {
    expect(validateContact(complete, ["us"])).toEqual({});
  });

  it("names every missing field", () => {
    const errors = validateContact(EMPTY_CONTACT, ["us"]);
    expect(Object.keys(errors).sort()).toEqual(["address1", "city", "countryCode", "email", "firstName", "lastName", "postalCode"]);
    expect(hasErrors(errors)).toBe(true);
  });

  it("rejects a malformed email and phone", () => {
    const errors = validateContact({ ...complete, email: "ada@", phone: "call me" }, ["us"]);
    expect(errors).toEqual({ email: "Enter a valid email address", phone: "Enter a valid phone number" });
  });

  it("only ships to the region's countries", () => {
    expect(validateContact({ ...complete, countryCode: "fr" }, ["us"])).toEqual({ countryCode: "We do not ship to this country" });
  });

  it("treats whitespace as empty", () => {
    expect(validateContact({ ...complete, city: "   " }, ["us"])).toEqual({ city: "City is required" });
  });
});

describe("shipping and payment steps", () => {
  it("requires an offered shipping method", () => {
    expect(validateShipping(null, ["so_1"])).toBe("Choose a shipping method");
    expect(validateShipping("so_2", ["so_1"])).toBe("That shipping method is no longer available");
    expect(validateShipping("so_1", ["so_1"])).toBeNull();
  });

  it("requires an offered payment provider", () => {
    expect(validatePayment(null, ["pp_system_default"])).toBe("Choose a payment method");
    expect(validatePayment("pp_stripe", ["pp_system_default"])).toMatch(/not available/);
    expect(validatePayment("pp_system_default", ["pp_system_default"])).toBeNull();
  });
});

describe("step navigation", () => {
  it("never opens a step before the earlier ones are done", () => {
    expect(clampStep("review", { hasContact: false, hasShipping: false })).toBe("address");
    expect(clampStep("review", { hasContact: true, hasShipping: false })).toBe("shipping");
    expect(clampStep("review", { hasContact: true, hasShipping: true })).toBe("review");
    expect(clampStep("address", { hasContact: true, hasShipping: true })).toBe("address");
    expect(clampStep("bogus", { hasContact: true, hasShipping: true })).toBe("address");
    expect(clampStep(null, { hasContact: true, hasShipping: true })).toBe("address");
  });
});
