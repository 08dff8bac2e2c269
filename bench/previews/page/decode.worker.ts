// For the worker experiment (experiments.tsx): createImageBitmap in a worker, so its decode and
// its resize run on this thread, and the page gets only the small bitmap (transferred).
self.onmessage = async ({
  data,
}: MessageEvent<{ id: number; file: Blob; width: number; quality: ResizeQuality }>) => {
  try {
    const bitmap = await createImageBitmap(data.file, {
      resizeWidth: data.width,
      resizeQuality: data.quality,
    });
    self.postMessage({ id: data.id, bitmap }, { transfer: [bitmap] });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error) });
  }
};
