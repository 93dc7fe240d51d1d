// Focus goes back where it was when a dialog or panel closes (after Esc, Cancel or Close), not to the page body.
import { useEffect } from 'react';

/**
 * Call in a component the user opens and closes: on mount it remembers the focused control, on unmount it
 * focuses it again, else `fallback` (after a reload nothing had focus, or the control is gone).
 */
export function useReturnFocus(fallback: () => HTMLElement | null = () => null): void {
  useEffect(() => {
    const opener = document.activeElement;
    return () => {
      const back = () =>
        (opener instanceof HTMLElement && opener !== document.body && opener.isConnected
          ? opener
          : fallback()
        )?.focus();
      back();
      // Again once the commit that closes the dialog is done, if focus was left on the body: the opener may
      // be enabled again only then.
      setTimeout(() => (document.activeElement ?? document.body) === document.body && back(), 0);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per opening
  }, []);
}
