import type { Notification, Notifier } from './types';

/** Writes each notification as one line (headless mode: stderr or the service log). */
export function logNotifier(write: (line: string) => void): Notifier {
  return {
    name: 'log',
    send: async (n: Notification) => {
      write(`[${new Date(n.at).toISOString()}] ${n.title}: ${n.message}`);
    },
  };
}
