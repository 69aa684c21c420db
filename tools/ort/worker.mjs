// ONNX Runtime as a qtune benchmark peer (`qtune benchmark --peer 'node tools/ort/worker.mjs'`):
//   node worker.mjs MODEL THREADS NAME=FILE.npy ...
// then answers qtune's worker line protocol on stdin/stdout (see src/bench/worker_process.h).
import ort from 'onnxruntime-node';
import fs from 'node:fs';
import readline from 'node:readline';
import { readNpy } from './npy.mjs';

const [model, threadsArg, ...inputs] = process.argv.slice(2);
const say = (line) => process.stdout.write(line + '\n');
let session;
const feeds = {};
try {
  session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threadsArg),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  for (const spec of inputs) {
    const eq = spec.indexOf('=');
    const t = readNpy(spec.slice(eq + 1));
    feeds[spec.slice(0, eq)] = new ort.Tensor(t.dtype === 'bool' ? 'bool' : t.dtype, t.data, t.shape);
  }
} catch (e) {
  say('error onnxruntime: ' + String(e.message || e).split('\n')[0]);
  process.exit(1);
}
const version = JSON.parse(fs.readFileSync(new URL('./node_modules/onnxruntime-node/package.json', import.meta.url))).version;
say('ready onnxruntime ' + version);

function peakRssBytes() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : 0;
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'run') {
    const times = [];
    for (let i = 0; i < Number(arg || 1); ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    say('ms ' + times.join(' '));
  } else if (cmd === 'rss') {
    say('rss ' + peakRssBytes());
  } else if (cmd === 'quit') {
    process.exit(0);
  } else {
    say('error unknown worker command ' + cmd);
    process.exit(1);
  }
}
