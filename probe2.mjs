import { create, globals } from 'webgpu';
let gpu = create([]);
const a = await gpu.requestAdapter();
console.log(a.info.vendor);
if (process.argv[2] === 'device') { const d = await a.requestDevice(); console.log('device'); if (process.argv[3]==='destroy') d.destroy(); }
gpu = null;
