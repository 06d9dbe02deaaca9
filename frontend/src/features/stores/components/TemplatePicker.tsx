import * as RadioGroup from "@radix-ui/react-radio-group";
import { useId } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Skeleton } from "@/components/ui/skeleton";
import { useTemplates, type CatalogueTemplate, type TemplateName } from "../api/list-templates";
import { RadioCard } from "./RadioCard";

export const DEFAULT_TEMPLATE: TemplateName = "classic";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function TemplateCard({ template }: { template: CatalogueTemplate }) {
  return (
    <RadioCard value={template.name} title={template.title}>
      {template.description}
      <span className="mt-2 block text-xs font-medium">
        {plural(template.products, "product", "products")} · {plural(template.categories, "category", "categories")}
        {template.name === DEFAULT_TEMPLATE && " · default"}
      </span>
    </RadioCard>
  );
}

type TemplatePickerProps = { value: TemplateName; onChange: (template: TemplateName) => void; error?: string | null };

/** The templates, or what stands in for them while they load or when they cannot be read. */
function TemplateCards({ value, onChange, error, errorId }: TemplatePickerProps & { errorId: string }) {
  const templates = useTemplates();
  if (templates.isPending) return <Skeleton className="h-32 w-full" />;
  if (templates.error)
    return (
      <>
        <ErrorAlert error={templates.error} title="The catalogue templates could not be loaded" />
        <p className="text-xs text-slate-600">Without a choice, the store starts with the classic catalogue.</p>
      </>
    );
  return (
    <RadioGroup.Root
      aria-label="Catalogue template"
      aria-describedby={error ? errorId : undefined}
      value={value}
      onValueChange={(next) => onChange(next as TemplateName)}
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3"
    >
      {templates.data.templates.map((template) => (
        <TemplateCard key={template.name} template={template} />
      ))}
    </RadioGroup.Root>
  );
}

/** The catalogue a new store starts with, as radio cards (arrow keys move between them). The API's
 *  objection to the choice is shown underneath. */
export function TemplatePicker(props: TemplatePickerProps) {
  const errorId = useId();
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Catalogue template</legend>
      <p className="text-xs text-slate-600">
        The products and categories the store starts with, seeded once: afterwards the catalogue is the owner's.
      </p>
      <TemplateCards {...props} errorId={errorId} />
      <p id={errorId} role="alert" className="min-h-4 text-xs text-red-700">
        {props.error ?? ""}
      </p>
    </fieldset>
  );
}

/** A template's title for display, or its name until the list has loaded (or if it is unknown). */
export function useTemplateTitle(name: TemplateName): string {
  const templates = useTemplates();
  return templates.data?.templates.find((template) => template.name === name)?.title ?? name;
}
