// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useMultipartUpload } from '../../src/react/useMultipartUpload';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';

describe('server rendering', () => {
  it('renders on a server with no window, document or storage', () => {
    expect(typeof window).toBe('undefined');
    function Page() {
      const single = usePresignedUpload({ endpoint: '/api/upload' });
      const multi = useMultipartUpload({ endpoint: '/api/upload' });
      return (
        <p>
          {single.status}/{multi.status}/{single.items.length}/{multi.progress.fraction}
        </p>
      );
    }
    expect(renderToString(<Page />)).toBe(
      '<p>idle<!-- -->/<!-- -->idle<!-- -->/<!-- -->0<!-- -->/<!-- -->0</p>',
    );
  });

  it('imports the package entry points without touching browser globals', async () => {
    const core = await import('../../src/index');
    const react = await import('../../src/react');
    expect(typeof core.createUploader).toBe('function');
    expect(typeof react.usePresignedUpload).toBe('function');
  });
});
