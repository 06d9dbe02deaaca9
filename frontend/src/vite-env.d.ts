/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_ORIGIN?: string;
  readonly VITE_POLL_MIN_MS?: string;
  readonly VITE_POLL_MAX_MS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
