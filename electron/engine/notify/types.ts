export type NotifyEvent = 'failing' | 'attention' | 'waiting-disk' | 'recovered' | 'success' | 'test';

/** One thing worth telling the user, in words. */
export interface Notification {
  planName: string | null;
  event: NotifyEvent;
  title: string;
  message: string;
  priority: 'low' | 'default' | 'high';
  at: number;
  /** The computer it comes from (the monitor sets it; the title names it too). */
  computer?: string;
}

/** A way to tell the user: desktop (the app), the log (headless), ntfy, a webhook. Injected. */
export interface Notifier {
  readonly name: string;
  send(n: Notification): Promise<void>;
}
