// Loads nsfwjs's MobileNetV2 layers model with TensorFlow.js's pure JavaScript CPU backend and
// writes, into the directory given as the one argument:
//   layers.json     the layers in order: class, name, inbound layer names, the config fields the
//                   ONNX writer needs, and each weight's shape and offset in weights.bin
//   weights.bin     every weight as little-endian float32, concatenated
//   reference.json  nsfwjs's own scores (its infer(): pixel / 255, no resize at 224 × 224) for
//                   fixed 224 × 224 RGB pictures made by formula; tests/unit/ai_nsfw_test.cpp
//                   makes the same bytes and checks the converted model against these scores
// Run by tools/models/nsfw-convert as `node nsfw-dump.js OUT_DIR NODE_MODULES`, NODE_MODULES
// holding the pinned packages.
'use strict';
const fs = require('fs');
const path = require('path');

// TensorFlow.js's notice that its Node.js backend would be faster is not for the user here.
for (const level of ['log', 'warn']) {
  const print = console[level];
  console[level] = (...args) => {
    if (!/tfjs-node|^=+$/.test(String(args[0]).trim())) print(...args);
  };
}
const modules = process.argv[3] || '';
const tf = require(path.join(modules, '@tensorflow/tfjs'));
const nsfwjs = require(path.join(modules, 'nsfwjs'));
// Read by path: the packages' `exports` do not list these files.
const version = (name) => JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'))).version;
const CLASSES = require(path.join(modules, 'nsfwjs/dist/cjs/nsfw_classes.js')).NSFW_CLASSES;

const SIZE = 224;

// The reference pictures: RGB bytes, rows top to bottom. Each formula is restated in
// tests/unit/ai_nsfw_test.cpp; keep the two in step.
function picture(name) {
  const px = new Uint8Array(SIZE * SIZE * 3);
  let state = 2463534242;  // xorshift32 for "noise"
  for (let y = 0; y < SIZE; ++y) {
    for (let x = 0; x < SIZE; ++x) {
      let r, g, b;
      if (name === 'gradient') {
        r = Math.floor((x * 255) / 223);
        g = Math.floor((y * 255) / 223);
        b = Math.floor(((x + y) * 255) / 446);
      } else if (name === 'checkerboard') {
        const on = (Math.floor(x / 28) + Math.floor(y / 28)) % 2 === 1;
        [r, g, b] = on ? [235, 200, 170] : [30, 30, 60];
      } else if (name === 'skin_disc') {
        const d2 = (x - 112) * (x - 112) + (y - 112) * (y - 112);
        const s = Math.floor(d2 / 256);
        [r, g, b] = d2 < 80 * 80 ? [230 - s, 180 - s, 150 - s] : [40, 60, 40];
      } else if (name === 'noise') {
        const next = () => {
          state ^= state << 13; state >>>= 0;
          state ^= state >>> 17;
          state ^= state << 5; state >>>= 0;
          return state & 255;
        };
        r = next(); g = next(); b = next();
      } else {
        throw new Error('unknown picture ' + name);
      }
      const i = (y * SIZE + x) * 3;
      px[i] = r; px[i + 1] = g; px[i + 2] = b;
    }
  }
  return px;
}

async function main() {
  const out = process.argv[2];
  if (!out || !modules) throw new Error('usage: nsfw-dump.js OUT_DIR NODE_MODULES');
  await tf.setBackend('cpu');
  const info = console.info;
  console.info = () => {};  // nsfwjs announces the model it loads
  const net = await nsfwjs.load('MobileNetV2');
  console.info = info;
  const model = net.model;

  const chunks = [];
  let offset = 0;
  const layers = model.layers.map((l) => {
    const c = l.getConfig();
    const keep = {};
    for (const k of ['padding', 'kernelSize', 'strides', 'dilationRate', 'activation', 'useBias',
                     'filters', 'depthMultiplier', 'epsilon', 'axis', 'maxValue',
                     'negativeSlope', 'threshold', 'poolSize', 'units', 'dataFormat',
                     'batchInputShape']) {
      if (c[k] !== undefined) keep[k] = c[k];
    }
    const weights = l.getWeights().map((w) => {
      const data = Float32Array.from(w.dataSync());
      chunks.push(Buffer.from(data.buffer));
      const entry = {name: w.name, shape: w.shape, offset, count: data.length};
      offset += data.length * 4;
      return entry;
    });
    const inbound = l.inboundNodes.length ? l.inboundNodes[0].inboundLayers.map((x) => x.name) : [];
    return {class: l.getClassName(), name: l.name, inbound, config: keep, weights};
  });
  const meta = {
    nsfwjs: version('nsfwjs'),
    tfjs: version('@tensorflow/tfjs'),
    input: model.inputs[0].name,
    output: model.outputs[0].name.replace(/\/.*$/, ''),
    classes: Object.keys(CLASSES).sort((a, b) => a - b).map((i) => CLASSES[i]),
  };
  fs.writeFileSync(path.join(out, 'weights.bin'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(out, 'layers.json'), JSON.stringify({...meta, layers}, null, 1));

  const reference = {
    nsfwjs: meta.nsfwjs,
    tfjs: meta.tfjs,
    backend: tf.getBackend(),
    preprocessing: 'RGB bytes / 255, 224 x 224, no resize (nsfwjs infer())',
    classes: meta.classes,
    pictures: [],
  };
  for (const name of ['gradient', 'checkerboard', 'skin_disc', 'noise']) {
    const img = tf.tensor3d(picture(name), [SIZE, SIZE, 3], 'int32');
    const scores = net.infer(img);
    reference.pictures.push({name, scores: Array.from(await scores.data())});
    img.dispose();
    scores.dispose();
  }
  fs.writeFileSync(path.join(out, 'reference.json'), JSON.stringify(reference, null, 1) + '\n');
}

main().catch((e) => {
  console.error('nsfw-dump: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
