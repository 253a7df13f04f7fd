import { esc } from './layout.js'

/**
 * The words of the emails a commenter gets (confirm, reply, approved, privacy), in the language
 * of the page they commented on (the widget sends it with the comment: `lang`). English is the
 * default; another language is one more entry here. `{placeholders}` are filled in: plain in the
 * text part, already-escaped HTML (a <strong>, a link) in the HTML part.
 */
export const EMAIL_LANGS = ['en', 'es', 'fr', 'de', 'pt-BR'] as const
export type EmailLang = (typeof EMAIL_LANGS)[number]

/**
 * The language for a tag as the widget sent it: the exact one, else the primary language
 * (es-MX → es), else one of that language (pt → pt-BR), else null (English).
 */
export function emailLang(tag: string | null | undefined): EmailLang | null {
  const want = (tag ?? '').trim().replace(/_/g, '-').toLowerCase()
  if (!want) return null
  const primary = want.split('-')[0]
  return (
    EMAIL_LANGS.find((l) => l.toLowerCase() === want) ??
    EMAIL_LANGS.find((l) => l.toLowerCase() === primary) ??
    EMAIL_LANGS.find((l) => l.toLowerCase().split('-')[0] === primary) ??
    null
  )
}

const EN = {
  /** How a title is quoted in running text and subjects. */
  quote: (s: string) => `"${s}"`,
  hello: 'Hello {name},',
  helloAnon: 'Hello there,',
  helloPlain: 'Hello,',
  someone: 'Someone',
  anArticle: 'an article',
  footWhy: 'You get this email because you asked {site} to notify you about replies.',
  unsubscribe: 'Unsubscribe',
  unsubHtml: '{unsubscribe} to stop all reply emails from {site}.',
  unsubText: 'Unsubscribe (stops all reply emails from {site}):',
  privacy: 'See, download or erase your comments',
  replySubject: '{who} replied to your comment on {title}',
  replyIntro: '{who} replied to your comment on {title}:',
  yourComment: 'Your comment:',
  readAndAnswer: 'Read the reply and answer:',
  readReply: 'Read the reply',
  confirmSubject: 'Please confirm your email address',
  confirmAsked: 'You asked to be told about replies to your comment on {title}.',
  confirmFirst: 'Please confirm your address first:',
  confirmButton: 'Confirm my address',
  confirmIgnore: 'If you did not ask for this, ignore this email: you will not get reply emails.',
  confirmDays: 'The link works for 7 days.',
  approvedSubject: 'Your comment on {title} is published',
  approvedIntro: 'Your comment on {title} has been approved and is now published:',
  seeIt: 'See it on the page',
  pSubject: 'Your comments and data',
  pAsked: 'You (or someone who typed your address) asked which comments {site} holds for this email address.',
  pOpen: 'Open this link to see them, download them, stop all emails, or erase everything:',
  pButton: 'See my comments and data',
  pWorks: 'The link works for 24 hours (until {until}). Anyone who has it can see and erase your comments: do not forward this email.',
  pOpenHere: '{link} if the button does not work.',
  pOpenHereLabel: 'Open it here',
  pIgnore: 'If you did not ask for this, ignore this email: nothing changes.',
  pWhy: 'You get this email because your address was entered on the privacy page of {site}.',
  followFootWhy: 'You get this email because you asked {site} to email you new comments on {title}.',
  followUnsubHtml: '{unsubscribe} to stop emails about this article.',
  followUnsubText: 'Unsubscribe (stops emails about this article):',
  followConfirmSubject: 'Please confirm: new comments on {title}',
  followConfirmAsked: 'You asked to get an email when new comments are published on {title}.',
  followConfirmIgnore: 'If you did not ask for this, ignore this email: you will get nothing.',
  followEvery: 'At most one email every {n} minutes, with the new comments.',
  digestSubjectOne: 'New comment on {title}',
  digestSubjectMany: '{n} new comments on {title}',
  digestIntroOne: 'A new comment was published on {title}:',
  digestIntroMany: '{n} new comments were published on {title}:',
  digestWrote: '{who} wrote:',
  digestMoreOne: 'One more comment is on the page.',
  digestMoreMany: '{n} more comments are on the page.',
  digestRead: 'Read the discussion',
}
export type EmailWords = typeof EN

