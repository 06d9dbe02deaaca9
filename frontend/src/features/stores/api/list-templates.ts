import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { storeKeys } from "./keys";

export type CatalogueTemplate = Schemas["TemplateOut"];
export type TemplateName = Schemas["Template"];

/** The catalogue templates a store can start from, in the order the create form offers them. */
export function listTemplates(): Promise<Schemas["TemplateList"]> {
  return unwrap(api.GET("/api/v1/templates"));
}

/** They ship with the platform and change only with it: read once per page load. */
export function useTemplates() {
  return useQuery({ queryKey: storeKeys.templates(), queryFn: listTemplates, staleTime: Infinity });
}
