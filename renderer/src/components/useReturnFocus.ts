// Focus goes back where it was when a dialog or panel closes (after Esc, Cancel or Close), not to the page body.
import { useEffect } from 'react';

/** Call in a component the user opens and closes: on mount it remembers the focused control, on unmount it focuses it again. */
export function useReturnFocus(): void {
  useEffect(() => {
    const opener = document.activeElement;
    return () => {
      // Deferred: the opener may be re-rendered (enabled again) in the same commit that closes the dialog.
      if (opener instanceof HTMLElement) setTimeout(() => opener.isConnected && opener.focus(), 0);
    };
  }, []);
}
