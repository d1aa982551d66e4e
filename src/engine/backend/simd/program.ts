// Pieces shared by the SIMD kernel programs.
import { op } from './encode';

const { get, set } = op;

/**
 * Float32x4 constants held in locals, set once before the loop: a v128.const inside the loop is
 * rebuilt on every pass (several instructions each on x64), a local is a register or one load.
 */
export class Constants {
  private readonly slots = new Map<number, number>();
  constructor(private next: number) {}
  c(x: number): number[] {
    let slot = this.slots.get(x);
    if (slot === undefined) this.slots.set(x, (slot = this.next++));
    return get(slot);
  }
  get count(): number {
    return this.slots.size;
  }
  /** The code that fills the locals. */
  prologue(): number[][] {
    return [...this.slots].flatMap(([x, slot]) => [op.f32x4(x), set(slot)]);
  }
}

/** The float32 sum of the four lanes of v128 local `v`, on the stack. */
export function hsum4(v: number): number[][] {
  return [
    get(v),
    op.f32x4Lane(0),
    get(v),
    op.f32x4Lane(1),
    op.f32Add,
    get(v),
    op.f32x4Lane(2),
    op.f32Add,
    get(v),
    op.f32x4Lane(3),
    op.f32Add,
  ];
}
