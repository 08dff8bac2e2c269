import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import * as React from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import ts from 'typescript';
import * as upkit from 'upkit';
import { createUploadMocks } from 'upkit/msw';
import * as upkitReact from 'upkit/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as ButtonModule from '@/components/ui/button';
import type * as ProgressModule from '@/components/ui/progress';
import type * as UtilsModule from '@/lib/utils';
import type * as Item from '../../registry/upkit/upkit-uploader';
import { patternedFile } from '../helpers/memoryStorage';

// issue 12: the shadcn/ui registry item (registry.json, built into public/r by `shadcn build`).

const root = join(import.meta.dirname, '../..');
const ITEM = 'upkit-uploader';
const SOURCE = 'registry/upkit/upkit-uploader.tsx';

interface RegistryItem {
  name: string;
  dependencies?: string[];
  registryDependencies?: string[];
  files?: { path: string; type: string; target?: string; content?: string }[];
}

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, 'utf8')) as T;
const registryItem = async () =>
  (await readJson<{ items: RegistryItem[] }>(join(root, 'registry.json'))).items.find(
    (item) => item.name === ITEM,
  );

describe('registry.json and public/r', () => {
  it('public/r is what `shadcn build` makes of registry.json and the item files now', async () => {
    const out = await mkdtemp(join(tmpdir(), 'upkit-registry-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules/shadcn/dist/index.js'), 'build', '--output', out],
        { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      );
      const built = (await readdir(out)).sort();
      expect(built).toEqual(['registry.json', `${ITEM}.json`]);
      expect((await readdir(join(root, 'public/r'))).sort()).toEqual(built);
      // Compared parsed: prettier formats public/r, the CLI writes JSON.stringify's layout.
      for (const name of built) {
        expect(
          await readJson(join(root, 'public/r', name)),
          `public/r/${name} is stale: run npm run registry:build`,
        ).toEqual(await readJson(join(out, name)));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('imports only react, upkit, upkit/react and the shadcn modules it declares', async () => {
    const item = await registryItem();
    const published = await readJson<RegistryItem>(join(root, `public/r/${ITEM}.json`));
    expect(published.files?.map((file) => [file.path, file.target])).toEqual([
      [SOURCE, 'components/upkit-uploader.tsx'],
    ]);
    for (const file of published.files ?? []) {
      const imports = ts.preProcessFile(file.content ?? '', true, true).importedFiles.map((i) => i.fileName);
      expect(imports).toContain('upkit/react');
      for (const specifier of imports) {
        // Not upkit/styled, upkit/server, nor a path into upkit's sources or dist.
        expect(specifier, `${file.path} imports ${specifier}`).toMatch(
          /^(react|upkit|upkit\/react|@\/lib\/utils|@\/components\/ui\/[a-z-]+)$/,
        );
        const ui = /^@\/components\/ui\/(.+)$/.exec(specifier)?.[1];
        if (ui) expect(item?.registryDependencies, `${specifier} needs "${ui}"`).toContain(ui);
      }
    }
    // upkit's hooks run control calls as TanStack Query mutations: a peer dependency of upkit's.
    expect(item?.dependencies).toEqual(['upkit', '@tanstack/react-query']);
  });

  it("typechecks against upkit's types and shadcn's Button, Progress and cn", async () => {
    const files = ((await registryItem())?.files ?? []).map((file) => join(root, file.path));
    const stubs = join(root, 'registry/__stubs__/shadcn.d.ts');
    // A strict app's settings; `upkit` resolves to this repo's sources, whose types it publishes.
    const program = ts.createProgram([...files, stubs], {
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      jsx: ts.JsxEmit.ReactJSX,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      skipLibCheck: true,
      noEmit: true,
      paths: { upkit: [join(root, 'src/index.ts')], 'upkit/react': [join(root, 'src/react.ts')] },
    });
    // The item's files and the stubs only: the rest of the repo has its own `tsc`.
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...[...files, stubs].flatMap((file) => {
        const source = program.getSourceFile(file);
        if (!source) throw new Error(`not in the program: ${file}`);
        return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      }),
    ];
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    });
    expect(text).toBe('');
  }, 90_000);
});

