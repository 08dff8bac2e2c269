// Makes photo-like JPEGs (bench/previews/run.ts): gradients, soft shapes and per-pixel noise, so
// they weigh what a phone photo does instead of compressing to nothing. Deterministic per index.
interface Job {
  index: number;
  width: number;
  height: number;
  noise: number;
  quality: number;
}

function random(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function photo({ index, width, height, noise, quality }: Job): Promise<Blob> {
  const rnd = random(index * 7919 + 1);
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2d context');
  const hue = rnd() * 360;
  const sky = g.createLinearGradient(0, 0, width * rnd(), height);
  sky.addColorStop(0, `hsl(${hue} 60% 75%)`);
  sky.addColorStop(0.55, `hsl(${(hue + 40) % 360} 45% 55%)`);
  sky.addColorStop(1, `hsl(${(hue + 120) % 360} 35% 25%)`);
  g.fillStyle = sky;
  g.fillRect(0, 0, width, height);
  for (let k = 0; k < 80; k++) {
    const x = rnd() * width;
    const y = rnd() * height;
    const r = (0.02 + rnd() * 0.25) * width;
    const blob = g.createRadialGradient(x, y, 0, x, y, r);
    blob.addColorStop(0, `hsl(${rnd() * 360} ${30 + rnd() * 50}% ${20 + rnd() * 60}% / 0.8)`);
    blob.addColorStop(1, `hsl(${rnd() * 360} 40% 50% / 0)`);
    g.fillStyle = blob;
    g.fillRect(x - r, y - r, 2 * r, 2 * r);
  }
  // Sharp edges and fine lines, as branches and text in a photo.
  for (let k = 0; k < 400; k++) {
    g.strokeStyle = `hsl(${rnd() * 360} 30% ${rnd() * 100}% / 0.5)`;
    g.lineWidth = 1 + rnd() * 6;
    g.beginPath();
    g.moveTo(rnd() * width, rnd() * height);
    g.lineTo(rnd() * width, rnd() * height);
    g.stroke();
  }
  // Sensor noise, in bands so the pixel copy stays small.
  const band = 250;
  for (let y = 0; y < height; y += band) {
    const rows = Math.min(band, height - y);
    const image = g.getImageData(0, y, width, rows);
    const data = image.data;
    for (let p = 0; p < data.length; p += 4) {
      const n = (rnd() - 0.5) * noise;
      data[p] = (data[p] ?? 0) + n + (rnd() - 0.5) * noise * 0.5;
      data[p + 1] = (data[p + 1] ?? 0) + n;
      data[p + 2] = (data[p + 2] ?? 0) + n + (rnd() - 0.5) * noise * 0.5;
    }
    g.putImageData(image, 0, y);
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

self.onmessage = async ({ data }: MessageEvent<Job & { url: string }>) => {
  try {
    const started = performance.now();
    const blob = await photo(data);
    const response = await fetch(data.url, { method: 'PUT', body: blob });
    if (!response.ok) throw new Error(`PUT ${data.url}: ${response.status}`);
    self.postMessage({ index: data.index, bytes: blob.size, ms: performance.now() - started });
  } catch (error) {
    self.postMessage({ index: data.index, error: String(error) });
  }
};
