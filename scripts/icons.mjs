// Draws Cairn's app icon and tray icons with plain code (shapes sampled 4x4 per pixel, PNG written with
// zlib, ICO wrapping PNGs) into resources/. The PNGs are committed source assets; rerun after a change:
//   node scripts/icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const OUT = path.resolve(process.argv[2] ?? 'resources');
const STATES = ['idle', 'running', 'paused', 'attention', 'error'];

// ---- PNG and ICO -------------------------------------------------------------------------------------
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** An RGBA image (Float32Array, premultiplied 0..1) as PNG bytes. */
function png(img, size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const a = img[i + 3];
      const o = y * (size * 4 + 1) + 1 + x * 4;
      for (let c = 0; c < 3; c++) raw[o + c] = a > 0 ? Math.round(Math.min(1, img[i + c] / a) * 255) : 0;
      raw[o + 3] = Math.round(a * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** An ICO file holding one PNG per size (Windows Vista and later read PNG entries). */
function ico(images) {
  const head = Buffer.alloc(6 + 16 * images.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(images.length, 4);
  let offset = head.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    head[e] = size >= 256 ? 0 : size;
    head[e + 1] = size >= 256 ? 0 : size;
    head.writeUInt16LE(1, e + 4);
    head.writeUInt16LE(32, e + 6);
    head.writeUInt32LE(data.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([head, ...images.map((i) => i.data)]);
}

// ---- shapes in unit coordinates (0..1, y down) -------------------------------------------------------
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const circle = (cx, cy, r) => ellipse(cx, cy, r, r);
const ring = (cx, cy, r1, r2) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d >= r1 && d <= r2;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r;
};
const union =
  (...s) =>
  (x, y) =>
    s.some((f) => f(x, y));
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);
/** A thick line segment from (x0,y0) to (x1,y1). */
const bar = (x0, y0, x1, y1, w) => (x, y) => {
  const vx = x1 - x0;
  const vy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (x0 + t * vx), y - (y0 + t * vy)) <= w / 2;
};

/** Paints layers [{shape, color:[r,g,b,a]} | {shape, erase:true}] at a size, 4x4 samples per pixel. */
function render(size, layers) {
  const img = new Float32Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4;
      for (const l of layers) {
        let cov = 0;
        for (let sy = 0; sy < S; sy++)
          for (let sx = 0; sx < S; sx++)
            if (l.shape((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size)) cov++;
        cov /= S * S;
        if (cov === 0) continue;
        if (l.erase) {
          for (let c = 0; c < 4; c++) img[i + c] *= 1 - cov;
          continue;
        }
        const [r, g, b, a = 1] = typeof l.color === 'function' ? l.color(px / size, py / size) : l.color;
        const k = cov * a;
        img[i] = r * k + img[i] * (1 - k);
        img[i + 1] = g * k + img[i + 1] * (1 - k);
        img[i + 2] = b * k + img[i + 2] * (1 - k);
        img[i + 3] = k + img[i + 3] * (1 - k);
      }
    }
  return img;
}
const hex = (h, a = 1) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).concat(a);

// ---- the cairn and the state badges ------------------------------------------------------------------
const STONE_AT = [
  [0.42, 0.84, 0.38, 0.1],
  [0.39, 0.655, 0.29, 0.083],
  [0.44, 0.49, 0.21, 0.072],
  [0.41, 0.345, 0.13, 0.062],
];
const STONES = STONE_AT.map((e) => ellipse(...e));
const grow = ([cx, cy, rx, ry], d) => ellipse(cx, cy, rx + d, ry + d);
const B = { cx: 0.76, cy: 0.74, r: 0.235 };
const badgeDisc = circle(B.cx, B.cy, B.r);
const badgeGap = circle(B.cx, B.cy, B.r + 0.07);
const bang = union(bar(B.cx, B.cy - 0.13, B.cx, B.cy + 0.02, 0.085), circle(B.cx, B.cy + 0.105, 0.047));
const cross = union(
  bar(B.cx - 0.09, B.cy - 0.09, B.cx + 0.09, B.cy + 0.09, 0.075),
  bar(B.cx - 0.09, B.cy + 0.09, B.cx + 0.09, B.cy - 0.09, 0.075),
);
const pauseBars = union(
  rect(B.cx - 0.1, B.cy - 0.11, B.cx - 0.035, B.cy + 0.11),
  rect(B.cx + 0.035, B.cy - 0.11, B.cx + 0.1, B.cy + 0.11),
);
// A ring with a gap and an arrow head: "in progress".
const spinner = union(
  minus(ring(B.cx, B.cy, 0.09, 0.155), rect(B.cx, B.cy - 0.2, B.cx + 0.2, B.cy)),
  (x, y) =>
    y >= B.cy - 0.21 &&
    y <= B.cy - 0.02 &&
    x - B.cx >= 0 &&
    x - B.cx <= 0.11 - Math.abs(y - (B.cy - 0.12)) * 1.1,
);