// What a shadcn project provides, behaving in the DOM as shadcn's own: new-york-v4's `Button`,
// and `Progress` on Radix's Progress.Root, which sets role, values and data-state itself and
// lets the caller's props win. Typed by registry/__stubs__/shadcn.d.ts.
const { createElement: h } = React;
const shadcn = {
  '@/lib/utils': {
    cn: (...classes) => classes.filter((c) => typeof c === 'string' && c !== '').join(' '),
  } satisfies typeof UtilsModule,
  '@/components/ui/button': {
    Button: ({ variant, size, asChild: _asChild, ...props }) =>
      h('button', { 'data-slot': 'button', 'data-variant': variant, 'data-size': size, ...props }),
  } satisfies typeof ButtonModule,
  '@/components/ui/progress': {
    Progress: ({ value, max = 100, getValueLabel = (v, m) => `${Math.round((v / m) * 100)}%`, ...props }) =>
      h(
        'div',
        {
          role: 'progressbar',
          'aria-valuemin': 0,
          'aria-valuemax': max,
          'aria-valuenow': value ?? undefined,
          'aria-valuetext': value == null ? undefined : getValueLabel(value, max),
          'data-state': value == null ? 'indeterminate' : value === max ? 'complete' : 'loading',
          'data-slot': 'progress',
          ...props,
        },
        h('div', {
          'data-slot': 'progress-indicator',
          style: { transform: `translateX(-${100 - (value ?? 0)}%)` },
        }),
      ),
  } satisfies typeof ProgressModule,
};

/**
 * The item's file as a shadcn project runs it. Vite cannot load it here: nothing resolves `@/…`
 * (vite.config.ts has no alias for it, and a test cannot add one), and Vite's import analysis
 * rejects an unresolved import before `vi.mock` is consulted. So TypeScript compiles it to
 * CommonJS and its `require` gets the React and upkit modules this test uses, and the stand-ins
 * above for the shadcn ones; any other import fails.
 */
async function loadItem(): Promise<typeof Item> {
  const { outputText } = ts.transpileModule(await readFile(join(root, SOURCE), 'utf8'), {
    fileName: SOURCE,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      jsx: ts.JsxEmit.ReactJSX,
    },
  });
  const modules: Record<string, unknown> = {
    react: React,
    'react/jsx-runtime': jsxRuntime,
    upkit,
    'upkit/react': upkitReact,
    ...shadcn,
  };
  const require = (id: string) => {
    if (!(id in modules)) throw new Error(`${SOURCE} imports ${id}, which is not the item's to import`);
    return modules[id];
  };
  const module = { exports: {} };
  // The module wrapper, as Node's.
  new Function('require', 'module', 'exports', outputText)(require, module, module.exports);
  return module.exports as typeof Item;
}

