import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SwapStatus, transitionSwap } from '../../src/services/swap-state.js';

const NOW = Date.parse('2026-05-08T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();
const start = { status: 'created', statusAt: null, reason: null };

describe('the swap state machine', () => {
  it('created → in_progress → completed, announcing only what is worth a reply', () => {
    const working = transitionSwap(start, { status: 'in_progress', at: at(1), reason: null }, NOW);
    expect(working).toMatchObject({ status: 'in_progress', changed: true, announce: undefined });
    const done = transitionSwap(working, { status: 'completed', at: at(2), reason: null }, NOW);
    expect(done).toMatchObject({ status: 'completed', changed: true, announce: 'completed' });
  });

  it('never moves backwards; the first outcome stands', () => {
    const done = { status: 'completed', statusAt: at(5), reason: null };
    expect(transitionSwap(done, { status: 'in_progress', at: at(6), reason: null }, NOW).changed).toBe(false);
    expect(transitionSwap(done, { status: 'failed', at: at(7), reason: 'x' }, NOW).changed).toBe(false);
    const working = { status: 'in_progress', statusAt: at(5), reason: null };
    expect(transitionSwap(working, { status: 'created', at: at(6), reason: null }, NOW).changed).toBe(false);
  });

  it('between the working states the newer report wins (an action can be resolved)', () => {
    const blocked = transitionSwap(
      { status: 'in_progress', statusAt: at(1), reason: null },
      { status: 'action_required', at: at(2), reason: 'replacement_not_imported' },
      NOW,
    );
    expect(blocked).toMatchObject({
      status: 'action_required',
      announce: 'action_required',
      reason: 'replacement_not_imported',
    });
    const late = transitionSwap(blocked, { status: 'in_progress', at: at(1), reason: null }, NOW);
    expect(late.changed).toBe(false);
    const resolved = transitionSwap(blocked, { status: 'in_progress', at: at(3), reason: null }, NOW);
    expect(resolved).toMatchObject({ status: 'in_progress', changed: true });
    // A poll answer (no time) is "now".
    expect(transitionSwap(blocked, { status: 'in_progress', at: null, reason: null }, NOW).changed).toBe(
      true,
    );
  });

  it('repeated and shuffled events end in the same outcome, announced once', () => {
    const events: { status: SwapStatus; at: string }[] = [
      { status: 'created', at: at(0) },
      { status: 'in_progress', at: at(1) },
      { status: 'completed', at: at(3) },
    ];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: 3, maxLength: 3 }),
        fc.array(fc.constantFrom(...events), { maxLength: 5 }),
        (order, repeats) => {
          let state: { status: string; statusAt: string | null; reason: string | null } = start;
          let completions = 0;
          for (const event of [...order, ...repeats]) {
            const next = transitionSwap(state, { ...event, reason: null }, NOW);
            if (next.announce === 'completed') completions += 1;
            state = next;
          }
          expect(state.status).toBe('completed');
          expect(completions).toBe(1);
        },
      ),
    );
  });
});
