// Keyboard and focus for a modal dialog: Tab kept inside, Esc, and focus back to the opener on close.
import { useEffect, useRef, type RefObject } from 'react';
import { useReturnFocus } from './useReturnFocus';

const FOCUSABLE = 'button, input, select, a[href], [tabindex]';

/** Whether `box` should act on a key: focus is in it (not in a dialog within), or on the body and it is the topmost dialog. */
function acts(box: HTMLElement | null): boolean {
  const active = document.activeElement;
  if (!box || !active) return false;
  if (active !== document.body) return active.closest('[role=dialog]') === box;
  const dialogs = document.querySelectorAll('[role=dialog]');
  return dialogs[dialogs.length - 1] === box;
}

/** Keeps Tab inside `box`: from the last control to the first, and back. */
function trapTab(e: KeyboardEvent, box: HTMLElement): void {
  const on = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !(el as HTMLButtonElement).disabled,
  );
  const first = on[0];
  const last = on[on.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last?.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first?.focus();
  }
}

/**
 * Keeps Tab inside a dialog and calls `onEscape` on Esc; on close, focus goes back to what had it when the
 * dialog opened, else to `fallback` (after a reload nothing had).
 */
export function useDialog(
  box: RefObject<HTMLElement | null>,
  onEscape: () => void,
  fallback?: () => HTMLElement | null,
): void {
  useReturnFocus(fallback);
  const esc = useRef(onEscape);
  useEffect(() => {
    esc.current = onEscape;
  });
  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if (!acts(box.current)) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        esc.current();
      } else if (e.key === 'Tab') trapTab(e, box.current!);
    };
    window.addEventListener('keydown', keys);
    return () => window.removeEventListener('keydown', keys);
  }, [box]);
}
