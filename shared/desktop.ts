import { z } from 'zod';
import type { EventData, EventName } from './cairnEvents';
import type { CairnApi } from './contract';
import type { Result } from './result';

/**
 * What only the desktop app adds to the contract: native folder pickers and being sent to a view (from the
 * tray or a notification), showing a path in the file manager. Under `cairn serve` `window.cairn` is absent
 * and the UI uses path fields and its own folder browser.
 */
export const PickFolderInput = z.strictObject({
  purpose: z.enum(['source', 'destination', 'restore-target']),
  title: z.string().max(200).optional(),
  defaultPath: z.string().max(4096).optional(),
});
export const PickFolderResult = z.object({ path: z.string().nullable() });

/**
 * Shows a path in the file manager: a folder opened, a file shown in its folder (never opened: a backup may
 * hold anything, programs included).
 */
export const ShowPathInput = z.strictObject({ path: z.string().min(1).max(4096) });
/** shown false with a message when the path is gone or the file manager refused. */
export const ShowPathResult = z.object({ shown: z.boolean(), message: z.string().nullable() });

export const desktopMethods = {
  pickFolder: { input: PickFolderInput, output: PickFolderResult },
  showPath: { input: ShowPathInput, output: ShowPathResult },
} as const;
export type DesktopMethodName = keyof typeof desktopMethods;

/** The views the shell can open the window on. */
export const DesktopView = z.enum(['overview', 'history', 'restore', 'activity', 'drive', 'settings']);
export type DesktopViewName = z.output<typeof DesktopView>;

export {
  MANIFEST_CHANNEL,
  NAVIGATE_CHANNEL,
  PICK_FOLDER_CHANNEL,
  SHOW_PATH_CHANNEL,
} from './desktopChannels';

/** `window.cairn` in the app: the contract (one function per method), its events, and the desktop extras. */
export interface CairnBridge {
  api: CairnApi;
  /** Subscribes to one event type; returns the function that unsubscribes. */
  on<E extends EventName>(type: E, listener: (data: EventData<E>) => void): () => void;
  desktop: {
    pickFolder(input: z.input<typeof PickFolderInput>): Promise<Result<z.output<typeof PickFolderResult>>>;
    /** Opens a folder in the file manager, or shows a file in its folder. */
    showPath(input: z.input<typeof ShowPathInput>): Promise<Result<z.output<typeof ShowPathResult>>>;
    /** Called when the tray or a notification asks for a view. */
    onNavigate(listener: (view: DesktopViewName) => void): () => void;
  };
}
