import { describe, expect, it } from 'vitest';
import { singleFlight } from '../../src/lib/single-flight.js';

/** A promise with its resolve function, to hold a run open until the test lets it finish. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('singleFlight', () => {
  it('runs at once when triggered while idle', async () => {
    let runs = 0;
    const flight = singleFlight(
      async () => {
        runs += 1;
      },
      () => undefined,
    );
    flight.trigger();
    await flight.idle();
    expect(runs).toBe(1);
    flight.trigger();
    await flight.idle();
    expect(runs).toBe(2);
  });

  it('never runs twice at once, and a burst of triggers during a run means exactly one more run', async () => {
    const gates = [gate(), gate(), gate()];
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const flight = singleFlight(
      async () => {
        const mine = gates[runs];
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        await mine?.promise;
        active -= 1;
      },
      () => undefined,
    );

    flight.trigger();
    await tick();
    expect(runs).toBe(1);
    for (let i = 0; i < 25; i += 1) flight.trigger();
    await tick();
    expect(runs).toBe(1); // still the first run: nothing started beside it

    gates[0]?.open();
    await tick();
    await tick();
    expect(runs).toBe(2); // the burst became one more run
    gates[1]?.open();
    await flight.idle();
    expect(runs).toBe(2); // and only one
    expect(maxActive).toBe(1);
  });

  it('a trigger during the follow-up run asks for yet another one', async () => {
    const gates = [gate(), gate(), gate()];
    let runs = 0;
    const flight = singleFlight(
      async () => {
        const mine = gates[runs];
        runs += 1;
        await mine?.promise;
      },
      () => undefined,
    );
    flight.trigger();
    await tick();
    flight.trigger();
    gates[0]?.open();
    await tick();
    await tick();
    expect(runs).toBe(2);
    flight.trigger();
    gates[1]?.open();
    gates[2]?.open();
    await flight.idle();
    expect(runs).toBe(3);
  });

  it('hands errors to onError and keeps running later triggers', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const flight = singleFlight(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    flight.trigger();
    await flight.idle();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
    flight.trigger();
    await flight.idle();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('an error in a run does not swallow the follow-up run asked for meanwhile', async () => {
    const first = gate();
    const errors: unknown[] = [];
    let runs = 0;
    const flight = singleFlight(
      async () => {
        runs += 1;
        if (runs === 1) {
          await first.promise;
          throw new Error('first failed');
        }
      },
      (error) => errors.push(error),
    );
    flight.trigger();
    await tick();
    flight.trigger();
    first.open();
    await flight.idle();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('idle() resolves at once when nothing runs, and only after the pending follow-up otherwise', async () => {
    const flight = singleFlight(
      async () => undefined,
      () => undefined,
    );
    await expect(flight.idle()).resolves.toBeUndefined();

    const gates = [gate(), gate()];
    let runs = 0;
    let finished = 0;
    const busy = singleFlight(
      async () => {
        const mine = gates[runs];
        runs += 1;
        await mine?.promise;
        finished += 1;
      },
      () => undefined,
    );
    busy.trigger();
    await tick();
    busy.trigger();
    let idle = false;
    const waiting = busy.idle().then(() => {
      idle = true;
    });
    gates[0]?.open();
    await tick();
    await tick();
    expect(idle).toBe(false); // the follow-up run is still going
    gates[1]?.open();
    await waiting;
    expect(finished).toBe(2);
  });
});
