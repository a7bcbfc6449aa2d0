import type { Response } from 'express';

/**
 * What to undo when a stream's client goes away, listening from the start of the request: a
 * client that leaves while the stream is being set up (before anything is added) still has
 * each later step undone, the moment that step is added.
 */
export class Teardown {
  #steps: Array<() => unknown> | undefined = [];

  constructor(res: Response) {
    if (res.socket === null || res.socket.destroyed) this.#run();
    else res.once('close', () => this.#run());
  }

  get closed(): boolean {
    return this.#steps === undefined;
  }

  add(step: () => unknown): void {
    if (this.#steps) this.#steps.push(step);
    else void step();
  }

  #run(): void {
    const steps = this.#steps ?? [];
    this.#steps = undefined;
    for (const step of steps.reverse()) void step();
  }
}
