import { Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Schemas } from "@/lib/api/client";
import type { Engine } from "../lib/status";

export type Theme = Schemas["Theme"];
export type Plan = Schemas["Plan"];

const PLANS: { value: Plan; label: string; detail: string }[] = [
  { value: "small", label: "Small", detail: "for trying things out" },
  { value: "medium", label: "Medium", detail: "a shop with steady traffic" },
  { value: "large", label: "Large", detail: "a busy shop" },
];

type ThemeAndPlanFieldsProps = {
  /** Prefix of the controls' ids, unique on the page. */
  idPrefix: string;
  engine: Engine;
  theme: Theme;
  plan: Plan;
  disabled?: boolean;
  /** Say what each plan is for (the create form), or only name it (the settings). */
  describePlans?: boolean;
  onTheme: (theme: Theme) => void;
  onPlan: (plan: Plan) => void;
};

/** The theme (WooCommerce stores only) and the plan, as the create form and the settings offer them. */
export function ThemeAndPlanFields(props: ThemeAndPlanFieldsProps) {
  const { idPrefix, engine, theme, plan, disabled, describePlans, onTheme, onPlan } = props;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {engine === "woocommerce" && (
        <div className="space-y-1">
          <Label htmlFor={`${idPrefix}-theme`}>Theme</Label>
          <Select
            id={`${idPrefix}-theme`}
            value={theme}
            disabled={disabled}
            onChange={(e) => onTheme(e.target.value as Theme)}
          >
            <option value="storefront">Storefront</option>
            <option value="astra">Astra</option>
          </Select>
        </div>
      )}
      <div className="space-y-1">
        <Label htmlFor={`${idPrefix}-plan`}>Plan</Label>
        <Select
          id={`${idPrefix}-plan`}
          value={plan}
          disabled={disabled}
          onChange={(e) => onPlan(e.target.value as Plan)}
        >
          {PLANS.map((option) => (
            <option key={option.value} value={option.value}>
              {describePlans ? `${option.label} — ${option.detail}` : option.label}
            </option>
          ))}
        </Select>
      </div>
    </div>
  );
}
