import { useEffect, useState } from 'react';
import { relativePathOf, type UploadItem } from 'upkit';
import { en, fr, Uploader, type UploaderProps, type UploadField } from 'upkit/styled';
import { Bucket, useBucket } from './bucket';

type Theme = NonNullable<UploaderProps['theme']>;
type Lang = 'en' | 'fr';

// The fields' labels are the app's own words, in the page's language.
const FIELDS: Record<Lang, UploadField[]> = {
  en: [
    { name: 'title', label: 'Title', required: true },
    { name: 'alt', label: 'Alt text', type: 'textarea', when: (item) => item.type.startsWith('image/') },
  ],
  fr: [
    { name: 'title', label: 'Titre', required: true },
    {
      name: 'alt',
      label: 'Texte alternatif',
      type: 'textarea',
      when: (item) => item.type.startsWith('image/'),
    },
  ],
};

/**
 * The page's variants, each its own URL (`?ui=styled`, `&photos=1`, `&fields=1`): what it
 * passes to `<Uploader>`, and the same as code for the reader. Every variant's size limit is
 * under the demo server's own (2 GiB), so the hint under the drop zone always says something.
 */
const VARIANTS = {
  any: {
    label: 'Any file',
    props: () => ({ maxFileSize: 2_000_000_000 }),
    code: `<Uploader endpoint="/api/upload" maxFileSize={2_000_000_000} />`,
  },
  photos: {
    label: 'Photos: limits, camera, folders',
    props: () => ({
      accept: 'image/*',
      maxFileSize: 20_000_000,
      maxFiles: 50,
      // Phones open the back camera; desktops ignore it and show the file chooser.
      capture: 'environment' as const,
      folders: true,
    }),
    code: `<Uploader
  endpoint="/api/upload"
  accept="image/*"
  maxFileSize={20_000_000}
  maxFiles={50}
  capture="environment"
  folders
/>`,
  },
  fields: {
    label: 'Fields before upload',
    props: (lang: Lang) => ({ maxFileSize: 2_000_000_000, autoStart: false, fields: FIELDS[lang] }),
    code: `<Uploader
  endpoint="/api/upload"
  maxFileSize={2_000_000_000}
  autoStart={false}
  fields={[
    { name: 'title', label: 'Title', required: true },
    { name: 'alt', label: 'Alt text', type: 'textarea', when: (item) => item.type.startsWith('image/') },
  ]}
/>`,
  },
} satisfies Record<string, { label: string; props: (lang: Lang) => Partial<UploaderProps>; code: string }>;

type Variant = keyof typeof VARIANTS;

const variantOf = (params: URLSearchParams): Variant =>
  params.get('fields') === '1' ? 'fields' : params.get('photos') === '1' ? 'photos' : 'any';

/** This page's URL with `changes` applied (`undefined` removes a parameter). */
function withParams(changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(name);
    else params.set(name, value);
  }
  return `?${params}`;
}

/** A labelled group of radio buttons, for the theme and the language. */
function Choice<T extends string>({
  legend,
  value,
  options,
  onChange,
}: {
  legend: string;
  value: T;
  options: Record<T, string>;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="choice">
      <legend>{legend}</legend>
      {(Object.entries(options) as [T, string][]).map(([option, label]) => (
        <label key={option}>
          <input type="radio" name={legend} checked={value === option} onChange={() => onChange(option)} />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * What each finished file told the backend besides its name, size and type: its fields, and its
 * path in a picked or dropped folder (sent as `metadata.relativePath`).
 */
function SentMetadata({ items }: { items: readonly UploadItem[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h2>Sent with metadata</h2>
      <ul data-testid="metadata">
        {items.map((item) => (
          <li key={item.id}>
            {item.name}: <code>{JSON.stringify(sentMetadata(item))}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

// As upkit builds it: the folder path first, the app's own metadata over it.
const sentMetadata = (item: UploadItem) => {
  const relativePath = relativePathOf(item.file);
  return { ...(relativePath === undefined ? {} : { relativePath }), ...item.metadata };
};

/** The same upload through the ready-made `<Uploader>` from upkit/styled, in three variants. */
export function StyledDemo({
  multipartThreshold,
  partSize,
}: {
  multipartThreshold: number;
  partSize: number;
}) {
  const bucket = useBucket();
  const params = new URLSearchParams(location.search);
  const variant = variantOf(params);
  const [theme, setTheme] = useState<Theme>(() => {
    const asked = params.get('theme');
    return asked === 'light' || asked === 'dark' ? asked : 'system';
  });
  const [lang, setLang] = useState<Lang>(() => (params.get('lang') === 'fr' ? 'fr' : 'en'));
  const [sent, setSent] = useState<UploadItem[]>([]);
  // In the URL only when not the default: a reload, and the variants' links, keep them.
  const choices = { theme: theme === 'system' ? undefined : theme, lang: lang === 'en' ? undefined : lang };
  const url = withParams(choices);
  // The page around the uploader takes the same scheme.
  useEffect(() => {
    document.documentElement.style.colorScheme = theme === 'system' ? '' : theme;
  }, [theme]);
  useEffect(() => history.replaceState(null, '', url), [url]);
  const { props, code } = VARIANTS[variant];
  const passed = props(lang);
  return (
    <main>
      <h1>upkit demo: the ready-made component</h1>
      <p className="muted">
        <code>{'<Uploader>'}</code> from <code>upkit/styled</code>, straight to the bucket.{' '}
        <a href="?">Back to the bare hook</a>.
      </p>
      <nav aria-label="Variants" className="variants">
        {(Object.keys(VARIANTS) as Variant[]).map((id) => (
          <a
            key={id}
            href={withParams({
              ...choices,
              photos: id === 'photos' ? '1' : undefined,
              fields: id === 'fields' ? '1' : undefined,
            })}
            {...(id === variant ? { 'aria-current': 'page' as const } : {})}
          >
            {VARIANTS[id].label}
          </a>
        ))}
      </nav>
      <div className="choices">
        <Choice
          legend="Theme"
          value={theme}
          options={{ system: 'System', light: 'Light', dark: 'Dark' }}
          onChange={setTheme}
        />
        <Choice
          legend="Language"
          value={lang}
          options={{ en: 'English', fr: 'Français' }}
          onChange={setLang}
        />
      </div>
      <pre className="code">
        <code>{code}</code>
      </pre>
      <Uploader
        endpoint="/api/upload"
        multipartThreshold={multipartThreshold}
        partSize={partSize}
        {...passed}
        theme={theme}
        {...(lang === 'fr' ? { locale: 'fr', messages: fr } : { messages: en })}
        onSuccess={(item) => {
          bucket.refresh();
          if (Object.keys(sentMetadata(item)).length > 0) setSent((list) => [...list, item]);
        }}
      />
      <SentMetadata items={sent} />
      <Bucket objects={bucket.objects} />
    </main>
  );
}
