// Preloaded (`node --require`) by the training bench into bertnb's training child process, the very
// worker `bertnb train` forks. Each time the child reports a step or an error, and when it exits, this
// writes the process's peak RSS (getrusage maxRSS: worker threads included) and the size of the WASM
// backend's memory to $BENCH_PROBE_FILE. That memory is one WebAssembly.Memory that only grows, so its
// size when read is the peak so far. tfjs is reached through its global engine (globalThis._tfengine),
// which works in the bundled worker too, whose copy of tfjs no other module can import. Only the main
// thread is read: worker threads of a data-parallel engine each have a heap of their own. Every
// thread's heap is also counted from /proc/self/smaps: V8 reserves address space for a WebAssembly
// memory and opens its used part read-write, so each heap is a read-write mapping followed directly
// by an inaccessible reservation of ≥ 4 GiB; their resident bytes summed are all threads' heaps.
'use strict';
const { isMainThread } = require('node:worker_threads');
const { readFileSync, writeFileSync } = require('node:fs');

/** Resident bytes of every WebAssembly memory of this process (0 where smaps cannot be read). */
function allHeapsRss() {
  let text;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return 0;
  }
  const maps = [];
  let cur;
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) /.exec(line);
    if (m) {
      cur = { lo: parseInt(m[1], 16), hi: parseInt(m[2], 16), perm: m[3], rss: 0 };
      maps.push(cur);
    } else if (cur && line.startsWith('Rss:')) cur.rss = Number(/(\d+)/.exec(line)[1]) * 1024;
  }
  let sum = 0;
  for (let i = 0; i + 1 < maps.length; i++) {
    const a = maps[i], b = maps[i + 1];
    if (a.perm.startsWith('rw') && b.lo === a.hi && b.perm.startsWith('---') && b.hi - b.lo >= 2 ** 32) sum += a.rss;
  }
  return sum;
}

const file = process.env.BENCH_PROBE_FILE;
if (file && isMainThread && typeof process.send === 'function') {
  let peakHeap = 0;
  let peakHeaps = 0;
  const heapBytes = () => {
    try {
      const wasm = globalThis._tfengine && globalThis._tfengine.registry && globalThis._tfengine.registry.wasm;
      return (wasm && wasm.wasm && wasm.wasm.HEAPU8 && wasm.wasm.HEAPU8.buffer.byteLength) || 0;
    } catch {
      return 0; // a backend torn down mid-read: keep the peak seen so far
    }
  };
  const record = (event) => {
    peakHeap = Math.max(peakHeap, heapBytes());
    peakHeaps = Math.max(peakHeaps, allHeapsRss());
    writeFileSync(file, JSON.stringify({ event, peakWasmHeapBytes: peakHeap, peakAllHeapsRssBytes: peakHeaps, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
  };
  const send = process.send.bind(process);
  process.send = (msg, ...rest) => {
    // A step's progress travels as a run event (src/protocol/runEvents.ts).
    const progress = msg && msg.type === 'run' && msg.event && msg.event.kind === 'progress';
    if (progress || (msg && msg.type === 'error')) record(progress ? 'progress' : msg.type);
    return send(msg, ...rest);
  };
  process.on('exit', () => record('exit'));
}
