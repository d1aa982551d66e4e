// A very small WebAssembly assembler: enough to write element-wise SIMD loops as arrays of opcodes
// and to wrap them in a module that imports one memory. Why here rather than a .wat file and a tool:
// the module is generated at load time from this source, in every thread, with no build step and no
// dependency (the opcodes are those of the WebAssembly core and SIMD specifications).

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

const simd = (code: number) => [0xfd, ...uleb(code)];
const f32Bytes = (x: number) => [...new Uint8Array(new Float32Array([x]).buffer)];
const i32Bytes = (n: number) => [...new Uint8Array(new Int32Array([n]).buffer)];

/** Instructions (each an array of bytes); a function body is their concatenation. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  f32: (x: number) => [0x43, ...f32Bytes(x)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32GeU: [0x4f],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f32DemoteF64: [0xb6],
  /** f32.load / f32.store at the address on the stack plus `offset` bytes. */
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  /** v128.load / store at the address on the stack plus `offset` bytes. */
  load: (offset = 0) => [...simd(0x00), 0, ...uleb(offset)],
  store: (offset = 0) => [...simd(0x0b), 0, ...uleb(offset)],
  /** Four equal float32 lanes. */
  f32x4: (x: number) => [...simd(0x0c), ...f32Bytes(x), ...f32Bytes(x), ...f32Bytes(x), ...f32Bytes(x)],
  /** Four equal int32 lanes. */
  i32x4: (n: number) => [...simd(0x0c), ...i32Bytes(n), ...i32Bytes(n), ...i32Bytes(n), ...i32Bytes(n)],
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  f32x4Lane: (lane: number) => [...simd(0x1f), lane],
  f64x2Lane: (lane: number) => [...simd(0x21), lane],
  /** The upper two float32 lanes moved into the lower two (for f64x2.promote_low_f32x4). */
  highToLow: [...simd(0x0d), ...[8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]],
  /** The lower halves of two vectors side by side (two f32x4.demote_f64x2_zero results into one f32x4). */
  lowHalves: [...simd(0x0d), ...[0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]],
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2Sub: simd(0xf1),
  f64x2Div: simd(0xf3),
  f64x2Sqrt: simd(0xef),
  f64x2PromoteLow: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  f32x4Ge: simd(0x46),
  and: simd(0x4e),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  i32x4LtS: simd(0x39),
  xor: simd(0x51),
  /** Stores 8 bytes: lane `lane` (0 or 1) of the i64x2 view of the vector on the stack. */
  store64Lane: (lane: number, offset = 0) => [...simd(0x5b), 0, ...uleb(offset), lane],
  /** Interleaves float32 lanes of two vectors a, b: [a0, b0, a1, b1] and [a2, b2, a3, b3]. */
  zipLow: [...simd(0x0d), ...[0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]],
  zipHigh: [...simd(0x0d), ...[8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]],
  i32x4Replace: (lane: number) => [...simd(0x1c), lane],
  i32x4Splat: simd(0x11),
  i32x4Add: simd(0xae),
  f32x4Abs: simd(0xe0),
  f32x4Neg: simd(0xe1),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Max: simd(0xe9),
  f32x4Pmax: simd(0xeb),
  i32x4TruncSatF32x4S: simd(0xf8),
};

export interface WasmFunction {
  name: string;
  /** i32 parameters (addresses and counts), or their types when some are not i32. */
  params: number | number[];
  /** Extra locals, by type, declared after the parameters in this order: i32s, f64s, then v128s. */
  locals: { i32?: number; f64?: number; v128?: number };
  body: number[][];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));

const paramTypes = (f: WasmFunction) => (typeof f.params === 'number' ? Array<number>(f.params).fill(I32) : f.params);

/**
 * A module importing env.memory (at least one page; `shared`: a shared memory of any size) and
 * exporting `fns` (no results).
 */
export function moduleBytes(fns: WasmFunction[], shared = false): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(paramTypes(f).map((t) => [t])), 0]);
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const code = fns.map((f) => {
    const locals: number[][] = [];
    if (f.locals.i32) locals.push([...uleb(f.locals.i32), I32]);
    if (f.locals.f64) locals.push([...uleb(f.locals.f64), F64]);
    if (f.locals.v128) locals.push([...uleb(f.locals.v128), V128]);
    const body = [...vec(locals), ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}
