/**
 * Every string a reader sees, in one place (so the widget can be translated: swap this module).
 * Functions take what varies (a count, a name); nothing else in the widget writes English.
 */
export const T = {
  comments: (n: number) => (n === 0 ? 'No comments yet' : n === 1 ? '1 Comment' : `${n} Comments`),
  /** The heading while loading, and above only the reader's own held comments. */
  commentsPlain: 'Comments',
  count: (n: number) => (n === 0 ? 'No comments' : n === 1 ? '1 comment' : `${n} comments`),
  leave: 'Leave a Reply',
  leaveTo: (name: string) => `Leave a Reply to ${name}`,
  cancelReply: 'Cancel reply',
  note: 'Your email address will not be published.',
  privacy: 'See or erase your comments',
  required: ' Required fields are marked ',
  save: 'Save my name, email, and website in this browser for the next time I comment.',
  notify: 'Notify me of follow-up replies by email.',
  // The API does not say whether an address is already confirmed (that would tell anyone who
  // types a stranger's address whether they comment here), so this stays honest either way.
  notifyNote: 'Unless you have confirmed this address before, look for our email and confirm it to get replies by email.',
  hp: 'Leave this field empty',
  post: 'Post Comment',
  posting: 'Posting…',
  commentBy: (name: string) => `Comment by ${name}`,
  reply: 'Reply',
  replyTo: (name: string) => `Reply to ${name}`,
  edit: 'Edit',
  del: 'Delete',
  report: 'Report',
  reportWho: (name: string) => `Report ${name}'s comment`,
  edited: '(edited)',
  deleted: 'This comment was deleted.',
  held: 'Your comment is awaiting moderation.',
  published: 'Your comment has been published.',
  updated: 'Your comment was updated.',
  heldMsg: 'Thank you. Your comment is awaiting moderation.',
  more: 'Load more comments',
  loading: 'Loading comments…',
  closed: 'Comments are closed.',
  loadFailed: 'Comments could not be loaded.',
  retry: 'Retry',
  anonymous: 'Anonymous',
  fix: 'Please check the form: ',
  isRequired: 'is required',
  badEmail: 'must be a valid email address',
  emailForNotify: 'is needed for reply notifications',
  tooFast: (s: number) => `You are posting comments too quickly. Please wait ${s || 15} seconds and try again.`,
  why: (name: string) => `Why are you reporting ${name}'s comment?`,
  reasons: [
    ['spam', 'Spam'],
    ['abusive', 'Abusive'],
    ['offensive', 'Offensive'],
    ['other', 'Something else'],
  ] as const,
  details: 'What is wrong with it?',
  chooseReason: 'Choose a reason.',
  sendReport: 'Send report',
  cancel: 'Cancel',
  reported: 'Thank you. A moderator will take a look.',
  confirmDelete: 'Delete this comment?',
  keep: 'Keep it',
  save_: 'Save',
  editLabel: 'Edit your comment',
  wasDeleted: 'Your comment was deleted.',
  linkHeld: 'The linked comment is awaiting moderation.',
  linkGone: 'The linked comment is no longer available.',
  linkMissing: 'The linked comment could not be found on this page.',
  left: (ms: number) => {
    const s = Math.max(0, Math.ceil(ms / 1000))
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left to edit`
  },
}

export const LABELS: Record<string, string> = { body: 'Comment', name: 'Name', email: 'Email', url: 'Website' }

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
]

export function ago(iso: string, now = Date.now()): string {
  const s = (Date.parse(iso) - now) / 1000
  for (const [unit, n] of UNITS) if (Math.abs(s) >= n) return rtf.format(Math.round(s / n), unit)
  return 'just now'
}

// One formatter for all: toLocaleString builds a new one per call, which 200 comments feel.
const dtf = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short' })
export const exact = (iso: string) => dtf.format(new Date(iso))
