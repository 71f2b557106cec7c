import { importFromEvent } from '../peeker/webhook-events.js';
import { observe } from './import-state.js';
import type { ImportTracker } from './import-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

/**
 * `domain_import.completed`, `.action_required` and `.failed` feed the same state machine as the
 * poll loop; a repeat or a late event is a no-op there.
 */
export function createImportEventHandlers(tracker: ImportTracker): Record<string, EventHandler> {
  const handle: EventHandler = (event, stored, now) => {
    const peekerImport = importFromEvent(event);
    if (!peekerImport) return { status: 'ignored', outcome: 'import event without an import id' };
    const transition = tracker.apply(peekerImport.id, observe(peekerImport, 'webhook'), 'webhook', now);
    // Peeker can announce an import before its own POST answer reached us and was recorded.
    if (!transition) return retryLater(stored, now, 'import not recorded (yet)');
    const changes = transition.changes.map((change) => change.kind);
    return { status: 'applied', outcome: changes.length > 0 ? changes.join(',') : 'no change' };
  };
  return {
    'domain_import.completed': handle,
    'domain_import.action_required': handle,
    'domain_import.failed': handle,
  };
}
