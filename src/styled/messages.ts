import { defaultMessages, type UploadMessages } from '../headless/itemProps';
import type { UploadError, UploadErrorCode } from '../core/errors';
import { formatBytePair } from './format';
import { defaultAnnouncerMessages, type AnnouncerMessages } from '../headless/useUploadAnnouncer';

/** Every visible string of the styled components. */
export interface StyledMessages extends UploadMessages, AnnouncerMessages {
  /** The file list's accessible name. */
  listLabel: string;
  dropzone: string;
  dropzoneActive: string;
  browse: string;
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
}

/** English, the default. */
export const en: StyledMessages = {
  ...defaultMessages,
  ...defaultAnnouncerMessages,
  listLabel: 'Files',
  dropzone: 'Drop files here or choose them',
  dropzoneActive: 'Drop the files to upload them',
  browse: 'Choose files',
  offline: 'You are offline. Uploads go on by themselves when the network is back.',
  resumableLabel: 'Interrupted uploads',
  interrupted: (uploaded, total) => `Interrupted at ${uploaded} of ${total}`,
  resumePick: 'Choose file to resume',
  discard: 'Discard',
  resumeFailed: (error) => error.message,
  remaining: (seconds) =>
    seconds < 60 ? `${Math.ceil(seconds)} s left` : `${Math.ceil(seconds / 60)} min left`,
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
  done: (files) => `${files} fichier${files > 1 ? 's envoyés' : ' envoyé'}.`,
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
        return frTransport[error.code];
    }
  },
  listLabel: 'Fichiers',
  dropzone: 'Déposez des fichiers ici ou choisissez-les',
  dropzoneActive: 'Déposez les fichiers pour les envoyer',
  browse: 'Choisir des fichiers',
  offline: 'Vous êtes hors ligne. Les envois reprendront d’eux-mêmes au retour du réseau.',
  resumableLabel: 'Envois interrompus',
  interrupted: (uploaded, total) => `Interrompu à ${uploaded} sur ${total}`,
  resumePick: 'Choisir le fichier pour reprendre',
  discard: 'Abandonner',
  resumeFailed: (error) => frTransport[error.code as keyof typeof frTransport] ?? error.message,
  remaining: (seconds) =>
    seconds < 60 ? `${Math.ceil(seconds)} s restantes` : `${Math.ceil(seconds / 60)} min restantes`,
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
