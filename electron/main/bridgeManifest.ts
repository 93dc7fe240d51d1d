// The names the preload exposes, sent to it once at start: derived from the contract, so the preload
// exposes exactly the contract's methods and events and needs none of its schemas.
import { EVENT_CHANNEL, eventNames } from '../../shared/cairnEvents';
import { ipcChannel, methodNames } from '../../shared/contract';
import { DesktopView } from '../../shared/desktop';
import type { BridgeManifest } from '../../shared/desktopChannels';

/** One channel per contract method, the event names and channel, and the views the shell can open. */
export function bridgeManifest(): BridgeManifest {
  return {
    methods: methodNames.map((name) => ({ name, channel: ipcChannel(name) })),
    events: [...eventNames],
    eventChannel: EVENT_CHANNEL,
    views: [...DesktopView.options],
  };
}