describe('<UpkitUploader>', () => {
  const mocks = createUploadMocks();
  const server = setupServer(...mocks.handlers);
  let UpkitUploader: typeof Item.UpkitUploader;
  beforeAll(async () => {
    ({ UpkitUploader } = await loadItem());
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => {
    server.resetHandlers(...mocks.handlers);
    mocks.reset();
  });
  afterAll(() => server.close());

  const uploader = (props: Partial<Item.UpkitUploaderProps> = {}) =>
    render(
      h(UpkitUploader, {
        endpoint: '/api/upload',
        resumeStorage: false,
        ...props,
      } as Item.UpkitUploaderProps),
    );
  const input = (container: HTMLElement) => container.querySelector<HTMLInputElement>('input[type="file"]')!;
  const row = async (name: string) => (await screen.findByText(name)).closest('li')!;
  const actions = (li: HTMLElement) =>
    within(li)
      .queryAllByRole('button')
      .map((button) => button.textContent);
  const zone = () => screen.getByRole('button', { name: 'Drop files here or click to choose them' });

  it('uploads a picked file to done, with an accessible progress bar, a summary and an announcement', async () => {
    const user = userEvent.setup();
    const { container } = uploader({ className: 'mt-4' });
    expect(container.firstElementChild?.className).toContain('mt-4');
    expect(zone().tabIndex).toBe(0);
    await user.upload(input(container), patternedFile(2500, 'notes.txt', 'text/plain'));

    const item = await row('notes.txt');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    const bar = within(item).getByRole('progressbar', { name: 'Upload progress of notes.txt' });
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
    // upkit's value text, not Radix's "100%".
    expect(bar.getAttribute('aria-valuetext')).toBe('100%, done');
    expect(within(item).getByText('Uploaded')).toBeTruthy();
    expect(actions(item)).toEqual(['Remove']);
    expect(screen.getByText(/^All 1 file uploaded · /)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('1 file uploaded.');
    expect(mocks.objects.size).toBe(1);
  });

  it('opens the file picker with Enter and Space', async () => {
    const user = userEvent.setup();
    const { container } = uploader();
    const click = vi.spyOn(input(container), 'click');
    zone().focus();
    await user.keyboard('{Enter}');
    await user.keyboard(' ');
    expect(click).toHaveBeenCalledTimes(2);
  });

  it('Remove takes the row away and gives focus back to the drop zone', async () => {
    const user = userEvent.setup();
    const { container } = uploader();
    await user.upload(input(container), [patternedFile(10, 'a.txt'), patternedFile(10, 'b.txt')]);
    const a = await row('a.txt');
    await waitFor(() => expect(a.getAttribute('data-state')).toBe('done'));
    await user.click(within(a).getByRole('button', { name: 'Remove a.txt' }));
    await waitFor(() => expect(screen.queryByText('a.txt')).toBeNull());
    expect(screen.getByText('b.txt')).toBeTruthy();
    expect(document.activeElement).toBe(zone());
  });

  it('Pause and Resume: the buttons follow the status and keyboard focus stays in the row', async () => {
    let release = () => {};
    const held = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    server.resetHandlers(...createUploadMocks({ onStorage: () => held }).handlers);
    const user = userEvent.setup();
    const { container } = uploader();
    await user.upload(input(container), patternedFile(1000, 'big.bin'));
    const item = await row('big.bin');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('uploading'));
    expect(actions(item)).toEqual(['Pause', 'Cancel', 'Remove']);

    within(item).getByRole('button', { name: 'Pause big.bin' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('paused'));
    expect(actions(item)).toEqual(['Resume', 'Cancel', 'Remove']);
    expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Resume big.bin' }));

    await user.keyboard('{Enter}');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('uploading'));
    act(() => release());
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
  });

  /** report.pdf uploading, its PUT held until `release`, keyboard focus on its Cancel. */
  async function focusedWhileUploading() {
    let release = () => {};
    const held = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    server.resetHandlers(...createUploadMocks({ onStorage: () => held }).handlers);
    const { container } = uploader();
    await userEvent.setup().upload(input(container), patternedFile(1000, 'report.pdf', 'application/pdf'));
    const item = await row('report.pdf');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('uploading'));
    within(item).getByRole('button', { name: 'Cancel report.pdf' }).focus();
    return { item, release };
  }

  it('keeps keyboard focus in the row when a finished upload takes its Cancel away', async () => {
    const { item, release } = await focusedWhileUploading();
    act(() => release());
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Remove report.pdf' }));
  });

  it('leaves alone focus the user took elsewhere when a button it once had goes', async () => {
    const { item, release } = await focusedWhileUploading();
    // The user clicks the page's background: focus goes to <body>, and must stay there.
    act(() => (document.activeElement as HTMLElement).blur());
    act(() => release());
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    expect(document.activeElement).toBe(document.body);
  });

  it('shows a failure with its reason and Retry, which uploads the file', async () => {
    let failing = true;
    server.resetHandlers(
      ...createUploadMocks({
        onControl: ({ path }) =>
          path === 'complete' && failing
            ? HttpResponse.json({ error: { code: 'busy', message: 'Storage is busy.' } }, { status: 503 })
            : undefined,
      }).handlers,
    );
    const user = userEvent.setup();
    const { container } = uploader({ retry: { retries: 0 } });
    await user.upload(input(container), patternedFile(100, 'photo.png', 'image/png'));
    const item = await row('photo.png');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('error'));
    expect(within(item).getByText('Failed')).toBeTruthy();
    expect(item.querySelector('[data-code]')?.textContent).toMatch(/\S/);
    expect(actions(item)).toEqual(['Retry', 'Remove']);
    expect(screen.getByText(/^0 of 1 file uploaded · 1 failed · /)).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^photo\.png failed: /));

    failing = false;
    await user.click(within(item).getByRole('button', { name: 'Retry photo.png' }));
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
  });

  it('describes the drop zone with its limits in words, and not without limits', () => {
    const { unmount } = uploader({
      accept: ['image/*', 'application/pdf'],
      maxFileSize: 20_000_000,
      maxFiles: 10,
    });
    const limits = document.getElementById(zone().getAttribute('aria-describedby') ?? '');
    expect(limits?.textContent).toBe('Images and PDFs, up to 20 MB, 10 files at most');
    // Outside the zone: its name stays the prompt.
    expect(zone().contains(limits)).toBe(false);
    unmount();
    uploader();
    expect(zone().hasAttribute('aria-describedby')).toBe(false);
  });

  it('sums the list with the speed and the time left while bytes move', async () => {
    // A transport that reports what the test says, on a clock the test moves: 1,000 bytes in 1 s.
    let clock = 0;
    let report = (_loaded: number) => {};
    const transport: upkit.Transport = (request) => {
      report = request.onProgress;
      return new Promise(() => {});
    };
    const user = userEvent.setup();
    const { container, unmount } = uploader({ transport, now: () => clock });
    await user.upload(input(container), patternedFile(31_000, 'clip.mp4', 'video/mp4'));
    const item = await row('clip.mp4');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('uploading'));
    act(() => {
      clock = 1000;
      report(1000);
    });
    const all = screen.getByRole('group', { name: 'All uploads' });
    await waitFor(() =>
      expect(within(all).getByText(/uploaded/).textContent).toBe(
        '0 of 1 file uploaded · 1 kB of 31 kB · 1 kB/s · 30 s left',
      ),
    );
    unmount();
  });

  it('Retry failed retries only the failures that can succeed', async () => {
    let busy = true;
    server.resetHandlers(
      ...createUploadMocks({
        onControl: ({ path, body }) => {
          if (path !== 'complete') return undefined;
          const { name } = body.file as { name: string };
          // upkit/server's answer to bytes that are not the declared type: sending again cannot help.
          if (name === 'fake.png')
            return HttpResponse.json(
              { error: { code: 'content-mismatch', message: 'Not a PNG.' } },
              { status: 415 },
            );
          return busy
            ? HttpResponse.json({ error: { code: 'busy', message: 'Storage is busy.' } }, { status: 503 })
            : undefined;
        },
      }).handlers,
    );
    const user = userEvent.setup();
    const { container } = uploader({ retry: { retries: 0 } });
    await user.upload(input(container), [
      patternedFile(100, 'fake.png', 'image/png'),
      patternedFile(100, 'busy.png', 'image/png'),
    ]);
    const [fake, busyRow] = [await row('fake.png'), await row('busy.png')];
    await waitFor(() =>
      expect([fake, busyRow].map((li) => li.getAttribute('data-state'))).toEqual(['error', 'error']),
    );
    expect(actions(fake)).toEqual(['Remove']);
    expect(fake.textContent).toContain('Sending it again will not help.');
    expect(actions(busyRow)).toEqual(['Retry', 'Remove']);
    expect(busyRow.textContent).not.toContain('will not help');
    const all = screen.getByRole('group', { name: 'All uploads' });
    expect(within(all).getByText(/^0 of 2 files uploaded · 2 failed · /)).toBeTruthy();
    expect(actions(all)).toEqual(['Retry failed']);

    busy = false;
    await user.click(within(all).getByRole('button', { name: 'Retry failed' }));
    await waitFor(() => expect(busyRow.getAttribute('data-state')).toBe('done'));
    expect(fake.getAttribute('data-state')).toBe('error');
    expect(within(all).getByText(/^1 of 2 files uploaded · 1 failed · /)).toBeTruthy();
    expect(actions(all)).toEqual([]);
  });

  it('Pause all, Resume all and Cancel all act on every file, and keyboard focus follows', async () => {
    server.resetHandlers(
      ...createUploadMocks({ onStorage: () => new Promise<undefined>(() => {}) }).handlers,
    );
    const user = userEvent.setup();
    const { container } = uploader();
    await user.upload(input(container), [patternedFile(1000, 'a.bin'), patternedFile(1000, 'b.bin')]);
    const rows = [await row('a.bin'), await row('b.bin')];
    const states = () => rows.map((li) => li.getAttribute('data-state'));
    await waitFor(() => expect(states()).toEqual(['uploading', 'uploading']));
    const all = screen.getByRole('group', { name: 'All uploads' });
    expect(actions(all)).toEqual(['Pause all', 'Cancel all']);

    within(all).getByRole('button', { name: 'Pause all' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(states()).toEqual(['paused', 'paused']));
    expect(actions(all)).toEqual(['Resume all', 'Cancel all']);
    // Pause all gave way to Resume all, which takes focus.
    expect(document.activeElement).toBe(within(all).getByRole('button', { name: 'Resume all' }));

    await user.keyboard('{Enter}');
    await waitFor(() => expect(states()).toEqual(['uploading', 'uploading']));
    within(all).getByRole('button', { name: 'Cancel all' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(states()).toEqual(['canceled', 'canceled']));
    // Nothing left to sum: the summary is gone, and focus is back on the drop zone.
    expect(screen.queryByRole('group', { name: 'All uploads' })).toBeNull();
    expect(document.activeElement).toBe(zone());
  });

  it('picks a folder with folders, sending each file with its path in it', async () => {
    const { container, unmount } = uploader();
    expect(screen.queryByRole('button', { name: 'Choose a folder' })).toBeNull();
    expect(container.querySelector('input[webkitdirectory]')).toBeNull();
    unmount();
    const picker = uploader({ folders: true });
    const user = userEvent.setup();
    const folder = picker.container.querySelector<HTMLInputElement>('input[webkitdirectory]')!;
    const click = vi.spyOn(folder, 'click');
    await user.click(screen.getByRole('button', { name: 'Choose a folder' }));
    expect(click).toHaveBeenCalledTimes(1);
    const photo = patternedFile(100, 'a.png', 'image/png');
    Object.defineProperty(photo, 'webkitRelativePath', { value: 'trip/day1/a.png' });
    fireEvent.change(folder, { target: { files: [photo] } });
    const item = await row('a.png');
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    expect(JSON.stringify(mocks.requests.map((request) => request.body))).toContain(
      '"relativePath":"trip/day1/a.png"',
    );
  });

  it('refuses a file the options do not accept, offers only Remove, and leaves it out of the summary', async () => {
    const user = userEvent.setup({ applyAccept: false });
    const { container } = uploader({ accept: 'image/*' });
    expect(input(container).accept).toBe('image/*');
    await user.upload(input(container), [
      patternedFile(10, 'a.txt', 'text/plain'),
      patternedFile(10, 'b.png', 'image/png'),
    ]);
    const refused = await row('a.txt');
    expect(refused.getAttribute('data-state')).toBe('error');
    expect(refused.querySelector('[data-code]')?.getAttribute('data-code')).toBe('file-type-not-allowed');
    expect(actions(refused)).toEqual(['Remove']);
    await waitFor(() => expect(screen.getByText(/^All 1 file uploaded · /)).toBeTruthy());
    expect(mocks.objects.size).toBe(1);
    expect(JSON.stringify(mocks.requests)).not.toContain('a.txt');
  });
});
