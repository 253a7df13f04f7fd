import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { ImportResult } from '../imports/import.service.js'
import { IMPORT_MAX_BYTES, type ImportJob } from '../imports/jobs.js'
import type { Site } from '../sites/site.service.js'
import { Layout, Time, type Flash } from './layout.js'

const FORMAT: Record<ImportJob['format'], string> = { wordpress: 'WordPress', disqus: 'Disqus', parley: 'Parley export' }
const STATE: Record<ImportJob['state'], string> = {
  checking: 'Checking the file',
  checked: 'Checked — waiting for you to confirm',
  importing: 'Importing',
  done: 'Imported',
  failed: 'Failed',
}
const n = (x: number) => x.toLocaleString('en-US')
const mb = (b: number) => (b < 1048576 ? `${Math.ceil(b / 1024)} KB` : `${(b / 1048576).toFixed(1)} MB`)

/** What a dry run found, or what an import wrote: the CLI's summary as a table. */
export const ImportSummaryTable: FC<{ r: ImportResult; caption: string }> = ({ r, caption }) => {
  const s = r.summary
  const rows: [string, string][] = [
    ['Threads', `${n(s.threads)}${r.moved ? ` (the URL map moved ${n(r.moved)})` : ''}`],
    ['Comments', n(s.comments)],
    ['… approved', n(s.byStatus.approved)],
    ['… pending', n(s.byStatus.pending)],
    ['… spam', n(s.byStatus.spam)],
    ['… rejected (trash)', n(s.byStatus.rejected)],
    ['… deleted, kept for their replies', n(s.byStatus.deleted)],
    ['Skipped: already imported', n(s.skipped.alreadyImported)],
    ['Skipped: pingbacks', n(s.skipped.pingback)],
    ['Skipped: trackbacks', n(s.skipped.trackback)],
    ['Skipped: thread not in the file', n(s.skipped.orphan)],
    ['Skipped: invalid records', n(s.skipped.invalid)],
  ]
  if (r.deletedWithoutReplies) rows.push(['Skipped: deleted posts without replies', n(r.deletedWithoutReplies)])
  return (
    <>
      <div class="table-wrap">
        <table class="summary">
          <caption>{caption}</caption>
          <tbody>
            {rows.map(([k, v]) => (
              <tr>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.invalidRecords.length ? (
        <>
          <h3>Invalid records{s.skipped.invalid > r.invalidRecords.length ? ` (the first ${r.invalidRecords.length} of ${n(s.skipped.invalid)})` : ''}</h3>
          <ul class="invalid">
            {r.invalidRecords.map((i) => (
              <li>
                Line {i.line}
                {i.id ? `, comment ${i.id}` : ''}: {i.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="muted small">
        Source: <code>{r.source}</code> · read in {r.summary.seconds} s
      </p>
    </>
  )
}

export const ImportPage: FC<{ m: ModeratorIdentity; site: Site; jobs: ImportJob[]; enabled: boolean; flash: Flash | null }> = ({ m, site, jobs, enabled, flash }) => {
  const base = `/mod/sites/${site.id}`
  return (
    <Layout title={`Import and export · ${site.name}`} m={m} nav="settings" settingsSite={site.id} flash={flash}>
      <p class="muted small">
        <a href={`${base}/settings`}>← Settings · {site.name}</a>
      </p>
      <h1>Import and export · {site.name}</h1>

      <section class="panel" aria-labelledby="import">
        <h2 id="import">Import comments</h2>
        <p>
          Upload an export from WordPress (Tools → Export, “All content”) or from Disqus (Admin → Moderation → Export). Parley first reads the whole
          file and shows what it would import; nothing is written until you confirm. Statuses come from the file, no email is sent, and importing
          the same file twice adds nothing.
        </p>
        {enabled ? (
          <form method="post" action={`${base}/import`} enctype="multipart/form-data" class="import-form">
            <fieldset>
              <legend>Exported from</legend>
              <label class="check">
                <input type="radio" name="format" value="wordpress" checked /> WordPress (WXR, .xml)
              </label>
              <label class="check">
                <input type="radio" name="format" value="disqus" /> Disqus (.xml)
              </label>
            </fieldset>
            <div class="field">
              <label for="i-file">Export file</label>
              <input type="file" id="i-file" name="file" accept=".xml,.wxr,application/xml,text/xml" required aria-describedby="i-file-hint" />
              <span class="hint" id="i-file-hint">
                Up to {IMPORT_MAX_BYTES / 1048576} MB. Larger files: <code>npm run parley -- import wordpress &lt;file&gt; --site {site.id}</code>
              </span>
            </div>
            <button class="btn primary" type="submit">
              Upload and check
            </button>
          </form>
        ) : (
          <p class="notice bad">This server has no file storage for uploads. Use the command line: <code>npm run parley -- import wordpress &lt;file&gt; --site {site.id}</code></p>
        )}
      </section>

      {jobs.length ? (
        <section class="panel" aria-labelledby="recent">
          <h2 id="recent">Recent uploads on this server</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">From</th>
                  <th scope="col">State</th>
                  <th scope="col">Uploaded</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr>
                    <td>
                      <a href={`${base}/import/${j.id}`}>{j.fileName}</a>
                    </td>
                    <td>{FORMAT[j.format]}</td>
                    <td>{STATE[j.state]}</td>
                    <td>
                      <Time at={j.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section class="panel" aria-labelledby="export">
        <h2 id="export">Export</h2>
        <p>
          Everything of this site — threads, comments of every status, article authors and bans — as one NDJSON file that another Parley imports
          with <code>npm run parley -- import parley &lt;file&gt; --site &lt;id&gt;</code>.
        </p>
        <p>
          <strong>The file holds personal data</strong> (commenters' email addresses, IP keys, reports): keep it somewhere safe and delete it when
          you are done.
        </p>
        <a class="btn" href={`/api/mod/sites/${site.id}/export`} download>
          Download the export
        </a>
      </section>
    </Layout>
  )
}

export const ImportJobPage: FC<{ m: ModeratorIdentity; site: Site; job: ImportJob; flash: Flash | null }> = ({ m, site, job, flash }) => {
  const base = `/mod/sites/${site.id}`
  const running = job.state === 'checking' || job.state === 'importing'
  const r = job.result
  return (
    <Layout title={`Import · ${job.fileName}`} m={m} nav="settings" settingsSite={site.id} flash={flash}>
      <p class="muted small">
        <a href={`${base}/import`}>← Import and export · {site.name}</a>
      </p>
      <h1>
        Import · <span class="filename">{job.fileName}</span>
      </h1>
      <p class="muted small">
        {FORMAT[job.format]} · {mb(job.bytes)} · uploaded <Time at={job.createdAt} /> by {job.createdBy.email}
      </p>
      <section class="panel" id="import-job" data-state={job.state} data-poll={`/api/mod/sites/${site.id}/imports/${job.id}`} aria-labelledby="job-state">
        <h2 id="job-state">{STATE[job.state]}</h2>
        {running ? (
          <>
            <p>{job.state === 'checking' ? 'Reading the whole file to show you what it holds. Nothing is written yet.' : 'Writing the comments in one transaction: all of them, or none if something fails.'}</p>
            <progress id="import-progress" max={job.bytes} value={job.progress.bytesRead} aria-describedby="import-detail">
              {Math.round((job.progress.bytesRead / Math.max(1, job.bytes)) * 100)}%
            </progress>
            <p class="muted small" id="import-detail" aria-live="polite">
              {n(job.progress.comments)} comments so far · {mb(job.progress.bytesRead)} of {mb(job.bytes)} read
            </p>
            <p class="small">
              <a href={`${base}/import/${job.id}`}>Refresh</a> (the page updates itself while scripts run)
            </p>
          </>
        ) : null}
        {job.state === 'checked' && job.check ? (
          <>
            <p>
              {job.check.summary.comments === 0
                ? 'There is nothing new to import: every comment in this file is already here, or skipped.'
                : `Nothing has been written yet. Importing adds ${n(job.check.summary.comments)} comments to ${n(job.check.summary.threads)} threads.`}
            </p>
            <ImportSummaryTable r={job.check} caption="What the file holds (dry run)" />
            <div class="actions-row">
              <form method="post" action={`${base}/import/${job.id}/confirm`}>
                <button class="btn primary" type="submit">
                  Import {n(job.check.summary.comments)} comments
                </button>
              </form>
              <form method="post" action={`${base}/import/${job.id}/discard`}>
                <button class="btn" type="submit">
                  Cancel and delete the upload
                </button>
              </form>
            </div>
          </>
        ) : null}
        {job.state === 'done' && r ? (
          <>
            <div class="notice" role="status">
              Imported {n(r.summary.comments)} comments into {n(r.summary.threads)} threads.
            </div>
            <ImportSummaryTable r={r} caption="What was imported" />
            <p>
              <a class="btn" href={`/mod/queue?site=${site.id}&queue=pending`}>
                Open the pending queue
              </a>{' '}
              <a class="btn link" href={`${base}/import`}>
                Import another file
              </a>
            </p>
          </>
        ) : null}
        {job.state === 'failed' ? (
          <>
            <div class="notice bad" role="alert">
              {job.error}
            </div>
            <p>
              <a class="btn" href={`${base}/import`}>
                Try another file
              </a>
            </p>
          </>
        ) : null}
      </section>
    </Layout>
  )
}
