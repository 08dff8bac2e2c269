import { defaultMessages, type UploadMessages } from '../headless/itemProps.js';
import type { UploadError, UploadErrorCode } from '../core/errors.js';
import { formatBytePair } from './format.js';
import { defaultAnnouncerMessages, type AnnouncerMessages } from '../headless/useUploadAnnouncer.js';

/** Every visible string of the styled components. */
export interface StyledMessages extends UploadMessages, AnnouncerMessages {
  /** The file list's accessible name. */
  listLabel: string;
  dropzone: string;
  dropzoneActive: string;
  browse: string;
  /** The folder picker's button (`folders`). */
  chooseFolder: string;
  /** Shown (and announced) while uploads wait for the network to come back. */
  offline: string;
  remaining: (seconds: number) => string;
  /** Heading of the uploads a reload or a closed tab interrupted. */
  resumableLabel: string;
  /** An interrupted upload's state, e.g. "Interrupted at 5.2 MB of 12 MB". */
  interrupted: (uploaded: string, total: string) => string;
  /** Resume an interrupted upload whose file the browser cannot reopen by itself. */
  resumePick: string;
  discard: string;
  /** Why an interrupted upload could not be resumed. */
  resumeFailed: (error: UploadError) => string;
  status: Record<
    'queued' | 'signing' | 'uploading' | 'completing' | 'done' | 'paused' | 'error' | 'canceled',
    string
  >;
  /** After the error of a file that sending again cannot help (its size, type or content). */
  finalHint: string;
  /** The status bar's accessible name, and its buttons. */
  statusBarLabel: string;
  pauseAll: string;
  resumeAll: string;
  cancelAll: string;
  retryFailed: string;
  /** Starts the files added with `autoStart: false` ("Upload 3 files"). */
  uploadFiles: (count: number) => string;
  /** Under an empty required field once a start was refused for it. */
  fieldRequired: (label: string) => string;
  /** The status bar's summary: "3 of 5 files uploaded", "All 5 files uploaded", "2 failed". */
  summary: (counts: { done: number; total: number; failed: number; paused: number }) => string;
  /**
   * The limits in words, under the drop zone ("Images and PDFs, up to 20 MB, 10 files at most");
   * `sizes` are already formatted. `undefined` shows nothing.
   */
  restrictions: (limits: { accept: string[]; maxFileSize?: string; maxFiles?: number }) => string | undefined;
}

