/**
 * A 5×5 mirrored identicon as SVG, drawn from an avatar key (hex). The key is an HMAC
 * of the email, so the picture says nothing a third party could match to an address.
 */
export function identiconSvg(key: string): string {
  const hex = /^[0-9a-f]{16,}$/.test(key) ? key : '0'.repeat(32)
  const nibble = (i: number) => parseInt(hex[i % hex.length]!, 16)
  const hue = Math.round((parseInt(hex.slice(0, 4), 16) / 0xffff) * 360)
  const fg = `hsl(${hue} 55% 48%)`
  const bg = `hsl(${hue} 40% 92%)`
  const cells: string[] = []
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 3; x++) {
      if (nibble(4 + y * 3 + x) % 2 === 0) continue
      for (const cx of x === 2 ? [2] : [x, 4 - x]) {
        cells.push(`<rect x="${cx * 8 + 4}" y="${y * 8 + 4}" width="8" height="8"/>`)
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">` +
    `<rect width="48" height="48" fill="${bg}"/><g fill="${fg}">${cells.join('')}</g></svg>`
  )
}

/** The neutral picture of an author whose comment is not published yet (a grey silhouette). */
export const DEFAULT_AVATAR_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">` +
  `<rect width="48" height="48" fill="#e5e7eb"/><g fill="#9ca3af"><circle cx="24" cy="19" r="9"/>` +
  `<path d="M8 44c0-9 7-15 16-15s16 6 16 15z"/></g></svg>`
