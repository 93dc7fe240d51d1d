import type { CairnEvent, EventData, EventName } from '../../../../shared/cairnEvents';

export type EventListener = (e: CairnEvent) => void;

/** The service's event bus: IPC and the HTTP event stream subscribe; a failing listener hurts no other. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  /** Subscribes; returns the function that unsubscribes. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to every listener. */
  emit<E extends EventName>(type: E, data: EventData<E>): void {
    const e = { type, data } as CairnEvent;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a broken subscriber (a closed socket) must not stop the others
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
