import { defaultMessages, type UploadMessages } from '../headless/itemProps';
import { defaultAnnouncerMessages, type AnnouncerMessages } from '../headless/useUploadAnnouncer';

/** Every visible string of the styled components. */
export interface StyledMessages extends UploadMessages, AnnouncerMessages {
  dropzone: string;
  dropzoneActive: string;
  browse: string;
  remaining: (seconds: number) => string;
  status: Record<
    'queued' | 'signing' | 'uploading' | 'completing' | 'done' | 'paused' | 'error' | 'canceled',
    string
  >;
}

/** English, the default. */
export const en: StyledMessages = {
  ...defaultMessages,
  ...defaultAnnouncerMessages,
  dropzone: 'Drop files here or choose them',
  dropzoneActive: 'Drop the files to upload them',
  browse: 'Choose files',
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
  progressLabel: (name) => `Progression de l’envoi de ${name}`,
  progressValue: (percent) => `${percent} %`,
  started: (files) => `Envoi de ${files} fichier${files > 1 ? 's' : ''}.`,
  milestone: (percent) => `Envoi à ${percent} %.`,
  done: (files) => `${files} fichier${files > 1 ? 's envoyés' : ' envoyé'}.`,
  failed: (name, reason) => `Échec de ${name} : ${reason}`,
  dropzone: 'Déposez des fichiers ici ou choisissez-les',
  dropzoneActive: 'Déposez les fichiers pour les envoyer',
  browse: 'Choisir des fichiers',
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