/** Layers for a tray icon; template icons are black with alpha only (macOS tints them). */
function trayLayers(state, template) {
  // Coloured icons get a dark rim so the grey stones read on light and dark panels alike.
  const layers = template
    ? STONES.map((shape) => ({ shape, color: hex('#000000') }))
    : STONES.flatMap((shape, i) => [
        { shape: grow(STONE_AT[i], 0.035), color: hex('#2b3138') },
        { shape, color: hex('#b4bcc6') },
      ]);
  if (state === 'idle') return layers;
  layers.push({ shape: badgeGap, erase: true });
  const colors = { running: '#2f7de1', paused: '#6b7480', attention: '#f0a202', error: '#d93025' };
  const mark = { running: spinner, paused: pauseBars, attention: bang, error: cross }[state];
  if (template) {
    if (state === 'running' || state === 'paused') layers.push({ shape: mark, color: hex('#000000') });
    else layers.push({ shape: minus(badgeDisc, mark), color: hex('#000000') });
    return layers;
  }
  layers.push({ shape: badgeDisc, color: hex(colors[state]) });
  layers.push({ shape: mark, color: state === 'attention' ? hex('#1d1d1d') : hex('#ffffff') });
  return layers;
}

/** The app icon: the cairn in warm greys on a rounded teal square. */
function appLayers() {
  const top = hex('#2d6a73');
  const bottom = hex('#1d3f52');
  const bg = (_x, y) => top.map((t, i) => t + (bottom[i] - t) * y);
  const stone = (shape, dy, c) => [
    { shape: (x, y) => shape(x, y - dy), color: hex('#0f2430', 0.35) },
    { shape, color: hex(c) },
  ];
  const scale = (s) => (x, y) => s(0.5 + (x - 0.52) / 0.78, 0.5 + (y - 0.5) / 0.78);
  const tones = ['#cfc7b8', '#dcd5c8', '#c4bcad', '#e8e2d8'];
  return [
    { shape: roundRect(0.06, 0.06, 0.94, 0.94, 0.2), color: bg },
    ...STONES.flatMap((s, i) => stone(scale(s), 0.018, tones[i])),
  ];
}

function write(rel, data) {
  const f = path.join(OUT, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, data);
}

const pngAt = (layers, size) => png(render(size, layers), size);
for (const s of STATES) {
  const colored = trayLayers(s, false);
  write(`tray/linux/${s}.png`, pngAt(colored, 24));
  write(`tray/linux/${s}@2x.png`, pngAt(colored, 48));
  write(
    `tray/win/${s}.ico`,
    ico([16, 20, 24, 32, 40, 48, 64].map((size) => ({ size, data: pngAt(colored, size) }))),
  );
  const template = trayLayers(s, true);
  write(`tray/mac/${s}Template.png`, pngAt(template, 16));
  write(`tray/mac/${s}Template@2x.png`, pngAt(template, 32));
}
const app = appLayers();
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, pngAt(app, size));
write('icon.png', pngAt(app, 1024));
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: pngAt(app, size) }))));
process.stdout.write(`Icons written to ${OUT}\n`);
