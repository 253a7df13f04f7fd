import type { Migration } from 'kysely'
import * as m0001 from './0001_initial.js'
import * as m0002 from './0002_audit_global.js'
import * as m0004 from './0004_site_roles.js'
import * as m0005 from './0005_imports.js'
import * as m0006 from './0006_privacy.js'
import * as m0008 from './0008_hot_paths.js'
import * as m0009 from './0009_titles_and_urls.js'
import * as m0010 from './0010_reader_features.js'
import * as m0011 from './0011_comment_lang.js'
import * as m0012 from './0012_follow_digests.js'
import * as m0014 from './0014_thread_deltas.js'

// One static index, so migrations also run where there is no filesystem (Workers).
// Add new migrations here, in order; never rename or edit a shipped one.
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_audit_global': m0002,
  '0004_site_roles': m0004,
  '0005_imports': m0005,
  '0006_privacy': m0006,
  '0008_hot_paths': m0008,
  '0009_titles_and_urls': m0009,
  '0010_reader_features': m0010,
  '0011_comment_lang': m0011,
  '0012_follow_digests': m0012,
  '0014_thread_deltas': m0014,
}
