import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import type { ComponentPropsWithoutRef } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { Uploader, type UploadProgressProps } from '../../src/styled/index';
import { patternedFile } from '../helpers/memoryStorage';

// issue 12: at home in a design system: classNames per part, swapped components, unstyled.

const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mocks.reset());
afterAll(() => server.close());

const classNames = {
  root: 'ds-root',
  dropzone: 'ds-zone',
  hint: 'ds-hint',
  statusBar: 'ds-bar',
  item: 'ds-item',
  name: 'ds-name',
  progress: 'ds-progress',
  indicator: 'ds-indicator',
  action: 'ds-action',
};

async function addFiles(container: HTMLElement, names: string[]) {
  const user = userEvent.setup();
  await user.upload(
    container.querySelector('input[type="file"]') as HTMLInputElement,
    names.map((name) => patternedFile(100, name, 'text/plain')),
  );
  await waitFor(() => expect(container.querySelectorAll('li[data-state="done"]')).toHaveLength(names.length));
  return user;
}

describe('classNames and unstyled', () => {
  it("adds each part's class beside upkit's own", async () => {
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} maxFiles={3} classNames={classNames} />,
    );
    await addFiles(container, ['a.txt']);
    const expectClass = (selector: string, both: string[]) =>
      expect([...(container.querySelector(selector)?.classList ?? [])]).toEqual(both);
    expectClass('[data-upkit]', ['upkit', 'ds-root']);
    expectClass('[role="button"]', ['upkit-dropzone', 'ds-zone']);
    expectClass('[role="group"]', ['upkit-statusbar', 'ds-bar']);
    expectClass('li', ['upkit-item', 'ds-item']);
    expectClass('li bdi', ['upkit-item__name', 'ds-name']);
    expectClass('li [role="progressbar"]', ['upkit-progress', 'ds-progress']);
    expectClass('li [role="progressbar"] > div', ['upkit-progress__indicator', 'ds-indicator']);
    expectClass('li button:not([hidden])', ['upkit-action', 'ds-action']);
  });

  it('unstyled: not one upkit class is left, only the given ones', async () => {
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} maxFiles={3} classNames={classNames} unstyled />,
    );
    await addFiles(container, ['a.txt']);
    const classes = [...container.querySelectorAll('[class]')].flatMap((el) => [...el.classList]);
    expect(classes.filter((name) => name.startsWith('upkit'))).toEqual([]);
    expect(new Set(classes)).toEqual(new Set(Object.values(classNames)));
  });

  it('unstyled: removing the last file still hands focus back to the drop zone', async () => {
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} unstyled />);
    const user = await addFiles(container, ['a.txt']);
    screen.getByRole('button', { name: 'Remove a.txt' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(container.querySelector('li')).toBeNull());
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Drop files here or choose them' }),
    );
  });
});

describe('components', () => {
  function DsButton(props: ComponentPropsWithoutRef<'button'>) {
    return <button {...props} data-ds="button" />;
  }
  function DsProgress({ value, ...props }: UploadProgressProps) {
    return <div {...props} data-ds="progress" data-value={value} />;
  }

  it('renders every button and progress bar through the given components, names and actions kept', async () => {
    const { container } = render(
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}
        folders
        components={{ Button: DsButton, Progress: DsProgress }}
      />,
    );
    const user = await addFiles(container, ['a.txt', 'b.txt']);
    const buttons = [...container.querySelectorAll('button')];
    expect(buttons.length).toBeGreaterThan(2);
    expect(buttons.filter((button) => button.dataset.ds !== 'button')).toEqual([]);
    const bars = screen.getAllByRole('progressbar');
    expect(bars.map((bar) => [bar.dataset.ds, bar.dataset.value])).toEqual([
      ['progress', '100'],
      ['progress', '100'],
      ['progress', '100'],
    ]);
    expect(bars[1]?.getAttribute('aria-label')).toBe('Upload progress of a.txt');
    const row = screen.getByText('a.txt').closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Remove a.txt' }));
    await waitFor(() => expect(screen.queryByText('a.txt')).toBeNull());
  });
});
