// Email templates: pure functions from typed data to {subject, text, html}.
export type { RenderedEmail } from './layout.js'
export { moderationNeeded, type ModerationNeededData } from './moderation-needed.js'
export { reply, type ReplyData } from './reply.js'
export { confirmAddress, type ConfirmAddressData } from './confirm-address.js'
export { commentApproved, type CommentApprovedData } from './comment-approved.js'
export { newCommentForAuthor, type NewCommentAuthorData } from './new-comment-author.js'
export { moderatorInvite, type ModeratorInviteData } from './moderator-invite.js'
export { privacyLink, type PrivacyLinkData } from './privacy-link.js'
