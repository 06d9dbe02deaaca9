import { describe, expect, it } from "vitest";
import {
  brandingProblems,
  brandingProblemsFromApi,
  draftFrom,
  EMPTY_DRAFT,
  sameBranding,
  toBranding,
} from "./branding";

describe("branding rules", () => {
  it("accepts empty fields (the shop's defaults) and well-formed values", () => {
    expect(brandingProblems(EMPTY_DRAFT)).toEqual({});
    expect(
      brandingProblems({
        display_name: "Corner Shop",
        primary_color: "#1D4ED8",
        accent_color: "#f59e0b",
        logo_url: "https://cdn.example.com/logo.svg?v=2",
        promo_text: "Free shipping over $50",
        newsletter_url: "https://lists.example.com/join",
      }),
    ).toEqual({});
  });

  it("explains what the API would refuse", () => {
    const problems = brandingProblems({
      display_name: "x".repeat(61),
      primary_color: "#12345",
      accent_color: "red",
      logo_url: "javascript:alert(1)",
      promo_text: "y".repeat(121),
      newsletter_url: "mailto:owner@example.com",
    });
    expect(problems).toEqual({
      display_name: "At most 60 characters.",
      primary_color: "Use a colour of the form #rrggbb, such as #1d4ed8.",
      accent_color: "Use a colour of the form #rrggbb, such as #1d4ed8.",
      logo_url: "Use an http:// or https:// address without spaces or quotes.",
      promo_text: "At most 120 characters.",
      newsletter_url: "Use an http:// or https:// address without spaces or quotes.",
    });
    expect(brandingProblems({ ...EMPTY_DRAFT, logo_url: 'https://example.com/a"b' }).logo_url).toBeDefined();
    expect(brandingProblems({ ...EMPTY_DRAFT, display_name: "tab\there" }).display_name).toBe(
      "Must not contain control characters.",
    );
  });

  it("sends trimmed values, null for empty ones, and null for no branding at all", () => {
    expect(toBranding(EMPTY_DRAFT)).toBeNull();
    expect(toBranding({ ...EMPTY_DRAFT, display_name: "  Shop  " })).toEqual({
      display_name: "Shop",
      primary_color: null,
      accent_color: null,
      logo_url: null,
      promo_text: null,
      newsletter_url: null,
    });
    expect(draftFrom(null)).toEqual(EMPTY_DRAFT);
  });

  it("compares brandings by what they say", () => {
    expect(sameBranding(null, { display_name: null, primary_color: null })).toBe(true);
    expect(sameBranding({ display_name: "A" }, { display_name: "B" })).toBe(false);
  });

  it("reads the API's problems by field, in words for a pattern mismatch", () => {
    expect(
      brandingProblemsFromApi([
        { field: "primary_color", message: "String should match pattern", type: "string_pattern_mismatch" },
        { field: "display_name", message: "String should have at most 60 characters", type: "string_too_long" },
        { field: "name", message: "taken", type: "value_error" },
      ]),
    ).toEqual({
      primary_color: "Use a colour of the form #rrggbb, such as #1d4ed8.",
      display_name: "String should have at most 60 characters",
    });
  });
});
