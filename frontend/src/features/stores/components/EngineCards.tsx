import * as RadioGroup from "@radix-ui/react-radio-group";
import type { Engine } from "../lib/status";

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
        <RadioGroup.Item
          key={engine.value}
          value={engine.value}
          className="rounded-lg border-2 border-slate-200 bg-white p-4 text-left focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600 data-[state=checked]:border-blue-600 data-[state=checked]:bg-blue-50"
        >
          <span className="block font-semibold">{engine.title}</span>
          <span className="mt-1 block text-sm text-slate-600">{engine.blurb}</span>
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
}
