import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, useRef, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useReturnFocus } from './useReturnFocus';

function Panel({ onClose }: { onClose(): void }) {
  useReturnFocus();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div role="dialog" aria-label="Panel">
      <button ref={first} type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

function Page() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button">Elsewhere</button>
      <button type="button" onClick={() => setOpen(true)}>
        Open the panel
      </button>
      {open && <Panel onClose={() => setOpen(false)} />}
    </>
  );
}

describe('useReturnFocus', () => {
  it('gives focus back to the control that opened the panel when it closes', async () => {
    render(<Page />);
    await userEvent.click(screen.getByRole('button', { name: 'Open the panel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open the panel' })),
    );
  });
});
