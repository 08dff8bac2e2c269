// The one module that imports virtua: UploadList loads it with the first list long enough to
// window, so the virtualizer is a lazy chunk holding only what the list uses.
export { Virtualizer } from 'virtua';
