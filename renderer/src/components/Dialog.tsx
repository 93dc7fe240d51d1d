// A modal dialog over a backdrop: Tab kept inside, Esc, and focus back to the opener when it closes.
import type { ReactNode, RefObject } from 'react';
import { useDialog } from './useDialog';

/** `box` is the dialog's element (for the caller to focus a control in it); `labelledBy` the id of its title. */
export function Dialog({
  box,
  ...o
}: {
  box: RefObject<HTMLDivElement | null>;
  labelledBy: string;
  onEscape: () => void;
  /** Where focus goes on close when what had it at the opening is gone. */
  fallback?: () => HTMLElement | null;
  className?: string;
  backdropClassName?: string;
  testId?: string;
  children: ReactNode;
}) {
  useDialog(box, o.onEscape, o.fallback);
  return (
    <div className={o.backdropClassName ? `dialog-backdrop ${o.backdropClassName}` : 'dialog-backdrop'}>
      <div
        ref={box}
        className={o.className ? `dialog ${o.className}` : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={o.labelledBy}
        data-testid={o.testId}
      >
        {o.children}
      </div>
    </div>
  );
}