const NB = '\u00a0'

const WORDS: Record<EmailLang, EmailWords> = {
  en: EN,
  es: {
    quote: (s) => `«${s}»`,
    hello: 'Hola, {name}:',
    helloAnon: 'Hola:',
    helloPlain: 'Hola:',
    someone: 'Alguien',
    anArticle: 'un artículo',
    footWhy: 'Recibes este correo porque pediste a {site} que te avisara de las respuestas.',
    unsubscribe: 'Darte de baja',
    unsubHtml: '{unsubscribe} para dejar de recibir todos los avisos de respuestas de {site}.',
    unsubText: 'Darte de baja (deja de recibir todos los avisos de respuestas de {site}):',
    privacy: 'Ver, descargar o borrar tus comentarios',
    replySubject: '{who} ha respondido a tu comentario en {title}',
    replyIntro: '{who} ha respondido a tu comentario en {title}:',
    yourComment: 'Tu comentario:',
    readAndAnswer: 'Lee la respuesta y contesta:',
    readReply: 'Leer la respuesta',
    confirmSubject: 'Confirma tu dirección de correo electrónico',
    confirmAsked: 'Has pedido que te avisemos de las respuestas a tu comentario en {title}.',
    confirmFirst: 'Primero confirma tu dirección:',
    confirmButton: 'Confirmar mi dirección',
    confirmIgnore: 'Si no lo has pedido tú, ignora este correo: no recibirás avisos de respuestas.',
    confirmDays: 'El enlace funciona durante 7 días.',
    approvedSubject: 'Tu comentario en {title} se ha publicado',
    approvedIntro: 'Tu comentario en {title} se ha aprobado y ya está publicado:',
    seeIt: 'Verlo en la página',
    pSubject: 'Tus comentarios y datos',
    pAsked: 'Tú (o alguien que escribió tu dirección) has preguntado qué comentarios guarda {site} de esta dirección de correo electrónico.',
    pOpen: 'Abre este enlace para verlos, descargarlos, dejar de recibir correos o borrarlo todo:',
    pButton: 'Ver mis comentarios y datos',
    pWorks: 'El enlace funciona durante 24 horas (hasta el {until}). Cualquiera que lo tenga puede ver y borrar tus comentarios: no reenvíes este correo.',
    pOpenHere: '{link} si el botón no funciona.',
    pOpenHereLabel: 'Ábrelo aquí',
    pIgnore: 'Si no lo has pedido tú, ignora este correo: no cambia nada.',
    pWhy: 'Recibes este correo porque se escribió tu dirección en la página de privacidad de {site}.',
    followFootWhy: 'Recibes este correo porque pediste a {site} que te enviara los nuevos comentarios de {title}.',
    followUnsubHtml: '{unsubscribe} para dejar de recibir correos sobre este artículo.',
    followUnsubText: 'Darte de baja (deja de recibir correos sobre este artículo):',
    followConfirmSubject: 'Confirma: nuevos comentarios en {title}',
    followConfirmAsked: 'Has pedido recibir un correo cuando se publiquen nuevos comentarios en {title}.',
    followConfirmIgnore: 'Si no lo has pedido tú, ignora este correo: no recibirás nada.',
    followEvery: 'Como mucho un correo cada {n} minutos, con los nuevos comentarios.',
    digestSubjectOne: 'Nuevo comentario en {title}',
    digestSubjectMany: '{n} comentarios nuevos en {title}',
    digestIntroOne: 'Se ha publicado un nuevo comentario en {title}:',
    digestIntroMany: 'Se han publicado {n} comentarios nuevos en {title}:',
    digestWrote: '{who} escribió:',
    digestMoreOne: 'Hay un comentario más en la página.',
    digestMoreMany: 'Hay {n} comentarios más en la página.',
    digestRead: 'Leer la conversación',
  },
  fr: {
    quote: (s) => `«${NB}${s}${NB}»`,
    hello: 'Bonjour {name},',
    helloAnon: 'Bonjour,',
    helloPlain: 'Bonjour,',
    someone: 'Quelqu’un',
    anArticle: 'un article',
    footWhy: 'Vous recevez cet e-mail parce que vous avez demandé à {site} de vous prévenir des réponses.',
    unsubscribe: 'Se désabonner',
    unsubHtml: '{unsubscribe} pour ne plus recevoir aucun e-mail de réponse de {site}.',
    unsubText: `Se désabonner (plus aucun e-mail de réponse de {site})${NB}:`,
    privacy: 'Voir, télécharger ou effacer vos commentaires',
    replySubject: '{who} a répondu à votre commentaire sur {title}',
    replyIntro: `{who} a répondu à votre commentaire sur {title}${NB}:`,
    yourComment: `Votre commentaire${NB}:`,
    readAndAnswer: `Lire la réponse et répondre${NB}:`,
    readReply: 'Lire la réponse',
    confirmSubject: 'Veuillez confirmer votre adresse e-mail',
    confirmAsked: 'Vous avez demandé à être prévenu des réponses à votre commentaire sur {title}.',
    confirmFirst: `Veuillez d’abord confirmer votre adresse${NB}:`,
    confirmButton: 'Confirmer mon adresse',
    confirmIgnore: `Si vous n’avez rien demandé, ignorez cet e-mail${NB}: vous ne recevrez pas d’e-mails de réponse.`,
    confirmDays: 'Le lien est valable 7 jours.',
    approvedSubject: 'Votre commentaire sur {title} est publié',
    approvedIntro: `Votre commentaire sur {title} a été approuvé et il est maintenant publié${NB}:`,
    seeIt: 'Le voir sur la page',
    pSubject: 'Vos commentaires et vos données',
    pAsked: 'Vous (ou quelqu’un qui a saisi votre adresse) avez demandé quels commentaires {site} conserve pour cette adresse e-mail.',
    pOpen: `Ouvrez ce lien pour les voir, les télécharger, arrêter tous les e-mails ou tout effacer${NB}:`,
    pButton: 'Voir mes commentaires et mes données',
    pWorks: `Le lien est valable 24 heures (jusqu’au {until}). Toute personne qui l’a peut voir et effacer vos commentaires${NB}: ne transférez pas cet e-mail.`,
    pOpenHere: '{link} si le bouton ne fonctionne pas.',
    pOpenHereLabel: 'Ouvrez-le ici',
    pIgnore: `Si vous n’avez rien demandé, ignorez cet e-mail${NB}: rien ne change.`,
    pWhy: 'Vous recevez cet e-mail parce que votre adresse a été saisie sur la page de confidentialité de {site}.',
    followFootWhy: 'Vous recevez cet e-mail parce que vous avez demandé à {site} de vous envoyer les nouveaux commentaires sur {title}.',
    followUnsubHtml: '{unsubscribe} pour ne plus recevoir d’e-mails sur cet article.',
    followUnsubText: `Se désabonner (plus aucun e-mail sur cet article)${NB}:`,
    followConfirmSubject: `Veuillez confirmer${NB}: nouveaux commentaires sur {title}`,
    followConfirmAsked: 'Vous avez demandé à recevoir un e-mail quand de nouveaux commentaires sont publiés sur {title}.',
    followConfirmIgnore: `Si vous n’avez rien demandé, ignorez cet e-mail${NB}: vous ne recevrez rien.`,
    followEvery: 'Au plus un e-mail toutes les {n} minutes, avec les nouveaux commentaires.',
    digestSubjectOne: 'Nouveau commentaire sur {title}',
    digestSubjectMany: '{n} nouveaux commentaires sur {title}',
    digestIntroOne: `Un nouveau commentaire a été publié sur {title}${NB}:`,
    digestIntroMany: `{n} nouveaux commentaires ont été publiés sur {title}${NB}:`,
    digestWrote: `{who} a écrit${NB}:`,
    digestMoreOne: 'Un autre commentaire est sur la page.',
    digestMoreMany: '{n} autres commentaires sont sur la page.',
    digestRead: 'Lire la discussion',
  },
  de: {
    quote: (s) => `„${s}“`,
    hello: 'Hallo {name},',
    helloAnon: 'Hallo,',
    helloPlain: 'Hallo,',
    someone: 'Jemand',
    anArticle: 'einem Artikel',
    footWhy: 'Du bekommst diese E-Mail, weil du {site} gebeten hast, dich über Antworten zu benachrichtigen.',
    unsubscribe: 'Abmelden',
    unsubHtml: '{unsubscribe}, um keine Antwort-E-Mails von {site} mehr zu bekommen.',
    unsubText: 'Abmelden (keine Antwort-E-Mails von {site} mehr):',
    privacy: 'Deine Kommentare ansehen, herunterladen oder löschen',
    replySubject: '{who} hat auf deinen Kommentar zu {title} geantwortet',
    replyIntro: '{who} hat auf deinen Kommentar zu {title} geantwortet:',
    yourComment: 'Dein Kommentar:',
    readAndAnswer: 'Antwort lesen und antworten:',
    readReply: 'Antwort lesen',
    confirmSubject: 'Bitte bestätige deine E-Mail-Adresse',
    confirmAsked: 'Du möchtest über Antworten auf deinen Kommentar zu {title} benachrichtigt werden.',
    confirmFirst: 'Bitte bestätige zuerst deine Adresse:',
    confirmButton: 'Meine Adresse bestätigen',
    confirmIgnore: 'Wenn du das nicht angefordert hast, ignoriere diese E-Mail: Du bekommst dann keine Benachrichtigungen.',
    confirmDays: 'Der Link ist 7 Tage gültig.',
    approvedSubject: 'Dein Kommentar zu {title} ist veröffentlicht',
    approvedIntro: 'Dein Kommentar zu {title} wurde freigegeben und ist jetzt veröffentlicht:',
    seeIt: 'Auf der Seite ansehen',
    pSubject: 'Deine Kommentare und Daten',
    pAsked: 'Du (oder jemand, der deine Adresse eingegeben hat) hast gefragt, welche Kommentare {site} zu dieser E-Mail-Adresse gespeichert hat.',
    pOpen: 'Öffne diesen Link, um sie anzusehen, herunterzuladen, alle E-Mails abzubestellen oder alles zu löschen:',
    pButton: 'Meine Kommentare und Daten ansehen',
    pWorks: 'Der Link ist 24 Stunden gültig (bis {until}). Wer ihn hat, kann deine Kommentare sehen und löschen: Leite diese E-Mail nicht weiter.',
    pOpenHere: '{link}, falls die Schaltfläche nicht funktioniert.',
    pOpenHereLabel: 'Hier öffnen',
    pIgnore: 'Wenn du das nicht angefordert hast, ignoriere diese E-Mail: Es ändert sich nichts.',
    pWhy: 'Du bekommst diese E-Mail, weil deine Adresse auf der Datenschutzseite von {site} eingegeben wurde.',
    followFootWhy: 'Du bekommst diese E-Mail, weil du {site} gebeten hast, dir neue Kommentare zu {title} zu schicken.',
    followUnsubHtml: '{unsubscribe}, um keine E-Mails zu diesem Artikel mehr zu bekommen.',
    followUnsubText: 'Abmelden (keine E-Mails zu diesem Artikel mehr):',
    followConfirmSubject: 'Bitte bestätigen: neue Kommentare zu {title}',
    followConfirmAsked: 'Du möchtest eine E-Mail bekommen, wenn neue Kommentare zu {title} veröffentlicht werden.',
    followConfirmIgnore: 'Wenn du das nicht angefordert hast, ignoriere diese E-Mail: Du bekommst dann nichts.',
    followEvery: 'Höchstens eine E-Mail alle {n} Minuten, mit den neuen Kommentaren.',
    digestSubjectOne: 'Neuer Kommentar zu {title}',
    digestSubjectMany: '{n} neue Kommentare zu {title}',
    digestIntroOne: 'Zu {title} wurde ein neuer Kommentar veröffentlicht:',
    digestIntroMany: 'Zu {title} wurden {n} neue Kommentare veröffentlicht:',
    digestWrote: '{who} schrieb:',
    digestMoreOne: 'Ein weiterer Kommentar steht auf der Seite.',
    digestMoreMany: '{n} weitere Kommentare stehen auf der Seite.',
    digestRead: 'Diskussion lesen',
  },
  'pt-BR': {
    quote: (s) => `“${s}”`,
    hello: 'Olá, {name},',
    helloAnon: 'Olá,',
    helloPlain: 'Olá,',
    someone: 'Alguém',
    anArticle: 'um artigo',
    footWhy: 'Você recebe este e-mail porque pediu a {site} para avisar sobre respostas.',
    unsubscribe: 'Cancelar a inscrição',
    unsubHtml: '{unsubscribe} para não receber mais e-mails de respostas de {site}.',
    unsubText: 'Cancelar a inscrição (nenhum e-mail de respostas de {site}):',
    privacy: 'Ver, baixar ou apagar seus comentários',
    replySubject: '{who} respondeu ao seu comentário em {title}',
    replyIntro: '{who} respondeu ao seu comentário em {title}:',
    yourComment: 'Seu comentário:',
    readAndAnswer: 'Leia a resposta e responda:',
    readReply: 'Ler a resposta',
    confirmSubject: 'Confirme seu endereço de e-mail',
    confirmAsked: 'Você pediu para ser avisado sobre respostas ao seu comentário em {title}.',
    confirmFirst: 'Primeiro, confirme seu endereço:',
    confirmButton: 'Confirmar meu endereço',
    confirmIgnore: 'Se você não pediu isso, ignore este e-mail: você não receberá e-mails de respostas.',
    confirmDays: 'O link funciona por 7 dias.',
    approvedSubject: 'Seu comentário em {title} foi publicado',
    approvedIntro: 'Seu comentário em {title} foi aprovado e já está publicado:',
    seeIt: 'Ver na página',
    pSubject: 'Seus comentários e dados',
    pAsked: 'Você (ou alguém que digitou seu endereço) perguntou quais comentários {site} guarda para este endereço de e-mail.',
    pOpen: 'Abra este link para vê-los, baixá-los, parar todos os e-mails ou apagar tudo:',
    pButton: 'Ver meus comentários e dados',
    pWorks: 'O link funciona por 24 horas (até {until}). Qualquer pessoa com ele pode ver e apagar seus comentários: não encaminhe este e-mail.',
    pOpenHere: '{link} se o botão não funcionar.',
    pOpenHereLabel: 'Abra aqui',
    pIgnore: 'Se você não pediu isso, ignore este e-mail: nada muda.',
    pWhy: 'Você recebe este e-mail porque seu endereço foi digitado na página de privacidade de {site}.',
    followFootWhy: 'Você recebe este e-mail porque pediu a {site} para enviar os novos comentários em {title}.',
    followUnsubHtml: '{unsubscribe} para não receber mais e-mails sobre este artigo.',
    followUnsubText: 'Cancelar a inscrição (nenhum e-mail sobre este artigo):',
    followConfirmSubject: 'Confirme: novos comentários em {title}',
    followConfirmAsked: 'Você pediu para receber um e-mail quando novos comentários forem publicados em {title}.',
    followConfirmIgnore: 'Se você não pediu isso, ignore este e-mail: você não receberá nada.',
    followEvery: 'No máximo um e-mail a cada {n} minutos, com os novos comentários.',
    digestSubjectOne: 'Novo comentário em {title}',
    digestSubjectMany: '{n} novos comentários em {title}',
    digestIntroOne: 'Um novo comentário foi publicado em {title}:',
    digestIntroMany: '{n} novos comentários foram publicados em {title}:',
    digestWrote: '{who} escreveu:',
    digestMoreOne: 'Há mais um comentário na página.',
    digestMoreMany: 'Há mais {n} comentários na página.',
    digestRead: 'Ler a discussão',
  },
}

/** The words for a stored language (null or unknown: English). */
export const words = (lang?: string | null): EmailWords => WORDS[emailLang(lang) ?? 'en']

/** Fills `{placeholders}` with plain text (the text part, subjects). */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m)
}

/** Escapes the template's own words and puts in the given HTML (already escaped) as it is. */
export function fillHtml(template: string, vars: Record<string, string>): string {
  return template
    .split(/(\{\w+\})/)
    .map((part) => {
      const k = /^\{(\w+)\}$/.exec(part)?.[1]
      return k !== undefined && vars[k] !== undefined ? vars[k] : esc(part)
    })
    .join('')
}

/** The greeting, with or without a name. */
export function hello(w: EmailWords, name: string): string {
  return name ? fill(w.hello, { name }) : w.helloAnon
}
