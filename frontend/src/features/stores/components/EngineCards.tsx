import * as RadioGroup from "@radix-ui/react-radio-group";
import type { Engine } from "../lib/status";
import { RadioCard } from "./RadioCard";

const ENGINES: { value: Engine; title: string; blurb: string }[] = [
  {
    value: "woocommerce",
    title: "WooCommerce",
    blurb: "WordPress with WooCommerce and MySQL. Themes: Storefront or Astra.",
  },
  { value: "medusa", title: "MedusaJS", blurb: "A headless Node.js commerce API with PostgreSQL and Redis." },
];

/** The engine as two cards: a radio group, so arrow keys move between them. */
export function EngineCards({ value, onChange }: { value: Engine; onChange: (engine: Engine) => void }) {
  return (
    <RadioGroup.Root
      aria-label="Engine"
      value={value}
      onValueChange={(next) => onChange(next as Engine)}
      className="grid gap-3 sm:grid-cols-2"
    >
      {ENGINES.map((engine) => (
        <RadioCard key={engine.value} value={engine.value} title={engine.title} className="p-4">
          {engine.blurb}
        </RadioCard>
      ))}
    </RadioGroup.Root>
  );
}
