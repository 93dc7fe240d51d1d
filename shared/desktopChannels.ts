/**
 * The desktop shell's IPC names, free of zod so the sandboxed preload stays a few kilobytes: the preload
 * asks the main process once, on this channel, for the contract's method and event channels.
 */
export const MANIFEST_CHANNEL = 'cairn-desktop:manifest';
export const NAVIGATE_CHANNEL = 'cairn-desktop:navigate';
export const PICK_FOLDER_CHANNEL = 'cairn-desktop:pickFolder';
export const SHOW_PATH_CHANNEL = 'cairn-desktop:showPath';

/** What the main process tells the preload: one channel per contract method, and the events channel. */
export interface BridgeManifest {
  methods: { name: string; channel: string }[];
  events: string[];
  eventChannel: string;
  views: string[];
}
