// Runs a model with ONNX Runtime on .npy inputs, writing outputs as .npy files:
//   node run.mjs MODEL OUTDIR NAME=FILE.npy ... [--threads N]
// Output files are OUTDIR/<output name with [^A-Za-z0-9._-] replaced by _>.npy, as qtune run.
import ort from 'onnxruntime-node';
import path from 'node:path';
import fs from 'node:fs';
import { readNpy, writeNpy } from './npy.mjs';

const args = process.argv.slice(2);
let threads = 1;
const feeds = {};
const positional = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else positional.push(args[i]);
}
const [model, outDir, ...inputs] = positional;
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1 });
for (const spec of inputs) {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? session.inputNames[0] : spec.slice(0, eq);
  const t = readNpy(eq < 0 ? spec : spec.slice(eq + 1));
  feeds[name] = new ort.Tensor(t.dtype === 'bool' ? 'bool' : t.dtype, t.data, t.shape);
}
const results = await session.run(feeds);
fs.mkdirSync(outDir, { recursive: true });
for (const name of session.outputNames) {
  const t = results[name];
  writeNpy(path.join(outDir, name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy'), t.type, t.dims, t.data);
}
