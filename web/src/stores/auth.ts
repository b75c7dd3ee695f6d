// The signed-in user: token (kept in sessionStorage, so a reload keeps the session but closing
// the browser ends it), the user from /auth/me with its permissions, sign-in and sign-out.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, setToken, ApiError } from '@/api/client'
import type { LoginAnswer, User } from '@/api/types'

const kTokenKey = 'zt.token'

export const useAuth = defineStore('auth', () => {
  const token = ref<string | null>(sessionStorage.getItem(kTokenKey))
  const user = ref<User | null>(null)
  const totpEnrolmentRequired = ref(false)
  setToken(token.value)

  const permissions = computed(() => new Set(user.value?.permissions ?? []))
  const roles = computed(() => new Set(user.value?.roles ?? []))
  const signedIn = computed(() => !!token.value)
  const mustChangePassword = computed(() => !!user.value?.must_change_password)

  function can(permission: string) {
    return permissions.value.has(permission)
  }
  function hasRole(role: string) {
    return roles.value.has(role)
  }

  function remember(t: string | null) {
    token.value = t
    setToken(t)
    if (t) sessionStorage.setItem(kTokenKey, t)
    else sessionStorage.removeItem(kTokenKey)
  }

  async function login(username: string, password: string, totp?: string) {
    const body: Record<string, string> = { username, password }
    if (totp) body.totp = totp
    const answer = await api.post<LoginAnswer>('/api/v1/auth/login', body, { noAuthRedirect: true })
    remember(answer.token)
    totpEnrolmentRequired.value = answer.totp_enrolment_required
    user.value = answer.user
    await loadMe()
    return answer
  }

  async function loadMe() {
    if (!token.value) return null
    const me = await api.get<User>('/api/v1/auth/me')
    user.value = me
    // Enrolment is needed when a TOTP role has no TOTP yet; /auth/me does not say, so we keep
    // what sign-in said and clear it once confirmed.
    return me
  }

  /** Ends the session on the server (best effort) and forgets it here. */
  async function logout() {
    if (token.value) {
      try {
        await api.post('/api/v1/auth/logout')
      } catch (e) {
        if (!(e instanceof ApiError)) throw e
      }
    }
    forget()
  }

  function forget() {
    remember(null)
    user.value = null
    totpEnrolmentRequired.value = false
  }

  return {
    token, user, totpEnrolmentRequired, permissions, roles, signedIn, mustChangePassword,
    can, hasRole, login, loadMe, logout, forget,
  }
})
