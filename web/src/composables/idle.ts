// Signs the user out after a period without keyboard, mouse or touch input, and takes them back
// to sign-in with a notice. The server ends idle sessions too (30 minutes by default); this makes
// the browser follow without waiting for the next call to fail.
import { onBeforeUnmount, onMounted } from 'vue'

const kEvents = ['mousemove', 'mousedown', 'keydown', 'touchstart', 'wheel'] as const

/** Minutes of inactivity; `localStorage['zt.idleMinutes']` overrides the default (for tests and kiosks). */
export function idleMinutes(): number {
  const v = Number(localStorage.getItem('zt.idleMinutes'))
  return Number.isFinite(v) && v > 0 ? v : 30
}

export function useIdleTimeout(onIdle: () => void) {
  let last = Date.now()
  let timer: number | undefined
  const touch = () => (last = Date.now())
  onMounted(() => {
    kEvents.forEach((e) => window.addEventListener(e, touch, { passive: true }))
    timer = window.setInterval(() => {
      if (Date.now() - last > idleMinutes() * 60_000) {
        window.clearInterval(timer)
        onIdle()
      }
    }, 1000)
  })
  onBeforeUnmount(() => {
    kEvents.forEach((e) => window.removeEventListener(e, touch))
    window.clearInterval(timer)
  })
}
