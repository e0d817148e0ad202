/** Worker thread for render-workers.ts: one warm renderer, renders the inputs it is given, reports timings. */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createRenderer, type RenderInput } from '../../src/render/index.js';

const { inputs, warmup } = workerData as { inputs: RenderInput[]; warmup: number };
const renderer = createRenderer();
for (const i of inputs.slice(0, warmup)) renderer.render(i);
parentPort!.postMessage({ ready: true });
parentPort!.once('message', () => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  for (const i of inputs.slice(warmup)) bytes += renderer.render(i).length;
  const wall = performance.now() - t0;
  renderer.close();
  // process.cpuUsage() in a worker reports the whole process; the parent uses wall time only.
  parentPort!.postMessage({ done: true, wall, renders: inputs.length - warmup, bytes, cpu: process.cpuUsage(cpu0) });
});
