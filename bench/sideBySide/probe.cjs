// Preloaded (`node --require`) by the training bench into bertnb's training child process, the very
// worker `bertnb train` forks. Each time the child reports a step or an error, and when it exits, this
// writes the process's peak RSS (getrusage maxRSS: worker threads included) and the size of the WASM
// backend's memory to $BENCH_PROBE_FILE. That memory is one WebAssembly.Memory that only grows, so its
// size when read is the peak so far. tfjs is reached through its global engine (globalThis._tfengine),
// which works in the bundled worker too, whose copy of tfjs no other module can import. Only the main
// thread is read: worker threads of a data-parallel engine each have a heap of their own.
'use strict';
const { isMainThread } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_PROBE_FILE;
if (file && isMainThread && typeof process.send === 'function') {
  let peakHeap = 0;
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
    writeFileSync(file, JSON.stringify({ event, peakWasmHeapBytes: peakHeap, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
  };
  const send = process.send.bind(process);
  process.send = (msg, ...rest) => {
    if (msg && (msg.type === 'progress' || msg.type === 'error')) record(msg.type);
    return send(msg, ...rest);
  };
  process.on('exit', () => record('exit'));
}
