import { useEffect } from "react";
import { useStore } from "../state/StoreContext";

export function usePageTitle(title: string | null): void {
  const { config } = useStore();
  useEffect(() => {
    document.title = title ? `${title} · ${config.storeName}` : config.storeName;
  }, [title, config.storeName]);
}
