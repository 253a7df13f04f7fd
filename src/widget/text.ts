/** Every string a reader sees, in one place. */
export const T = {
  comments: (n: number) => (n === 0 ? 'No comments yet' : n === 1 ? '1 Comment' : `${n} Comments`),
  count: (n: number) => (n === 0 ? 'No comments' : n === 1 ? '1 comment' : `${n} comments`),
  leave: 'Leave a Reply',
  leaveTo: (name: string) => `Leave a Reply to ${name}`,
  cancelReply: 'Cancel reply',
  note: 'Your email address will not be published.',
  privacy: 'See or erase your comments',
  required: ' Required fields are marked ',
  save: 'Save my name, email, and website in this browser for the next time I comment.',
  notify: 'Notify me of follow-up replies by email.',
  post: 'Post Comment',
  posting: 'Posting…',
  reply: 'Reply',
  edit: 'Edit',
  del: 'Delete',
  report: 'Report',
  deleted: 'This comment was deleted.',
  held: 'Your comment is awaiting moderation.',
  published: 'Your comment has been published.',
  updated: 'Your comment was updated.',
  heldMsg: 'Thank you. Your comment is awaiting moderation.',
  more: 'Load more comments',
  closed: 'Comments are closed.',
  loadFailed: 'Comments could not be loaded.',
  retry: 'Try again',
  anonymous: 'Anonymous',
  fix: 'Please check the form: ',
  tooFast: (s: number) => `You are posting comments too quickly. Please wait ${s || 15} seconds and try again.`,
  why: 'Why are you reporting this?',
  reasons: [
    ['spam', 'Spam'],
    ['abusive', 'Abusive'],
    ['offensive', 'Offensive'],
    ['other', 'Something else'],
  ] as const,
  cancel: 'Cancel',
  reported: 'Thank you. A moderator will take a look.',
  confirmDelete: 'Delete this comment?',
  keep: 'Keep it',
  save_: 'Save',
  editLabel: 'Edit your comment',
  wasDeleted: 'Your comment was deleted.',
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
