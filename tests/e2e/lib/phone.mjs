// Checks for a page shown on a phone (a 390×844 viewport, as an iPhone 14 in 浙里办 or 粤省事):
// nothing wider than the screen, the console header's title on one line, values shown whole.
// Each throws an Error naming what failed and where.

/** The viewport of the phone walk-through (CSS pixels), and the context options that make it one. */
export const kPhone = { width: 390, height: 844 }
export const phoneContext = { viewport: kPhone, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

/**
 * Nothing scrolls sideways: the window is still the phone's width (a mobile browser zooms a page
 * that is too wide out, which widens innerWidth), the document is no wider than the window, and
 * no visible element sticks out past either edge (so an element inside a box that scrolls
 * sideways, such as a wide el-table's cells, counts: the reader would have to scroll to it).
 */
export async function assertFitsScreen(page, where) {
  const found = await page.evaluate(() => {
    const width = window.innerWidth
    const doc = document.documentElement.scrollWidth
    const out = []
    for (const el of document.body.querySelectorAll('*')) {
      if (out.length >= 5) break
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      if (r.right > width + 1 || r.left < -1) {
        const tag = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`
        out.push(`${tag} [${Math.round(r.left)}, ${Math.round(r.right)}] "${(el.textContent ?? '').trim().slice(0, 30)}"`)
      }
    }
    return { width, doc, out }
  })
  const sticking = found.out.length ? `; sticking out: ${found.out.join('; ')}` : ''
  if (found.width !== kPhone.width) throw new Error(`${where}: the browser zoomed out to show ${found.width} px on a ${kPhone.width} px screen${sticking}`)
  if (found.doc > found.width) throw new Error(`${where}: the page is ${found.doc} px wide on a ${found.width} px screen${sticking}`)
  if (found.out.length) throw new Error(`${where}: wider than the ${found.width} px screen${sticking}`)
}

/** The element is shown on one line: its height is under two of its lines. */
export async function assertOneLine(page, selector, where) {
  const box = await page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect()
    const style = getComputedStyle(el)
    const fontSize = parseFloat(style.fontSize)
    const lineHeight = style.lineHeight === 'normal' ? fontSize * 1.4 : parseFloat(style.lineHeight)
    return { height: r.height, width: r.width, lineHeight, text: el.textContent.trim() }
  })
  if (!box.width || box.height >= 1.9 * box.lineHeight) {
    throw new Error(`${where}: "${box.text}" takes ${Math.round(box.height)} px (${Math.round(box.width)} px wide); one line is ${Math.round(box.lineHeight)} px`)
  }
}

/**
 * Every value under `selector` is whole: each element holding text lies within the screen, and
 * its text is not clipped (scrollWidth <= clientWidth: it wraps rather than being cut).
 */
export async function assertValuesWhole(page, selector, where) {
  const bad = await page.locator(selector).first().evaluate((root) => {
    const width = window.innerWidth
    const out = []
    let seen = 0
    for (const el of root.querySelectorAll('*')) {
      const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim()
      if (!text || !el.checkVisibility({ visibilityProperty: true })) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0) continue
      seen++
      if (r.left < -1 || r.right > width + 1) out.push(`"${text.slice(0, 30)}" off the screen at [${Math.round(r.left)}, ${Math.round(r.right)}]`)
      else if (el.scrollWidth > el.clientWidth + 1) out.push(`"${text.slice(0, 30)}" clipped: ${el.scrollWidth} px of text in ${el.clientWidth} px`)
    }
    return { seen, out }
  })
  if (!bad.seen) throw new Error(`${where}: no values under ${selector}`)
  if (bad.out.length) throw new Error(`${where}: ${bad.out.length} of ${bad.seen} values cut off: ${bad.out.slice(0, 4).join('; ')}`)
}
