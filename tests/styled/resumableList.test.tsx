import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { withHandle } from '../../src/core/resumeRecord';
import { memorySessionStore } from '../../src/core/resumeStore';
import { fr, Uploader } from '../../src/styled/index';
import { blobSha256, createMemoryStorage, patternedFile, sha256 } from '../helpers/memoryStorage';
import { interruptAfterPartOne, isPartOne } from '../helpers/resume';

// 12 MiB files hashed in jsdom: seconds on a busy two-core machine, not the default five.
vi.setConfig({ testTimeout: 30_000 });

// The styled uploader lists what a reload interrupted, above the files, with Resume and Discard.

const MiB = 1024 * 1024;

async function setup(files: File | File[], props: { messages?: typeof fr } = {}) {
  const storage = createMemoryStorage();
  const sessions = memorySessionStore();
  for (const file of [files].flat()) await interruptAfterPartOne(storage, sessions, file);
  const view = render(
    <Uploader
      backend={storage.backend}
      transport={storage.transport}
      resumeStorage={sessions}
      multipartThreshold={5 * MiB}
      partSize={5 * MiB}
      locale="en-US"
      {...props}
    />,
  );
  return { storage, sessions, ...view };
}

it('lists an interrupted upload, and resumes it from the file the user picks again without resending stored parts', async () => {
  const file = patternedFile(12 * MiB, 'film.mov', 'video/quicktime');
  const { storage, sessions } = await setup(file);
  const section = await screen.findByRole('region', { name: 'Interrupted uploads' });
  const row = within(section).getByText('film.mov').closest('li')!;
  expect(row.textContent).toMatch(/Interrupted at 5\.2 MB of 12\.6 MB/);

  const user = userEvent.setup();
  const resume = within(row).getByRole('button', { name: 'Choose file to resume film.mov' });
  await user.click(resume);
  await user.upload(row.querySelector('input[type="file"]') as HTMLInputElement, file);

  const list = await screen.findByRole('list', { name: 'Files' });
  const uploaded = within(list).getByText('film.mov').closest('li')!;
  await waitFor(() => expect(uploaded.getAttribute('data-state')).toBe('done'));
  expect(screen.queryByRole('region', { name: 'Interrupted uploads' })).toBeNull();
  expect(storage.puts.some(isPartOne)).toBe(false);
  const [object] = storage.objects.values();
  expect(sha256(object!)).toBe(await blobSha256(file));
  await waitFor(() => expect(sessions.records.size).toBe(0));
});

it('resumes through a kept file handle with one click', async () => {
  const file = patternedFile(12 * MiB, 'scan.tiff', 'image/tiff');
  const handle = { kind: 'file' as const, name: file.name, getFile: async () => file };
  const { storage } = await setup(withHandle(file, handle));
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Resume scan.tiff' }));
  const list = await screen.findByRole('list', { name: 'Files' });
  await waitFor(() =>
    expect(within(list).getByText('scan.tiff').closest('li')!.getAttribute('data-state')).toBe('done'),
  );
  expect(storage.puts.some(isPartOne)).toBe(false);
});

it('says why a picked file cannot resume, and Discard aborts the upload on storage', async () => {
  const { storage } = await setup(patternedFile(12 * MiB, 'a.bin'), { messages: fr });
  const section = await screen.findByRole('region', { name: 'Envois interrompus' });
  const user = userEvent.setup();
  await user.upload(
    section.querySelector('input[type="file"]') as HTMLInputElement,
    patternedFile(6 * MiB, 'b.bin'),
  );
  const alert = await within(section).findByRole('alert');
  expect(alert.getAttribute('data-code')).toBe('resume-file-mismatch');
  expect(alert.textContent).toBe(
    'Ce n’est pas le fichier qui était en cours d’envoi : choisissez le même fichier.',
  );
  expect(storage.uploads.size).toBe(1);

  await user.click(within(section).getByRole('button', { name: 'Abandonner a.bin' }));
  await waitFor(() => expect(storage.uploads.size).toBe(0));
  expect(screen.queryByRole('region', { name: 'Envois interrompus' })).toBeNull();
});

it('hands keyboard focus on when a row goes: to the next interrupted upload, then to the drop zone', async () => {
  await setup([patternedFile(12 * MiB, 'a.bin'), patternedFile(12 * MiB, 'b.bin')]);
  const user = userEvent.setup();
  (await screen.findByRole('button', { name: 'Discard a.bin' })).focus();
  await user.keyboard('{Enter}');
  await waitFor(() =>
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Choose file to resume b.bin'),
  );
  await user.keyboard('{Tab}{Enter}');
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Interrupted uploads' })).toBeNull());
  await waitFor(() =>
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Drop files here or choose them' }),
    ),
  );
});
