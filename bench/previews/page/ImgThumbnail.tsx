import { memo, useCallback, useRef } from 'react';

// The baseline: the thumbnail upkit shipped before issue 12's previews, copied from
// `git show 74fb341:src/styled/UploadList.tsx` as it was (the class name included). Its
// `object-fit: cover` was in the old styles.css; it is inline here, as today's has no such rule.
// One addition: an `elementtiming` attribute, so the page knows when each image is painted.

/**
 * An image file in an <img> through an object URL, revoked when the element goes away (the ref's
 * null call, which React 18 and 19 both make for a ref that returns no cleanup). Memoized on the
 * file: a progress tick must not mint a new URL and make the browser decode the image again.
 */
export const ImgThumbnail = memo(function Thumbnail({ file }: { file: Blob }) {
  const url = useRef<string | undefined>(undefined);
  const ref = useCallback(
    (img: HTMLImageElement | null) => {
      if (url.current) URL.revokeObjectURL(url.current);
      url.current = undefined;
      if (!img) return;
      url.current = URL.createObjectURL(file);
      img.src = url.current;
    },
    [file],
  );
  return (
    <img
      className="upkit-item__thumb"
      style={{ objectFit: 'cover' }}
      // For the bench only: an Element Timing entry when the image is first painted.
      {...{ elementtiming: 'thumb' }}
      ref={ref}
      alt=""
      // A file the browser cannot decode shows the placeholder, not a broken image.
      onError={(event) => (event.currentTarget.style.visibility = 'hidden')}
    />
  );
});
