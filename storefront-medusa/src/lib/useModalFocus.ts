import { useEffect, useRef, type RefObject } from "react";
import { focusableIn, trappedFocusIndex } from "./focusable";

export interface ModalFocusOptions {
  /** The page behind the dialog, made inert while it is open. */
  backgroundId: string;
  /** Focused on close when the element that opened the dialog is gone. */
  fallbackFocusId: string;
}

/**
 * While `open`: focus moves into the dialog, Tab and Shift+Tab cycle inside it, Escape closes it and
 * the page behind is inert. On close, focus returns to what opened it, unless `restoreFocus.current`
 * was set to false (the dialog navigated away, and the new page takes focus).
 */
export function useModalFocus(dialog: RefObject<HTMLElement>, open: boolean, onClose: () => void, options: ModalFocusOptions) {
  const restoreFocus = useRef(true);
  const close = useRef(onClose);
  close.current = onClose;
  const { backgroundId, fallbackFocusId } = options;

  useEffect(() => {
    if (!open || !dialog.current) return;
    const container = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const background = document.getElementById(backgroundId);
    restoreFocus.current = true;
    background?.setAttribute("inert", "");
    focusableIn(container)[0]?.focus();

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") return close.current();
      if (event.key !== "Tab") return;
      const items = focusableIn(container);
      const index = trappedFocusIndex(items.indexOf(document.activeElement as HTMLElement), items.length, event.shiftKey);
      if (index === null) return;
      event.preventDefault();
      items[index]?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      background?.removeAttribute("inert");
      if (!restoreFocus.current) return;
      const target = opener?.isConnected && opener !== document.body ? opener : document.getElementById(fallbackFocusId);
      target?.focus();
    };
  }, [open, dialog, backgroundId, fallbackFocusId]);

  return restoreFocus;
}
