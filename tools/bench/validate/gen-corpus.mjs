#!/usr/bin/env node
// Generates the validate benchmark's corpus: N realistic, valid workflow documents (automations,
// run requests, bare workflows, single tasks; kinds with the options teams set, `next` chains
// that type-check, `conditions` gates), each written as JSON and as YAML. Sizes of the JSON files
// are log-uniform between 0.5 and 8 KB. Deterministic for a given seed.
//
//   node gen-corpus.mjs --out DIR [--files 10000] [--seed 1]
//
// Writes DIR/json/team-NN/wf-NNNNN.json and DIR/yaml/team-NN/wf-NNNNN.yaml.
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
    return pairs;
  }, []));
const out = args.out;
const files = Number(args.files ?? 10000);
const seed = Number(args.seed ?? 1);
if (!out || !(files > 0)) {
  console.error('usage: gen-corpus.mjs --out DIR [--files N] [--seed S]');
  process.exit(2);
}

// mulberry32: small, fast, and the same sequence everywhere for a seed.
let state = seed >>> 0;
function random() {
  state = (state + 0x6D2B79F5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const chance = (p) => random() < p;
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
function some(list, min, max) {
  const pool = [...list];
  const n = Math.min(pool.length, int(min, max));
  const chosen = [];
  for (let i = 0; i < n; ++i) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return chosen;
}

const QUALITY = ['very_low', 'low', 'medium', 'high', 'very_high'];
const WIDTHS = [320, 426, 640, 854, 1280, 1920, 2560, 3840];
const LANGS = ['en', 'es', 'fr', 'de', 'pt-BR', 'ja', 'it', 'nl'];
const WORDS = ['uploads', 'social', 'podcast', 'lecture', 'trailer', 'product', 'reels', 'ugc',
  'archive', 'marketing', 'support', 'course', 'news', 'events', 'interviews', 'shorts'];
const FITS = ['contain', 'cover', 'fill'];
const POSITIONS = ['center', 'top', 'bottom', 'top_left', 'bottom_right'];

let refs = 0;  // refs are unique in a document

// Fields every task may carry besides kind/options/next.
function decorate(task, what) {
  if (chance(0.35)) task.ref = `${what}-${++refs}`;
  if (chance(0.3)) task.label = `${pick(WORDS)} ${what}`.replace(/_/g, ' ');
  if (chance(0.15)) task.folder = `${pick(WORDS)}/${what}`;
  return task;
}

function span(o, max) {
  if (chance(0.2)) {
    const start = int(0, Math.max(0, max - 20));
    o.start = start;
    o.end = start + int(5, 20);
  }
}

// One task per kind: its options, what it produces ('video' | 'audio' | 'image' | 'data' |
// 'track' | 'playlist' | null when it passes its input on).
const KINDS = {
  video() {
    const o = {};
    if (chance(0.7)) o.width = chance(0.9) ? pick(WIDTHS) : pick(['50%', '25%', '75%']);
    if (chance(0.3)) o.height = Math.round(((typeof o.width === 'number' ? o.width : 1280) * 9) / 16);
    if (chance(0.6)) o.format = pick(['mp4', 'webm', 'mov']);
    if (chance(0.4)) {
      o.codec = pick(['h264', 'h265', 'vp9', 'av1']);
      // WebM holds only vp9 and av1 (the catalog's rule).
      if (o.format === 'webm' && o.codec === 'h264') o.codec = 'vp9';
      if (o.format === 'webm' && o.codec === 'h265') o.codec = 'av1';
    }
    if (chance(0.6)) o.quality = pick(QUALITY);
    if (chance(0.2)) o.fit = pick(FITS);
    if (o.fit === 'contain' && chance(0.5)) o.background = pick(['#000000', '#FFFFFF', '#1a1a1a']);
    if (chance(0.2)) o.position = pick(POSITIONS);
    if (chance(0.25)) o.fps = pick([24, 25, 30, 60]);
    if (chance(0.25)) o.bitrate = pick([800000, 1500000, 2500000, 5000000, 8000000]);
    span(o, 600);
    return [decorate({kind: 'video', options: o}, 'video'), 'video'];
  },
  audio() {
    const o = {};
    if (chance(0.8)) o.format = pick(['mp3', 'aac', 'ogg', 'opus', 'wav', 'flac']);
    if (chance(0.4)) o.quality = pick(QUALITY);
    if (chance(0.4)) o.bitrate = pick([64000, 96000, 128000, 192000, 256000, 320000]);
    span(o, 3600);
    return [decorate({kind: 'audio', options: o}, 'audio'), 'audio'];
  },
  image() {
    const o = {};
    if (chance(0.8)) o.width = pick([160, 320, 480, 640, 1080, 1280]);
    if (chance(0.3)) o.height = pick([90, 180, 270, 360, 720]);
    if (chance(0.7)) o.format = pick(['jpeg', 'png', 'webp', 'avif']);
    if (chance(0.3)) o.fit = pick(FITS);
    if (chance(0.3)) o.quality = pick(QUALITY);
    if (chance(0.3)) o.start = int(0, 30);
    return [decorate({kind: 'image', options: o}, 'image'), 'image'];
  },
  animation() {
    const o = {format: pick(['gif', 'webp'])};
    if (chance(0.7)) o.width = pick([240, 320, 480]);
    if (chance(0.5)) o.fps = pick([8, 10, 12, 15]);
    o.start = int(0, 20);
    o.end = o.start + int(2, 6);
    return [decorate({kind: 'animation', options: o}, 'animation'), 'image'];
  },
  adaptive_video() {
    const o = {format: 'hls'};
    if (chance(0.6)) {
      o.renditions = some([240, 360, 480, 720, 1080, 1440], 2, 5).sort((a, b) => a - b)
          .map((h) => (chance(0.5) ? {height: h} : {height: h, bitrate: h * 4000}));
    } else if (chance(0.5)) {
      o.quality = pick(QUALITY);
    }
    if (chance(0.2)) {
      o.subtitles = [{url: `https://cdn.example.com/subs/${int(1000, 9999)}.vtt`, label: 'English',
        language: 'en', default: true}];
    }
    return [decorate({kind: 'adaptive_video', options: o}, 'hls'), 'playlist'];
  },
  thumbnails() {
    const o = {};
    if (chance(0.6)) o.width = pick([120, 160, 240]);
    if (chance(0.4)) o.format = pick(['jpeg', 'png']);
    if (chance(0.5)) o.interval = pick([1, 2, 5, 10]);
    else if (chance(0.5)) o.count = pick([10, 20, 50, 100]);
    if (chance(0.2)) o.columns = pick([5, 10]);
    return [decorate({kind: 'thumbnails', options: o}, 'thumbnails'), 'track'];
  },
  subtitles() {
    const o = {};
    if (chance(0.6)) o.format = pick(['vtt', 'srt']);
    if (chance(0.5)) o.language = pick(LANGS);
    return [decorate({kind: 'subtitles', options: o}, 'subtitles'), 'track'];
  },
  chapters() {
    const t = {kind: 'chapters'};
    if (chance(0.5)) t.options = {format: pick(['vtt', 'json'])};
    return [decorate(t, 'chapters'), 'track'];
  },
  speech() {
    const t = {kind: 'speech'};
    if (chance(0.4)) t.options = {language: pick(LANGS)};
    return [decorate(t, 'speech'), 'data'];
  },
  nsfw: () => [decorate({kind: 'nsfw'}, 'nsfw'), 'data'],
  summary: () => [decorate({kind: 'summary'}, 'summary'), 'data'],
  outline: () => [decorate({kind: 'outline'}, 'outline'), 'data'],
  export() {
    const o = {url: `s3://${pick(WORDS)}-media/${pick(WORDS)}/${int(1, 999)}/`};
    if (chance(0.5)) o.connection_id = `conn_${int(100000, 999999)}`;
    return [decorate({kind: 'export', options: o}, 'export'), null];
  },
};

// What each kind may receive (the catalog's `accepts`), by the kind of file flowing in.
const NEXT = {
  video: ['video', 'video', 'audio', 'image', 'image', 'animation', 'adaptive_video', 'thumbnails',
    'subtitles', 'chapters', 'speech', 'nsfw', 'summary', 'outline', 'export'],
  audio: ['audio', 'subtitles', 'chapters', 'speech', 'summary', 'outline', 'export'],
  image: ['image', 'image', 'animation', 'nsfw', 'summary', 'export'],
  data: ['export'],
  track: ['export'],
  playlist: ['export'],
};

// Conditions on the properties of a file of this kind.
function condition(input) {
  const tests = {
    video: [
      () => ({width: {gte: pick([720, 1280, 1920])}}),
      () => ({height: {lt: pick([720, 1080])}}),
      () => ({duration: {lte: pick([60, 300, 600, 3600])}}),
      () => ({orientation: {in: some(['landscape', 'portrait', 'square'], 1, 2)}}),
      () => ({'codecs.video': {in: some(['h264', 'hevc', 'vp9', 'av1'], 1, 3)}}),
      () => ({has_audio: {eq: true}}),
      () => ({fps: {gt: 30}}),
      () => ({format: {matches: '^(mp4|mov|webm)$'}}),
      () => ({'metadata.source': {starts_with: pick(['upload', 'import', 'api'])}}),
      () => ({or: [{width: {gte: 1920}}, {bitrate: {gt: 8000000}}]}),
      () => ({not: {rotation: {in: [90, 270]}}}),
    ],
    audio: [
      () => ({duration: {gte: pick([30, 60, 600])}}),
      () => ({channels: {gte: 2}}),
      () => ({'codecs.audio': {nin: ['opus']}}),
      () => ({language: {eq: pick(LANGS)}}),
      () => ({sample_rate: {gte: 44100}}),
    ],
    image: [
      () => ({width: {gt: pick([640, 1080, 2048])}}),
      () => ({animated: {eq: false}}),
      () => ({transparency: {eq: true}}),
      () => ({type: {in: ['image/png', 'image/webp']}}),
      () => ({filesize: {gt: pick([500000, 2000000])}}),
    ],
  }[input] ?? [() => ({'metadata.kind': {exists: true}})];
  return Object.assign({}, ...some(tests, 1, 3).map((t) => t()));
}

// A task for a file of kind `input`, with a `next` chain `depth` levels deep at most.
function task(input, depth) {
  if (depth > 0 && chance(0.15) && input !== 'data' && input !== 'track' && input !== 'playlist') {
    const gate = {kind: 'conditions', options: condition(input), next: []};
    const n = int(1, 3);
    for (let i = 0; i < n; ++i) gate.next.push(task(input, depth - 1));
    return decorate(gate, 'gate');
  }
  const [t, produces] = KINDS[pick(NEXT[input])]();
  if (t.kind === 'export') return t;  // the end of a chain
  const followers = NEXT[produces ?? input];
  if (depth > 0 && followers && chance(produces === 'video' || produces === 'audio' ? 0.5 : 0.25)) {
    t.next = [];
    const n = int(1, 3);
    for (let i = 0; i < n; ++i) t.next.push(task(produces ?? input, depth - 1));
  }
  return t;
}

// A top-level task: the run's input is a video upload, or gated on its kind.
function top() {
  if (chance(0.2)) {
    const kind = pick(['video', 'audio', 'image']);
    const gate = {kind: 'conditions', options: {kind: {eq: kind}}, next: []};
    const extra = condition(kind);
    if (chance(0.5)) Object.assign(gate.options, extra);
    const n = int(1, 3);
    for (let i = 0; i < n; ++i) gate.next.push(task(kind, 2));
    return gate;
  }
  return task('video', 3);
}

let indent = 2;  // of the JSON file being made
const size = (doc) => JSON.stringify(doc, null, indent).length + 1;

function document(target) {
  refs = 0;
  const shape = pick(['automation', 'automation', 'automation', 'run', 'workflow', 'task']);
  if (shape === 'task') {
    // A single task cannot chain, so it is small: only for small targets, if one fits.
    for (let tries = 0; tries < 50 && target < 900; ++tries) {
      refs = 0;
      const [t] = KINDS[pick(['video', 'image', 'audio', 'animation', 'adaptive_video'])]();
      const single = {kind: t.kind, url: `https://media.example.com/${pick(WORDS)}/` +
        `${int(1000, 99999)}.mp4`, ...t};
      const n = size(single);
      if (n >= 512 && n <= target * 1.3) return single;
    }
    refs = 0;
  }
  const list = [];
  const doc = shape === 'run' ? {tasks: list} : shape === 'workflow' ? list : {
    name: `${pick(WORDS)} ${pick(WORDS)} pipeline`,
    description: `Processes ${pick(WORDS)} uploads for the ${pick(WORDS)} team`,
    workflow: list,
    status: chance(0.85) ? 'active' : 'paused',
  };
  // Add top-level tasks until the pretty-printed JSON reaches the target size, passing over
  // tasks that would overshoot it by much.
  for (let tries = 0; tries < 40;) {
    const refs_before = refs;
    list.push(top());
    const n = size(doc);
    if (n > 8192 || (n > target * 1.1 && n > 512 && list.length > 1)) {
      list.pop();
      refs = refs_before;
      ++tries;
      continue;
    }
    if (n >= target) break;
  }
  if (list.length === 0) list.push(KINDS.summary()[0]);
  return doc;
}

// YAML for the same document: block style, strings plain when YAML would read them back as the
// same string, double-quoted (JSON syntax, valid YAML) otherwise.
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
function scalar(v) {
  if (typeof v !== 'string') return String(v);
  const plain = /^[A-Za-z_/][A-Za-z0-9_ .\/-]*$/.test(v) && !RESERVED.test(v) && !v.endsWith(' ');
  return plain ? v : JSON.stringify(v);
}
const nested = (v) => v !== null && typeof v === 'object' && Object.keys(v).length > 0;
const inline = (v) => (Array.isArray(v) ? '[]' : v !== null && typeof v === 'object' ? '{}'
                                                                                     : scalar(v));
// The lines of a non-empty mapping or sequence at `indent` spaces.
function block(v, indent) {
  const pad = ' '.repeat(indent);
  let s = '';
  if (Array.isArray(v)) {
    for (const item of v) {
      if (!nested(item)) s += `${pad}- ${inline(item)}\n`;
      else if (Array.isArray(item)) s += `${pad}-\n${block(item, indent + 2)}`;
      else s += `${pad}- ${block(item, indent + 2).slice(indent + 2)}`;
    }
  } else {
    for (const [k, x] of Object.entries(v)) {
      s += nested(x) ? `${pad}${scalar(k)}:\n${block(x, indent + 2)}`
                     : `${pad}${scalar(k)}: ${inline(x)}\n`;
    }
  }
  return s;
}
const toYaml = (doc) => (nested(doc) ? block(doc, 0) : inline(doc) + '\n');

const lo = Math.log(512), hi = Math.log(8192);
for (const syntax of ['json', 'yaml']) fs.rmSync(path.join(out, syntax), {recursive: true, force: true});
for (let i = 0; i < files; ++i) {
  const target = Math.exp(lo + random() * (hi - lo));
  indent = chance(0.8) ? 2 : 4;
  const doc = document(target);
  const dir = `team-${String(Math.floor(i / 500)).padStart(2, '0')}`;
  const name = `wf-${String(i).padStart(5, '0')}`;
  for (const [syntax, text] of [['json', JSON.stringify(doc, null, indent) + '\n'],
                                ['yaml', toYaml(doc)]]) {
    const d = path.join(out, syntax, dir);
    fs.mkdirSync(d, {recursive: true});
    fs.writeFileSync(path.join(d, `${name}.${syntax}`), text);
  }
}
