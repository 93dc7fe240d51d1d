// Keyboard and focus for the dialogs History opens (details, remove confirmation).
import { useEffect, useRef, type RefObject } from 'react';

/**
 * Keeps Tab inside a dialog and closes it on Esc; on close, focus goes back to what had it when the dialog
 * opened, else to `fallback` (after a reload nothing had). (The lead swaps this for useReturnFocus.)
 */
export function useDialog(
  box: RefObject<HTMLElement | null>,
  onEscape: () => void,
  fallback: () => HTMLElement | null = () => null,
): void {
  const esc = useRef(onEscape);
  useEffect(() => {
    esc.current = onEscape;
  });
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const keys = (e: KeyboardEvent) => {
      const active = document.activeElement;
      if (!box.current?.contains(active) && active !== document.body) return;
      if (active?.closest('[role=dialog]') !== box.current && active !== document.body) return; // a dialog within
      if (e.key === 'Escape') {
        e.preventDefault();
        esc.current();
      }
      if (e.key !== 'Tab') return;
      const f = [...box.current!.querySelectorAll<HTMLElement>('button, input, select, a[href], [tabindex]')];
      const on = f.filter((el) => !(el as HTMLButtonElement).disabled);
      const first = on[0];
      const last = on[on.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first?.focus();
      }
    };
    window.addEventListener('keydown', keys);
    return () => {
      window.removeEventListener('keydown', keys);
      const back = before && before !== document.body && before.isConnected ? before : fallback();
      back?.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per dialog
  }, []);
}
