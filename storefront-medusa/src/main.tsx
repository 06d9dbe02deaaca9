import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { FullPageError } from "./components/FullPageError";
import { DEFAULT_BRAND, loadRuntimeConfig } from "./lib/runtimeConfig";
import { applyBrand } from "./lib/theme";
import "./index.css";

async function start(): Promise<void> {
  const root = createRoot(document.getElementById("root")!);
  // The default palette first: the error pages below render before (or without) a valid config.
  applyBrand(DEFAULT_BRAND);
  const result = await loadRuntimeConfig();
  if (!result.ok) {
    root.render(
      <FullPageError title="This store is being set up" testId="config-error">
        The storefront's configuration is incomplete. Please check back shortly.
        <span className="mt-3 block text-sm text-surface-600">{result.errors.join("; ")}</span>
      </FullPageError>,
    );
    return;
  }
  applyBrand(result.config.brand);
  document.title = result.config.storeName;
  root.render(
    <StrictMode>
      <App config={result.config} />
    </StrictMode>,
  );
}

void start();
