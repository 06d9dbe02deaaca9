import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { FullPageError } from "./components/FullPageError";
import { hexToRgbChannels, loadRuntimeConfig, type RuntimeConfig } from "./lib/runtimeConfig";
import "./index.css";

function applyBranding(config: RuntimeConfig): void {
  const root = document.documentElement.style;
  root.setProperty("--brand-primary", hexToRgbChannels(config.brand.primary));
  root.setProperty("--brand-accent", hexToRgbChannels(config.brand.accent));
  document.title = config.storeName;
}

async function start(): Promise<void> {
  const root = createRoot(document.getElementById("root")!);
  const result = await loadRuntimeConfig();
  if (!result.ok) {
    root.render(
      <FullPageError title="This store is being set up" testId="config-error">
        The storefront's configuration is incomplete. Please check back shortly.
        <span className="mt-3 block text-sm text-gray-500">{result.errors.join("; ")}</span>
      </FullPageError>,
    );
    return;
  }
  applyBranding(result.config);
  root.render(
    <StrictMode>
      <App config={result.config} />
    </StrictMode>,
  );
}

void start();
