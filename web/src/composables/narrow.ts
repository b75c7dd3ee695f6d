// The phone breakpoint: below kNarrowMaxWidth CSS pixels (a phone held upright, 浙里办 or 粤省事 in
// its web view), the console's side menu becomes a drawer and tables become card lists
// (components/ResponsiveTable.vue). styles.css uses the same width in its @media rules.
//
// One media query for the whole page, shared by every caller: useNarrow() returns a read-only ref
// that follows the window as it is resized or turned.
import { readonly, ref, type Ref } from 'vue'

export const kNarrowMaxWidth = 767 // px; Element Plus's own `sm` step starts at 768

const narrow = ref(false)
let watching = false

function watchViewport() {
  if (watching || typeof window === 'undefined' || !window.matchMedia) return
  watching = true
  const query = window.matchMedia(`(max-width: ${kNarrowMaxWidth}px)`)
  narrow.value = query.matches
  query.addEventListener('change', (e) => (narrow.value = e.matches))
}

/** True while the viewport is a phone's width (at most kNarrowMaxWidth px). */
export function useNarrow(): Readonly<Ref<boolean>> {
  watchViewport()
  return readonly(narrow)
}
