import { z } from 'zod';
import type { EventData, EventName } from './cairnEvents';
import type { CairnApi } from './contract';
import type { Result } from './result';

/**
 * What only the desktop app adds to the contract: native folder pickers and being sent to a view (from the
 * tray or a notification). Under `cairn serve` `window.cairn` is absent and the UI uses path fields.
 */
export const PickFolderInput = z.strictObject({
  purpose: z.enum(['source', 'destination', 'restore-target']),
  title: z.string().max(200).optional(),
  defaultPath: z.string().max(4096).optional(),
});
export const PickFolderResult = z.object({ path: z.string().nullable() });

export const desktopMethods = {
  pickFolder: { input: PickFolderInput, output: PickFolderResult },
} as const;
export type DesktopMethodName = keyof typeof desktopMethods;

/** The views the shell can open the window on. */
export const DesktopView = z.enum(['overview', 'history', 'restore', 'activity', 'drive', 'settings']);
export type DesktopViewName = z.output<typeof DesktopView>;

export { MANIFEST_CHANNEL, NAVIGATE_CHANNEL, PICK_FOLDER_CHANNEL } from './desktopChannels';

/** `window.cairn` in the app: the contract (one function per method), its events, and the desktop extras. */
export interface CairnBridge {
  api: CairnApi;
  /** Subscribes to one event type; returns the function that unsubscribes. */
  on<E extends EventName>(type: E, listener: (data: EventData<E>) => void): () => void;
  desktop: {
    pickFolder(input: z.input<typeof PickFolderInput>): Promise<Result<z.output<typeof PickFolderResult>>>;
    /** Called when the tray or a notification asks for a view. */
    onNavigate(listener: (view: DesktopViewName) => void): () => void;
  };
}