// Words for accept tokens: `image/*` reads "images", `.pdf` and `application/pdf` "PDFs", and a
// short extension or subtype without words of its own "DOCX files" (`other`); longer MIME types
// (`application/msword`) stay as they are.
function acceptWords(
  tokens: string[],
  words: Record<string, string>,
  and: string,
  other: (extension: string) => string,
): string {
  const named = tokens.map((token) => {
    const extension = token.replace(/^[a-z]+\//, '.');
    return (
      words[token] ??
      words[extension] ??
      (/^\.[a-z\d]{1,4}$/.test(extension) ? other(extension.slice(1).toUpperCase()) : token)
    );
  });
  const unique = [...new Set(named)];
  return unique.length < 2 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} ${and} ${unique.at(-1)}`;
}

// Not a MIME type: "Application/msword" would read as a word.
const capital = (text: string) => (/^\w+\//.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1));

const EN_WORDS: Record<string, string> = {
  'image/*': 'images',
  'video/*': 'videos',
  'audio/*': 'audio',
  'text/*': 'text files',
  '.pdf': 'PDFs',
  '.png': 'PNG images',
  '.jpg': 'JPEG images',
  '.jpeg': 'JPEG images',
  '.zip': 'ZIP archives',
  '.csv': 'CSV files',
};

const FR_WORDS: Record<string, string> = {
  'image/*': 'images',
  'video/*': 'vidéos',
  'audio/*': 'fichiers audio',
  'text/*': 'fichiers texte',
  '.pdf': 'PDF',
  '.png': 'images PNG',
  '.jpg': 'images JPEG',
  '.jpeg': 'images JPEG',
  '.zip': 'archives ZIP',
  '.csv': 'fichiers CSV',
};

/** English, the default. */
export const en: StyledMessages = {
  ...defaultMessages,
  ...defaultAnnouncerMessages,
  listLabel: 'Files',
  dropzone: 'Drop files here or choose them',
  dropzoneActive: 'Drop the files to upload them',
  browse: 'Choose files',
  chooseFolder: 'Choose a folder',
  offline: 'You are offline. Uploads go on by themselves when the network is back.',
  resumableLabel: 'Interrupted uploads',
  interrupted: (uploaded, total) => `Interrupted at ${uploaded} of ${total}`,
  resumePick: 'Choose file to resume',
  discard: 'Discard',
  resumeFailed: (error) => error.message,
  remaining: (seconds) =>
    seconds < 60 ? `${Math.ceil(seconds)}\u00a0s left` : `${Math.ceil(seconds / 60)}\u00a0min left`,
  status: {
    queued: 'Waiting',
    signing: 'Preparing',
    uploading: 'Uploading',
    completing: 'Finishing',
    done: 'Uploaded',
    paused: 'Paused',
    error: 'Failed',
    canceled: 'Canceled',
  },
  finalHint: 'Sending it again will not help: remove it, or choose another file.',
  // Said once every file has settled: the status bar's summary.
  done: (done, failed) => `${en.summary({ done, total: done + failed, failed, paused: 0 })}.`,
  statusBarLabel: 'All uploads',
  pauseAll: 'Pause all',
  resumeAll: 'Resume all',
  cancelAll: 'Cancel all',
  retryFailed: 'Retry failed',
  uploadFiles: (count) => `Upload ${count} file${count === 1 ? '' : 's'}`,
  fieldRequired: (label) => `${label} is needed to upload this file.`,
  summary: ({ done, total, failed, paused }) => {
    const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
    const head =
      done < total
        ? `${done} of ${files(total)} uploaded`
        : total > 1
          ? `All ${files(total)} uploaded`
          : '1 file uploaded';
    return [head, failed > 0 && `${failed} failed`, paused > 0 && `${paused} paused`]
      .filter(Boolean)
      .join(', ');
  },
  restrictions: ({ accept, maxFileSize, maxFiles }) => {
    const parts = [
      accept.length > 0 && capital(acceptWords(accept, EN_WORDS, 'and', (type) => `${type} files`)),
      maxFileSize && `up to ${maxFileSize}`,
      maxFiles !== undefined && `${maxFiles} file${maxFiles === 1 ? '' : 's'} at most`,
    ].filter(Boolean);
    return parts.length > 0 ? capital(parts.join(', ')) : undefined;
  },
};

/** French, as an example of a locale. */
export const fr: StyledMessages = {
  pause: 'Mettre en pause',
  resume: 'Reprendre',
  cancel: 'Annuler',
  retry: 'Réessayer',
  remove: 'Retirer',
  actionLabel: (label, name) => `${label} ${name}`,
  progressLabel: (name) => `Progression de l’envoi de ${name}`,
  progressValue: (percent) => `${percent} %`,
  started: (files) => `Envoi de ${files} fichier${files > 1 ? 's' : ''}.`,
  milestone: (percent) => `Envoi à ${percent} %.`,
  done: (done, failed) => `${fr.summary({ done, total: done + failed, failed, paused: 0 })}.`,
  failed: (name, reason) => `Échec de ${name} : ${reason}`,
  errorMessage: (error, item) => {
    const limit = error.limit ?? 0;
    const [size, max] = formatBytePair(item.size, limit, 'fr');
    switch (error.code) {
      case 'file-too-large':
        return `« ${item.name} » pèse ${size} ; la limite est de ${max}. Choisissez un fichier plus petit.`;
      case 'file-too-small':
        return item.size === 0
          ? `« ${item.name} » est vide. Choisissez un fichier qui a un contenu.`
          : `« ${item.name} » pèse ${size} ; il faut au moins ${max}.`;
      case 'file-type-not-allowed':
        return `« ${item.name} » n’est pas d’un type accepté. Types acceptés : ${(error.accepted ?? []).join(', ')}.`;
      case 'too-many-files':
        return `« ${item.name} » n’a pas été ajouté : ${limit} fichier${limit > 1 ? 's' : ''} au plus. Retirez-en un et réessayez.`;
      default:
        if (error.code === 'backend-error') {
          const refused = frServerCodes[error.serverCode ?? ''];
          if (refused) return refused(item.name);
          // Refused for what it is (413, 415, an app's own final code): not "try again later".
          if (error.isFinal) return `Le serveur a refusé « ${item.name} ».`;
        }
        return frTransport[error.code];
    }
  },
  listLabel: 'Fichiers',
  dropzone: 'Déposez des fichiers ici ou choisissez-les',
  dropzoneActive: 'Déposez les fichiers pour les envoyer',
  browse: 'Choisir des fichiers',
  chooseFolder: 'Choisir un dossier',
  offline: 'Vous êtes hors ligne. Les envois reprendront d’eux-mêmes au retour du réseau.',
  resumableLabel: 'Envois interrompus',
  interrupted: (uploaded, total) => `Interrompu à ${uploaded} sur ${total}`,
  resumePick: 'Choisir le fichier pour reprendre',
  discard: 'Abandonner',
  resumeFailed: (error) => frTransport[error.code as keyof typeof frTransport] ?? error.message,
  remaining: (seconds) =>
    seconds < 60 ? `${Math.ceil(seconds)}\u00a0s restantes` : `${Math.ceil(seconds / 60)}\u00a0min restantes`,
  status: {
    queued: 'En attente',
    signing: 'Préparation',
    uploading: 'Envoi',
    completing: 'Finalisation',
    done: 'Envoyé',
    paused: 'En pause',
    error: 'Échec',
    canceled: 'Annulé',
  },
  finalHint: 'Le renvoyer n’y changera rien : retirez-le ou choisissez un autre fichier.',
  statusBarLabel: 'Tous les envois',
  pauseAll: 'Tout mettre en pause',
  resumeAll: 'Tout reprendre',
  cancelAll: 'Tout annuler',
  retryFailed: 'Réessayer les échecs',
  uploadFiles: (count) => `Envoyer ${count} fichier${count > 1 ? 's' : ''}`,
  fieldRequired: (label) => `Renseignez « ${label} » pour envoyer ce fichier.`,
  summary: ({ done, total, failed, paused }) => {
    const files = (n: number) => `${n} fichier${n > 1 ? 's' : ''}`;
    const head =
      done === total
        ? `${total > 1 ? `Les ${files(total)} envoyés` : '1 fichier envoyé'}`
        : `${done} sur ${files(total)} envoyé${done > 1 ? 's' : ''}`;
    return [head, failed > 0 && `${failed} en échec`, paused > 0 && `${paused} en pause`]
      .filter(Boolean)
      .join(', ');
  },
  restrictions: ({ accept, maxFileSize, maxFiles }) => {
    const parts = [
      accept.length > 0 && capital(acceptWords(accept, FR_WORDS, 'et', (type) => `fichiers ${type}`)),
      maxFileSize && `jusqu’à ${maxFileSize}`,
      maxFiles !== undefined && `${maxFiles} fichier${maxFiles > 1 ? 's' : ''} au plus`,
    ].filter(Boolean);
    return parts.length > 0 ? capital(parts.join(', ')) : undefined;
  },
};

// upkit/server's codes for a file refused after upload, or a protocol version (docs/protocol.md).
const frServerCodes: Record<string, (name: string) => string> = {
  'content-mismatch': (name) => `Le contenu de « ${name} » ne correspond pas à son type.`,
  'size-mismatch': (name) => `Le stockage n’a pas reçu « ${name} » à la taille annoncée.`,
  'protocol-too-old': () => 'Cette page est plus ancienne que le serveur : rechargez-la.',
  'protocol-too-new': () => 'Le serveur est plus ancien que cette page : prévenez l’administrateur.',
};

// Failures after validation, by code; the English texts carry details these leave out.
const frTransport: Record<
  Exclude<UploadErrorCode, 'file-too-large' | 'file-too-small' | 'file-type-not-allowed' | 'too-many-files'>,
  string
> = {
  network: 'La connexion a été perdue. Vérifiez le réseau et réessayez.',
  timeout: 'Le serveur n’a pas répondu à temps. Réessayez.',
  stalled: 'L’envoi s’est bloqué. Réessayez.',
  'url-expired': 'L’adresse d’envoi a expiré. Réessayez.',
  'missing-etag':
    'Le stockage n’expose pas l’en-tête ETag : ajoutez ETag à ExposeHeaders dans la configuration CORS du bucket.',
  'storage-rejected': 'Le stockage a refusé le fichier. Réessayez ou contactez l’administrateur.',
  'backend-error': 'Le serveur a refusé l’envoi. Réessayez plus tard.',
  'invalid-response': 'Le serveur a envoyé une réponse illisible. Contactez l’administrateur.',
  'resume-needs-file': 'Choisissez à nouveau le fichier pour reprendre son envoi.',
  'resume-file-mismatch': 'Ce n’est pas le fichier qui était en cours d’envoi : choisissez le même fichier.',
  'resume-gone': 'Cet envoi n’est plus mémorisé : envoyez à nouveau le fichier.',
  'resume-busy': 'Ce fichier est en cours d’envoi dans un autre onglet ; il continue là-bas.',
  aborted: 'Envoi interrompu.',
};
