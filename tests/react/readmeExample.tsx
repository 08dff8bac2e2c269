import { itemFraction } from 'upkit';
import { usePresignedUpload } from 'upkit/react';

export function AvatarUpload() {
  const { upload, items, retry } = usePresignedUpload({
    endpoint: '/api/upload',
    accept: 'image/*',
    maxFileSize: 10 * 1024 * 1024,
  });

  return (
    <div>
      <input
        type="file"
        accept="image/*"
        aria-label="Choose images"
        multiple
        onChange={(event) => event.target.files && upload(event.target.files)}
      />
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            {item.name}: {item.status} {Math.round(itemFraction(item) * 100)}%
            {item.error && (
              <>
                {' '}
                {item.error.message}
                {!item.error.isValidation && <button onClick={() => retry(item.id)}>Retry</button>}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
