// When a stop (Ctrl-C, the editor's Stop, SIGTERM) takes effect. A stop request is a message or a
// signal: it is only seen once the event loop turns, and a step of forward/backward passes never lets
// it turn. Asked only after each optimizer step, a request that landed during a step was seen one
// full step late. So the loop asks before every step and between the micro-batches of gradient
// accumulation, each time after letting pending I/O in; a step left half-accumulated is dropped (the
// checkpoint is the state after the last complete step, which a resume continues exactly).

/** Lets pending messages and signals arrive, then asks whether a stop was requested. */
export async function pollStop(shouldStop: (() => boolean) | undefined): Promise<boolean> {
  if (!shouldStop) return false;
  await new Promise((r) => setImmediate(r));
  return shouldStop();
}
